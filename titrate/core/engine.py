"""PlanInputs -> Plan. Pure and deterministic: no clock, no I/O.

The dose schedule is a list of segments (a dose for some days, the last one held to the end) made from
the protocol's steps; each adjustment rewrites the segments from its effective date on, so every day
before it stays exactly as it was. The days, the pharmacy fills and the keyed events (re-order, review,
washout end, stop) all follow from the segments; the rules then check the result.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from titrate.core import rules, screen
from titrate.core.formulations import Formulation, default_capsules
from titrate.core.model import (
    DEFAULT_DOSE_TIME,
    DEFAULT_MAINTENANCE_DAYS,
    MAX_DAYS,
    Adjustment,
    AdjustmentKind,
    Cancelled,
    DoseDay,
    Event,
    EventKind,
    Finding,
    Override,
    Patient,
    Phase,
    Plan,
    PlanInputs,
    Protocol,
    Washout,
    pause_spans,
)
from titrate.core.protocols import capped, climb, hold_days, with_target
from titrate.core.record import Record, replace
from titrate.core.refills import Refill, Supply, plan_refills
from titrate.core.units import format_mg
from titrate.core.wallclock import (
    EVENING_WINDOW,
    MINUTES_PER_DAY,
    Window,
    date_exists,
    day_index,
    dose_clock,
    local_dates,
    nth_date,
    ordinary_day,
    record_offsets,
    skipped_dates,
    tz_version,
)
from titrate.errors import InputError, RefusedError

#: A moved dose (override window) keeps a window as long as the evening one, from the dose time.
MOVED_WINDOW_MINUTES = EVENING_WINDOW.end - EVENING_WINDOW.start
#: The dose of a paused segment: its days are no days of the plan (rule: pause).
PAUSED = Decimal(0)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
T = TypeVar("T")

__all__ = ["build", "build_plan", "derive_plan_id", "last_day"]


def derive_plan_id(label: str | None, start: date) -> str:
    """A stable id from the patient label and start date, so a re-made plan keeps its id (and its
    calendar events keep their UIDs)."""
    digest = sha256_hex(f"{label or ''}\n{start.isoformat()}".encode())
    return f"ldn-{digest[:12]}"


def sha256_hex(data: bytes) -> str:
    """SHA-256 by CPython's own implementation (what hashlib falls back to), imported alone: hashlib
    loads OpenSSL, about 4 ms of every command's start-up for this one id. The digest is the same."""
    if TYPE_CHECKING:
        from hashlib import sha256  # what the private modules below implement, as typeshed knows it
    else:
        try:
            from _sha256 import sha256  # CPython 3.11
        except ImportError:
            try:
                from _sha2 import sha256  # CPython 3.12 and later
            except ImportError:
                from hashlib import sha256
    return sha256(data).hexdigest()


class _Segment(Record):
    """`dose` for `days` days (None: to the end); `full` is the step's whole length, for a resume."""

    dose: Decimal
    days: int | None
    cause: str
    full: int | None


def build_plan(protocol: Protocol, patient: Patient, start: date, *, zone: ZoneInfo, generated_at: datetime,
               dose_time: time = DEFAULT_DOSE_TIME, target_mg: Decimal | None = None, until: date | None = None,
               days: int | None = None, plan_id: str | None = None, revision: int = 1,
               overrides: tuple[Override, ...] = (), formulation: Formulation | None = None,
               supply: Supply = Supply(), washout: Washout | None = None, review_after_days: int | None = 60,
               maintenance_days: int = DEFAULT_MAINTENANCE_DAYS) -> Plan:
    """A first plan from a protocol, a patient and a start date: the library's short way to build().

    Give `until` (the last day) or `days`, or neither for the titration plus `maintenance_days` at the
    target. `formulation` None takes one capsule of each dose the plan uses. `zone` is the patient's
    time zone, resolved from its name once by the caller (wallclock.load_zone).
    """
    inputs = PlanInputs(patient, protocol, start, zone, dose_time, formulation, supply,
                        last_day(start, days, until, zone), target_mg, overrides, (), washout,
                        review_after_days, maintenance_days)
    return build(inputs, generated_at=generated_at, plan_id=plan_id, revision=revision)


def last_day(start: date, days: int | None, until: date | None, zone: ZoneInfo) -> date | None:
    """The plan's last day from a length in days or an end date (None: the default length). Days are the
    zone's real dates: a date it skipped is no day."""
    if days is not None and until is not None:
        raise InputError("give the plan's length as days or as an end date, not both", field="days")
    if days is None:
        return until
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"a plan runs 1 to {MAX_DAYS} days (got {days})", field="days")
    if (date.max - start).days <= days:
        raise InputError(f"a plan of {days} days from {start} runs past the last date there is", field="days")
    return nth_date(start, days, zone)


def build(inputs: PlanInputs, *, generated_at: datetime, plan_id: str | None = None, revision: int = 1,
          supersedes: int | None = None, cancelled: tuple[Cancelled, ...] = ()) -> Plan:
    """The day-by-day plan, or RefusedError naming the rule (and the step) the request breaks.

    `cancelled` are the days and events earlier revisions had that this one does not (see revise.py).
    """
    inputs = replace(inputs, patient=screen.with_implied_spasticity(inputs.patient))
    protocol, notes = _checked_request(inputs)
    segments, times, targets, stop = _schedule(protocol, inputs, inputs.zone)
    doses = _expand(segments, _day_count(inputs, segments, stop, inputs.zone))
    formulation = inputs.formulation or default_capsules(sorted({dose for dose, _ in doses if dose != PAUSED}))
    plan_days = _dose_days(inputs, doses, times, targets, formulation)
    final_target = segments[-1].dose
    warnings, screen_notes = screen.findings(inputs.patient)
    notes += screen_notes + _day_notes(inputs, plan_days, final_target)
    refills = plan_refills([(day.date, day.dispense) for day in plan_days], inputs.supply, formulation.form)
    warnings += _late_first_fill(inputs, refills, generated_at)
    inputs = _review_resolved(inputs, plan_days, final_target)
    events, event_notes = _events(inputs, plan_days, refills, final_target, stop)
    notes += event_notes
    plan = Plan(
        plan_id=plan_id if plan_id is not None else derive_plan_id(inputs.patient.label, inputs.start),
        revision=revision, generated_at=generated_at, inputs=inputs, target_mg=final_target,
        window=_window(inputs.dose_time, inputs.overridden), formulation=formulation, days=tuple(plan_days),
        refills=refills, events=events, warnings=tuple(warnings), notes=tuple(notes),
        cancelled=_still_cancelled(cancelled, plan_days, events), supersedes=supersedes,
        tzdata=tz_version(), utc_offsets=record_offsets(inputs.zone, inputs.start, plan_days[-1].date),
        rules_applied=tuple(rule.id for rule in rules.RULES),
    )
    rules.enforce_plan(plan)
    return plan


def _checked_request(inputs: PlanInputs) -> tuple[Protocol, list[Finding]]:
    """The steps to plan and the notes on why, once the request itself keeps the rules: each step is
    checked before any day is made, so a bad step is named even in a short plan."""
    dose_time = inputs.dose_time
    if dose_time.tzinfo is not None or dose_time.second or dose_time.microsecond:
        raise InputError(f"the dose time is a wall-clock hour and minute, with no zone or seconds (got {dose_time})",
                         field="dose_time")
    rules.check_overrides(inputs.overrides)
    protocol, target, notes = _planned_protocol(inputs)
    rules.enforce_request(rules.Request(inputs.protocol, protocol, target, inputs.target_mg is not None,
                                        inputs.patient, dose_time, inputs.formulation, inputs.overridden,
                                        inputs.start, inputs.washout, inputs.adjustments))
    if not date_exists(inputs.start, inputs.zone):
        raise InputError(f"{inputs.start} is not a date in {inputs.zone.key}: the zone skipped it", field="start")
    return protocol, notes


def _dose_days(inputs: PlanInputs, doses: list[tuple[Decimal, str]], times: list[tuple[int, time]],
               targets: list[tuple[int, Decimal]], formulation: Formulation) -> list[DoseDay]:
    """One DoseDay per dose, on the zone's real dates (a date it skipped is no day and counts toward no
    step: wallclock.local_dates), at the dose time in force, moved only where the clocks change that night.
    What the patient measures, and each window, is worked out once per value, not once per day."""
    zone = inputs.zone
    levels = sorted({dose for dose, _ in doses if dose != PAUSED})
    portions = rules.enforce_formulation(formulation, levels)
    amounts = {dose: formulation.amount_text(portions[dose]) for dose in levels}
    windows = {wanted: _window(wanted, inputs.overridden) for _, wanted in times}
    plan_days: list[DoseDay] = []
    for index, ((dose, cause), day) in enumerate(zip(doses, local_dates(inputs.start, zone))):
        if dose == PAUSED:  # no dose while the course is paused; the days after it count on (rule: pause)
            continue
        wanted = _in_force(times, index)
        at: time = wanted
        clock_notes: tuple[str, ...] = ()
        if not ordinary_day(day, zone):  # the clocks may skip or repeat the dose time that night
            clock = dose_clock(day, wanted, zone)
            at, clock_notes = clock.time, (clock.note,) if clock.note else ()
        phase = Phase.MAINTENANCE if dose == _in_force(targets, index) else Phase.TITRATION
        plan_days.append(DoseDay(day, len(plan_days) + 1, dose, at, phase, amounts[dose], portions[dose],
                                 clock_notes, windows[wanted], cause))
    return plan_days


def _day_notes(inputs: PlanInputs, days: list[DoseDay], target: Decimal) -> list[Finding]:
    """What a reader of the days should be told: dates the zone skipped, a plan that ends below its
    target (rule: gradual), and each revision with its reason."""
    zone = inputs.zone
    notes = [Finding("window", f"{gap} does not exist in {zone.key} (the clocks skip the whole day): the plan "
                               f"has no dose on it") for gap in skipped_dates(inputs.start, days[-1].date, zone)]
    if days[-1].dose_mg < target:
        notes.append(Finding("gradual", f"the plan ends at {format_mg(days[-1].dose_mg)} mg, before "
                                        f"the target of {format_mg(target)} mg"))
    notes += [Finding("revision", f"revision {a.revision}, {a.describe()}: {a.reason}") for a in inputs.adjustments]
    return notes


def _late_first_fill(inputs: PlanInputs, refills: tuple[Refill, ...], generated_at: datetime) -> list[Finding]:
    """A warning when the first fill should already have been ordered (rule: supply). A revision made once
    the plan has begun has its own check of fills already ordered (revise.py)."""
    made_on = generated_at.astimezone(inputs.zone).date()
    if refills[0].reorder_on < made_on and (not inputs.adjustments or made_on <= inputs.start):
        return [Finding("supply", f"the first fill should be ordered by {refills[0].reorder_on}, "
                                  f"{inputs.supply.lead_days} days before the start, and it is {made_on}: "
                                  f"the start on {inputs.start} may have to wait for the pharmacy")]
    return []


def _still_cancelled(cancelled: tuple[Cancelled, ...], days: list[DoseDay],
                     events: tuple[Event, ...]) -> tuple[Cancelled, ...]:
    """What earlier revisions had and this one does not: a day or event this one still has is live."""
    if not cancelled:
        return ()
    live = {day.key for day in days} | {event.key for event in events}
    return tuple(item for item in cancelled if item.key not in live)


def _planned_protocol(inputs: PlanInputs) -> tuple[Protocol, Decimal, list[Finding]]:
    """The steps to plan, the target and why: an explicit target cuts or extends the protocol; without
    one, every step of a patient with spasticity is capped at 3 mg (rule: spasticity)."""
    protocol, patient = inputs.protocol, inputs.patient
    if inputs.target_mg is not None:
        return with_target(protocol, inputs.target_mg), inputs.target_mg, []
    highest = max(step.dose_mg for step in protocol.steps)
    if patient.spasticity and "spasticity" not in inputs.overridden and highest > rules.SPASTICITY_MAX_MG:
        planned = capped(protocol, rules.SPASTICITY_MAX_MG)
        return with_target(planned, planned.target_mg), planned.target_mg, [Finding(
            "spasticity", f"target capped at {format_mg(rules.SPASTICITY_MAX_MG)} mg instead of "
                          f"{format_mg(highest)} mg: higher doses may add to muscle stiffness")]
    return with_target(protocol, protocol.target_mg), protocol.target_mg, []


def _schedule(protocol: Protocol, inputs: PlanInputs, zone: ZoneInfo) -> tuple[list[_Segment], list[tuple[int, time]],
                                                               list[tuple[int, Decimal]], int | None]:
    """The dose segments; the dose times and the targets in force, each as (day offset, value) from
    that day on; and the offset a stop ends the plan at. A day is in maintenance when its dose is the
    target in force that day, so a later change of target never rewrites an earlier day's phase."""
    segments = [_Segment(step.dose_mg, step.days, f"step {number}", step.days)
                for number, step in enumerate(protocol.steps, start=1)]
    times: list[tuple[int, time]] = [(0, inputs.dose_time)]
    targets: list[tuple[int, Decimal]] = [(0, protocol.target_mg)]
    stop, stopped_on = None, None
    settled: Adjustment | None = None
    before_pause: list[_Segment] = []  # the segments a pause was applied to, for a resume that ends it early
    for adjustment in inputs.adjustments:
        offset = day_index(inputs.start, adjustment.effective, zone)
        if stop is not None:
            raise InputError(f"the plan stopped on {stopped_on}; nothing follows a stop",
                             field="from")
        if adjustment.kind is AdjustmentKind.RESUME:
            pause = _paused_by(settled, adjustment)
            segments = _pause(before_pause, pause, day_index(inputs.start, pause.effective, zone), offset, protocol)
            settled = adjustment
            continue
        if settled is not None and adjustment.effective < settled.settled_from:  # rule: pause
            raise InputError(f"the plan is paused from {settled.effective} until {settled.settled_from}; a later "
                             f"change takes effect from {settled.settled_from} on (got {adjustment.effective})",
                             field="from", value=adjustment.effective)
        settled = adjustment
        if offset < 0:
            raise InputError(f"an adjustment from {adjustment.effective} is before the start {inputs.start}",
                             field="from")
        if adjustment.kind is AdjustmentKind.RETIME:
            times.append((offset, _needed(adjustment, "time", adjustment.time)))
        elif adjustment.kind is AdjustmentKind.STOP:
            if offset == 0:
                raise InputError("a stop on the first day leaves no dose; give a later date", field="from")
            stop, stopped_on = offset, adjustment.effective
        elif adjustment.kind is AdjustmentKind.PAUSE:
            until = _needed(adjustment, "until", adjustment.until)
            if inputs.end is not None and until > inputs.end:
                raise InputError(f"a pause ends by the plan's last day, {inputs.end}, so that a dose follows it "
                                 f"(got {until})", field="until", value=until)
            before_pause = segments
            segments = _pause(segments, adjustment, offset, day_index(inputs.start, until, zone), protocol)
        else:
            if adjustment.kind is AdjustmentKind.TARGET:
                targets.append((offset, _needed(adjustment, "dose_mg", adjustment.dose_mg)))
            head, tail = _split(segments, offset)
            segments = head + _rewrite(adjustment, head, tail, protocol)
    return segments, times, targets, stop


def _paused_by(settled: Adjustment | None, resume: Adjustment) -> Adjustment:
    """The pause a resume ends early: the adjustment just before it, a pause in force on the resume's date
    (after its first day, before its own end); InputError on `from` otherwise (rule: pause)."""
    if settled is None or settled.kind is not AdjustmentKind.PAUSE or settled.until is None:
        raise InputError(f"a resume ends a pause early, but the plan is not paused on {resume.effective}",
                         field="from", value=resume.effective)
    if not settled.effective < resume.effective < settled.until:
        raise InputError(f"a resume ends the pause from {settled.effective} until {settled.until} early: give a "
                         f"date after {settled.effective} and before {settled.until} (got {resume.effective})",
                         field="from", value=resume.effective)
    return settled


def _pause(segments: list[_Segment], pause: Adjustment, offset: int, resume: int,
           protocol: Protocol) -> list[_Segment]:
    """`segments` with no dose from day `offset` until day `resume`, then resumed as `pause` says."""
    head, tail = _split(segments, offset)
    length = resume - offset
    return [*head, _Segment(PAUSED, length, "pause", length), *_resume(pause, tail, protocol)]


def _split(segments: list[_Segment], offset: int) -> tuple[list[_Segment], list[_Segment]]:
    """The segments before day `offset` and from it on; the last segment is open-ended, so one splits."""
    head: list[_Segment] = []
    position = 0
    for index, segment in enumerate(segments):
        if segment.days is None or position + segment.days > offset:
            cut = offset - position
            rest = None if segment.days is None else segment.days - cut
            before = head + ([replace(segment, days=cut)] if cut else [])
            return before, [replace(segment, days=rest), *segments[index + 1:]]
        head.append(segment)
        position += segment.days
    raise AssertionError("the last segment is open-ended")


def _rewrite(adjustment: Adjustment, head: list[_Segment], tail: list[_Segment],
             protocol: Protocol) -> list[_Segment]:
    """The segments from an adjustment's date on, after `head`. `tail[0]` is the step in progress."""
    current = tail[0]
    cause = adjustment.kind.value
    if adjustment.kind is AdjustmentKind.HOLD:
        return [_Segment(current.dose, adjustment.days, cause, adjustment.days), *tail]
    if adjustment.kind is AdjustmentKind.STEP_BACK:
        lower = adjustment.dose_mg if adjustment.dose_mg is not None else _level_below(protocol, current.dose)
        if lower >= current.dose:
            raise InputError(f"a step back goes below the current {format_mg(current.dose)} mg "
                             f"(got {format_mg(lower)} mg)", field="to")
        days = _needed(adjustment, "days", adjustment.days)
        if days < rules.HOLD_MIN_DAYS:  # the dose rises again after it (rule: gradual)
            raise RefusedError("gradual", f"a step back lasts at least {rules.HOLD_MIN_DAYS} days (got "
                                          f"{days}): the dose then rises again, and each level is held "
                                          f"at least {rules.HOLD_MIN_DAYS} days")
        # Climb back level by level, each held the 7-day minimum (rule: gradual), then take up the
        # interrupted step again from its beginning.
        back = [_Segment(level, rules.HOLD_MIN_DAYS, "resume", rules.HOLD_MIN_DAYS)
                for level in _levels_between(protocol, lower, current.dose)]
        return [_Segment(lower, days, cause, days), *back,
                replace(current, days=current.full, cause="resume"), *tail[1:]]
    # target: settle lower at once, or climb to it at the protocol's pace: the step in progress runs out
    # first (one held to the end, until the level has had its 7 days: rule gradual), then level by level
    target = _needed(adjustment, "dose_mg", adjustment.dose_mg)
    if target <= current.dose:
        return [_Segment(target, None, cause, None)]
    climbing = [_Segment(level, hold_days(protocol), cause, hold_days(protocol))
                for level in _levels_between(protocol, current.dose, target)]
    return [*_wait_before_climbing(head, current), *climbing, _Segment(target, None, cause, None)]


def _resume(adjustment: Adjustment, tail: list[_Segment], protocol: Protocol) -> list[_Segment]:
    """The segments after a pause: the interrupted step again from its beginning, at the dose held before
    it, for its full length, as a clinician expects after a break (its days before the pause do not count
    towards the climb); or with `restart` the protocol's first dose (never above the dose held), climbing
    level by level at the protocol's pace, each level held at least 7 days (rule: gradual), then the
    interrupted step again from its beginning (rule: pause)."""
    current = tail[0]
    if not adjustment.restart:
        return [replace(current, days=current.full), *tail[1:]]
    first = min(protocol.first_dose_mg, current.dose)
    again = replace(current, days=current.full, cause="restart")
    if first == current.dose:
        return [again, *tail[1:]]
    pace = hold_days(protocol)
    levels = [first, *_levels_between(protocol, first, current.dose)]
    climbing = [_Segment(level, pace, "restart", pace) for level in levels]
    return [*climbing, again, *tail[1:]]


def _wait_before_climbing(head: list[_Segment], current: _Segment) -> list[_Segment]:
    """The rest of the step in progress before a climb to a higher target: all of it, or for a step held
    to the end, what the level still lacks of its 7 days (rule: gradual). A step back during that wait
    resumes it from its beginning, and a level come back to is held the 7 days again: its `full` length."""
    if current.days is not None:
        return [current]
    wait = max(rules.HOLD_MIN_DAYS - _held(head, current.dose), 0)
    return [replace(current, days=wait, full=rules.HOLD_MIN_DAYS)] if wait else []


def _needed(adjustment: Adjustment, name: str, value: T | None) -> T:
    """A value the adjustment's kind needs (Adjustment checks, when it is built, that it is given)."""
    if value is None:
        raise InputError(f"a {adjustment.kind.value} needs {name}", field=name)
    return value


def _length(segment: _Segment) -> int:
    """The days of a segment before the last, the only one held to the end."""
    if segment.days is None:
        raise AssertionError(f"a segment before the last is held to the end: {segment}")
    return segment.days


def _held(head: list[_Segment], dose: Decimal) -> int:
    """How many days the segments before an adjustment end with at `dose`."""
    held = 0
    for segment in reversed(head):
        if segment.dose != dose:
            break
        held += _length(segment)
    return held


def _level_below(protocol: Protocol, dose: Decimal) -> Decimal:
    below = [level for level in protocol.levels() if level < dose]
    if not below:
        raise InputError(f"{format_mg(dose)} mg is the protocol's lowest level; give the dose to step back to",
                         field="to")
    return max(below)


def _levels_between(protocol: Protocol, low: Decimal, high: Decimal) -> list[Decimal]:
    """The protocol's levels strictly between `low` and `high`, with gaps over 1.5 mg filled (rule: gradual)."""
    levels = sorted(level for level in protocol.levels() if low < level < high)
    filled, previous = [], low
    for level in [*levels, high]:
        filled += [step.dose_mg for step in climb(previous, level, rise=rules.STEP_MAX_MG, days=1)]
        filled.append(level)
        previous = level
    return filled[:-1]


def _day_count(inputs: PlanInputs, segments: list[_Segment], stop: int | None, zone: ZoneInfo) -> int:
    if inputs.end is not None:
        count = day_index(inputs.start, inputs.end, zone) + 1
    else:
        # the maintenance days count from the first day of the last unbroken run at the final dose
        final = len(segments) - 1
        while final > 0 and segments[final - 1].dose == segments[-1].dose:
            final -= 1
        count = sum(_length(segment) for segment in segments[:final]) + inputs.maintenance_days
    if stop is not None:
        count = min(count, stop)
    if not 1 <= count <= MAX_DAYS:
        raise InputError(f"a plan runs 1 to {MAX_DAYS} days (got {count})", field="days")
    # The day after the plan (a review, a cancelled day) must still be a date.
    if (date.max - inputs.start).days <= count:
        raise InputError(f"a plan of {count} days from {inputs.start} runs past the last date there is",
                         field="start")
    return count


def _expand(segments: list[_Segment], count: int) -> list[tuple[Decimal, str]]:
    doses: list[tuple[Decimal, str]] = []
    for segment in segments:
        length = count - len(doses) if segment.days is None else min(segment.days, count - len(doses))
        doses += [(segment.dose, segment.cause)] * length
        if len(doses) == count:
            break
    return doses


def _in_force(changes: list[tuple[int, T]], index: int) -> T:
    """The value in force on day `index` of (offset, value) changes in date order."""
    if len(changes) == 1:  # no adjustment changed it: the one value holds every day
        return changes[0][1]
    return next(value for offset, value in reversed(changes) if offset <= index)


def _window(dose_time: time, overridden: frozenset[str]) -> Window:
    """The evening window; a dose the clinician moved out of it (override: window) gets a window of the
    same length from its own time, so a retime never changes the window of the days before it."""
    if "window" not in overridden or EVENING_WINDOW.contains(dose_time):
        return EVENING_WINDOW
    start = dose_time.hour * 60 + dose_time.minute
    return Window(start, min(start + MOVED_WINDOW_MINUTES, MINUTES_PER_DAY))


def _events(inputs: PlanInputs, days: list[DoseDay], refills: tuple[Refill, ...], target: Decimal,
            stop: int | None) -> tuple[tuple[Event, ...], list[Finding]]:
    """Re-order reminders keyed by the first day each fill covers, the washout's end, the review and the
    stop: each keyed by what it is, so its calendar UID survives a revision."""
    events = [Event(f"reorder-{refill.start:%Y%m%d}", EventKind.REORDER, refill.reorder_on,
                    f"re-order LDN for {refill.start} to {refill.end} ({refill.days} days)")
              for refill in refills]
    notes = []
    if inputs.washout is not None:
        washout = inputs.washout
        events.append(Event("washout-end", EventKind.WASHOUT_END, washout.earliest_start,
                            f"opioid-free from today: {washout.days} days after the last dose of "
                            f"{washout.opioid} on {washout.last_dose}, LDN may start"))
        notes.append(Finding("washout", f"last opioid dose ({washout.opioid}) on {washout.last_dose}; the earliest "
                                        f"safe start is {washout.earliest_start}, {washout.days} days later"))
    if inputs.review_after_days is not None:
        review_on, note = _review_date(inputs.review_after_days, days, target)
        events.append(Event("review", EventKind.REVIEW, review_on,
                            "review with your clinician: is LDN helping, and what next?"))
        notes.append(Finding("review", note))
    events += [_pause_event(adjustment, first, until, days)
               for adjustment, first, until in pause_spans(inputs.adjustments)]
    if stop is not None:
        stopped_on = next(a.effective for a in inputs.adjustments if a.kind is AdjustmentKind.STOP)
        events.append(Event("stop", EventKind.STOP, stopped_on,
                            "LDN stopped: no more doses from today"))
    return tuple(sorted(events, key=lambda event: (event.date, event.key))), notes


def _pause_event(adjustment: Adjustment, first: date, until: date, days: list[DoseDay]) -> Event:
    """The pause in plain words, on its first day: no LDN from when to when (`until`, the day doses start
    again, an early resume's), why, and the day and dose doses start again (rules: pause, washout)."""
    last = until - timedelta(days=1)
    resume = next((day for day in days if day.date >= until), None)
    again = (f"start again on {_spoken(resume.date, last)} at {format_mg(resume.dose_mg)} mg"
             if resume is not None else "the plan ends during the pause")
    if adjustment.restart and resume is not None:
        again += ", climbing again step by step"
    washout = adjustment.washout
    if washout is not None:
        again += (f", {washout.days} days after the last dose of {washout.opioid} on "
                  f"{_spoken(washout.last_dose, last)}")
    return Event(f"pause-{first:%Y%m%d}", EventKind.PAUSE, first,
                 f"no LDN from {_spoken(first, last)} to {_spoken(last, first)} (paused: "
                 f"{' '.join(adjustment.reason.split())}); {again}")


def _spoken(day: date, other: date) -> str:
    """A date as people say it, "3 March", with the year when `other` falls in another one."""
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if day.year != other.year else "")


def _review_resolved(inputs: PlanInputs, days: list[DoseDay], target: Decimal) -> PlanInputs:
    """The inputs with a review asked for in months resolved to days, counted by the calendar from the day
    the target is reached (rule: review); from the day after the plan if it never is. Days and weeks are
    resolved when asked."""
    asked = inputs.review_asked
    if asked is None or asked.fixed or inputs.review_after_days is None:
        return inputs
    on_target = rules.target_reached(days, target) or days[-1].date + timedelta(days=1)
    return replace(inputs, review_after_days=asked.days_from(on_target))


def _review_date(after: int, days: list[DoseDay], target: Decimal) -> tuple[date, str]:
    """A review `after` days on the target, or the day after the plan ends if that comes first: a plan
    never ends without a next step (rule: review)."""
    on_target = rules.target_reached(days, target)
    day_after = days[-1].date + timedelta(days=1)
    if on_target is not None and on_target + timedelta(days=after) <= days[-1].date:
        return on_target + timedelta(days=after), (f"review with the clinician on "
                                                   f"{on_target + timedelta(days=after)}, {after} days at the "
                                                   f"target of {format_mg(target)} mg")
    return day_after, (f"the plan ends before {after} days at the target of {format_mg(target)} mg: review with "
                       f"the clinician on {day_after}, the day after the last dose")

