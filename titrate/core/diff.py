"""What changed between two revisions of a plan, for a person: days matched by date and events by key,
never by position, with the adjustments (and their reasons) that made the change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from titrate.core.model import Adjustment, DoseDay, Event, Plan
from titrate.core.record import Record
from titrate.core.wallclock import date_exists, dose_clock, first_instant
from titrate.errors import InputError

__all__ = ["DayChange", "EventChange", "PlanDiff", "diff", "moved_days", "recorded_instant"]


class DayChange(Record):
    """A date whose dose or time differs; `before` None: added, `after` None: removed."""

    before: DoseDay | None
    after: DoseDay | None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise InputError("a changed day is there before or after the change")

    @property
    def date(self) -> date:
        day = self.after or self.before
        assert day is not None  # __post_init__
        return day.date


class EventChange(Record):
    """An event (by key) that was added, removed or moved; `before`/`after` None as for days."""

    before: Event | None
    after: Event | None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise InputError("a changed event is there before or after the change")

    @property
    def key(self) -> str:
        event = self.after or self.before
        assert event is not None  # __post_init__
        return event.key


class PlanDiff(Record):
    """What changed from one revision of a plan to another: the adjustments the new one adds, the days and
    events that differ, each in date order, and the time zone (old, new) when a re-plan moved it: days are
    compared by their wall clocks, so a zone-only re-plan changes no day yet puts every dose at another
    moment."""

    plan_id: str
    old_revision: int
    new_revision: int
    adjustments: tuple[Adjustment, ...]
    days: tuple[DayChange, ...]
    events: tuple[EventChange, ...]
    zone: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not (self.adjustments or self.days or self.events or self.zone)


def diff(old: Plan, new: Plan) -> PlanDiff:
    """The changes from `old` to `new`, two revisions of one plan (InputError for different plans)."""
    if old.plan_id != new.plan_id:
        raise InputError(f"these are two different plans ({old.plan_id} and {new.plan_id}), not two revisions")
    old_days, new_days = {d.date: d for d in old.days}, {d.date: d for d in new.days}
    days = tuple(DayChange(old_days.get(when), new_days.get(when))
                 for when in sorted(old_days.keys() | new_days.keys())
                 if _dose_and_time(old_days.get(when)) != _dose_and_time(new_days.get(when)))
    old_events, new_events = {e.key: e for e in old.events}, {e.key: e for e in new.events}
    events = tuple(EventChange(old_events.get(key), new_events.get(key))
                   for key in sorted(old_events.keys() | new_events.keys(),
                                     key=lambda k: ((new_events.get(k) or old_events[k]).date, k))
                   if _when(old_events.get(key)) != _when(new_events.get(key)))
    adjustments = tuple(a for a in new.adjustments if a not in old.adjustments)
    zone = None if old.time_zone == new.time_zone else (old.time_zone, new.time_zone)
    return PlanDiff(new.plan_id, old.revision, new.revision, adjustments, days, events, zone)


def _dose_and_time(day: DoseDay | None) -> Any:
    return None if day is None else (day.dose_mg, day.time)


def _when(event: Event | None) -> Any:
    return None if event is None else event.date


def recorded_instant(offsets: tuple[tuple[datetime, timedelta], ...], local: datetime) -> datetime | None:
    """The UTC instant of naive `local` by recorded offsets (the first of two), or None if none covers it."""
    fits = []
    for (onset, offset), following in zip(offsets, [*offsets[1:], None]):
        instant = local.replace(tzinfo=UTC) - offset
        if onset <= instant and (following is None or instant < following[0]):
            fits.append(instant)
    return min(fits, default=None)


def moved_days(plan: Plan) -> list[date]:
    """The days of a saved plan whose dose the zone rules titrate uses now put at another wall-clock time
    or another instant than the rules the plan was made with (its `utc_offsets`; none recorded: [])."""
    if not plan.utc_offsets:
        return []
    zone = plan.zone
    moved = []
    for day in plan.days:
        local = datetime.combine(day.date, day.time)
        if (not date_exists(day.date, zone) or dose_clock(day.date, day.time, zone).time != day.time
                or recorded_instant(plan.utc_offsets, local) != first_instant(local, zone)):
            moved.append(day.date)
    return moved
