"""Local wall-clock times in an IANA zone: the dose window and clock changes.

Dose times are stored as the wall-clock time the patient reads, never as UTC. On the night the clocks
jump over the dose time, the dose moves by the jump, as a clock does and as RFC 5545 (3.3.5) tells
calendar apps to read such a time, so the plan and the phone agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import InputError

MINUTES_PER_DAY = 24 * 60


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or InputError suggesting the nearest real name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    from difflib import get_close_matches  # only to suggest a name for a misspelt zone

    by_case = {key.casefold(): key for key in available_timezones()}
    close = by_case.get(name.casefold()) or next(iter(get_close_matches(name, by_case.values(), n=1)), None)
    hint = f"did you mean {close!r}?" if close else "use an IANA name such as 'Europe/London'"
    raise InputError(f"unknown time zone {name!r}; {hint}")


def tz_version() -> str:
    """The version of the tz database titrate computes with (the `tzdata` package's), recorded in each plan."""
    from tzdata import IANA_VERSION  # a constant in a tiny module; imported only when a plan is built

    return IANA_VERSION


def parse_hhmm(text: str, *, field: str) -> time:
    """Read 'HH:MM' (00:00-23:59), or raise InputError."""
    hours, sep, minutes = text.strip().partition(":")
    if sep and len(hours) in (1, 2) and len(minutes) == 2 and hours.isdigit() and minutes.isdigit():
        if int(hours) < 24 and int(minutes) < 60:
            return time(int(hours), int(minutes))
    raise InputError(f"{field} must be HH:MM, from 00:00 to 23:59 (got {text!r})")


def format_hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_minutes(minutes: int) -> str:
    """Minutes after midnight as HH:MM; 1440 is '24:00', the midnight that ends the day."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_minutes(text: str, *, field: str) -> int:
    """The inverse of format_minutes: 'HH:MM' or '24:00' to minutes after midnight."""
    if text.strip() == "24:00":
        return MINUTES_PER_DAY
    value = parse_hhmm(text, field=field)
    return value.hour * 60 + value.minute


@dataclass(frozen=True, slots=True)
class Window:
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


@dataclass(frozen=True, slots=True)
class DoseClock:
    """Where a wall-clock time lands on one date: the time to take the dose and why it moved."""

    time: time
    note: str | None


def dose_clock(day: date, wanted: time, zone: ZoneInfo) -> DoseClock:
    """The wall-clock time of the dose on `day`, moved only when the clocks skip `wanted` that night.

    A skipped time moves forward by the jump (RFC 5545's reading); if that would pass midnight it moves
    back by the jump instead, so that each date keeps exactly one dose. An ambiguous time (clocks going
    back) is the first of the two, as RFC 5545 reads it.
    """
    local = datetime.combine(day, wanted, tzinfo=zone)
    if _exists(local):
        return DoseClock(wanted, None)
    for fold in (0, 1):
        moved = local.replace(fold=fold).astimezone(timezone.utc).astimezone(zone)
        if moved.date() == day:
            note = (
                f"the clocks skip {format_hhmm(wanted)} on {day.isoformat()}, "
                f"so this dose is at {format_hhmm(moved.time())}"
            )
            return DoseClock(moved.time().replace(second=0, microsecond=0), note)
    raise InputError(f"{day.isoformat()} has no {format_hhmm(wanted)} in {zone.key}: the clocks skip it")


def _exists(local: datetime) -> bool:
    back = local.astimezone(timezone.utc).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def window_close(day: date, window: Window, zone: ZoneInfo) -> datetime:
    """The instant the window of `day` closes. A closing time the clocks skip (midnight in
    America/Santiago, say) closes at the first minute after the jump."""
    end = datetime.combine(day, time(0)) + timedelta(minutes=window.end)
    local = end.replace(tzinfo=zone)
    if _exists(local):
        return local
    return local.astimezone(timezone.utc).astimezone(zone)
