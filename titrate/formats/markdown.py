"""Markdown for clinical notes and handouts: a facts list, a table of days, findings, the disclaimer."""

from __future__ import annotations

import re

from titrate.core.model import Plan
from titrate.core.wallclock import format_hhmm
from titrate.formats.common import DISCLAIMER, days_with_notes, dose_text, facts, findings, title

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def markdown_safe(text: str) -> str:
    """User text as literal Markdown: one line, punctuation escaped, HTML neutralised, pipes kept
    from splitting a table cell."""
    text = _LINE_BREAK.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def render_markdown(plan: Plan) -> str:
    lines = [f"# {markdown_safe(title(plan))}", ""]
    lines += [f"- **{label}:** {markdown_safe(value)}" for label, value in facts(plan)]
    lines += ["", "| Date | Day | Dose | Amount | Time | Phase | Notes |", "|---|--:|--:|---|---|---|---|"]
    lines += [
        f"| {day.date} | {day.day} | {dose_text(day)} | {day.amount} | {format_hhmm(day.time)} | {day.phase.value} "
        f"| {markdown_safe('; '.join(notes))} |"
        for day, notes in days_with_notes(plan)
    ]
    lines += ["", "## Refills", "", "| Fill | Order by | From | To | Quantity |", "|--:|---|---|---|---|"]
    lines += [
        f"| {refill.number} | {refill.reorder_on} | {refill.start} | {refill.end} | "
        f"{markdown_safe(', '.join(plan.formulation.quantity_text(p) for p in refill.quantities))} |"
        for refill in plan.refills
    ]
    if plan.warnings or plan.notes or plan.overrides:
        lines += ["", "## Warnings and notes", ""]
        lines += [f"- {markdown_safe(line)}" for line in findings(plan)]
    lines += ["", f"> {DISCLAIMER}"]
    return "\n".join(lines) + "\n"
