"""Zone rules from the tzdata package, recorded in each plan; dates a zone skipped; repeated hours."""

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import tzdata

from titrate.core.diff import moved_days
from titrate.core.engine import build_plan
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.tzdb import _packaged_keys, get_zone
from titrate.core.wallclock import (
    SCAN_STEP,
    date_exists,
    dose_clock,
    first_instant,
    load_zone,
    local_dates,
    occurs_twice,
    parse_offset,
    tz_version,
)
from titrate.errors import InputError
from titrate.formats import render
from titrate.formats.plan_json import dumps, loads

GENERATED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_zones_come_from_the_tzdata_package_not_the_system():
    # tzdata 2026 moved Morocco's clocks from 2026-09-20; a system copy older than that does not know it.
    zone = get_zone("Africa/Casablanca")
    with open(tzdata.__file__.replace("__init__.py", "zoneinfo/Africa/Casablanca"), "rb") as data:
        packaged = ZoneInfo.from_file(data, key="Africa/Casablanca")
    for day in (date(2026, 9, 21), date(2026, 12, 21), date(2027, 3, 1)):
        moment = datetime.combine(day, time(3, 30), tzinfo=UTC)
        assert moment.astimezone(zone).utcoffset() == moment.astimezone(packaged).utcoffset()
    assert load_zone("Africa/Casablanca") is zone  # one cached object for every part of titrate
    assert tz_version() == tzdata.IANA_VERSION


@pytest.mark.parametrize("name", ["../../etc/passwd", "Europe/../../x", "zones"])
def test_no_name_opens_a_file_outside_tzdatas_zones(name):
    with pytest.raises(InputError, match="unknown time zone"):
        load_zone(name)


def test_a_plan_records_the_tz_database_version_in_json_and_explain():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 12, 1), zone=load_zone("Europe/London"),
                      generated_at=GENERATED, days=5)
    assert plan.tzdata == tzdata.IANA_VERSION
    assert f'"tzdata": "{tzdata.IANA_VERSION}"' in dumps(plan)
    assert f"Zone rules: tz database {tzdata.IANA_VERSION}" in render(plan, "explain")


def test_a_plan_made_with_the_same_rules_has_no_moved_days():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 9, 1), zone=load_zone("Africa/Casablanca"),
                      generated_at=GENERATED, days=60)
    assert moved_days(loads(dumps(plan))) == []


def test_a_plan_made_with_older_rules_names_the_days_the_new_rules_move():
    # As titrate with tzdata 2025b would have recorded it: Casablanca at +01:00 all autumn.
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 9, 15), zone=load_zone("Africa/Casablanca"),
                      generated_at=GENERATED, days=10)
    older = replace(plan, tzdata="2025b", utc_offsets=((datetime(2026, 9, 13, tzinfo=UTC),
                                                        timedelta(hours=1)),))
    assert moved_days(loads(dumps(older))) == [date(2026, 9, d) for d in range(20, 25)]
    # loading it warns, naming those days, and keeps it readable
    (warning,) = [w for w in loads(dumps(older)).warnings if "time-zone rules" in w.message]
    assert warning.rule == "window" and "tz database 2025b" in warning.message
    assert "2026-09-20, 2026-09-21, 2026-09-22, 2026-09-23, 2026-09-24 now falls at another moment" in warning.message
    assert not [w for w in loads(dumps(plan)).warnings if "time-zone rules" in w.message]


def test_a_plan_without_recorded_offsets_moves_nothing():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 9, 15), zone=load_zone("Africa/Casablanca"),
                      generated_at=GENERATED, days=10)
    assert moved_days(replace(plan, utc_offsets=())) == []


@pytest.mark.parametrize("text", ["+1:00", "01:00", "+24:00", "+01:60", "", "-00:30:7"])
def test_offsets_are_read_strictly(text):
    with pytest.raises(InputError, match="UTC offset"):
        parse_offset(text, field="offset")


def test_apia_skipped_2011_12_30():
    apia = load_zone("Pacific/Apia")
    assert not date_exists(date(2011, 12, 30), apia) and date_exists(date(2011, 12, 31), apia)
    dates = local_dates(date(2011, 12, 28), apia)
    assert [next(dates) for _ in range(4)] == [date(2011, 12, 28), date(2011, 12, 29), date(2011, 12, 31),
                                               date(2012, 1, 1)]


def test_a_plan_across_apias_missing_day_skips_it_with_a_note_and_counts_real_days():
    plan = build_plan(PROTOCOLS["gentle"], Patient(), date(2011, 12, 24), zone=load_zone("Pacific/Apia"),
                      generated_at=GENERATED, days=14)
    dates = [day.date for day in plan.days]
    assert date(2011, 12, 30) not in dates and len(dates) == 14 and dates[-1] == date(2012, 1, 7)
    # gentle: 7 real days at 1.5 mg, then 2 mg: the missing date is no day of a step
    assert [day.dose_mg for day in plan.days].count(plan.days[0].dose_mg) == 7
    assert (plan.days[6].date, plan.days[7].date) == (date(2011, 12, 31), date(2012, 1, 1))
    assert any("2011-12-30 does not exist in Pacific/Apia" in note.message for note in plan.notes)
    assert loads(dumps(plan)) == plan
    assert "2011-12-30 does not exist" in render(plan, "table")


def test_an_end_date_across_the_missing_day_counts_only_real_days():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2011, 12, 29), zone=load_zone("Pacific/Apia"),
                      generated_at=GENERATED, until=date(2012, 1, 2))
    assert [day.date.day for day in plan.days] == [29, 31, 1, 2]


def test_a_start_on_the_missing_day_is_bad_input():
    with pytest.raises(InputError, match="2011-12-30 is not a date in Pacific/Apia"):
        build_plan(PROTOCOLS["classic"], Patient(), date(2011, 12, 30), zone=load_zone("Pacific/Apia"),
                   generated_at=GENERATED, days=3)


def test_a_plan_file_that_lists_the_missing_day_is_refused():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2011, 12, 28), zone=load_zone("Pacific/Apia"),
                      generated_at=GENERATED, days=3)
    text = dumps(plan).replace("2011-12-31", "2011-12-30")
    with pytest.raises(InputError):
        loads(text)


def test_santiagos_repeated_hour_keeps_the_dose_at_its_first_occurrence_with_a_note():
    santiago = load_zone("America/Santiago")
    assert occurs_twice(datetime(2026, 4, 4, 23, 30), santiago)
    assert not occurs_twice(datetime(2026, 4, 4, 22, 59), santiago)
    assert not occurs_twice(datetime(2026, 9, 5, 23, 30), santiago)  # spring forward: once, not twice
    clock = dose_clock(date(2026, 4, 4), time(23, 30), santiago)
    assert clock.time == time(23, 30)
    assert clock.note == ("the clocks go back on the night of 2026-04-04, so 23:30 comes twice: this dose is at "
                          "the first 23:30 (UTC-03:00)")
    assert first_instant(datetime(2026, 4, 4, 23, 30), santiago) == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)


def test_the_repeated_hour_dose_is_one_utc_event_in_the_calendar():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 4, 2), zone=load_zone("America/Santiago"),
                      generated_at=GENERATED, days=5, dose_time=time(23, 30))
    text = render(plan, "ics")
    assert "DTSTART:20260405T023000Z\r\nDTEND:20260405T040000Z\r\n" in text
    assert "DTSTART;TZID=America/Santiago:20260404T" not in text
    assert text.count("DTSTART;TZID=America/Santiago:202604") == 4


def test_all_day_reminders_ring_at_nine_in_the_plans_zone_as_an_absolute_time():
    from ics_reading import parse

    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2027, 1, 10), zone=load_zone("Australia/Sydney"),
                      generated_at=GENERATED, days=40)
    text = render(plan, "ics")
    all_day = [event for event in parse(text).events if not isinstance(event.dtstart, datetime)]
    assert len(all_day) == len(plan.events) >= 2
    for event in all_day:
        (alarm,) = event.alarm
        # 09:00 in Sydney (UTC+11 in summer) is 22:00 UTC the day before
        assert alarm.trigger == datetime.combine(event.dtstart, time(9), tzinfo=load_zone("Australia/Sydney"))
        assert alarm.trigger.utcoffset() == timedelta(0) and alarm.trigger.hour == 22
    assert "TRIGGER:PT9H" not in text and text.count("TRIGGER;VALUE=DATE-TIME:") == len(plan.events)



def _offset_changes(key: str) -> list[int]:
    """The instants (UTC seconds) at which `key`'s offset changes, read straight from tzdata's file with
    the standard library's pure-Python reader (not the code under test, which finds them by scanning):
    the file's list of changes, then two years of the rule that follows it (daylight saving each year)."""
    from zoneinfo import _zoneinfo

    with open(os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo", *key.split("/")), "rb") as file:
        zone = _zoneinfo.ZoneInfo.from_file(file, key=key)
    offsets = [zone._tti_before.utcoff if zone._tti_before else None, *(tti.utcoff for tti in zone._ttinfos)]
    changes = [instant for instant, before, after in zip(zone._trans_utc, offsets, offsets[1:]) if before != after]
    if isinstance(zone._tz_after, _zoneinfo._TZStr):  # a rule with daylight saving: two changes a year
        last = datetime.fromtimestamp(changes[-1] if changes else 0, UTC).year
        rule = zone._tz_after
        changes += sorted(instant for year in (last + 1, last + 2) for instant in rule.transitions(year)
                          if instant > (changes[-1] if changes else float("-inf")))
    return changes


def test_no_two_changes_of_offset_in_any_zone_fall_within_one_scan_step():
    # The scan for changes (wallclock._changes) compares offsets SCAN_STEP apart: two changes inside one
    # step would cancel out unseen. The closest pair in tzdata is a week apart (America/Boa_Vista, 2000).
    closest = min((later - earlier, key) for key in _packaged_keys()
                  for changes in [_offset_changes(key)] for earlier, later in zip(changes, changes[1:]))
    assert closest[0] > SCAN_STEP.total_seconds(), closest
    assert closest[0] < 8 * 86400, closest  # the check sees the closest pair, not nothing
