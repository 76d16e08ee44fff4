"""A VTIMEZONE that is right on its own, for clients that read times from the file, not a tz database.

Thunderbird (ical.js) and Evolution (libical) compute local times from the file's VTIMEZONE. Each clock
change in the plan's dates gets its own observance with one DTSTART and no RRULE or RDATE: ical.js
misreads comma-separated RDATE lists (which icalendar's add_missing_timezones() writes), and a rule
that recurs forever would claim more than zoneinfo told us.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from titrate.core.wallclock import observances
from titrate.formats.rfc5545 import Timezone, TimezoneDaylight, TimezoneStandard


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
