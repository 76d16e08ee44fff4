"""Plans across clock changes: one reading of every dose, in the plan and in every calendar app.

The plan's rule: a wall-clock time the clocks repeat is its first occurrence. A calendar app given a
repeated local time with a TZID may take either occurrence (Thunderbird, Evolution and khal take the
second), so no such time may be written with a TZID.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import clock_changes

from titrate.core.engine import build_plan
from titrate.core.model import Override, Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.wallclock import (
    EVENING_WINDOW,
    date_exists,
    first_instant,
    load_zone,
    occurs_twice,
    ordinary_day,
    window_close,
)
from titrate.formats import render
from titrate.formats.ics import calendar_tzid
from titrate.formats.plan_json import dumps

GENERATED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
LOCAL = re.compile(r"^(DTSTART|DTEND);TZID=([^:]+):(\d{8}T\d{6})\r$", flags=re.M)
UTC = re.compile(r"^(DTSTART|DTEND):(\d{8}T\d{6})Z\r$", flags=re.M)


def plan_around(zone, day, wall):
    overrides = () if EVENING_WINDOW.contains(wall) else (Override("window", "morning dose for sleep"),)
    start = day - timedelta(days=2)
    return build_plan(PROTOCOLS["classic"], Patient(), start, zone=load_zone(zone), generated_at=GENERATED,
                      dose_time=wall, days=5, overrides=overrides) if date_exists(start, load_zone(zone)) else None


@given(clock_changes())
@example(("America/Santiago", datetime(2026, 4, 4).date(), datetime(2026, 1, 1, 23, 30).time()))
@example(("America/Havana", datetime(2026, 11, 1).date(), datetime(2026, 1, 1, 0, 30).time()))
@example(("Australia/Lord_Howe", datetime(2026, 4, 5).date(), datetime(2026, 1, 1, 1, 45).time()))
def test_no_time_that_happens_twice_is_written_with_a_tzid(change):
    plan = plan_around(*change)
    if plan is None:
        return
    zone = load_zone(plan.time_zone)
    text = render(plan, "ics")
    events = text.split("BEGIN:VEVENT")[1:]
    for _, _, raw in LOCAL.findall(text.split("BEGIN:VEVENT", 1)[1]):
        assert not occurs_twice(datetime.strptime(raw, "%Y%m%dT%H%M%S"), zone), raw
    # each dose day's event starts at the plan's instant: the first occurrence of the day's wall time
    by_uid = {re.search(r"UID:(\S+)@titrate", event).group(1): event for event in events}
    for day in plan.days:
        event = by_uid[f"{plan.plan_id}-{day.date:%Y%m%d}"]
        local = datetime.combine(day.date, day.time)
        start = [m for m in UTC.findall(event) if m[0] == "DTSTART"]
        if occurs_twice(local, zone):
            assert start == [("DTSTART", f"{first_instant(local, zone):%Y%m%dT%H%M%S}")]
            assert any("comes twice" in note and "the first" in note for note in day.notes)
        elif start:  # the window closes at a repeated time, so the whole event is given in UTC
            assert start == [("DTSTART", f"{first_instant(local, zone):%Y%m%dT%H%M%S}")]
            assert occurs_twice(window_close(day.date, plan.window, zone).replace(tzinfo=None), zone)
        else:
            assert f"DTSTART;TZID={calendar_tzid(plan.time_zone)}:{local:%Y%m%dT%H%M%S}\r\n" in event


@given(clock_changes())
@example(("America/Santiago", datetime(2026, 4, 4).date(), datetime(2026, 1, 1, 23, 30).time()))
def test_json_table_and_calendar_say_the_same_about_a_repeated_time(change):
    plan = plan_around(*change)
    if plan is None:
        return
    zone = load_zone(plan.time_zone)
    for day in plan.days:
        notes = [note for note in day.notes if "comes twice" in note]
        assert bool(notes) == occurs_twice(datetime.combine(day.date, day.time), zone)
        for note in notes:
            assert note in dumps(plan)
            assert note in render(plan, "table")
            assert note.replace(",", "\\,") in render(plan, "ics").replace("\r\n ", "")


def _once(local: datetime) -> bool:
    """Whether aware `local` exists and happens once, worked out from the zone's offsets alone."""
    back = local.astimezone(timezone.utc).astimezone(local.tzinfo)
    return (back.replace(tzinfo=None) == local.replace(tzinfo=None)
            and local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset())


@given(clock_changes(), st.integers(0, 24 * 60))
@example(("Pacific/Apia", date(2011, 12, 30), time(0)), 0)
@example(("Europe/London", date(2026, 10, 24), time(0)), 24 * 60)  # the midnight before the clocks go back
def test_an_ordinary_day_has_every_wall_clock_time_once(change, minutes):
    # The clock-change rules skip the time-by-time checks on ordinary days, so the claim must hold for
    # every minute of the day and the midnight that ends it, however close a change comes.
    name, day, wall = change
    zone = load_zone(name)
    if ordinary_day(day, zone):
        assert _once(datetime.combine(day, wall, tzinfo=zone))
        assert _once(datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minutes))


def test_the_days_around_a_clock_change_are_not_ordinary():
    london = load_zone("Europe/London")
    assert not ordinary_day(date(2026, 3, 29), london) and not ordinary_day(date(2026, 10, 25), london)
    assert not ordinary_day(date(2011, 12, 30), load_zone("Pacific/Apia"))
    assert ordinary_day(date(2026, 7, 1), london) and ordinary_day(date(2026, 7, 1), load_zone("UTC"))
