"""Pause and restart (issue 19): no dose while paused, resume at the held dose or climb again from the
first dose (rule: gradual), the washout before the resume (rule: washout), a course postponed from day 1,
and calendars that import the paused revision left with no dose in the pause."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from ics_reading import merged_view

from titrate.core import rules
from titrate.core.engine import build_plan
from titrate.core.model import EventKind, Patient, Washout
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError
from titrate.formats import plan_json, render

GENERATED = datetime(2026, 11, 1, tzinfo=UTC)
START = date(2026, 12, 1)
# classic: 1.5 mg Dec 1-14, 3 mg Dec 15-28, 4.5 mg from Dec 29, then 90 days there
PLAN = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), START, zone=load_zone("Europe/London"),
                  generated_at=GENERATED)
PAUSE, RESUME = date(2026, 12, 20), date(2027, 1, 3)


def paused(**values):
    return adjust(PLAN, "pause", PAUSE, "surgery", generated_at=GENERATED, until=RESUME, **values)


def test_a_pause_has_no_dose_days_and_resumes_at_the_dose_held_before():
    plan = paused()
    assert not [day for day in plan.days if PAUSE <= day.date < RESUME]
    by_date = {day.date: day for day in plan.days}
    assert by_date[PAUSE - timedelta(days=1)].dose_mg == by_date[RESUME].dose_mg == Decimal("3")
    # 3 mg was held 5 days before the pause (Dec 15-19); after it the step is taken up again for its full
    # 14 days (the days before a break do not count towards the climb), then 4.5 mg
    assert [str(by_date[RESUME + timedelta(days=n)].dose_mg.normalize()) for n in (13, 14)] == ["3", "4.5"]
    assert {by_date[RESUME + timedelta(days=n)].cause for n in range(14)} == {"step 2"}
    assert [day.day for day in plan.days] == list(range(1, len(plan.days) + 1))
    assert len(plan.days) == len(PLAN.days) + 5  # no dose lost, and the step's 5 days before the pause again
    assert plan.end == PLAN.end + timedelta(days=14 + 5)
    rules.enforce_plan(plan)
    assert plan_json.loads(plan_json.dumps(plan)) == plan


def test_the_pause_is_said_in_plain_words():
    event = paused().event(EventKind.PAUSE)
    assert event is not None and event.date == PAUSE
    assert event.text == ("no LDN from 20 December 2026 to 2 January 2027 (paused: surgery); start again on "
                          "3 January at 3 mg")
    ics = render(paused(), "ics")
    assert "No LDN from 20 December 2026 to 2 January 2027 (paused: surgery)" in ics.replace("\r\n ", "")
    html = render(paused(), "html")
    assert "No LDN from 20 December 2026 to 2 January 2027 (paused: surgery); start again on 3 January at 3 mg" in html


def test_restart_climbs_again_from_the_first_dose_each_level_held_at_least_7_days():
    plan = paused(restart=True)
    after = [day for day in plan.days if day.date >= RESUME]
    assert after[0].dose_mg == PLAN.protocol.first_dose_mg
    runs: list[list] = []
    for day in after:
        if runs and runs[-1][0] == day.dose_mg:
            runs[-1][1] += 1
        else:
            runs.append([day.dose_mg, 1])
    assert [str(dose.normalize()) for dose, _ in runs] == ["1.5", "3", "4.5"]
    assert all(days >= 7 for _, days in runs[:-1])
    assert {day.cause for day in after[:28]} == {"restart"}
    rules.enforce_plan(plan)


def test_a_resume_before_the_washout_is_refused_naming_the_earliest_date():
    with pytest.raises(RefusedError) as refused:
        paused(washout=Washout("oxycodone", date(2026, 12, 30), 7))
    assert refused.value.rule == "washout"
    assert "earliest date to resume is 2027-01-06" in str(refused.value) and "\n" not in str(refused.value)
    allowed = paused(washout=Washout("oxycodone", date(2026, 12, 27), 7))
    assert "7 days after the last dose of oxycodone on 27 December" in allowed.event(EventKind.PAUSE).text


def test_a_pause_from_the_first_day_postpones_the_course():
    plan = adjust(PLAN, "pause", START, "not ready", generated_at=GENERATED, until=date(2026, 12, 15))
    assert plan.start == date(2026, 12, 15)
    assert [(d.day, d.dose_mg, d.cause) for d in plan.days] == [
        (d.day, d.dose_mg, d.cause) for d in PLAN.days]  # the same course, two weeks later
    assert plan.refills[0].start == date(2026, 12, 15)
    assert plan_json.loads(plan_json.dumps(plan)) == plan


def test_a_dose_inside_a_pause_or_a_change_during_it_is_refused():
    plan = paused()
    inside = replace(plan.days[18], date=PAUSE)
    with pytest.raises((InputError, RefusedError)):
        rules.enforce_plan(replace(plan, days=(*plan.days[:18], inside, *plan.days[19:])))
    with pytest.raises(RefusedError, match="revision"):
        adjust(plan, "hold", PAUSE + timedelta(days=3), "x", generated_at=GENERATED, days=7)
    with pytest.raises(InputError, match="later day") as bad:
        adjust(PLAN, "pause", PAUSE, "x", generated_at=GENERATED, until=PAUSE)
    assert bad.value.field == "until"


def test_importing_revision_1_then_the_paused_revision_leaves_no_dose_in_the_pause():
    plan = paused()
    held = merged_view(render(PLAN, "ics"), render(plan, "ics"))
    doses = {event.dtstart.date() for event in held.values() if isinstance(event.dtstart, datetime)}
    assert doses == {day.date for day in plan.days}
    assert not [when for when in doses if PAUSE <= when < RESUME]
    pause = next(e for e in held.values() if "pause" in e.uid)
    assert (pause.dtstart, pause.dtend) == (PAUSE, RESUME)


EARLY = date(2026, 12, 27)  # a week into the two-week pause


def resumed(plan=None, on=EARLY):
    return adjust(plan or paused(), "resume", on, "recovered sooner", generated_at=GENERATED)


def test_a_resume_ends_the_pause_early_taking_the_step_up_again_at_the_held_dose():
    plan = resumed()
    assert (plan.revision, plan.supersedes) == (3, 2)
    assert not [day for day in plan.days if PAUSE <= day.date < EARLY]
    by_date = {day.date: day for day in plan.days}
    # the 3 mg step again for its full 14 days from the resume, then 4.5 mg: a week sooner than the full pause
    assert [str(by_date[EARLY + timedelta(days=n)].dose_mg.normalize()) for n in (0, 13, 14)] == ["3", "3", "4.5"]
    assert plan.pauses == ((PAUSE, EARLY),)
    assert plan.event(EventKind.PAUSE).text == ("no LDN from 20 December to 26 December (paused: surgery); start again "
                                               "on 27 December at 3 mg")
    assert [day.day for day in plan.days] == list(range(1, len(plan.days) + 1))
    rules.enforce_plan(plan)
    assert plan_json.loads(plan_json.dumps(plan)) == plan


def test_a_resume_after_a_restart_pause_climbs_again_from_the_first_dose():
    plan = resumed(paused(restart=True))
    after = [day for day in plan.days if day.date >= EARLY]
    assert after[0].dose_mg == PLAN.protocol.first_dose_mg and after[0].cause == "restart"


def test_a_resume_before_the_washout_after_the_opioid_is_refused():
    opioid = paused(washout=Washout("oxycodone", date(2026, 12, 24), 7))  # opioid-free from 31 December
    with pytest.raises(RefusedError, match="earliest date to resume is 2026-12-31") as refused:
        resumed(opioid)
    assert refused.value.rule == "washout"
    assert resumed(opioid, date(2026, 12, 31)).days


@pytest.mark.parametrize("on, says", [(PAUSE, "give a date after 2026-12-20 and before 2027-01-03"),
                                      (RESUME, "give a date after 2026-12-20 and before 2027-01-03"),
                                      (RESUME + timedelta(days=5), "before 2027-01-03")])
def test_a_resume_outside_the_pause_is_refused_naming_its_dates(on, says):
    with pytest.raises(InputError, match=says) as refused:
        resumed(on=on)
    assert refused.value.field == "from"


def test_a_resume_without_a_pause_in_force_is_refused():
    with pytest.raises(InputError, match="not paused on 2026-12-22") as refused:
        resumed(PLAN, date(2026, 12, 22))
    assert refused.value.field == "from"
    with pytest.raises(InputError, match="not paused"):
        resumed(resumed(), EARLY + timedelta(days=1))


def test_the_calendar_of_an_early_resume_ends_the_pause_event_on_the_resume_day():
    plan = resumed()
    held = merged_view(render(PLAN, "ics"), render(paused(), "ics"), render(plan, "ics"))
    doses = {event.dtstart.date() for event in held.values() if isinstance(event.dtstart, datetime)}
    assert doses == {day.date for day in plan.days}
    pause = next(e for e in held.values() if "pause" in e.uid)
    assert (pause.dtstart, pause.dtend) == (PAUSE, EARLY)


def test_the_handout_chart_marks_a_pause_as_a_shaded_band_labelled_paused():
    import re

    html = render(resumed(), "html")
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert len(re.findall(r'<rect fill="#9e9e9e"[^>]*/>', chart)) == 1
    assert re.search(r">paused</text>", chart)
    assert "no LDN from 20 Dec to 26 Dec (paused)" in chart  # the chart's description, for screen readers
    assert "paused: no LDN</td>" in html and 'A grey band marked "paused"' in html
    assert "From Sun 27 December 2026: the pause ends early; start LDN again that day, at the dose you took" in html
    plain = render(PLAN, "html")
    assert "paused" not in plain[plain.index("<svg"):plain.index("</svg>")]
