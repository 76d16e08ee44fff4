"""A diff between two revisions, for a person (text) and for a program (JSON). Runs of consecutive days
with the same change are one line, so a 14-day step-back reads as one line, not fourteen."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from titrate.core.diff import DayChange, EventChange, PlanDiff
from titrate.core.model import DoseDay, Event, EventKind
from titrate.core.units import format_mg
from titrate.core.wallclock import format_hhmm
from titrate.formats.common import terminal_safe


def _dose(day: DoseDay | None) -> str:
    return "no dose" if day is None else f"{format_mg(day.dose_mg)} mg at {format_hhmm(day.time)}"


def _runs(changes: tuple[DayChange, ...]) -> list[list[DayChange]]:
    """Consecutive dates whose change reads the same ("3 mg at 22:00 -> 1.5 mg at 22:00")."""
    runs: list[list[DayChange]] = []
    for change in changes:
        if runs and runs[-1][-1].date + timedelta(days=1) == change.date and _reads(runs[-1][-1]) == _reads(change):
            runs[-1].append(change)
        else:
            runs.append([change])
    return runs


def _reads(change: DayChange) -> tuple[str, str]:
    return _dose(change.before), _dose(change.after)


def _event(event: Event | None) -> str:
    return "none" if event is None else f"{event.date}"


def _in_words(event: Event | None) -> str:
    """A pause's plain sentence (no LDN from when to when, why, and the restart), after its date."""
    if event is None or event.kind is not EventKind.PAUSE:
        return ""
    return terminal_safe(f": {event.text[:1].upper()}{event.text[1:]}")


def _changed(change: EventChange) -> Event:
    """The event a change is about: as it is now, or as it was if removed."""
    event = change.after or change.before
    if event is None:
        raise ValueError("an event change has the event before it, after it, or both")
    return event


def render_diff_text(plan_diff: PlanDiff) -> str:
    """What changed, for a person: the adjustments with their reasons, then days and events."""
    lines = [f"Plan {plan_diff.plan_id}: revision {plan_diff.old_revision} -> revision {plan_diff.new_revision}"]
    if plan_diff.empty:
        return "\n".join([*lines, "No changes."]) + "\n"
    lines += [terminal_safe(f"Change: {a.describe()}. Reason: {a.reason}") for a in plan_diff.adjustments]
    if plan_diff.zone:
        lines.append(f"Time zone: {plan_diff.zone[0]} -> {plan_diff.zone[1]} (every dose at its local time in the "
                     "new zone)")
    if plan_diff.days:
        lines += ["", "Days:"]
        for run in _runs(plan_diff.days):
            first, last = run[0], run[-1]
            when = str(first.date) if first is last else f"{first.date} to {last.date} ({len(run)} days)"
            if first.before is None:
                what = f"added: {_dose(first.after)}"
            elif first.after is None:
                what = f"removed (was {_dose(first.before)})"
            else:
                what = f"{_dose(first.before)} -> {_dose(first.after)}"
            lines.append(f"  {when}: {what}")
    if plan_diff.events:
        lines += ["", "Events:"]
        for change in plan_diff.events:
            kind = _changed(change).kind.value
            if change.before is None:
                lines.append(f"  {kind} added on {_event(change.after)}{_in_words(change.after)}")
            elif change.after is None:
                lines.append(f"  {kind} on {_event(change.before)} removed")
            else:
                lines.append(f"  {kind} moved from {_event(change.before)} to {_event(change.after)}")
    return "\n".join(lines) + "\n"


def diff_to_dict(plan_diff: PlanDiff) -> dict[str, Any]:
    """The diff as data (schema titrate.diff/1): for `diff --format json` and the web app's response."""
    def day(value: DoseDay | None) -> dict[str, str] | None:
        return None if value is None else {"dose_mg": f"{value.dose_mg:.2f}", "time": format_hhmm(value.time),
                                           "cause": value.cause}

    def event(value: EventChange) -> dict[str, Any]:
        item = _changed(value)
        return {"key": item.key, "kind": item.kind.value,
                "before": None if value.before is None else value.before.date.isoformat(),
                "after": None if value.after is None else value.after.date.isoformat()}

    return {
        "schema": "titrate.diff/1",
        "plan_id": plan_diff.plan_id,
        "old_revision": plan_diff.old_revision,
        "new_revision": plan_diff.new_revision,
        "adjustments": [{"kind": a.kind.value, "from": a.effective.isoformat(), "reason": a.reason,
                         "description": a.describe()} for a in plan_diff.adjustments],
        "days": [{"date": c.date.isoformat(), "before": day(c.before), "after": day(c.after)} for c in plan_diff.days],
        "events": [event(change) for change in plan_diff.events],
        # only when it changed, so a diff of one zone reads as before
        **({"time_zone": {"before": plan_diff.zone[0], "after": plan_diff.zone[1]}} if plan_diff.zone else {}),
    }


def render_diff_json(plan_diff: PlanDiff) -> str:
    """The diff as JSON text, the same bytes for the same diff."""
    return json.dumps(diff_to_dict(plan_diff), indent=2, ensure_ascii=False) + "\n"
