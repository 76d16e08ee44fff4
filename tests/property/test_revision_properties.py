"""A course that changes: any sequence of adjustments on any plan keeps every rule, never rewrites the
past, keeps calendar identities, and a phone that imports each revision in turn ends up with exactly
the newest revision's doses (read back with the independent `ical` parser)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from ics_reading import merged_view, parse
from strategies import adjustment_steps, avoids_skipped_days, patients, protocols, step_lists

from titrate.core.diff import diff
from titrate.core.engine import build_plan
from titrate.core.protocols import parse_protocol_file, protocol_file_text
from titrate.core.revise import adjust
from titrate.core.wallclock import EVENING_WINDOW, load_zone
from titrate.errors import InputError, RefusedError
from titrate.formats import plan_json as plan_io
from titrate.formats import render

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
#: Zones with clock changes near the evening window, and one without.
ZONES = ["Europe/London", "America/Santiago", "Australia/Lord_Howe", "America/Nuuk", "UTC"]


@st.composite
def courses(draw: st.DrawFn):
    """A plan and up to four revisions of it, each made by a random adjustment the rules accepted."""
    start = draw(st.dates(date(2020, 1, 1), date(2035, 12, 31)))
    zone = draw(st.sampled_from(ZONES))
    assume(avoids_skipped_days(zone, start, 800))
    plan = build_plan(draw(protocols()), draw(patients), start, zone=load_zone(zone), generated_at=GENERATED,
                      days=draw(st.none() | st.integers(20, 200)))
    revisions = [plan]
    for _ in range(draw(st.integers(1, 4))):
        step = draw(adjustment_steps(revisions[-1]))
        try:
            revisions.append(adjust(revisions[-1], generated_at=GENERATED, **step))
            note(f"applied {step}")
        except (RefusedError, InputError) as refused:
            note(f"refused {step}: {refused}")
    assume(len(revisions) > 1)
    return revisions


@settings(max_examples=25)
@given(courses())
def test_every_revision_keeps_the_dose_rules(revisions):  # rules: start, ceiling, gradual, window, spasticity
    for plan in revisions:
        assert plan.days[0].dose_mg <= Decimal("1.5")
        for before, day in zip(plan.days, plan.days[1:]):
            assert day.dose_mg <= Decimal("4.5") and day.dose_mg - before.dose_mg <= Decimal("1.5")
        if plan.patient.spasticity and "spasticity" not in plan.overridden:
            assert all(day.dose_mg <= Decimal("3") for day in plan.days)
        if "window" not in plan.overridden:
            assert all(EVENING_WINDOW.contains(day.time) for day in plan.days)


@settings(max_examples=25)
@given(courses())
def test_the_past_is_never_rewritten_and_identity_is_kept(revisions):
    for old, new in zip(revisions, revisions[1:]):
        since = new.adjustments[-1].effective
        assert [d for d in old.days if d.date < since] == [d for d in new.days if d.date < since]
        assert (new.plan_id, new.revision, new.supersedes) == (old.plan_id, old.revision + 1, old.revision)
        assert plan_io.loads(plan_io.dumps(new)) == new
        assert not diff(new, new).days and not diff(new, new).events


@settings(max_examples=20)
@given(courses())
def test_importing_each_revision_leaves_exactly_the_newest_doses(revisions):
    texts = [render(plan, "ics") for plan in revisions]
    newest = revisions[-1]
    for depth in (2, len(texts)):  # the last two revisions, and every revision in turn
        held = merged_view(*texts[-depth:])
        local = [_local(e.dtstart, newest.time_zone) for e in held.values() if isinstance(e.dtstart, datetime)]
        doses = sorted((moment.date(), moment.time()) for moment in local)
        assert doses == [(day.date, day.time) for day in newest.days]
        all_day = sorted((e.uid, e.dtstart) for e in held.values() if not isinstance(e.dtstart, datetime))
        assert all_day == sorted((f"{newest.plan_id}-{e.key}@titrate", e.date) for e in newest.events)
    kept = {day.date for day in revisions[-2].days} & {day.date for day in newest.days}
    old_uids = {e.uid for e in parse(texts[-2]).events}
    assert {f"{newest.plan_id}-{d:%Y%m%d}@titrate" for d in kept} <= old_uids


def _local(moment: datetime, zone: str) -> datetime:
    """A start as the patient's wall clock: a TZID time as written, a UTC one (a repeated-hour dose) in the zone."""
    if moment.tzinfo is not None and moment.utcoffset() == timedelta(0) and zone not in ("UTC", "Etc/UTC"):
        return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return moment.replace(tzinfo=None)


@given(step_lists())
def test_a_protocol_file_round_trips(protocol):
    assert parse_protocol_file(protocol_file_text(protocol)) == protocol
