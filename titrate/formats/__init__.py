"""Renderers by name. Each turns a plan into text (or bytes: the PDF) and never writes it; the modules
load on first use, so that `titrate plan` in a plain-text format never pays for importing icalendar or
WeasyPrint."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from titrate.core.model import Plan
from titrate.core.record import Record


class Format(Record):
    """A renderer: where it lives, what it makes, and how a shell labels its output."""

    module: str
    function: str
    about: str
    media_type: str
    extension: str


_TEXT = "text/plain; charset=utf-8"

FORMATS: dict[str, Format] = {
    "table": Format("titrate.formats.table", "render_table", "a terminal table", _TEXT, "txt"),
    "csv": Format("titrate.formats.csv_format", "render_csv", "CSV for spreadsheets, one row a day",
                  "text/csv; charset=utf-8", "csv"),
    "json": Format("titrate.formats.plan_json", "dumps", "the plan file, from which every other format renders",
                   "application/json", "json"),
    "md": Format("titrate.formats.markdown", "render_markdown", "Markdown for notes and handouts",
                 "text/markdown; charset=utf-8", "md"),
    "ics": Format("titrate.formats.ics", "render_ics", "iCalendar for phone calendars, with reminders",
                  "text/calendar; charset=utf-8", "ics"),
    "order": Format("titrate.formats.order", "render_order", "the pharmacy summary: fills, dates and quantities",
                    _TEXT, "txt"),
    "explain": Format("titrate.formats.explain", "render_explain", "which rules set each dose and the time",
                      _TEXT, "txt"),
    "html": Format("titrate.formats.html", "render_html", "the patient handout: a printable, self-contained page",
                   "text/html; charset=utf-8", "html"),
    "pdf": Format("titrate.formats.pdf", "render_pdf", 'the patient handout as PDF (needs "titrate[pdf]")',
                  "application/pdf", "pdf"),
    "fhir": Format("titrate.formats.fhir", "render_fhir", "an HL7 FHIR R4 Bundle holding the MedicationRequest",
                   "application/fhir+json", "fhir.json"),
}


def render(plan: Plan, fmt: str, **options: Any) -> str | bytes:
    """The plan in format `fmt`. `options` go to the renderers that take them (the calendar's alarms)."""
    spec = FORMATS[fmt]
    return getattr(import_module(spec.module), spec.function)(plan, **options)
