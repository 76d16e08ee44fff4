"""Build a plan from a protocol, a patient and a start date. Pure and deterministic: no clock, no I/O."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from . import rules, screen
from .doses import format_mg
from .errors import InputError
from .formulations import Formulation, default_capsules
from .model import DoseDay, Finding, Override, Patient, Phase, Plan, Protocol
from .supply import Supply, plan_refills
from .wallclock import (EVENING_WINDOW, MINUTES_PER_DAY, Window, date_exists, dose_clock, load_zone, local_dates,
                        record_zone, skipped_dates)

#: Without an end date, the plan runs through the titration and this many days at the target.
MAINTENANCE_DAYS = 28
#: A moved dose (override window) keeps a window as long as the evening one, from the dose time.
MOVED_WINDOW_MINUTES = EVENING_WINDOW.end - EVENING_WINDOW.start
#: Ten years of days: long enough for any plan, short enough to catch a typo in --until.
MAX_DAYS = 3660
DEFAULT_DOSE_TIME = time(22, 0)


def derive_plan_id(label: str | None, start: date) -> str:
    """A stable id from the patient label and start date, so a re-made plan keeps its id (and its
    calendar events keep their UIDs)."""
    digest = hashlib.sha256(f"{label or ''}\n{start.isoformat()}".encode()).hexdigest()
    return f"ldn-{digest[:12]}"


def build_plan(protocol: Protocol, patient: Patient, start: date, *, time_zone: str, generated_at: datetime,
               dose_time: time = DEFAULT_DOSE_TIME, target_mg: Decimal | None = None,
               until: date | None = None, days: int | None = None, plan_id: str | None = None,
               revision: int = 1, overrides: tuple[Override, ...] = (), formulation: Formulation | None = None,
               supply: Supply = Supply()) -> Plan:
    """The day-by-day plan, or RefusedError naming the rule the request breaks.

    `target_mg` None means the protocol's target, capped at 3 mg for spasticity (rule: spasticity);
    an explicit target above the cap is refused. Give `until` (the last day) or `days`, or neither for the titration
    plus MAINTENANCE_DAYS at the target. `overrides` go past the rules that allow it, each with a reason.
    `formulation` (default: a capsule of each level's dose) says what the patient measures; `supply` how
    the pharmacy fills are cut and re-ordered.
    """
    zone = load_zone(time_zone)
    if dose_time.tzinfo is not None or dose_time.second or dose_time.microsecond:
        raise InputError(f"the dose time is a wall-clock hour and minute, with no zone or seconds (got {dose_time})")
    # A wall-clock time that happens twice (clocks going back) is the first, as RFC 5545 reads it.
    dose_time = dose_time.replace(fold=0)
    rules.check_overrides(overrides)
    overridden = frozenset(override.rule for override in overrides)
    target, notes = _choose_target(protocol, patient, target_mg, overridden)
    levels = protocol.levels(target)
    formulation = formulation or default_capsules(list(levels))
    rules.enforce_request(rules.Request(protocol, target, target_mg is not None, patient, dose_time, formulation,
                                        overridden))
    portions = {level: formulation.measure(level) for level in levels}
    warnings, screen_notes = screen.findings(patient)
    notes += screen_notes
    if not date_exists(start, zone):
        raise InputError(f"{start} is not a date in {zone.key}: the zone skipped it")
    count = _day_count(start, until, days, titration_days=(len(levels) - 1) * protocol.every_days)
    if until is not None:  # a date the zone skipped is not a day of the plan
        count -= len(skipped_dates(start, until, zone))
    plan_days = []
    # the days are the zone's real dates, so a skipped date counts toward no step (wallclock.local_dates)
    for index, day in zip(range(count), local_dates(start, zone)):
        level = min(index // protocol.every_days, len(levels) - 1)
        clock = dose_clock(day, dose_time, zone)
        phase = Phase.MAINTENANCE if level == len(levels) - 1 else Phase.TITRATION
        dose = levels[level]
        plan_days.append(DoseDay(day, index + 1, dose, clock.time, phase, formulation.amount_text(portions[dose]),
                                 portions[dose], (clock.note,) if clock.note else ()))
    notes += [Finding("window", f"{gap} does not exist in {zone.key} (the clocks skip the whole day): the plan "
                                f"has no dose on it") for gap in skipped_dates(start, plan_days[-1].date, zone)]
    if plan_days[-1].dose_mg < target:
        notes.append(Finding("gradual", f"the plan ends at {format_mg(plan_days[-1].dose_mg)} mg, before "
                                        f"the target of {format_mg(target)} mg"))
    refills = plan_refills([(day.date, day.dispense) for day in plan_days], supply, formulation.form)
    made_on = generated_at.astimezone(zone).date()
    if refills[0].reorder_on < made_on:
        warnings.append(Finding("supply", f"fill 1 should be ordered by {refills[0].reorder_on}, {supply.lead_days} "
                                          f"days before the start, and it is {made_on}: the start on "
                                          f"{start} may have to wait for the pharmacy"))
    plan = Plan(
        plan_id=plan_id if plan_id is not None else derive_plan_id(patient.label, start),
        revision=revision, generated_at=generated_at, patient=patient, protocol=protocol,
        target_mg=target, time_zone=zone.key, dose_time=dose_time, window=_window(dose_time, overridden),
        formulation=formulation, supply=supply, days=tuple(plan_days), refills=refills, warnings=tuple(warnings),
        notes=tuple(notes), overrides=overrides,
        rules_applied=tuple(rule.id for rule in rules.RULES),
        tzdata=record_zone(zone, start, plan_days[-1].date),
    )
    rules.enforce_plan(plan)
    return plan


def _window(dose_time: time, overridden: frozenset[str]) -> Window:
    if "window" not in overridden:
        return EVENING_WINDOW
    start = dose_time.hour * 60 + dose_time.minute
    return Window(start, min(start + MOVED_WINDOW_MINUTES, MINUTES_PER_DAY))


def _choose_target(protocol: Protocol, patient: Patient, target_mg: Decimal | None,
                   overridden: frozenset[str]) -> tuple[Decimal, list[Finding]]:
    if target_mg is not None:
        return target_mg, []
    if patient.spasticity and "spasticity" not in overridden and protocol.target_mg > rules.SPASTICITY_MAX_MG:
        return rules.SPASTICITY_MAX_MG, [Finding(
            "spasticity", f"target capped at {format_mg(rules.SPASTICITY_MAX_MG)} mg instead of "
                          f"{format_mg(protocol.target_mg)} mg: higher doses may add to muscle stiffness")]
    return protocol.target_mg, []


def _day_count(start: date, until: date | None, days: int | None, *, titration_days: int) -> int:
    if until is not None and days is not None:
        raise InputError("give the plan's length as days or as an end date, not both")
    if until is not None:
        if until < start:
            raise InputError(f"the end date {until} is before the start date {start}")
        days = (until - start).days + 1
    if days is None:
        days = titration_days + MAINTENANCE_DAYS
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"a plan runs 1 to {MAX_DAYS} days (got {days})")
    if (date.max - start).days < days:
        raise InputError(f"a plan of {days} days from {start} runs past the last date there is")
    return days

