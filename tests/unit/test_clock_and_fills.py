"""The clock code and the refill code at their edges: each limit tried on both sides, each message read
whole, so that a changed bound or a flipped clock-change reading fails a test."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from titrate.core.formulations import Portion
from titrate.core.refills import Refill, Supply, plan_refills, total_quantities
from titrate.core.wallclock import (
    EVENING_WINDOW,
    FIRST_DATE,
    LAST_DATE,
    MINUTES_PER_DAY,
    Window,
    check_date_range,
    date_exists,
    dose_clock,
    format_hhmm,
    format_minutes,
    format_offset,
    load_zone,
    observances,
    parse_hhmm,
    parse_minutes,
    parse_offset,
    tz_version,
    window_close,
)
from titrate.errors import InputError

BERLIN, LONDON = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/London")


# --- zones ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "FACTORY", "right/Europe/London"])
def test_zones_that_are_not_places_are_refused(name):
    with pytest.raises(InputError) as error:
        load_zone(name)
    assert str(error.value) == f"{name!r} is not a place's time zone; use an IANA name such as 'Europe/London'"


def test_real_zones_load_including_posix_aliases():
    assert load_zone("Europe/London").key == "Europe/London"
    assert load_zone("posix/Europe/London").key == "posix/Europe/London"


def test_an_unknown_zone_without_a_close_name_says_what_a_name_looks_like():
    with pytest.raises(InputError) as error:
        load_zone("Qqqqqq/Zzzzz")
    assert str(error.value) == "unknown time zone 'Qqqqqq/Zzzzz'; use an IANA name such as 'Europe/London'"


def test_tz_version_names_the_database_release():
    assert tz_version()[:4].isdigit() and tz_version()[4:].isalpha()


# --- dates and times -----------------------------------------------------------------------------------

@pytest.mark.parametrize("day, inside", [(FIRST_DATE, True), (LAST_DATE, True), (date(1899, 12, 31), False),
                                         (date(3000, 1, 1), False), (date(1, 1, 1), False)])
def test_dates_a_plan_may_use(day, inside):
    if inside:
        assert check_date_range(day, field="start") == day
    else:
        with pytest.raises(InputError) as error:
            check_date_range(day, field="start")
        assert str(error.value) == f"start {day} is outside the dates a plan may use (1900-01-01 to 2999-12-31)"
        assert (error.value.field, error.value.value) == ("start", day.isoformat())


@pytest.mark.parametrize("text, clock", [("21:00", time(21)), ("9:05", time(9, 5)), (" 23:59 ", time(23, 59)),
                                         ("00:00", time(0)), ("0:00", time(0))])
def test_times_read_as_hh_mm(text, clock):
    assert parse_hhmm(text, field="the time") == clock


@pytest.mark.parametrize("text", ["24:00", "23:60", "123:00", "21:5", "21:555", "21-30", "21:", ":30", "２２:００",
                                  "²²:00", "٢٢:٠٠", "-1:30", "+9:30"])
def test_anything_else_is_not_a_time(text):
    with pytest.raises(InputError) as error:
        parse_hhmm(text, field="the time")
    assert str(error.value) == f"the time must be HH:MM, from 00:00 to 23:59 (got {text!r})"


def test_minutes_after_midnight_read_and_write_including_the_midnight_that_ends_the_day():
    assert [format_minutes(m) for m in (0, 59, 61, 1439, MINUTES_PER_DAY)] == ["00:00", "00:59", "01:01", "23:59",
                                                                              "24:00"]
    assert [parse_minutes(t, field="x") for t in ("00:00", "01:01", " 24:00 ", "23:59")] == [0, 61, 1440, 1439]
    assert format_hhmm(time(7, 5)) == "07:05" and MINUTES_PER_DAY == 1440
    with pytest.raises(InputError, match="x must be HH:MM"):
        parse_minutes("24:01", field="x")


@pytest.mark.parametrize("start, end", [(0, 1440), (0, 1), (1439, 1440), (600, 660)])
def test_windows_run_forward_within_one_day(start, end):
    window = Window(start, end)
    assert window.contains(time(start // 60, start % 60))
    assert not window.contains(time((end - 1) // 60, (end - 1) % 60)) or end - 1 >= start
    if end < 1440:
        assert not window.contains(time(end // 60, end % 60))


@pytest.mark.parametrize("start, end", [(-1, 10), (10, 10), (20, 10), (0, 1441)])
def test_windows_that_do_not_run_forward_are_refused(start, end):
    with pytest.raises(InputError) as error:
        Window(start, end)
    assert str(error.value) == ("a dose window must run forward within one day "
                                f"(got {format_minutes(start)}-{format_minutes(end)})")


def test_the_evening_window_is_21_00_to_midnight():
    assert (EVENING_WINDOW.start, EVENING_WINDOW.end, str(EVENING_WINDOW)) == (1260, 1440, "21:00-24:00")
    assert str(Window(8 * 60, 11 * 60 + 5)) == "08:00-11:05"


# --- clock changes -------------------------------------------------------------------------------------

def test_a_skipped_dose_time_moves_forward_by_the_jump_on_its_own_date():
    # Berlin springs forward 2026-03-29 at 02:00: 02:30 does not exist and is read as 03:30 (RFC 5545).
    clock = dose_clock(date(2026, 3, 29), time(2, 30), BERLIN)
    assert clock.time == time(3, 30)
    assert clock.note == "the clocks skip 02:30 on 2026-03-29, so this dose is at 03:30"
    assert dose_clock(date(2026, 3, 29), time(1, 59), BERLIN).note is None
    assert dose_clock(date(2026, 3, 29), time(3, 0), BERLIN).time == time(3)


def test_a_skipped_time_that_would_pass_midnight_moves_back_instead():
    clock = dose_clock(date(2026, 3, 28), time(23, 30), ZoneInfo("America/Nuuk"))
    assert (clock.time, clock.note) == (time(22, 30), "the clocks skip 23:30 on 2026-03-28, so this dose is at 22:30")


def test_a_time_that_happens_twice_is_the_first_one_and_says_so():
    # London falls back 2026-10-25 at 02:00: 01:30 happens twice; the dose is the first (summer time) one.
    clock = dose_clock(date(2026, 10, 25), time(1, 30), LONDON)
    assert (clock.time, clock.note) == (time(1, 30), "the clocks go back on the night of 2026-10-25, so 01:30 comes "
                                                     "twice: this dose is at the first 01:30 (UTC+01:00)")
    assert dose_clock(date(2026, 10, 25), time(2, 0), LONDON).note is None


def test_a_whole_skipped_day_is_refused_naming_the_date_time_and_zone():
    with pytest.raises(InputError) as error:
        dose_clock(date(2011, 12, 30), time(22), ZoneInfo("Pacific/Apia"))
    assert str(error.value) == "2011-12-30 has no 22:00 in Pacific/Apia: the clocks skip it"


def test_a_window_closes_at_its_end_in_local_time():
    assert window_close(date(2026, 12, 1), Window(8 * 60, 11 * 60), LONDON).isoformat() == "2026-12-01T11:00:00+00:00"
    assert window_close(date(2026, 3, 28), EVENING_WINDOW, BERLIN).isoformat() == "2026-03-29T00:00:00+01:00"
    # Berlin skips 02:00-03:00: a window ending at 02:30 closes at 03:30 summer time, the same instant.
    assert window_close(date(2026, 3, 29), Window(60, 150), BERLIN).isoformat() == "2026-03-29T03:30:00+02:00"


# --- fills ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, low, high", [("supply_days", 1, 366), ("lead_days", 0, 90),
                                              ("shelf_life_days", 1, 366)])
def test_supply_numbers_are_whole_and_within_their_range(field, low, high):
    assert getattr(Supply(**{field: low}), field) == low and getattr(Supply(**{field: high}), field) == high
    name = field.replace("_", " ").replace("shelf life", "shelf-life")
    for bad in (low - 1, high + 1, True, "30", 30.0):
        with pytest.raises(InputError) as error:
            Supply(**{field: bad})
        assert str(error.value) == f"{name} must be a whole number from {low} to {high} (got {bad!r})"


def test_a_fill_covers_the_supply_days_and_a_liquid_fill_no_more_than_its_shelf_life():
    supply = Supply(supply_days=30, lead_days=7, shelf_life_days=14)
    assert (supply.days_per_fill("liquid"), supply.days_per_fill("capsule"), supply.days_per_fill("drops")) == (14, 30,
                                                                                                              30)
    assert Supply(supply_days=10, shelf_life_days=14).days_per_fill("liquid") == 10
    assert Supply() == Supply(30, 7, 30)


def test_refills_cut_the_days_into_fills_each_ordered_lead_days_ahead():
    start = date(2026, 12, 1)
    one, two = (Portion(Decimal("1.5"), Decimal("1")),), (Portion(Decimal("3"), Decimal("1")),)
    days = [(start + timedelta(days=i), one if i < 3 else two) for i in range(7)]
    refills = plan_refills(days, Supply(supply_days=3, lead_days=2), "capsule")
    assert refills == (
        Refill(1, date(2026, 11, 29), date(2026, 12, 1), date(2026, 12, 3), (Portion(Decimal("1.5"), Decimal("3")),)),
        Refill(2, date(2026, 12, 2), date(2026, 12, 4), date(2026, 12, 6), (Portion(Decimal("3"), Decimal("3")),)),
        Refill(3, date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 7), (Portion(Decimal("3"), Decimal("1")),)),
    )
    assert [refill.days for refill in refills] == [3, 3, 1]
    assert plan_refills(days, Supply(supply_days=30, lead_days=0), "capsule")[0].reorder_on == start


def test_total_quantities_add_up_per_strength_largest_first():
    portions = [(Portion(Decimal("1.5"), Decimal("1")), Portion(Decimal("3"), Decimal("2"))),
                (Portion(Decimal("1.5"), Decimal("2")),), ()]
    assert total_quantities(portions) == (Portion(Decimal("3"), Decimal("2")), Portion(Decimal("1.5"), Decimal("3")))
    assert total_quantities([]) == ()


# --- offsets and clock changes over a span (the calendar's VTIMEZONE reads these) ----------------------

@pytest.mark.parametrize("offset, text", [(timedelta(0), "+00:00"), (None, "+00:00"), (timedelta(hours=1), "+01:00"),
                                          (timedelta(hours=-3, minutes=-30), "-03:30"),
                                          (timedelta(seconds=-1), "-00:00:01"), (timedelta(seconds=1), "+00:00:01"),
                                          (timedelta(minutes=-44, seconds=-30), "-00:44:30"),
                                          (timedelta(hours=5, minutes=45), "+05:45")])
def test_offsets_write_and_read_back(offset, text):
    assert format_offset(offset) == text
    assert parse_offset(text, field="o") == (offset or timedelta(0))


@pytest.mark.parametrize("text", ["01:00", "+1:00", "+24:00", "+01:60", "+01:00:60", "+01", "+01:00:00:00",
                                  "+01:0a", "", "+\u00b2\u00b2:00", "+\u0660\u0661:\u0660\u0660", "+\uff10\uff11:00"])
def test_anything_else_is_not_an_offset(text):
    """Digits are ASCII: int() fails on a superscript and reads Arabic-Indic or full-width digits."""
    with pytest.raises(InputError) as error:
        parse_offset(text, field="offset")
    assert str(error.value) == f"offset must be a UTC offset such as +01:00 or -03:30 (got {text!r})"


def test_observances_list_the_offset_in_force_and_each_change_with_its_name():
    found = observances(BERLIN, date(2026, 3, 1), date(2026, 11, 30))
    assert [(o.onset.isoformat(), format_offset(o.offset_from), format_offset(o.offset_to), o.name, o.daylight)
            for o in found] == [
        ("2026-02-28T01:00:00", "+01:00", "+01:00", "CET", False),
        ("2026-03-29T02:00:00", "+01:00", "+02:00", "CEST", True),
        ("2026-10-25T03:00:00", "+02:00", "+01:00", "CET", False),
    ]
    assert len(observances(BERLIN, date(2026, 3, 31), date(2026, 10, 23))) == 1
    assert len(observances(BERLIN, date(2026, 3, 31), date(2026, 10, 24))) == 2  # the change is the next night


def test_a_date_exists_unless_the_zone_skipped_it_whole():
    apia = ZoneInfo("Pacific/Apia")
    assert not date_exists(date(2011, 12, 30), apia)
    assert date_exists(date(2011, 12, 29), apia) and date_exists(date(2011, 12, 31), apia)
    # Santiago skips local midnight on 2026-09-06: the date still exists from 01:00 on.
    assert date_exists(date(2026, 9, 6), ZoneInfo("America/Santiago"))
