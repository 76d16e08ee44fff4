"""Every hypothesis strategy the tests use, in one place.

Protocols, patients, targets and dose times are drawn inside the rules (for "every plan keeps the rules")
or just outside one rule (for "a breach is refused, naming the rule"). Dates span 2000-2100 and zones
span the IANA database, which brings in northern and southern DST, half-hour offsets and odd gaps.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import assume
from hypothesis import strategies as st

from titrate.engine import build_plan
from titrate.model import Patient, Protocol

#: Whole local days that a zone skipped (Samoa crossed the date line): no dose time exists on them.
SKIPPED_DAYS = {("Pacific/Apia", date(2011, 12, 30))}

FIXED_ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
               "Australia/Adelaide", "America/Nuuk", "America/Santiago", "Europe/Dublin", "Asia/Kathmandu",
               "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns"]


def hundredths(low: str, high: str) -> st.SearchStrategy[Decimal]:
    """Milligrams with two places between low and high inclusive."""
    lo, hi = int(Decimal(low) * 100), int(Decimal(high) * 100)
    return st.integers(lo, hi).map(lambda n: Decimal(n) / 100)


start_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
zones = st.one_of(st.sampled_from(FIXED_ZONES), st.timezones().map(lambda zone: zone.key))
dose_times = st.times(min_value=time(21, 0), max_value=time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0))
labels = st.none() | st.text(max_size=40)
patients = st.builds(Patient, label=labels, spasticity=st.booleans())


@st.composite
def protocols(draw: st.DrawFn) -> Protocol:
    """A protocol inside the rules: starts at or under 1.5 mg, steps of at most 1.5 mg, 7+ days a level."""
    first = draw(hundredths("0.25", "1.5"))
    return Protocol(
        name="drawn",
        first_dose_mg=first,
        step_mg=draw(hundredths("0.25", "1.5")),
        every_days=draw(st.integers(7, 21)),
        target_mg=draw(hundredths(str(first), "4.5")),
    )


def avoids_skipped_days(zone: str, start: date, days: int) -> bool:
    return not any(name == zone and start <= day < start + timedelta(days=days) for name, day in SKIPPED_DAYS)


@st.composite
def adjusted_plans(draw: st.DrawFn):
    """A plan as a clinician leaves it after adjusting it in flight: built by the engine, then given step-backs
    (a run of days at a dose taken earlier) and retimes (a run of days at another time), under any revision.
    The days are reshaped by hand, so the plan may break rules the engine keeps: for renderers, not rules."""
    protocol, patient = draw(protocols()), draw(patients)
    start, zone, length = draw(start_dates), draw(st.sampled_from(FIXED_ZONES)), draw(st.integers(1, 120))
    assume(avoids_skipped_days(zone, start, length))
    plan = build_plan(protocol, patient, start, time_zone=zone, days=length, dose_time=draw(dose_times),
                      generated_at=datetime(2026, 1, 1, tzinfo=timezone.utc), revision=draw(st.integers(1, 9)))
    days = list(plan.days)
    for _ in range(draw(st.integers(0, 4))):
        first = draw(st.integers(0, len(days) - 1))
        last = draw(st.integers(first, min(first + 30, len(days) - 1)))
        if draw(st.booleans()):
            earlier = days[draw(st.integers(0, first))]
            days[first:last + 1] = [replace(day, dose_mg=earlier.dose_mg, amount=earlier.amount,
                                            dispense=earlier.dispense) for day in days[first:last + 1]]
        else:
            moved = draw(dose_times)
            days[first:last + 1] = [replace(day, time=moved) for day in days[first:last + 1]]
    return replace(plan, days=tuple(days))
