"""The phone calendar: an RFC 5545 file with one event per dose day, at the local dose time.

Each event's start carries the plan's TZID (never UTC, never floating), so phones keep the wall-clock
time across clock changes. UIDs derive from the plan id and the date, and DTSTAMP from generated_at, so
the same plan gives the same bytes, and a revised plan (same id, higher revision, so a higher SEQUENCE)
updates the events already on a phone instead of adding new ones.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..model import DoseDay, Plan
from ..supply import Refill
from ..wallclock import format_minutes, window_close
from .common import DISCLAIMER, dose_text, findings, refill_text
from .rfc5545 import Alarm, Calendar, Event, vText
from .vtimezone import vtimezone

PRODID = "-//titrate//LDN titration plan//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def ics_text(text: str) -> vText:
    """User text as an RFC 5545 TEXT value. vText escapes backslashes, commas, semicolons and line
    breaks; the other control characters are not allowed in TEXT at all, so they become spaces.
    (icalendar leaves X- properties unescaped unless handed a vText.)"""
    return vText(_CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")))


def calendar_tzid(zone_name: str) -> str:
    """The TZID for the plan's zone. icalendar writes any time with TZID "UTC" in the "Z" form, so a
    plan in UTC uses the IANA alias Etc/UTC: every dose time stays a reference to a VTIMEZONE."""
    return "Etc/UTC" if zone_name == "UTC" else zone_name


def render_ics(plan: Plan, *, alarm_minutes: int | None = 0) -> str:
    """The calendar as text with CRLF line endings. `alarm_minutes` before each dose a reminder shows;
    None leaves reminders out."""
    return calendar_of(plan, alarm_minutes=alarm_minutes).to_ical().decode("utf-8")


def calendar_of(plan: Plan, *, alarm_minutes: int | None = 0) -> Calendar:
    """The calendar's components, written out by render_ics (and by icalendar, in a test, to compare)."""
    zone = ZoneInfo(plan.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = ics_text("LDN plan" + (f": {plan.patient.label}" if plan.patient.label else ""))
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Apple, Google and Outlook read
    calendar.add("x-wr-timezone", vText(calendar_tzid(plan.time_zone)))
    calendar.add("x-wr-caldesc", vText(DISCLAIMER))
    calendar.add_component(vtimezone(zone, calendar_tzid(plan.time_zone), plan.start, plan.end))
    plan_findings = findings(plan)
    for day in plan.days:
        calendar.add_component(_event(plan, day, zone, plan_findings, alarm_minutes))
    for refill in plan.refills:
        calendar.add_component(_refill_event(plan, refill, alarm_minutes))
    return calendar


def _private_event(plan: Plan, uid: str, summary: str, description: str) -> Event:
    """An event with what every event of the plan shares: a stable UID, DTSTAMP and SEQUENCE from the
    plan, and private, free time (a medication reminder should not show to others or block the day)."""
    event = Event()
    event.add("uid", f"{plan.plan_id}-{uid}@titrate")
    event.add("dtstamp", plan.generated_at)
    event.add("sequence", plan.revision - 1)
    event.add("summary", summary)
    event.add("description", ics_text(description))
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")
    return event


def _add_alarm(event: Event, description: str, trigger: timedelta) -> None:
    """A DISPLAY reminder with a DESCRIPTION (some parsers reject the file without one) and a trigger
    relative to the start (libical drops an absolute one written without VALUE=DATE-TIME)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", trigger)
    event.add_component(alarm)


def _refill_event(plan: Plan, refill: Refill, alarm_minutes: int | None) -> Event:
    """An all-day event on the re-order date; its reminder shows at 09:00 that day, local to the phone."""
    event = _private_event(
        plan, f"refill-{refill.number}", f"Re-order LDN (fill {refill.number})",
        f"{refill_text(plan, refill)}.\nLDN is made to order: ask the pharmacy today so that it is ready by "
        f"{refill.start}.\n{DISCLAIMER}")
    event.add("dtstart", refill.reorder_on)
    event.add("dtend", refill.reorder_on + timedelta(days=1))
    if alarm_minutes is not None:
        _add_alarm(event, f"Re-order LDN today (fill {refill.number})", timedelta(hours=9))
    return event


def _event(plan: Plan, day: DoseDay, zone: ZoneInfo, plan_findings: list[str],
           alarm_minutes: int | None) -> Event:
    event = _private_event(plan, f"{day.date:%Y%m%d}", f"LDN {dose_text(day)}",
                           _description(plan, day, plan_findings))
    tzid = {"TZID": calendar_tzid(plan.time_zone)}
    event.add("dtstart", datetime.combine(day.date, day.time), parameters=tzid)
    event.add("dtend", window_close(day.date, plan.window, zone).replace(tzinfo=None), parameters=tzid)
    if alarm_minutes is not None:
        _add_alarm(event, f"Time for your LDN dose: {dose_text(day)}", -timedelta(minutes=alarm_minutes))
    return event


def _description(plan: Plan, day: DoseDay, plan_findings: list[str]) -> str:
    window = f"{format_minutes(plan.window.start)} and {format_minutes(plan.window.end)}".replace(
        "24:00", "midnight")
    lines = [
        f"Take {day.amount} ({dose_text(day)} of low-dose naltrexone, LDN), once, between {window}.",
        f"Day {day.day} of {len(plan.days)} ({day.phase.value}).",
        *day.notes,
        *plan_findings,
        f"Plan {plan.plan_id}, revision {plan.revision}.",
        DISCLAIMER,
    ]
    return "\n".join(lines)
