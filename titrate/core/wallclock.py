"""Local wall-clock times in an IANA zone: the dose window and clock changes.

Dose times are stored as the wall-clock time the patient reads, never as UTC. The plan's rules for the
times a clock change makes odd, the same in every format:
- a skipped time (clocks going forward over the dose) moves by the jump, as a clock does and as
  RFC 5545 (3.3.5) tells calendar apps to read it, staying on its own date;
- a repeated time (clocks going back over the dose) is its first occurrence; calendar apps disagree on
  which one a local time names, so the calendar writes that one dose in UTC, and the day's note says so;
- a date the zone skipped entirely (Pacific/Apia, 2011-12-30) has no dose: the plan leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from titrate.core.record import Record
from titrate.core.tzdb import get_zone
from titrate.errors import InputError

MINUTES_PER_DAY = 24 * 60
_NOT_PLACES = frozenset({"localtime", "factory", "posixrules"})
#: Dates a plan may name: far enough inside the calendar that no plan, re-order or review date
#: computed from them falls off either end of it (year 1, year 9999).
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` (from the `tzdata` package first: see tzdb), or InputError suggesting
    the nearest real name. Names in the database that are not a place ("localtime" is whatever this
    machine says, "Factory" has no offset anyone uses, "right/" zones count leap seconds that clocks do
    not) are refused."""
    if name.casefold() in _NOT_PLACES or name.startswith("right/"):
        raise InputError(f"{name!r} is not a place's time zone; use an IANA name such as 'Europe/London'")
    try:
        return get_zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    from difflib import get_close_matches  # only to suggest a name for a misspelt zone

    by_case = {key.casefold(): key for key in available_timezones()}
    close = by_case.get(name.casefold()) or next(iter(get_close_matches(name, by_case.values(), n=1)), None)
    hint = f"did you mean {close!r}?" if close else "use an IANA name such as 'Europe/London'"
    raise InputError(f"unknown time zone {name!r}; {hint}")


def check_date_range(day: date, *, field: str) -> date:
    """`day`, or InputError if it is outside FIRST_DATE..LAST_DATE."""
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(f"{field} {day} is outside the dates a plan may use ({FIRST_DATE} to {LAST_DATE})",
                         field=field, value=day.isoformat())
    return day


def tz_version() -> str:
    """The version of the tz database titrate computes with (the `tzdata` package's), recorded in each plan."""
    from tzdata import IANA_VERSION  # a constant in a tiny module; imported only when a plan is built

    return IANA_VERSION


def parse_hhmm(text: str, *, field: str) -> time:
    """Read 'HH:MM' (00:00-23:59), or raise InputError."""
    hours, sep, minutes = text.strip().partition(":")
    # ASCII digits only: "２２:００" or "²²:00" is refused, not guessed at.
    if (sep and len(hours) in (1, 2) and len(minutes) == 2 and (hours + minutes).isascii()
            and hours.isdigit() and minutes.isdigit()) and int(hours) < 24 and int(minutes) < 60:
        return time(int(hours), int(minutes))
    raise InputError(f"{field} must be HH:MM, from 00:00 to 23:59 (got {text!r})")


def format_hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_minutes(minutes: int) -> str:
    """Minutes after midnight as HH:MM; 1440 is '24:00', the midnight that ends the day."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_instant(moment: datetime) -> str:
    """An aware instant as UTC to the second with a trailing Z, as plan files write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_minutes(text: str, *, field: str) -> int:
    """The inverse of format_minutes: 'HH:MM' or '24:00' to minutes after midnight."""
    if text.strip() == "24:00":
        return MINUTES_PER_DAY
    value = parse_hhmm(text, field=field)
    return value.hour * 60 + value.minute


class Window(Record):
    """The part of each local day in which the dose is taken: [start, end) in minutes after midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise InputError(f"a dose window must run forward within one day (got {self})")

    def contains(self, value: time) -> bool:
        return self.start <= value.hour * 60 + value.minute < self.end

    def __str__(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"


#: Rule `window`: between 21:00 and midnight, the patient's local time.
EVENING_WINDOW = Window(21 * 60, MINUTES_PER_DAY)


class DoseClock(Record):
    """Where a wall-clock time lands on one date: the time to take the dose and why it moved."""

    time: time
    note: str | None


def dose_clock(day: date, wanted: time, zone: ZoneInfo) -> DoseClock:
    """The wall-clock time of the dose on `day`, moved only when the clocks skip `wanted` that night.

    A skipped time moves forward by the jump (RFC 5545's reading); if that would pass midnight it moves
    back by the jump instead, so that each date keeps exactly one dose. A repeated time (clocks going
    back) is the first of the two, and the note says which, by its UTC offset.
    """
    if ordinary_day(day, zone):
        return DoseClock(wanted, None)
    local = datetime.combine(day, wanted, tzinfo=zone)
    if occurs_twice(local.replace(tzinfo=None), zone):
        offset = format_offset(local.replace(fold=0).utcoffset())
        return DoseClock(wanted, f"the clocks go back on the night of {day.isoformat()}, so {format_hhmm(wanted)} "
                                 f"comes twice: this dose is at the first {format_hhmm(wanted)} (UTC{offset})")
    if _exists(local):
        return DoseClock(wanted, None)
    for fold in (0, 1):
        moved = local.replace(fold=fold).astimezone(UTC).astimezone(zone)
        if moved.date() == day:
            note = (
                f"the clocks skip {format_hhmm(wanted)} on {day.isoformat()}, "
                f"so this dose is at {format_hhmm(moved.time())}"
            )
            return DoseClock(moved.time().replace(second=0, microsecond=0), note)
    raise InputError(f"{day.isoformat()} has no {format_hhmm(wanted)} in {zone.key}: the clocks skip it")


def _exists(local: datetime) -> bool:
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def occurs_twice(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock time `local` happens twice in `zone` (the clocks go back over it)."""
    if ordinary_day(local.date(), zone):
        return False
    first, second = (local.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    return first.utcoffset() != second.utcoffset() and _exists(first) and _exists(second)


def first_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of naive `local` in `zone`: the first where it happens twice (the plan's rule)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def format_offset(offset: timedelta | None) -> str:
    """A UTC offset as +HH:MM or -HH:MM (+HH:MM:SS for the odd historic offset with seconds)."""
    seconds = int((offset or timedelta()).total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    text = f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


def parse_offset(text: str, *, field: str) -> timedelta:
    """The inverse of format_offset, or InputError naming `field`."""
    parts = text[1:].split(":")
    # ASCII digits only: int() would fail on "²²" (a traceback) and read "٠١" or "０１" as 1
    if text[:1] in ("+", "-") and len(parts) in (2, 3) and all(len(p) == 2 and p.isascii() and p.isdigit()
                                                                for p in parts):
        hours, minutes, seconds = (int(p) for p in [*parts, "00"][:3])
        if hours < 24 and minutes < 60 and seconds < 60:
            value = timedelta(hours=hours, minutes=minutes, seconds=seconds)
            return -value if text[0] == "-" else value
    raise InputError(f"{field} must be a UTC offset such as +01:00 or -03:30 (got {text!r})")


def date_exists(day: date, zone: ZoneInfo) -> bool:
    """Whether `day` is on the zone's calendar at all: Pacific/Apia skipped 2011-12-30 when Samoa moved
    across the date line. A date exists if its start, middle or end does (a change never takes more)."""
    return ordinary_day(day, zone) or any(_exists(datetime.combine(day, moment, tzinfo=zone))
                                          for moment in (time(0), time(12), time(23, 59)))


def local_dates(start: date, zone: ZoneInfo) -> Iterator[date]:
    """The dates from `start` on that exist in `zone`, in order: a skipped date is left out. The zone is
    asked, month by month, only about the days near a change of offset (see ordinary_day)."""
    day, one_day = start, timedelta(days=1)
    while True:
        near = _unsettled_days(zone, day.year, day.month) if 1 < day.year < MAXYEAR else None
        month = day.month
        while day.month == month:
            if (near is not None and day not in near) or date_exists(day, zone):
                yield day
            if day == date.max:
                return
            day += one_day


def nth_date(start: date, count: int, zone: ZoneInfo) -> date:
    """The `count`-th date of `zone`'s calendar from `start` (the first): a plan of `count` days ends on it."""
    return next(islice(local_dates(start, zone), count - 1, None))


def day_index(start: date, day: date, zone: ZoneInfo) -> int:
    """`day`'s place among `zone`'s dates from `start` (0 for `start` itself), a date the zone skipped
    counting for none: nth_date's inverse."""
    return (day - start).days - len(skipped_dates(start, day, zone))


def skipped_dates(first: date, last: date, zone: ZoneInfo) -> list[date]:
    """The dates between `first` and `last` that `zone` skipped: only days near a change of offset can be."""
    if not 1 < first.year <= last.year < MAXYEAR:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)
                if not date_exists(first + timedelta(days=n), zone)]
    near = [day for month in _months(first, last) for day in _unsettled_days(zone, *month)]
    return sorted(day for day in near if first <= day <= last and not date_exists(day, zone))


def window_close(day: date, window: Window, zone: ZoneInfo) -> datetime:
    """The instant the window of `day` closes. A closing time the clocks skip (midnight in
    America/Santiago, say) closes at the first minute after the jump."""
    end = datetime.combine(day, time(0)) + timedelta(minutes=window.end)
    local = end.replace(tzinfo=zone)
    if ordinary_day(day, zone) or _exists(local):
        return local
    return local.astimezone(UTC).astimezone(zone)


#: Two changes of offset never come closer than this in the tz database (the closest are a week apart), so
#: a scan that compares the offsets a step apart misses none; tests/unit/test_zone_rules.py checks every zone.
SCAN_STEP = timedelta(days=1)


class Observance(Record):
    """From `onset` (local wall time, read in `offset_from`) the zone is at `offset_to`."""

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def onset_utc(self) -> datetime:
        return (self.onset - self.offset_from).replace(tzinfo=UTC)


def observances(zone: ZoneInfo, first: date, last: date) -> list[Observance]:
    """The offset in force from the start of `first` (local), then every change through the end of `last`."""
    begin = datetime.combine(first - timedelta(days=1), time(0), tzinfo=UTC)
    finish = datetime.combine(last + timedelta(days=2), time(0), tzinfo=UTC)
    opening = begin.astimezone(zone)
    found = [Observance(opening.replace(tzinfo=None), _utcoffset(opening), _utcoffset(opening),
                        opening.tzname() or zone.key, bool(opening.dst()))]
    found += [observance for month in _months(begin, finish) for change, observance in _changes(zone, *month)
              if begin < change <= finish]
    return found


def _next_month(year: int, month: int) -> tuple[int, int]:
    """The (year, month) after `month`: kept by hand, not dateutil's relativedelta, because every plan scans
    its zone's offsets month by month on the plain `titrate plan` path, where importing dateutil (with six,
    calendar and locale) would add about 5 ms to each start (tests/test_lean_start.py)."""
    return (year + month // 12, month % 12 + 1)


def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    """(year, month) from `first`'s month through `last`'s."""
    month = (first.year, first.month)
    while month <= (last.year, last.month):
        yield month
        month = _next_month(*month)


@lru_cache(maxsize=4096)
def _changes(zone: ZoneInfo, year: int, month: int) -> tuple[tuple[datetime, Observance], ...]:
    """Each change of offset in (the first of the month, the first of the next], UTC, with the observance
    it starts.

    Scanned once per zone and month (every plan records its offsets, and a batch makes many plans in the
    same zones and months). The steps fall at UTC midnights, whatever the plan's dates, so a plan sees
    exactly what a scan of its own dates would find.
    """
    moment = datetime(year, month, 1, tzinfo=UTC)
    following = _next_month(year, month)
    finish = (datetime(*following, 1, tzinfo=UTC) if following[0] <= MAXYEAR
              else datetime.max.replace(tzinfo=UTC))
    found = []
    offset = _offset(zone, moment)
    while moment < finish:
        step_end = min(moment + SCAN_STEP, finish)
        offset_then, offset = offset, _offset(zone, step_end)
        if offset != offset_then:
            change = _first_instant_at_new_offset(zone, moment, step_end)
            after = change.astimezone(zone)
            before = _offset(zone, change - timedelta(seconds=1))
            found.append((change, Observance((change + before).replace(tzinfo=None), before, _utcoffset(after),
                                             after.tzname() or zone.key, bool(after.dst()))))
        moment = step_end
    return tuple(found)


#: Days either side of the UTC date of a change of offset that are not ordinary days. The wall-clock
#: times of a local date (through the midnight that ends it) fall on UTC dates at most a day from it.
_MARGIN_DAYS = 2


def ordinary_day(day: date, zone: ZoneInfo) -> bool:
    """Whether `day` is far from every change of `zone`'s offset: then it exists, and each of its
    wall-clock times, through the midnight that ends it, happens exactly once. The clock-change rules
    only need checking, time by time, on the few days that are not ordinary. Dates in the calendar's
    first and last years are never called ordinary: the scan cannot reach past either end."""
    return 1 < day.year < MAXYEAR and day not in _unsettled_days(zone, day.year, day.month)


@lru_cache(maxsize=4096)
def _unsettled_days(zone: ZoneInfo, year: int, month: int) -> frozenset[date]:
    """The dates of a month within _MARGIN_DAYS of a change of offset (in this month or either next to
    it). Worked out once per zone and month from the scan _changes makes, so that a plan asks the zone
    about its ordinary days in bulk instead of converting times to UTC and back day by day."""
    near: set[date] = set()
    for month_year, month_number in ((year - (month == 1), (month - 2) % 12 + 1), (year, month),
                                     _next_month(year, month)):
        for change, _ in _changes(zone, month_year, month_number):
            middle = change.date()
            near.update(middle + timedelta(days=shift) for shift in range(-_MARGIN_DAYS, _MARGIN_DAYS + 1))
    return frozenset(day for day in near if day.year == year and day.month == month)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return _utcoffset(instant.astimezone(zone))


def _utcoffset(moment: datetime) -> timedelta:
    """The UTC offset of an aware datetime: a ZoneInfo always gives one, so None means a naive datetime."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{moment} has no UTC offset: it is naive")
    return offset


def _first_instant_at_new_offset(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """Bisect to the second: the offset at `low` differs from the one at `high`."""
    start_offset = _offset(zone, low)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(zone, middle) == start_offset:
            low = middle
        else:
            high = middle
    return high


def record_offsets(zone: ZoneInfo, first: date, last: date) -> tuple[tuple[datetime, timedelta], ...]:
    """The UTC offset of `zone` from each instant on (the first covers the start of `first`) through
    `last`, by the rules titrate uses now: what a plan records so that a later titrate can tell whether
    newer rules put a dose elsewhere (diff.moved_days)."""
    return tuple((change.onset_utc, change.offset_to) for change in observances(zone, first, last))
