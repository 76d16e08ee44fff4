"""Renderers by name. Each turns a plan into text and never writes it; the modules load on first use,
so that `titrate plan` in a plain-text format never pays for importing icalendar."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..model import Plan

#: format name -> (module, function, what it is)
FORMATS: dict[str, tuple[str, str, str]] = {
    "table": ("titrate.render.table", "render_table", "a terminal table"),
    "csv": ("titrate.render.csv_format", "render_csv", "CSV for spreadsheets, one row a day"),
    "json": ("titrate.plan_io", "dumps", "the plan file, from which every other format renders"),
    "md": ("titrate.render.markdown", "render_markdown", "Markdown for notes and handouts"),
    "ics": ("titrate.render.ics", "render_ics", "iCalendar for phone calendars, with reminders"),
    "order": ("titrate.render.order", "render_order", "the pharmacy summary: fills, dates and quantities"),
    "explain": ("titrate.render.explain", "render_explain", "which rules set each dose and the time"),
}


def render(plan: Plan, fmt: str, **options: Any) -> str:
    """The plan in format `fmt`. `options` go to the renderers that take them (the calendar's alarms)."""
    module, function, _ = FORMATS[fmt]
    return getattr(import_module(module), function)(plan, **options)
