"""A VTIMEZONE that is right on its own, for clients that read times from the file, not a tz database.

Thunderbird (ical.js) and Evolution (libical) compute local times from the file's VTIMEZONE. Each clock
change in the plan's dates gets its own observance with one DTSTART and no RRULE or RDATE: ical.js
misreads comma-separated RDATE lists (which icalendar's add_missing_timezones() writes), and a rule
that recurs forever would claim more than zoneinfo told us.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from .rfc5545 import Timezone, TimezoneDaylight, TimezoneStandard

#: Two changes of offset never come closer than this in the tz database; the scan steps by it.
SCAN_STEP = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Observance:
    """From `onset` (local wall time, read in `offset_from`) the zone is at `offset_to`."""

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


def observances(zone: ZoneInfo, first: date, last: date) -> list[Observance]:
    """The offset in force from the start of `first` (local), then every change through the end of `last`."""
    begin = datetime.combine(first - timedelta(days=1), time(0), tzinfo=timezone.utc)
    finish = datetime.combine(last + timedelta(days=2), time(0), tzinfo=timezone.utc)
    opening = begin.astimezone(zone)
    found = [Observance(opening.replace(tzinfo=None), opening.utcoffset(), opening.utcoffset(),
                        opening.tzname() or zone.key, bool(opening.dst()))]
    for year in range(begin.year, finish.year + 1):
        found += [observance for change, observance in _changes(zone, year) if begin < change <= finish]
    return found


@lru_cache(maxsize=512)
def _changes(zone: ZoneInfo, year: int) -> tuple[tuple[datetime, Observance], ...]:
    """Each change of offset in (1 January, 1 January next year], UTC, with the observance it starts.

    Scanned once per zone and year, since a batch makes many calendars in the same zones and years; the
    steps fall at the same UTC hours whatever the plan's dates, so a plan sees what a scan of its own
    dates would find.
    """
    moment = datetime(year, 1, 1, tzinfo=timezone.utc)
    finish = datetime(year + 1, 1, 1, tzinfo=timezone.utc) if year < MAXYEAR else datetime.max.replace(
        tzinfo=timezone.utc)
    found = []
    while moment < finish:
        step_end = min(moment + SCAN_STEP, finish)
        if _offset(zone, step_end) != _offset(zone, moment):
            change = _first_instant_at_new_offset(zone, moment, step_end)
            after = change.astimezone(zone)
            before = _offset(zone, change - timedelta(seconds=1))
            found.append((change, Observance((change + before).replace(tzinfo=None), before, after.utcoffset(),
                                             after.tzname() or zone.key, bool(after.dst()))))
        moment = step_end
    return tuple(found)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset()


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


def vtimezone(zone: ZoneInfo, tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE component for `zone`, named `tzid`, covering every moment from `first` through `last`."""
    component = Timezone()
    component.add("tzid", tzid)
    for observance in observances(zone, first, last):
        part = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        part.add("dtstart", observance.onset)
        part.add("tzoffsetfrom", observance.offset_from)
        part.add("tzoffsetto", observance.offset_to)
        part.add("tzname", observance.name)
        component.add_component(part)
    return component
