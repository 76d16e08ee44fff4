"""The phone calendar: an RFC 5545 file with one event per dose day, at the local dose time.

Each event's start carries the plan's TZID (never floating), so phones keep the wall-clock time across
clock changes; the one exception is a dose at a time the clocks repeat, given in UTC (see _add_times).
UIDs derive from the plan id and the date, and DTSTAMP from generated_at, so the same plan gives the
same bytes, and a revised plan (same id, higher revision, so a higher SEQUENCE) updates the events
already on a phone instead of adding new ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from titrate.core.model import Cancelled, DoseDay, EventKind, Plan
from titrate.core.model import Event as PlanEvent
from titrate.core.wallclock import (
    MINUTES_PER_DAY,
    first_instant,
    format_minutes,
    occurs_twice,
    ordinary_day,
    window_close,
)
from titrate.formats.common import DISCLAIMER, dose_text, patient_lines, refill_text
from titrate.formats.rfc5545 import (
    Alarm,
    Calendar,
    Component,
    Event,
    Written,
    content_line,
    escape_text,
    fold,
    folds,
    line_head,
    local_date_time,
    vText,
)
from titrate.formats.vtimezone import vtimezone

PRODID = "-//titrate//LDN titration plan//EN"
_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
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
    None leaves reminders out. Days and events an earlier revision had and this one does not are
    written as cancelled (same UID, STATUS:CANCELLED), so a calendar that takes updates removes them."""
    return _calendar(plan, alarm_minutes, _written_dose_events).to_ical().decode("utf-8")


def calendar_of(plan: Plan, *, alarm_minutes: int | None = 0) -> Calendar:
    """The calendar's components, every event built property by property: what render_ics writes (a
    test compares the bytes, and icalendar's for the same components)."""
    return _calendar(plan, alarm_minutes, _dose_events)


#: Makes the dose days' events: each built property by property (calendar_of), or mostly written (render_ics).
DoseEvents = Callable[[Plan, ZoneInfo, list[str], int | None], Iterable[Component]]


def _calendar(plan: Plan, alarm_minutes: int | None, dose_events: DoseEvents) -> Calendar:
    zone = plan.zone
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
    dates = [plan.start, plan.end, *(item.date for item in plan.cancelled if item.time is not None)]
    calendar.add_component(vtimezone(zone, calendar_tzid(plan.time_zone), min(dates), max(dates)))
    for dose in dose_events(plan, zone, patient_lines(plan), alarm_minutes):
        calendar.add_component(dose)
    for event in plan.events:
        calendar.add_component(_all_day_event(plan, event, zone, alarm_minutes))
    for item in plan.cancelled:
        calendar.add_component(_cancelled_event(plan, item, zone))
    return calendar


def _private_event(plan: Plan, key: str, summary: str, description: str) -> Event:
    """An event with what every event of the plan shares: a UID from the plan id and the key of what it
    is (so it survives revisions), DTSTAMP and SEQUENCE from the plan, and private, free time (a
    medication reminder should not show to others or block the day)."""
    event = Event()
    event.add("uid", f"{plan.plan_id}-{key}@titrate")
    event.add("dtstamp", plan.generated_at)
    event.add("sequence", plan.revision - 1)
    event.add("summary", summary)
    event.add("description", ics_text(description))
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")
    return event


def _add_alarm(event: Event, description: str, trigger: timedelta | datetime) -> None:
    """A DISPLAY reminder with a DESCRIPTION (some parsers reject the file without one). The trigger is
    relative to the start, or a UTC instant marked VALUE=DATE-TIME (libical drops one without it)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", trigger, parameters={"VALUE": "DATE-TIME"} if isinstance(trigger, datetime) else None)
    event.add_component(alarm)


#: The title and the reminder of each kind of all-day event.
_ALL_DAY = {
    EventKind.REORDER: ("Re-order LDN", "Re-order LDN today"),
    EventKind.REVIEW: ("LDN review with your clinician", "LDN review with your clinician today"),
    EventKind.WASHOUT_END: ("Opioid-free from today: LDN may start", "Opioid-free from today: LDN may start"),
    EventKind.STOP: ("LDN stopped: no more doses", "LDN stopped: no more doses from today"),
    EventKind.PAUSE: ("LDN paused: no doses until the pause ends", "LDN paused: no doses from today"),
}


def _all_day_event(plan: Plan, event: PlanEvent, zone: ZoneInfo, alarm_minutes: int | None) -> Event:
    """An all-day event; its reminder shows at 09:00 that day in the plan's zone, written as that instant
    in UTC: a trigger relative to an all-day start (+9 hours) crashes recurring-ical-events' alarm
    expansion, and apps read it in the phone's zone."""
    summary, reminder = _ALL_DAY[event.kind]
    lines = [event.text[:1].upper() + event.text[1:] + "."]
    if event.kind is EventKind.REORDER:
        refill = next(r for r in plan.refills if event.date == r.reorder_on and event.key.endswith(f"{r.start:%Y%m%d}"))
        lines += [f"{refill_text(plan, refill)}.", "LDN is made to order: ask the pharmacy today so that it is ready "
                                                   f"by {refill.start}."]
    calendar_event = _private_event(plan, event.key, summary, "\n".join([*lines, DISCLAIMER]))
    calendar_event.add("dtstart", event.date)
    calendar_event.add("dtend", _pause_end(plan, event) or event.date + timedelta(days=1))
    if alarm_minutes is not None:
        _add_alarm(calendar_event, reminder, _reminder_instant(event.date, zone))
    return calendar_event


def _pause_end(plan: Plan, event: PlanEvent) -> date | None:
    """A pause's event spans the days without a dose: it ends (DTEND, exclusive) on the day doses start again."""
    if event.kind is not EventKind.PAUSE:
        return None
    return next((until for first, until in plan.pauses if first == event.date), None)


def _cancelled_event(plan: Plan, item: Cancelled, zone: ZoneInfo) -> Event:
    """What an earlier revision had on a date and this one does not: the same UID, cancelled, no alarm."""
    what = "No LDN dose" if item.kind == "dose" else "Cancelled"
    event = _private_event(plan, item.key, f"{what}: cancelled by revision {plan.revision}",
                           f"This was cancelled when the plan was revised (revision {plan.revision}).\n{DISCLAIMER}")
    event.add("status", "CANCELLED")
    if item.time is None:
        event.add("dtstart", item.date)
        event.add("dtend", item.date + timedelta(days=1))
    else:
        _add_times(event, plan, zone, dtstart=datetime.combine(item.date, item.time))
    return event


def _dose_events(plan: Plan, zone: ZoneInfo, patient_notes: list[str], alarm_minutes: int | None) -> list[Event]:
    return [_event(plan, day, zone, patient_notes, alarm_minutes) for day in plan.days]


def _event(plan: Plan, day: DoseDay, zone: ZoneInfo, patient_notes: list[str],
           alarm_minutes: int | None) -> Event:
    event = _private_event(plan, day.key, f"LDN {dose_text(day)}", _description(plan, day, patient_notes))
    _add_times(event, plan, zone, dtstart=datetime.combine(day.date, day.time),
               dtend=window_close(day.date, day.window, zone).replace(tzinfo=None))
    if alarm_minutes is not None:
        _add_alarm(event, f"Time for your LDN dose: {dose_text(day)}", -timedelta(minutes=alarm_minutes))
    return event


def _written_dose_events(plan: Plan, zone: ZoneInfo, patient_notes: list[str],
                         alarm_minutes: int | None) -> Iterator[Component]:
    """The dose days' events as _event builds them, most written straight from templates: a plan's events
    differ only in their dates, UID and description, and building each property by property took most of
    a calendar's time. A day near a clock change (not a wallclock.ordinary_day, so its times may need
    moving or writing in UTC) goes through _event; each run of ordinary days is written as one text."""
    tzid = {"TZID": calendar_tzid(plan.time_zone)}
    starts, ends = line_head("DTSTART", tzid), line_head("DTEND", tzid)
    # The description's parts escaped one by one, as escaping the whole would: they join at line breaks,
    # and all but the last (which may hold user text) are titrate's own words.
    tail = escape_text(ics_text("\n".join([*patient_notes, f"Plan {plan.plan_id}, revision {plan.revision}.",
                                            DISCLAIMER])))
    between = "\r\n".join([content_line("dtstamp", plan.generated_at), ""])
    shared = "\r\n".join([content_line("sequence", plan.revision - 1), content_line("class", "PRIVATE"), ""])
    uid = f"UID:{escape_text(plan.plan_id)}-"  # a day's key is its date's digits: nothing to escape
    # A date-time value is 15 characters, a UID's key and domain 16: whether these lines fold is the plan's.
    fold_times = folds(len(starts) + 15) or folds(len(ends) + 15) or folds(len(uid) + 16)
    count = len(plan.days)
    last_shape: tuple[Decimal, str, int, int, time] | None = None
    written: list[str] = []
    for day in plan.days:
        if not ordinary_day(day.date, zone):
            if written:
                yield Written("\r\n".join(written))
                written = []
            yield _event(plan, day, zone, patient_notes, alarm_minutes)
            continue
        window = day.window
        shape = (day.dose_mg, day.amount, window.start, window.end, day.time)
        if shape != last_shape:  # alike days come in runs
            last_shape, (opening, at, until, next_day, take, closing) = shape, _dose_template(day, alarm_minutes)
        date_digits = day.key  # YYYYMMDD, as a DATE-TIME value begins
        end_digits = (day.date + _ONE_DAY).isoformat().replace("-", "") if next_day else date_digits
        if fold_times:
            times = (f"{fold(f'{starts}{date_digits}{at}')}\r\n{fold(f'{ends}{end_digits}{until}')}\r\n{between}"
                     f"{fold(f'{uid}{date_digits}@titrate')}\r\n")
        else:
            times = f"{starts}{date_digits}{at}\r\n{ends}{end_digits}{until}\r\n{between}{uid}{date_digits}@titrate\r\n"
        notes = "".join(f"\\n{escape_text(ics_text(note))}" for note in day.notes) if day.notes else ""
        description = fold(f"DESCRIPTION:{take}\\nDay {day.day} of {count} ({day.phase.value}).{notes}\\n{tail}")
        written.append(f"{opening}{times}{shared}{description}\r\n{closing}")
    if written:
        yield Written("\r\n".join(written))


#: The lines before an event's times; the start's and end's times of day (THHMMSS); whether the end is
#: the next day's midnight; the first line of the description, escaped; the lines after the description.
_DoseTemplate = tuple[str, str, str, bool, str, str]


def _dose_template(day: DoseDay, alarm_minutes: int | None) -> _DoseTemplate:
    """What every event of a dose, amount, window and time holds, on an ordinary day: its window closes
    at its end's wall-clock time (wallclock.window_close moves only a time the clocks skip)."""
    dose = dose_text(day)
    start = local_date_time(datetime.combine(day.date, day.time))
    end = local_date_time(datetime.combine(day.date, _MIDNIGHT) + timedelta(minutes=day.window.end))
    return (f"BEGIN:VEVENT\r\n{content_line('summary', f'LDN {dose}')}\r\n", start[8:], end[8:],
            day.window.end == MINUTES_PER_DAY, escape_text(ics_text(_taking(day))), _closing_lines(dose, alarm_minutes))


def _closing_lines(dose: str, alarm_minutes: int | None) -> str:
    """A dose event's lines after its description: TRANSP, the reminder, END."""
    lines = [content_line("transp", "TRANSPARENT")]
    if alarm_minutes is not None:
        lines += ["BEGIN:VALARM", content_line("action", "DISPLAY"),
                  content_line("description", f"Time for your LDN dose: {dose}"),
                  content_line("trigger", -timedelta(minutes=alarm_minutes)), "END:VALARM"]
    return "\r\n".join([*lines, "END:VEVENT"])


def _add_times(event: Event, plan: Plan, zone: ZoneInfo, **local: datetime) -> None:
    """The event's times in the plan's TZID; if one of them happens twice in the zone (the clocks go back
    over it), all of them as UTC instants, the first of the two (the plan's rule, in the day's note):
    apps disagree on which occurrence a local time with a TZID names."""
    if any(occurs_twice(moment, zone) for moment in local.values()):
        for name, moment in local.items():
            event.add(name, first_instant(moment, zone))
    else:
        for name, moment in local.items():
            event.add(name, moment, parameters={"TZID": calendar_tzid(plan.time_zone)})


def _reminder_instant(day: date, zone: ZoneInfo) -> datetime:
    """09:00 local on `day` as a UTC instant (if the clocks skip 09:00, the time they jump to)."""
    return datetime.combine(day, time(9), tzinfo=zone).astimezone(UTC)


def _description(plan: Plan, day: DoseDay, patient_notes: list[str]) -> str:
    return "\n".join([_taking(day), f"Day {day.day} of {len(plan.days)} ({day.phase.value}).", *day.notes,
                      *patient_notes, f"Plan {plan.plan_id}, revision {plan.revision}.", DISCLAIMER])


def _taking(day: DoseDay) -> str:
    """The description's first line: what to take, and when."""
    window = f"{format_minutes(day.window.start)} and {format_minutes(day.window.end)}".replace(
        "24:00", "midnight")
    return f"Take {day.amount} ({dose_text(day)} of low-dose naltrexone, LDN), once, between {window}."
