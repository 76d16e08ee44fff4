"""The dosing rules, stated as properties over random protocols, patients, start dates and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import avoids_skipped_days, dose_times, hundredths, patients, protocols, schedules, start_dates, zones

from titrate.core.engine import build_plan
from titrate.core.model import Patient, Phase
from titrate.core.protocols import PROTOCOLS, linear
from titrate.core.record import replace
from titrate.core.wallclock import EVENING_WINDOW, load_zone
from titrate.errors import RefusedError
from titrate.formats import plan_json as plan_io

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def plans(draw: st.DrawFn):
    protocol, patient = draw(protocols()), draw(patients)
    start, zone, days = draw(start_dates), draw(zones), draw(st.integers(1, 150))
    assume(avoids_skipped_days(zone, start, days))
    return build_plan(protocol, patient, start, zone=load_zone(zone), generated_at=GENERATED,
                      dose_time=draw(dose_times), days=days)


@given(plans())
def test_first_dose_is_at_most_the_protocols_and_never_above_1_5_mg(plan):  # rule: start
    assert plan.days[0].dose_mg <= min(plan.protocol.steps[0].dose_mg, Decimal("1.5"))


@given(plans())
def test_no_dose_exceeds_the_ceiling(plan):  # rule: ceiling
    assert all(day.dose_mg <= Decimal("4.5") for day in plan.days) and plan.target_mg <= Decimal("4.5")


@given(plans())
def test_spasticity_keeps_every_dose_at_or_under_3_mg(plan):  # rule: spasticity
    if plan.patient.spasticity:
        assert all(day.dose_mg <= Decimal("3") for day in plan.days)


@given(plans())
def test_increases_are_small_and_each_level_is_held_a_week(plan):  # rule: gradual
    rises = [i for i in range(1, len(plan.days)) if plan.days[i].dose_mg > plan.days[i - 1].dose_mg]
    changes = [i for i in range(1, len(plan.days)) if plan.days[i].dose_mg != plan.days[i - 1].dose_mg]
    for index in rises:
        assert plan.days[index].dose_mg - plan.days[index - 1].dose_mg <= Decimal("1.5")
        level_began = max([0, *(i for i in changes if i < index)])
        assert index - level_began >= 7


@given(plans())
def test_every_dose_is_at_a_real_local_time_inside_the_window(plan):  # rule: window
    zone = ZoneInfo(plan.time_zone)
    for day in plan.days:
        assert EVENING_WINDOW.contains(day.time)
        local = datetime.combine(day.date, day.time, tzinfo=zone)
        assert local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)
        if day.time != plan.dose_time:
            assert day.notes, "a dose moved by a clock change says so"


@given(plans())
def test_days_are_consecutive_and_numbered(plan):
    assert [day.date for day in plan.days] == [plan.start + timedelta(days=i) for i in range(len(plan.days))]
    assert [day.day for day in plan.days] == list(range(1, len(plan.days) + 1))


@given(plans())
def test_phase_is_maintenance_exactly_at_the_target(plan):
    for day in plan.days:
        assert (day.phase is Phase.MAINTENANCE) == (day.dose_mg == plan.target_mg)


@given(plans())
def test_json_round_trip_gives_the_same_plan(plan):
    assert plan_io.loads(plan_io.dumps(plan)) == plan


@given(protocols(), patients, start_dates, st.integers(-400, 400), st.integers(1, 120), dose_times)
def test_moving_the_start_moves_only_the_dates(protocol, patient, start, shift, days, dose_time):
    moved_start = start + timedelta(days=shift)
    kwargs = dict(zone=load_zone("UTC"), generated_at=GENERATED, dose_time=dose_time, days=days, plan_id="p1")
    plan = build_plan(protocol, patient, start, **kwargs)
    moved = build_plan(protocol, patient, moved_start, **kwargs)
    assert [replace(day, date=day.date + timedelta(days=shift)) for day in plan.days] == list(moved.days)


@given(protocols(), patients, start_dates, zones, dose_times)
def test_default_length_is_the_titration_plus_90_days_at_target(protocol, patient, start, zone, dose_time):
    assume(avoids_skipped_days(zone, start, 800))
    plan = build_plan(protocol, patient, start, zone=load_zone(zone), generated_at=GENERATED, dose_time=dose_time)
    # the plan ends with exactly 90 days in a row at the target (response is judged after 2-3 months)
    run = len(plan.days) - next((i + 1 for i in range(len(plan.days) - 1, -1, -1)
                                 if plan.days[i].dose_mg != plan.target_mg), 0)
    assert run == 90 and plan.days[-1].dose_mg == plan.target_mg


@given(plans())
def test_every_plan_ends_with_a_review_no_later_than_the_day_after_it(plan):  # rule: review
    (review,) = [event for event in plan.events if event.kind.value == "review"]
    assert plan.start < review.date <= plan.end + timedelta(days=1)


@given(schedules(), hundredths("1.51", "4.5"), start_dates)
def test_a_first_dose_above_1_5_mg_is_refused(schedule, first, start):
    with pytest.raises(RefusedError) as refused:
        build_plan(linear("drawn", replace(schedule, first_dose_mg=first, target_mg=Decimal("4.5"))), Patient(),
                   start, zone=load_zone("UTC"), generated_at=GENERATED)
    assert refused.value.rule_id == "start"


@given(protocols(), hundredths("4.51", "50"), start_dates)
def test_a_target_above_the_ceiling_is_refused(protocol, target, start):
    with pytest.raises(RefusedError) as refused:
        build_plan(protocol, Patient(), start, zone=load_zone("UTC"), generated_at=GENERATED, target_mg=target)
    assert refused.value.rule_id == "ceiling"


@given(protocols(), hundredths("3.01", "4.5"), start_dates)
def test_spasticity_with_an_explicit_target_above_3_mg_is_refused(protocol, target, start):
    with pytest.raises(RefusedError) as refused:
        build_plan(protocol, Patient(spasticity=True), start, zone=load_zone("UTC"), generated_at=GENERATED,
                   target_mg=target)
    assert refused.value.rule_id == "spasticity"


@given(schedules(), st.one_of(st.tuples(hundredths("1.51", "4.5"), st.just(7)),
                              st.tuples(st.just(Decimal("0.5")), st.integers(1, 6))), start_dates)
def test_big_steps_or_short_levels_are_refused(schedule, step_and_days, start):
    step, every = step_and_days
    bad = linear("drawn", replace(schedule, first_dose_mg=Decimal("0.5"), step_mg=step, every_days=every,
                                  target_mg=Decimal("4.5")))
    with pytest.raises(RefusedError) as refused:
        build_plan(bad, Patient(), start, zone=load_zone("UTC"), generated_at=GENERATED, days=1)
    assert refused.value.rule_id == "gradual"
    assert "step 1 (0.5 mg for" in refused.value.detail or "step 2 (" in refused.value.detail


@given(st.times().filter(lambda t: t.hour < 21).map(lambda t: t.replace(second=0, microsecond=0)), zones)
def test_a_dose_time_outside_the_window_is_refused(dose_time, zone):
    with pytest.raises(RefusedError) as refused:
        build_plan(PROTOCOLS["classic"], Patient(), date(2030, 1, 1),
                   zone=load_zone(zone), generated_at=GENERATED, dose_time=dose_time)
    assert refused.value.rule_id == "window"

