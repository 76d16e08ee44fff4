"""The phone calendar, read back with independent parsers and checked against the plan day by day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from ics_reading import parse, tzinfo_from_icalendar_vtimezone, unescape_text, utc_from_vtimezone
from strategies import FIXED_ZONES, dose_times, protocols, zones
from test_golden import HOSTILE_LABEL, PLANS

from titrate.core.engine import build_plan
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.wallclock import date_exists, load_zone, occurs_twice
from titrate.formats import render

GENERATED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


DTSTART = re.compile(r"^DTSTART(?:;TZID=([^:]+))?:(\d{8}T\d{6})(Z?)\r$", flags=re.M)


def assert_calendar_matches_plan(plan, text):
    """Every dose day is exactly one event at the plan's instant and dose. A start given with the plan's
    TZID is the day's wall-clock time, which happens only once in the zone, and the file's own VTIMEZONE
    puts it at the same instant as zoneinfo; a time that happens twice is given in UTC instead, the
    first of the two (the plan's rule), so no app can read it the other way."""
    calendar = parse(text)
    zone = load_zone(plan.time_zone)
    events = dose_events(calendar)
    assert len(events) == len(plan.days)
    assert len(calendar.events) == len(plan.days) + len(plan.events) + len(plan.cancelled)
    starts = [match for chunk in text.split("BEGIN:VEVENT")[1:] if "STATUS:CANCELLED" not in chunk
              for match in DTSTART.findall(chunk)]
    tzid = "Etc/UTC" if plan.time_zone == "UTC" else plan.time_zone
    assert len(starts) == len(plan.days)
    for day, event, (found_tzid, raw, utc) in zip(plan.days, events, starts):
        local = datetime.combine(day.date, day.time)
        expected = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        written = datetime.strptime(raw, "%Y%m%dT%H%M%S")
        if utc:
            assert not found_tzid and written.replace(tzinfo=UTC) == expected == event.dtstart
            assert any(occurs_twice(moment.replace(tzinfo=None), zone)
                       for moment in (local, event.dtend.astimezone(zone)))
            assert "comes twice" in event.description or occurs_twice(
                event.dtend.astimezone(zone).replace(tzinfo=None), zone)
        else:
            assert found_tzid == tzid and written == local and not occurs_twice(written, zone)
            assert utc_from_vtimezone(calendar, tzid, written) == expected
        assert event.summary == f"LDN {day.dose_mg.normalize():f} mg"
        assert event.dtend > event.dtstart
        assert event.uid == f"{plan.plan_id}-{day.date:%Y%m%d}@titrate"
    return calendar, events


def dose_events(calendar):
    """The dose events (timed), in order; the others are the all-day re-order reminders."""
    return sorted((event for event in calendar.events if isinstance(event.dtstart, datetime)),
                  key=lambda event: event.dtstart)


def all_day_events(calendar, kind):
    """The all-day events of one kind (re-order, review, ...), by their UIDs' key, in date order."""
    return sorted((event for event in calendar.events if not isinstance(event.dtstart, datetime)
                   and re.search(rf"-{kind}(-\d{{8}})?@titrate$", event.uid)), key=lambda event: event.dtstart)


def calendar_names(calendar):
    """NAME (RFC 7986) and X-WR-CALNAME, which must agree."""
    (x_wr,) = [unescape_text(extra.value) for extra in calendar.extras if extra.name == "x-wr-calname"]
    assert calendar.name == [x_wr]
    return x_wr


def test_structure_crlf_folding_and_header():
    text = render(PLANS["classic-london"], "ics")
    data = text.encode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    head = text.split("BEGIN:VTIMEZONE")[0]
    for line in ("VERSION:2.0", "PRODID:-//titrate//LDN titration plan//EN", "CALSCALE:GREGORIAN",
                 "METHOD:PUBLISH", "X-WR-CALNAME:LDN plan: Jane Doe"):
        assert line + "\r\n" in head
    assert "RDATE" not in text and "RRULE" not in text


def test_every_day_is_one_event_at_the_local_dose_time():
    plan = PLANS["classic-london"]
    calendar, events = assert_calendar_matches_plan(plan, render(plan, "ics"))
    assert calendar_names(calendar) == "LDN plan: Jane Doe"
    first = events[0]
    assert first.dtend == datetime(2026, 12, 2, tzinfo=ZoneInfo("Europe/London"))
    assert ("Take 1 x 1.5 mg capsule (1.5 mg of low-dose naltrexone, LDN), once, between 21:00 and midnight."
            in first.description)


def test_moved_dose_and_warnings_reach_the_description():
    plan = PLANS["nuuk-hostile"]
    calendar, events = assert_calendar_matches_plan(plan, render(plan, "ics"))
    moved = events[8]
    assert moved.dtstart.time() == time(22, 30)
    assert "the clocks skip 23:30 on 2026-03-28, so this dose is at 22:30" in moved.description
    assert all("Your dose stays at or below 3 mg because of muscle stiffness." in event.description
               for event in events)
    assert not any("target capped" in event.description or "(spasticity)" in event.description for event in events)


def test_the_patient_gets_plain_words_not_clinician_notes_or_override_reasons():
    plan = PLANS["berlin-morning-overrides"]
    _, events = assert_calendar_matches_plan(plan, render(plan, "ics"))
    for event in events:
        assert "Tell your doctor about every MS medicine you take." in event.description
        assert "hepatologist" not in event.description and "vivid dreams" not in event.description
        assert "pharmacokinetic" not in event.description and "Warning (" not in event.description


def test_hostile_label_is_escaped_and_reads_back_whole():
    calendar = parse(render(PLANS["nuuk-hostile"], "ics"))
    assert calendar_names(calendar) == "LDN plan: " + HOSTILE_LABEL


def test_lines_fold_at_75_octets_without_splitting_a_character():
    label = "Zoë Ångström-Øverby 山田太郎 " * 6
    plan = build_plan(PROTOCOLS["classic"], Patient(label=label), date(2026, 12, 1), zone=load_zone("UTC"),
                      generated_at=GENERATED, days=2)
    data = render(plan, "ics").encode("utf-8")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # each folded line is whole UTF-8 on its own
    assert calendar_names(parse(data.decode("utf-8"))) == "LDN plan: " + label


def test_control_characters_in_a_label_do_not_break_the_file():
    plan = build_plan(PROTOCOLS["classic"], Patient(label="A\x07B\r\nC;D,E\\F"), date(2026, 12, 1),
                      zone=load_zone("UTC"), generated_at=GENERATED, days=2)
    assert calendar_names(parse(render(plan, "ics"))) == "LDN plan: A B\nC;D,E\\F"


@pytest.mark.parametrize("options, trigger", [({}, timedelta(0)), ({"alarm_minutes": 15}, timedelta(minutes=-15))])
def test_a_display_alarm_with_a_description_fires_at_or_before_the_dose(options, trigger):
    events = dose_events(parse(render(PLANS["classic-london"], "ics", **options)))
    for event in events:
        (alarm,) = event.alarm
        assert (alarm.action, alarm.trigger) == ("DISPLAY", trigger)
        assert alarm.description.startswith("Time for your LDN dose: ")


def test_each_refill_is_an_all_day_event_on_its_reorder_date_with_a_reminder():
    plan = PLANS["classic-london"]
    events = all_day_events(parse(render(plan, "ics")), "reorder")
    assert [(e.dtstart, e.dtend - e.dtstart) for e in events] == \
        [(r.reorder_on, timedelta(days=1)) for r in plan.refills]
    for event, refill in zip(events, plan.refills):
        # keyed by the first day the fill covers, not its number, which a hold would shift
        assert event.uid == f"{plan.plan_id}-reorder-{refill.start:%Y%m%d}@titrate"
        assert event.summary == "Re-order LDN"
        assert f"for {refill.start} to {refill.end}" in event.description
        (alarm,) = event.alarm
        nine_local = datetime.combine(refill.reorder_on, time(9), tzinfo=ZoneInfo(plan.time_zone))
        assert (alarm.action, alarm.trigger) == ("DISPLAY", nine_local) and alarm.description
        assert alarm.trigger.tzinfo == UTC  # an instant, not a time floating with the phone


def test_no_alarm_leaves_reminders_out():
    assert "VALARM" not in render(PLANS["classic-london"], "ics", alarm_minutes=None)


def test_same_plan_same_bytes_and_dtstamp_from_the_plan():
    plan = PLANS["classic-london"]
    text = render(plan, "ics")
    assert text == render(plan, "ics")
    assert set(re.findall(r"^DTSTAMP:(.*)\r$", text, flags=re.M)) == {"20261125T093000Z"}


def test_a_revised_plan_keeps_uids_and_raises_the_sequence():
    first = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), date(2026, 12, 1), zone=load_zone("UTC"),
                       generated_at=GENERATED)
    revised = build_plan(PROTOCOLS["gentle"], Patient(label="Ann"), date(2026, 12, 1), zone=load_zone("UTC"),
                         generated_at=GENERATED + timedelta(days=3), revision=2)
    old = {event.uid: event for event in parse(render(first, "ics")).events}
    new = {event.uid: event for event in parse(render(revised, "ics")).events}
    shared = old.keys() & new.keys()
    assert len(shared) == len(first.days) + len(first.events)
    assert {old[uid].sequence for uid in shared} == {0} and {new[uid].sequence for uid in shared} == {1}


def test_vtimezone_agrees_with_icalendars_own_reading_of_it():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2027, 3, 1), zone=load_zone("America/New_York"),
                      generated_at=GENERATED, days=300)
    from_file = tzinfo_from_icalendar_vtimezone(render(plan, "ics"), plan.time_zone)
    zone = ZoneInfo(plan.time_zone)
    for day in plan.days:
        local = datetime.combine(day.date, day.time)
        assert local.replace(tzinfo=from_file).astimezone(UTC) == \
            local.replace(tzinfo=zone).astimezone(UTC)


dst_season_starts = st.builds(date, st.integers(2000, 2100), st.sampled_from([2, 3, 4, 9, 10, 11]),
                              st.integers(1, 28))


@settings(max_examples=25)
@given(protocols(), st.booleans(), st.one_of(st.sampled_from(FIXED_ZONES), zones),
       st.one_of(dst_season_starts, st.dates(date(2000, 1, 1), date(2100, 12, 31))),
       st.one_of(st.integers(1, 60), st.integers(300, 366)), dose_times)
@example(PROTOCOLS["classic"], False, "Australia/Lord_Howe", date(2027, 3, 30), 366, time(23, 45))
@example(PROTOCOLS["gentle"], True, "America/Nuuk", date(2026, 3, 1), 366, time(23, 30))
@example(PROTOCOLS["low-start"], False, "Asia/Kathmandu", date(2026, 12, 31), 365, time(21, 0))
@example(PROTOCOLS["classic"], False, "America/Santiago", date(2026, 8, 1), 365, time(23, 59))
@example(PROTOCOLS["gentle"], False, "Pacific/Apia", date(2011, 12, 20), 30, time(21, 30))
def test_calendar_occurrences_equal_the_plan_in_any_zone(protocol, spasticity, zone, start, days, dose_time):
    assume(date_exists(start, load_zone(zone)))  # a plan across a skipped date leaves it out
    plan = build_plan(protocol, Patient(spasticity=spasticity), start, zone=load_zone(zone), generated_at=GENERATED,
                      dose_time=dose_time, days=days)
    assert_calendar_matches_plan(plan, render(plan, "ics"))


def test_a_phone_that_imports_each_revision_keeps_exactly_the_newest_doses_across_a_clock_change():
    from ics_reading import merged_view

    from titrate.core.revise import adjust

    # London's clocks go forward on 2027-03-28; the plan steps back over it, then stops before its end.
    first = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), date(2027, 2, 1), zone=load_zone("Europe/London"),
                       generated_at=GENERATED, days=90)
    back = adjust(first, "step-back", date(2027, 3, 20), "flare", generated_at=GENERATED, days=14)
    stopped = adjust(back, "stop", date(2027, 4, 10), "no benefit", generated_at=GENERATED)
    held = merged_view(*(render(plan, "ics") for plan in (first, back, stopped)))
    doses = sorted(event.dtstart for event in held.values() if isinstance(event.dtstart, datetime))
    zone = ZoneInfo("Europe/London")
    assert [d.astimezone(UTC) for d in doses] == [
        datetime.combine(day.date, day.time, tzinfo=zone).astimezone(UTC) for day in stopped.days]
    assert doses[-1].date() == date(2027, 4, 9)
    summaries = {event.summary for event in held.values() if isinstance(event.dtstart, datetime)}
    assert summaries == {"LDN 1.5 mg", "LDN 3 mg", "LDN 4.5 mg"}
    # a dose on each side of the change, at 22:00 local: GMT, then BST
    by_date = {d.date(): d for d in doses}
    assert by_date[date(2027, 3, 27)].astimezone(UTC).hour == 22
    assert by_date[date(2027, 3, 28)].astimezone(UTC).hour == 21
