"""Renderers by name. Each turns a plan into text (or bytes: the PDF) and never writes it; the modules
load on first use, so that `titrate plan` in a plain-text format never pays for importing icalendar or
WeasyPrint."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..model import Plan
from ..record import Record


class Format(Record):
    """A renderer: where it lives, what it makes, and how a shell labels its output."""

    module: str
    function: str
    about: str
    media_type: str
    extension: str


_TEXT = "text/plain; charset=utf-8"

FORMATS: dict[str, Format] = {
    "table": Format("titrate.render.table", "render_table", "a terminal table", _TEXT, "txt"),
    "csv": Format("titrate.render.csv_format", "render_csv", "CSV for spreadsheets, one row a day",
                  "text/csv; charset=utf-8", "csv"),
    "json": Format("titrate.plan_io", "dumps", "the plan file, from which every other format renders",
                   "application/json", "json"),
    "md": Format("titrate.render.markdown", "render_markdown", "Markdown for notes and handouts",
                 "text/markdown; charset=utf-8", "md"),
    "ics": Format("titrate.render.ics", "render_ics", "iCalendar for phone calendars, with reminders",
                  "text/calendar; charset=utf-8", "ics"),
    "order": Format("titrate.render.order", "render_order", "the pharmacy summary: fills, dates and quantities",
                    _TEXT, "txt"),
    "explain": Format("titrate.render.explain", "render_explain", "which rules set each dose and the time",
                      _TEXT, "txt"),
    "html": Format("titrate.render.html", "render_html", "the patient handout: a printable, self-contained page",
                   "text/html; charset=utf-8", "html"),
    "pdf": Format("titrate.render.pdf", "render_pdf", 'the patient handout as PDF (needs "titrate[pdf]")',
                  "application/pdf", "pdf"),
    "fhir": Format("titrate.render.fhir", "render_fhir", "an HL7 FHIR R4 Bundle holding the MedicationRequest",
                   "application/fhir+json", "fhir.json"),
}


def render(plan: Plan, fmt: str, **options: Any) -> str | bytes:
    """The plan in format `fmt`. `options` go to the renderers that take them (the calendar's alarms)."""
    spec = FORMATS[fmt]
    return getattr(import_module(spec.module), spec.function)(plan, **options)
