"""Keep a CalDAV calendar equal to a plan: the only exact way to update a phone's calendar.

A re-imported .ics file cannot delete, and some apps show cancelled events as confirmed; a CalDAV server
(iCloud, Fastmail, Nextcloud, Radicale, Google, Android through DAVx5) is what the phone syncs with, so
writing there updates every device. Each event of the plan is one calendar object (one VCALENDAR with
its VTIMEZONE and one VEVENT, as RFC 4791 asks), built from the .ics renderer's own output. An object
is ours when its UID is the plan id, a key and "@titrate" (what the renderer writes) and it carries
X-TITRATE-PLAN with the plan id (so a plan whose id starts with another's is never mistaken for it);
nothing else in the calendar is changed or deleted. Each write is one PUT or DELETE, atomic on the server, so a
sync cut short leaves every event whole, and the next run finishes the job.

`caldav` (the optional extra titrate[sync]) is imported only here, and only the sync command imports
this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Protocol

import caldav
import icalendar
from caldav.lib import error as dav_error

from titrate.core.model import Plan
from titrate.core.record import Record
from titrate.errors import SyncError
from titrate.formats.ics import PRODID, render_ics

__all__ = ["Action", "Change", "ServerEvent", "Summary", "SyncError", "Wanted", "plan_changes", "sync",
           "wanted_objects"]

#: The fingerprint of what titrate wrote, so a rerun can tell an unchanged event without comparing text
#: that servers reformat (line folding, property order, added properties).
HASH_PROPERTY = "X-TITRATE-HASH"
#: The plan an object was written for: with the UID, what marks an object as titrate's.
PLAN_PROPERTY = "X-TITRATE-PLAN"
#: Seconds to wait for the server on each request.
TIMEOUT = 30


# What titrate uses of caldav's objects. caldav's own annotations cannot say it (its exports load lazily and
# its methods answer "a list, or a coroutine" for its sync and async clients), so mypy reads caldav as
# untyped (pyproject.toml) and these protocols state the contract this module relies on.
class _Resource(Protocol):
    """A calendar object on the server."""

    data: str

    def delete(self) -> None: ...

    def save(self, *, raw_data: bytes, precondition: str) -> object: ...


class _Calendar(Protocol):
    """A calendar (collection) on the server."""

    url: object

    def get_display_name(self) -> str | None: ...

    def events(self) -> list[_Resource]: ...

    def add_event(self, ical: str, *, increase_seqno: bool) -> object: ...


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Wanted(Record):
    """One event as the plan has it: its calendar object (without SEQUENCE), its SEQUENCE and its hash."""

    uid: str
    what: str
    sequence: int
    fingerprint: str
    component: icalendar.Calendar


class ServerEvent(Record):
    """An object of ours found on the server."""

    uid: str
    sequence: int
    fingerprint: str | None
    resource: _Resource  # the caldav object, to update or delete it in place


class Change(Record):
    action: Action
    uid: str
    what: str
    wanted: Wanted | None = None
    found: ServerEvent | None = None

    def __str__(self) -> str:
        return f"{self.action.value} {self.what}"


class Summary(Record):
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.deleted} deleted, "
                f"{self.unchanged} unchanged")


def is_ours(plan: Plan, uid: str) -> bool:
    return uid.startswith(f"{plan.plan_id}-") and uid.endswith("@titrate")


def wanted_objects(plan: Plan, *, alarm_minutes: int | None = 0) -> tuple[list[Wanted], dict[str, str]]:
    """The plan's live events as calendar objects, and the UIDs of its cancelled ones (with what they
    were): a cancelled event is deleted from the server rather than written, since apps differ on
    showing STATUS:CANCELLED."""
    calendar = icalendar.Calendar.from_ical(render_ics(plan, alarm_minutes=alarm_minutes))
    timezones = calendar.walk("VTIMEZONE")
    wanted: list[Wanted] = []
    cancelled: dict[str, str] = {}
    for event in calendar.walk("VEVENT"):
        uid, what = str(event["UID"]), _what(event)
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            cancelled[uid] = what
            continue
        sequence = int(event.get("SEQUENCE", 0))
        event.pop("SEQUENCE", None)
        item = icalendar.Calendar()
        item.add("prodid", PRODID)
        item.add("version", "2.0")
        item.add("calscale", "GREGORIAN")
        for timezone in timezones:
            item.add_component(timezone)
        item.add_component(event)
        wanted.append(Wanted(uid, what, sequence, _fingerprint(item), item))
    return wanted, cancelled


def _what(event: icalendar.cal.Component) -> str:
    start = event.decoded("DTSTART")
    return f"{start.isoformat()[:16].replace('T', ' ')} {event.get('SUMMARY', '')}"


def _fingerprint(item: icalendar.Calendar) -> str:
    """A hash of the object as titrate writes it, leaving out DTSTAMP (the plan's generation time): an
    event whose content is the same in a new revision is unchanged."""
    lines = [line for line in item.to_ical().split(b"\r\n") if not line.startswith(b"DTSTAMP")]
    return hashlib.sha256(b"\r\n".join(lines)).hexdigest()[:32]


def plan_changes(plan: Plan, wanted: Iterable[Wanted], cancelled: dict[str, str],
                 found: Iterable[ServerEvent]) -> tuple[list[Change], int]:
    """What makes the server equal to the plan, and how many of its events are already right. Only
    objects of this plan are ever touched (`found` holds only those)."""
    on_server = {event.uid: event for event in found if is_ours(plan, event.uid)}
    changes: list[Change] = []
    unchanged = 0
    for item in wanted:
        there = on_server.pop(item.uid, None)
        if there is None:
            changes.append(Change(Action.CREATE, item.uid, item.what, wanted=item))
        elif there.fingerprint != item.fingerprint:
            changes.append(Change(Action.UPDATE, item.uid, item.what, wanted=item, found=there))
        else:
            unchanged += 1
    for uid, there in sorted(on_server.items()):
        changes.append(Change(Action.DELETE, uid, cancelled.get(uid, uid), found=there))
    return changes, unchanged


def _object_text(item: Wanted, sequence: int, plan_id: str) -> bytes:
    """The object to PUT: SEQUENCE above what the server holds (RFC 5545 3.8.7.4), and the fingerprint."""
    event = item.component.walk("VEVENT")[0]
    event.pop("SEQUENCE", None)
    event.pop(HASH_PROPERTY, None)
    event.pop(PLAN_PROPERTY, None)
    event.add("sequence", sequence)
    event.add(HASH_PROPERTY, item.fingerprint)
    event.add(PLAN_PROPERTY, plan_id)
    text: bytes = item.component.to_ical()
    return text


def sync(plan: Plan, url: str, user: str, password: str, *, dry_run: bool = False,
         alarm_minutes: int | None = 0, on_change: Callable[[Change], None] = lambda change: None) -> Summary:
    """Make the calendar named after the plan at the CalDAV server `url` hold exactly the plan's events;
    `on_change` hears of each change before it is made (or, with `dry_run`, instead). SyncError with
    one line if the server cannot be reached, refuses the login or fails a request."""
    wanted, cancelled = wanted_objects(plan, alarm_minutes=alarm_minutes)
    try:
        with caldav.DAVClient(url=url, username=user, password=password, timeout=TIMEOUT) as client:
            calendar = _calendar(client.principal(), url, _calendar_name(plan), create=not dry_run)
            found = [] if calendar is None else _our_events(plan, calendar)
            changes, unchanged = plan_changes(plan, wanted, cancelled, found)
            counts = {action: 0 for action in Action}
            for change in changes:
                on_change(change)
                if calendar is not None and not dry_run:  # not None: made unless in a dry run
                    _apply(calendar, change, plan.plan_id)
                counts[change.action] += 1
    except dav_error.AuthorizationError:
        raise SyncError(f"the server at {url} refused the user name or password") from None
    except dav_error.DAVError as failure:
        raise SyncError(f"the server at {url} failed a request: {_first_line(failure)}") from None
    except OSError as failure:  # niquests' connection errors and timeouts are OSErrors
        raise SyncError(f"cannot reach {url}: {_first_line(failure)}") from None
    return Summary(counts[Action.CREATE], counts[Action.UPDATE], counts[Action.DELETE], unchanged)


def _first_line(failure: BaseException) -> str:
    """The gist of a failure: the OS's reason if there is one ('Connection refused'), else its text."""
    text = " ".join(str(failure).split())
    reason = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if reason:
        return reason.group(1).strip()
    text = text or type(failure).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _calendar_name(plan: Plan) -> str:
    return "LDN plan" + (f": {plan.patient.label}" if plan.patient.label else f" {plan.plan_id}")


def _calendar(principal: Any, url: str, name: str, *, create: bool) -> _Calendar | None:
    """The calendar at `url` itself, else the user's calendar called `name`, else a new one (None in a
    dry run, which creates nothing). `principal` is caldav's, untyped."""
    calendars: list[_Calendar] = principal.calendars()
    for calendar in calendars:
        if str(calendar.url).rstrip("/") == url.rstrip("/"):
            return calendar
    for calendar in calendars:
        if calendar.get_display_name() == name:
            return calendar
    if not create:
        return None
    made: _Calendar = principal.make_calendar(name=name)
    return made


def _our_events(plan: Plan, calendar: _Calendar) -> list[ServerEvent]:
    found: list[ServerEvent] = []
    for resource in calendar.events():
        parsed = icalendar.Calendar.from_ical(resource.data)
        events = parsed.walk("VEVENT")
        if not events or not is_ours(plan, str(events[0].get("UID", ""))) \
                or str(events[0].get(PLAN_PROPERTY, "")) != plan.plan_id:
            continue
        event = events[0]
        fingerprint = event.get(HASH_PROPERTY)
        found.append(ServerEvent(str(event["UID"]), int(event.get("SEQUENCE", 0)),
                                 None if fingerprint is None else str(fingerprint), resource))
    return found


def _apply(calendar: _Calendar, change: Change, plan_id: str) -> None:
    # plan_changes gives a create its wanted object, a delete the object found, an update both
    if change.action is Action.DELETE:
        assert change.found is not None
        change.found.resource.delete()
    elif change.action is Action.CREATE:
        assert change.wanted is not None
        calendar.add_event(_object_text(change.wanted, change.wanted.sequence, plan_id).decode("utf-8"),
                           increase_seqno=False)
    else:
        assert change.wanted is not None and change.found is not None
        # as written (raw_data, so the library bumps no SEQUENCE), and only over the version we read
        # (If-Match: a change on the server meanwhile fails this write; the next run sees it)
        sequence = max(change.wanted.sequence, change.found.sequence + 1)
        change.found.resource.save(raw_data=_object_text(change.wanted, sequence, plan_id), precondition="etag")
