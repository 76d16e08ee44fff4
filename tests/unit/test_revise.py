"""Adjustments in flight, washout and review, on hand-picked plans whose every day is worked out here."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from titrate.core.diff import diff
from titrate.core.engine import build_plan
from titrate.core.model import AdjustmentKind, EventKind, Override, Patient, Protocol, Step, Washout
from titrate.core.protocols import PROTOCOLS, parse_protocol_file
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError

GENERATED = datetime(2026, 11, 1, tzinfo=UTC)
START = date(2026, 12, 1)
# classic: 1.5 mg days 1-14 (Dec 1-14), 3 mg days 15-28 (Dec 15-28), 4.5 mg from day 29 (Dec 29), 90 days there
PLAN = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), START, zone=load_zone("Europe/London"),
                  generated_at=GENERATED)


def doses(plan, first, last):
    return [str(day.dose_mg.normalize()) for day in plan.days if first <= day.date <= last]


def test_hold_stays_at_the_current_dose_and_shifts_later_steps():
    held = adjust(PLAN, "hold", date(2026, 12, 10), "nausea", generated_at=GENERATED, days=7)
    # 1.5 mg until Dec 21 (14 + 7 days), then 3 mg for 14 days, then 4.5 mg
    assert doses(held, date(2026, 12, 20), date(2026, 12, 23)) == ["1.5", "1.5", "3", "3"]
    assert doses(held, date(2027, 1, 4), date(2027, 1, 5)) == ["3", "4.5"]
    assert len(held.days) == len(PLAN.days) + 7
    assert [d.cause for d in held.days if d.date in (date(2026, 12, 9), date(2026, 12, 10))] == ["step 1", "hold"]


def test_step_back_goes_one_level_down_then_climbs_and_resumes_the_step():
    back = adjust(PLAN, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=10)
    assert doses(back, date(2027, 1, 4), date(2027, 1, 16)) == ["4.5"] + ["3"] * 10 + ["4.5"] * 2
    assert back.days[-1].date == date(2027, 4, 14)  # 4.5 mg resumed on Jan 15, then 90 days at the target


def test_step_back_to_a_low_dose_climbs_through_each_level_a_week_at_a_time():
    back = adjust(PLAN, "step-back", date(2027, 1, 5), "bad flare", generated_at=GENERATED, days=7,
                  dose_mg=Decimal("0.5"))
    # 0.5 mg for 7 days, then 1.5 (a protocol level, +1) and 3 mg a week each, then 4.5 mg again
    assert doses(back, date(2027, 1, 5), date(2027, 1, 27)) == ["0.5"] * 7 + ["1.5"] * 7 + ["3"] * 7 + ["4.5"] * 2


def test_retime_moves_the_time_from_its_date_and_needs_the_window_override_for_the_morning():
    with pytest.raises(RefusedError) as refused:
        adjust(PLAN, "retime", date(2026, 12, 20), "sleep", generated_at=GENERATED, time=time(8))
    assert (refused.value.rule, refused.value.overridable) == ("window", True)
    moved = adjust(PLAN, "retime", date(2026, 12, 20), "vivid dreams", generated_at=GENERATED, time=time(8),
                   overrides=(Override("window", "vivid dreams"),))
    assert {d.time for d in moved.days if d.date < date(2026, 12, 20)} == {time(22)}
    assert {d.time for d in moved.days if d.date >= date(2026, 12, 20)} == {time(8)}
    assert {str(d.window) for d in moved.days if d.date >= date(2026, 12, 20)} == {"08:00-11:00"}
    evening = adjust(PLAN, "retime", date(2026, 12, 20), "later suits", generated_at=GENERATED, time=time(23, 15))
    assert evening.days[-1].time == time(23, 15) and not evening.overrides


def test_target_settles_lower_at_once_or_climbs_higher_within_the_rules():
    lower = adjust(PLAN, "target", date(2027, 1, 10), "doing well on less", generated_at=GENERATED,
                   dose_mg=Decimal("3"))
    assert set(doses(lower, date(2027, 1, 10), lower.end)) == {"3"} and lower.target_mg == Decimal("3")
    assert lower.days[-1].phase.value == "maintenance"
    # the past keeps its phase: 3 mg in December was titration then, and still is
    assert {d.phase.value for d in lower.days if date(2026, 12, 15) <= d.date <= date(2026, 12, 28)} == {"titration"}
    with pytest.raises(RefusedError) as refused:
        adjust(PLAN, "target", date(2027, 1, 10), "more", generated_at=GENERATED, dose_mg=Decimal("6"))
    assert refused.value.rule == "ceiling"
    spastic = build_plan(PROTOCOLS["classic"], Patient(spasticity=True), START, zone=load_zone("UTC"),
                         generated_at=GENERATED)
    with pytest.raises(RefusedError) as refused:
        adjust(spastic, "target", date(2027, 1, 10), "more", generated_at=GENERATED, dose_mg=Decimal("4.5"))
    assert refused.value.rule == "spasticity"


def test_stop_ends_the_plan_the_day_before_and_cancels_what_follows():
    stopped = adjust(PLAN, "stop", date(2027, 1, 10), "no benefit", generated_at=GENERATED)
    assert stopped.end == date(2027, 1, 9)
    cancelled_doses = [c.date for c in stopped.cancelled if c.kind == "dose"]
    assert cancelled_doses[0] == date(2027, 1, 10) and cancelled_doses[-1] == PLAN.end
    assert {c.time for c in stopped.cancelled if c.kind == "dose"} == {time(22)}
    assert [e.date for e in stopped.events if e.kind.value == "stop"] == [date(2027, 1, 10)]
    with pytest.raises(InputError, match="between the plan's first and last days"):
        adjust(stopped, "hold", date(2027, 1, 10), "x", generated_at=GENERATED, days=3)


def test_a_day_cancelled_by_one_revision_and_back_in_the_next_is_live_again():
    # settling at 3 mg (taken since Dec 15) ends the default plan 90 days after Dec 15: Mar 14, not Mar 28
    settled = adjust(PLAN, "target", date(2026, 12, 20), "enough", generated_at=GENERATED, dose_mg=Decimal("3"))
    assert settled.end == date(2027, 3, 14)
    assert [c.date for c in settled.cancelled if c.kind == "dose"] == [date(2027, 3, 15 + i) for i in range(14)]
    # a step back to 1.5 mg for Jan 5-18: 3 mg again from Jan 19, and 90 days from then: to Apr 18
    back = adjust(settled, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=14)
    assert back.end == date(2027, 4, 18)
    assert not [c for c in back.cancelled if c.kind == "dose"]  # every one of those dates has a dose again
    assert not {c.key for c in back.cancelled} & ({d.key for d in back.days} | {e.key for e in back.events})


@pytest.mark.parametrize("when, kind", [(date(2026, 11, 30), InputError), (date(2027, 12, 1), InputError)])
def test_an_adjustment_outside_the_plan_is_bad_input(when, kind):
    with pytest.raises(kind):
        adjust(PLAN, "hold", when, "x", generated_at=GENERATED, days=3)


def test_the_past_of_an_earlier_adjustment_is_not_rewritten():
    held = adjust(PLAN, "hold", date(2027, 1, 10), "travel", generated_at=GENERATED, days=5)
    with pytest.raises(RefusedError) as refused:
        adjust(held, "hold", date(2027, 1, 9), "earlier", generated_at=GENERATED, days=5)
    assert refused.value.rule == "revision"


@pytest.mark.parametrize("seed", ["1", "2"])  # string hashing differs by seed, and so did a set's order
def test_an_adjustment_missing_one_value_and_given_another_names_the_missing_one_every_run(seed):
    program = ("from datetime import date; from decimal import Decimal; from titrate.core.model import Adjustment\n"
               "try:\n    Adjustment('hold', date(2027, 1, 5), 'x', 2, dose_mg=Decimal(1))\n"
               "except ValueError as error:\n    print(error.field)")
    ran = subprocess.run([sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": seed},
                         capture_output=True, text=True, check=True)
    assert ran.stdout == "days\n"


@pytest.mark.parametrize("kind, values, says", [
    ("hold", {}, "takes days"),
    ("hold", {"days": 3, "dose_mg": Decimal(1)}, "takes days"),
    ("retime", {"days": 3}, "takes time"),
    ("skip", {}, "one of hold"),
    ("pause", {}, "takes restart, until, washout"),
])
def test_an_adjustment_missing_or_with_extra_values_is_bad_input(kind, values, says):
    with pytest.raises(InputError, match=says):
        adjust(PLAN, kind, date(2027, 1, 5), "x", generated_at=GENERATED, **values)
    with pytest.raises(InputError, match="needs a reason"):
        adjust(PLAN, "stop", date(2027, 1, 5), "  ", generated_at=GENERATED)


def test_a_step_back_at_the_lowest_level_needs_a_dose():
    with pytest.raises(InputError, match="lowest level"):
        adjust(PLAN, "step-back", date(2026, 12, 5), "x", generated_at=GENERATED, days=7)


def test_diff_matches_days_by_date_and_events_by_key():
    held = adjust(PLAN, "hold", date(2026, 12, 10), "nausea", generated_at=GENERATED, days=7)
    changes = diff(PLAN, held)
    assert [a.kind.value for a in changes.adjustments] == ["hold"]
    assert changes.days[0].date == date(2026, 12, 15) and changes.days[0].after.dose_mg == Decimal("1.5")
    assert [c.date for c in changes.days if c.before is None] == [date(2027, 3, 29 + i) for i in range(3)] + \
        [date(2027, 4, 1 + i) for i in range(4)]
    # the target is reached 7 days later, so the review moves; 7 more days need a sixth fill
    assert [(c.key, c.before and c.before.date, c.after.date) for c in changes.events] == [
        ("review", date(2027, 2, 27), date(2027, 3, 6)), ("reorder-20270331", None, date(2027, 3, 24))]
    assert diff(held, held).empty
    with pytest.raises(InputError, match="two different plans"):
        diff(PLAN, build_plan(PROTOCOLS["classic"], Patient(label="Bo"), START, zone=load_zone("UTC"),
                              generated_at=GENERATED))


def test_washout_sets_the_earliest_start_and_an_event():
    washout = Washout("tramadol", date(2026, 11, 20), 10)
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 11, 30), zone=load_zone("UTC"),
                      generated_at=GENERATED, washout=washout)
    assert [(e.key, e.date) for e in plan.events if e.kind.value == "washout-end"] == [("washout-end",
                                                                                         date(2026, 11, 30))]
    with pytest.raises(RefusedError) as refused:
        build_plan(PROTOCOLS["classic"], Patient(), date(2026, 11, 29), zone=load_zone("UTC"), generated_at=GENERATED,
                   washout=washout)
    assert refused.value.rule == "washout" and "2026-11-30" in refused.value.detail
    for days in (6, 15):
        with pytest.raises(InputError, match="7 to 14"):
            Washout("tramadol", date(2026, 11, 20), days)


def test_review_defaults_to_60_days_at_target_or_the_day_after_a_short_plan():
    assert PLAN.event(EventKind.REVIEW).date == date(2027, 2, 27)
    short = build_plan(PROTOCOLS["classic"], Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED, days=40)
    review = [e for e in short.events if e.kind.value == "review"]
    assert [e.date for e in review] == [date(2027, 1, 10)]  # the day after day 40
    none = build_plan(PROTOCOLS["classic"], Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED,
                      review_after_days=None)
    assert not [e for e in none.events if e.kind.value == "review"]


def test_a_custom_step_list_is_checked_step_by_step():
    uneven = parse_protocol_file('name = "slow"\nnote = "uneven"\n[[steps]]\ndose_mg = 1.5\ndays = 10\n'
                                 '[[steps]]\ndose_mg = 3\ndays = 21\n[[steps]]\ndose_mg = 4.5\n')
    plan = build_plan(uneven, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED)
    assert doses(plan, date(2026, 12, 10), date(2026, 12, 11)) == ["1.5", "3"]
    assert doses(plan, date(2026, 12, 31), date(2027, 1, 1)) == ["3", "4.5"]
    for text, rule, says in [
        ('name = "x"\n[[steps]]\ndose_mg = 2\ndays = 7\n[[steps]]\ndose_mg = 3\n', "start", "step 1 (2 mg for 7"),
        ('name = "x"\n[[steps]]\ndose_mg = 1.5\ndays = 7\n[[steps]]\ndose_mg = 3.5\n', "gradual", "step 2 (3.5 mg"),
        ('name = "x"\n[[steps]]\ndose_mg = 1.5\ndays = 5\n[[steps]]\ndose_mg = 3\n', "gradual", "step 1 (1.5 mg"),
        ('name = "x"\n[[steps]]\ndose_mg = 1.5\ndays = 7\n[[steps]]\ndose_mg = 3\ndays = 7\n[[steps]]\ndose_mg = 4.5\n'
         'days = 7\n[[steps]]\ndose_mg = 6\n', "ceiling", "step 4 (6 mg"),
    ]:
        with pytest.raises(RefusedError) as refused:
            build_plan(parse_protocol_file(text), Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED)
        assert refused.value.rule == rule and says in refused.value.detail


@pytest.mark.parametrize("text, says", [
    ("name = ", "not valid TOML"),
    ('name = "x"\n', "needs \\[\\[steps\\]\\]"),
    ('name = "x"\ncolour = 1\n[[steps]]\ndose_mg = 1\n', "unknown key 'colour'"),
    ('name = "x"\n[[steps]]\ndose_mg = 1\n[[steps]]\ndose_mg = 2\n', "only the last step"),
    ('name = "x"\n[[steps]]\ndose_mg = "lots"\n', "step 1"),
    ('name = "x"\n[[steps]]\ndose_mg = 1\ndays = 1.5\n', "whole number"),
    ('name = "x"\n[[steps]]\ndose_mg = 1\ndays = 0\n', "1 to 3660 days"),
])
def test_a_malformed_protocol_file_is_bad_input(text, says):
    with pytest.raises(InputError, match=says):
        parse_protocol_file(text)


def test_an_adjustment_after_a_date_the_zone_skipped_starts_on_its_own_date():
    # Samoa skipped 2011-12-30: day 10 of a plan from Dec 20 is Dec 31, and a hold from Jan 5 starts on Jan 5
    apia = build_plan(PROTOCOLS["classic"], Patient(), date(2011, 12, 20), zone=load_zone("Pacific/Apia"),
                      generated_at=GENERATED, days=40)
    held = adjust(apia, "hold", date(2012, 1, 5), "travel", generated_at=GENERATED, days=7)
    assert [d.cause for d in held.days if d.date in (date(2012, 1, 4), date(2012, 1, 5))] == ["step 2", "hold"]
    assert [d for d in apia.days if d.date < date(2012, 1, 5)] == [d for d in held.days if d.date < date(2012, 1, 5)]


@pytest.mark.parametrize("patient, target, rule", [
    (Patient(label="Ann", spasticity=True), Decimal("4.5"), "spasticity"),
    (Patient(label="Ann"), Decimal("6"), "ceiling"),
])
def test_a_target_adjustment_is_refused_above_the_limit_even_when_the_plan_ends_before_it(patient, target, rule):
    # 20 days: the climb the new target starts (3 mg for 14 days) outlasts the plan, so no day breaks the rule
    short = build_plan(PROTOCOLS["classic"], patient, START, zone=load_zone("Europe/London"), generated_at=GENERATED,
                       days=20)
    with pytest.raises(RefusedError) as refused:
        adjust(short, "target", date(2026, 12, 10), "more", generated_at=GENERATED, dose_mg=target)
    assert refused.value.rule == rule and "2026-12-10" in str(refused.value)


def test_the_review_counts_60_days_from_when_the_target_in_force_was_last_reached():
    review = EventKind.REVIEW
    # settle at 3 mg from Jan 10: 3 mg was also taken Dec 15-28 on the way up, but that was no time at target
    lower = adjust(PLAN, "target", date(2027, 1, 10), "side effects", generated_at=GENERATED, dose_mg=Decimal("3"))
    assert lower.event(review).date == date(2027, 3, 11)  # Jan 10 + 60 days
    # 3 mg for 21 days from Jan 5, so 4.5 mg again from Jan 26: the review counts from there, not from Dec 29
    back = adjust(PLAN, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=21)
    assert back.event(review).date == date(2027, 3, 27)
    assert back.days[-1].date == date(2027, 4, 25)  # and the plan runs 90 days from there, as before


def test_a_higher_target_climbs_at_the_protocols_pace_from_where_the_patient_is():
    settled = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), START, zone=load_zone("Europe/London"),
                         generated_at=GENERATED, target_mg=Decimal("3"))  # 1.5 mg Dec 1-14, 3 mg from Dec 15
    # two days into 3 mg: stay there for its 7-day minimum (Dec 15-21), then 4.5 mg
    after_a_rise = adjust(settled, "target", date(2026, 12, 17), "more", generated_at=GENERATED,
                          dose_mg=Decimal("4.5"))
    assert doses(after_a_rise, date(2026, 12, 15), date(2026, 12, 23)) == ["3"] * 7 + ["4.5"] * 2
    # mid-way through the first step: finish it (to Dec 14), then 3 mg for the protocol's 14 days, then 4.5 mg
    mid_step = adjust(settled, "target", date(2026, 12, 5), "more", generated_at=GENERATED, dose_mg=Decimal("4.5"))
    assert doses(mid_step, date(2026, 12, 14), date(2026, 12, 30)) == ["1.5"] + ["3"] * 14 + ["4.5"] * 2
    # long on the target already: climb at once
    later = adjust(settled, "target", date(2027, 1, 10), "more", generated_at=GENERATED, dose_mg=Decimal("4.5"))
    assert doses(later, date(2027, 1, 9), date(2027, 1, 10)) == ["3", "4.5"]


def test_a_revision_warns_about_fills_already_ordered_that_now_hold_other_doses():
    # fill 2 covers Dec 31 - Jan 29 and was to be ordered by Dec 24: by Jan 5 the pharmacy has made 4.5 mg
    assert [(f.number, f.start, f.reorder_on) for f in PLAN.refills][1] == (2, date(2026, 12, 31), date(2026, 12, 24))
    on_the_day = datetime(2027, 1, 5, 9, tzinfo=UTC)
    back = adjust(PLAN, "step-back", date(2027, 1, 5), "flare", generated_at=on_the_day, days=21)
    supply = [w.message for w in back.warnings if w.rule == "supply"]
    assert supply == ["fill 2 (2026-12-31 to 2027-01-29) was to be ordered by 2026-12-24, before this revision: it "
                      "now holds 9 x 4.5 mg capsules, 21 x 3 mg capsules instead of 30 x 4.5 mg capsules; check "
                      "with the pharmacy what it has made"]  # and nothing about a start long past
    later = adjust(PLAN, "retime", date(2027, 1, 5), "later suits", generated_at=on_the_day, time=time(23))
    assert not [w for w in later.warnings if w.rule == "supply"]  # same capsules: nothing to check


def test_a_higher_target_climbs_at_the_same_pace_whether_planned_or_adjusted():
    flat = Protocol("flat", (Step(Decimal("1.5"), None),), "1.5 mg from then on")
    planned = build_plan(flat, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED,
                         target_mg=Decimal("4.5"))
    assert doses(planned, date(2026, 12, 14), date(2026, 12, 29)) == ["1.5"] + ["3"] * 14 + ["4.5"]
    # the same climb as an adjustment from Dec 21: 3 mg for as long as planning holds it, then 4.5 mg
    adjusted = adjust(build_plan(flat, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED), "target",
                      date(2026, 12, 21), "more", generated_at=GENERATED, dose_mg=Decimal("4.5"))
    assert doses(adjusted, date(2026, 12, 20), date(2027, 1, 4)) == ["1.5"] + ["3"] * 14 + ["4.5"]


def test_a_step_back_shorter_than_a_week_is_refused_because_the_dose_rises_after_it():
    with pytest.raises(RefusedError) as refused:
        adjust(PLAN, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=6)
    assert refused.value.rule == "gradual" and "at least 7 days (got 6)" in refused.value.detail
    assert adjust(PLAN, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=7).revision == 2


def test_a_step_back_during_the_wait_before_a_higher_target_resumes_a_full_week_at_the_level():
    # `titrate plan --start 2027-01-04`, then `titrate adjust --from 2027-01-20` with --target 3, --target 4.5
    # and --step-back --for 7: the wait at 3 mg before climbing to 4.5 mg was resumed as a step that never
    # ended, and building the plan crashed (int + None). Resumed, the level is held the 7-day minimum again.
    from titrate.service.plans import AdjustmentRequest, PlanRequest, adjust_plan, make_plan, read_plan, write_plan

    made = datetime(2027, 1, 1, tzinfo=UTC)
    plan = make_plan(PlanRequest(start=date(2027, 1, 4), time_zone="Etc/UTC"), generated_at=made)
    on = date(2027, 1, 20)
    for kind, values in (("target", {"dose_mg": Decimal(3)}), ("target", {"dose_mg": Decimal("4.5")}),
                         ("step-back", {"days": 7})):
        plan = adjust_plan(plan, AdjustmentRequest(AdjustmentKind(kind), on, "why", **values), generated_at=made)
    # 1.5 mg a week (one level down from 3 mg), 3 mg a week again, then 4.5 mg
    assert doses(plan, date(2027, 1, 18), date(2027, 2, 4)) == ["3"] * 2 + ["1.5"] * 7 + ["3"] * 7 + ["4.5"] * 2
    assert plan.revision == 4 and read_plan(write_plan(plan)) == plan
