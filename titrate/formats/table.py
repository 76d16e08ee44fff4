"""The terminal table: what a clinician reads first."""

from __future__ import annotations

from titrate.core.model import Plan
from titrate.core.wallclock import format_hhmm
from titrate.formats.common import (
    DISCLAIMER,
    days_with_notes,
    dose_text,
    facts,
    findings,
    refill_text,
    terminal_safe,
    title,
)

__all__ = ["render_table", "terminal_safe"]

HEADERS = ("Date", "Day", "Dose", "Amount", "Time", "Phase", "Notes")


def render_table(plan: Plan) -> str:
    rows = [
        (day.date.isoformat(), str(day.day), dose_text(day), terminal_safe(day.amount), format_hhmm(day.time),
         day.phase.value,
         terminal_safe("; ".join(notes)))
        for day, notes in days_with_notes(plan)
    ]
    widths = [max(len(header), *(len(row[i]) for row in rows)) for i, header in enumerate(HEADERS)]
    right = {1}
    lines = [terminal_safe(title(plan)), ""]
    label_width = max(len(label) for label, _ in facts(plan))
    lines += [f"{label + ':':<{label_width + 1}} {terminal_safe(value)}" for label, value in facts(plan)]
    lines.append("")
    for row in (HEADERS, *rows):
        cells = [cell.rjust(width) if i in right else cell.ljust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    lines += ["", "Refills:"] + [f"  {refill_text(plan, refill)}" for refill in plan.refills]
    if plan.warnings or plan.notes or plan.overrides:
        lines.append("")
        lines += [terminal_safe(line) for line in findings(plan)]
    lines += ["", DISCLAIMER]
    return "\n".join(lines) + "\n"
