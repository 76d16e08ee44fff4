"""Wall-clock dose times across clock changes, in zones whose changes land inside the dose window."""

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from titrate.core.wallclock import EVENING_WINDOW, Window, dose_clock, load_zone, parse_hhmm, window_close
from titrate.errors import InputError


def test_a_time_that_exists_is_kept():
    assert dose_clock(date(2026, 3, 29), time(22), ZoneInfo("Europe/London")).time == time(22)


def test_nuuk_skips_23_00_to_midnight_so_a_2330_dose_moves_back_an_hour_on_the_same_date():
    # America/Nuuk springs forward at 01:00 UTC: Saturday 23:00 (UTC-2) becomes Sunday 00:00 (UTC-1).
    clock = dose_clock(date(2026, 3, 28), time(23, 30), ZoneInfo("America/Nuuk"))
    assert clock.time == time(22, 30)
    assert "skip 23:30" in clock.note


def test_nuuk_dose_before_the_gap_is_untouched():
    assert dose_clock(date(2026, 3, 28), time(22, 59), ZoneInfo("America/Nuuk")).note is None


def test_a_day_the_zone_skipped_entirely_is_bad_input():
    with pytest.raises(InputError, match="2011-12-30 has no 22:00 in Pacific/Apia"):
        dose_clock(date(2011, 12, 30), time(22), ZoneInfo("Pacific/Apia"))


def test_window_contains_21_00_to_23_59_only():
    assert EVENING_WINDOW.contains(time(21)) and EVENING_WINDOW.contains(time(23, 59))
    assert not EVENING_WINDOW.contains(time(20, 59)) and not EVENING_WINDOW.contains(time(0))
    assert str(EVENING_WINDOW) == "21:00-24:00"


def test_window_must_run_forward():
    with pytest.raises(InputError):
        Window(22 * 60, 21 * 60)


def test_santiago_midnight_that_does_not_exist_ends_the_window_at_01_00():
    # Chile springs forward at local midnight: 2026-09-06 00:00 does not exist.
    end = window_close(date(2026, 9, 5), EVENING_WINDOW, ZoneInfo("America/Santiago"))
    assert (end.date(), end.hour) == (date(2026, 9, 6), 1)


def test_the_evening_window_closes_at_the_next_local_midnight():
    end = window_close(date(2026, 10, 24), EVENING_WINDOW, ZoneInfo("Europe/London"))
    assert end.isoformat() == "2026-10-25T00:00:00+01:00"


@pytest.mark.parametrize("name", ["Mars/Base", "", "../etc/passwd", "America"])
def test_unknown_zones_are_bad_input(name):
    with pytest.raises(InputError, match="unknown time zone"):
        load_zone(name)


@pytest.mark.parametrize("text", ["25:00", "21:60", "9pm", "21", "21:5", ""])
def test_bad_times_are_bad_input(text):
    with pytest.raises(InputError, match="HH:MM"):
        parse_hhmm(text, field="--time")


@pytest.mark.parametrize("name, suggestion", [("europe/london", "Europe/London"), ("Europe/Lndon", "Europe/London"),
                                              ("America/NewYork", "America/New_York")])
def test_a_misspelt_zone_gets_a_suggestion(name, suggestion):
    with pytest.raises(InputError, match=f"did you mean '{suggestion}'"):
        load_zone(name)
