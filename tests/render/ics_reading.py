"""Reading our .ics files back with parsers that did not write them.

`ical` (a strict, pydantic-based parser) lists the events; the UTC instant of each local time is then
computed from the file's own VTIMEZONE, as Thunderbird and Evolution do, by a small interpreter here and
by icalendar's Timezone.to_tz(lookup_tzid=False), and compared with zoneinfo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

import icalendar
from ical.calendar import Calendar as IcalCalendar
from ical.calendar_stream import IcsCalendarStream


def unescape_text(value: str) -> str:
    """RFC 5545 TEXT unescaping, for X- properties, which `ical` hands over raw."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(text: str) -> IcalCalendar:
    return IcsCalendarStream.calendar_from_ics(text)


def merged_view(*texts: str) -> dict:
    """What a calendar holds after importing each file in turn, as RFC 5546 tells it to: by UID, the
    highest SEQUENCE wins and a cancelled event is removed."""
    held: dict = {}
    for text in texts:
        for event in parse(text).events:
            kept = held.get(event.uid)
            if kept is not None and kept.sequence > event.sequence:
                continue
            if event.status is not None and event.status.value == "CANCELLED":
                held.pop(event.uid, None)
            else:
                held[event.uid] = event
    return held


@dataclass(frozen=True)
class _Span:
    onset_utc: datetime
    offset: timedelta


def utc_from_vtimezone(calendar: IcalCalendar, tzid: str, local: datetime) -> datetime:
    """The UTC instant of naive `local` per the file's VTIMEZONE: the observance in force then; where
    the clocks went back and two fit, the earlier instant (RFC 5545 3.3.5)."""
    (zone,) = [tz for tz in calendar.timezones if tz.tz_id == tzid]
    spans = sorted(
        (_Span((obs.dtstart - obs.tz_offset_from.offset).replace(tzinfo=UTC), obs.tz_offset_to.offset)
         for obs in [*zone.standard, *zone.daylight]),
        key=lambda span: span.onset_utc,
    )
    for obs in [*zone.standard, *zone.daylight]:
        assert obs.rrule is None and not obs.rdate, "each observance is one onset, no RRULE or RDATE"
    fits = []
    for span, following in zip(spans, [*spans[1:], None]):
        instant = (local - span.offset).replace(tzinfo=UTC)
        if span.onset_utc <= instant and (following is None or instant < following.onset_utc):
            fits.append(instant)
    assert fits, f"{local} is not covered by the VTIMEZONE"
    return min(fits)


def tzinfo_from_icalendar_vtimezone(text: str, tzid: str) -> tzinfo:
    """The file's VTIMEZONE as icalendar reads it, ignoring any tz database entry of the same name."""
    calendar = icalendar.Calendar.from_ical(text)
    (component,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    return component.to_tz(lookup_tzid=False)
