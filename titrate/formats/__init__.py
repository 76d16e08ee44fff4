"""Every format titrate writes, declared once: its name, media type, file extension, whether it is text or
bytes, the options its writer takes, the optional extra it needs, and its writer. The CLI (`--format`,
`-o FILE`'s extension, the output flags), the web app's downloads, batch's `--formats` and the service's
render_plan all read FORMATS. Each writer turns a plan into text (or bytes: the PDF) and never writes it,
and its module loads on first use, so that `titrate plan` in a plain-text format never pays for importing
icalendar or WeasyPrint."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from titrate.core.record import Record
from titrate.errors import InputError

if TYPE_CHECKING:
    from titrate.core.model import Plan

__all__ = ["DEFAULT", "FORMATS", "Extra", "Format", "Option", "Writer", "fits", "format_of_file", "render"]

#: A format's writer: the plan (and the format's options, by keyword) in, the content out.
Writer = Callable[..., str | bytes]


class Option(Record):
    """A keyword a format's writer takes, and what a shell needs to offer it: the values it takes (a list of
    `choices`, or whole numbers within `bounds`) and, when None means something, the word a shell turns
    off with (`off`, e.g. --no-alarm) and what turning it off does."""

    name: str
    help: str
    default: Any
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None
    metavar: str | None = None
    off: str = ""
    off_help: str = ""


class Extra(Record):
    """An optional extra a format needs: its name in `pip install 'titrate[name]'`, the module it brings (a
    shell imports it to see whether the format works here) and that package's name for people."""

    name: str
    module: str
    package: str

    @property
    def hint(self) -> str:
        return f"pip install 'titrate[{self.name}]'"


class Format(Record):
    """A format: what it makes, how a shell labels and names its output, and where its writer lives
    (`load` imports the writer's module and returns the writer, on first use)."""

    name: str
    about: str
    media_type: str
    extension: str
    binary: bool
    load: Callable[[], Writer]
    options: tuple[Option, ...] = ()
    extra: Extra | None = None

    def missing_extra(self) -> str:
        """What to install when the extra this format needs is missing."""
        if self.extra is None:
            return f"the {self.name} format needs nothing more"
        return f"the {self.name} format needs {self.extra.package}: {self.extra.hint}"


# Each writer is imported where it is asked for: a table never loads icalendar, json or WeasyPrint.
def _table() -> Writer:
    from titrate.formats.table import render_table

    return render_table


def _csv() -> Writer:
    from titrate.formats.csv_format import render_csv

    return render_csv


def _json() -> Writer:
    from titrate.formats.plan_json import dumps

    return dumps


def _markdown() -> Writer:
    from titrate.formats.markdown import render_markdown

    return render_markdown


def _ics() -> Writer:
    from titrate.formats.ics import render_ics

    return render_ics


def _order() -> Writer:
    from titrate.formats.order import render_order

    return render_order


def _explain() -> Writer:
    from titrate.formats.explain import render_explain

    return render_explain


def _html() -> Writer:
    from titrate.formats.html import render_html

    return render_html


def _pdf() -> Writer:
    from titrate.formats.pdf import render_pdf

    return render_pdf


def _fhir() -> Writer:
    from titrate.formats.fhir import render_fhir

    return render_fhir


_TEXT = "text/plain; charset=utf-8"
#: The format a command writes when neither --format nor a file's extension names one.
DEFAULT = "table"

FORMATS: dict[str, Format] = {spec.name: spec for spec in (
    Format("table", "a terminal table", _TEXT, "txt", False, _table),
    Format("csv", "CSV for spreadsheets, one row a day", "text/csv; charset=utf-8", "csv", False, _csv),
    Format("json", "the plan file, from which every other format renders", "application/json", "json", False,
           _json),
    Format("md", "Markdown for notes and handouts", "text/markdown; charset=utf-8", "md", False, _markdown),
    Format("ics", "iCalendar for phone calendars, with reminders", "text/calendar; charset=utf-8", "ics", False,
           _ics, options=(Option("alarm_minutes", "remind N minutes before each dose [default: 0, at the dose time].",
                                 0, bounds=(0, 1440), metavar="N", off="alarm", off_help="leave the reminders out."),)),
    Format("order", "the pharmacy summary: fills, dates and quantities", _TEXT, "txt", False, _order),
    Format("explain", "which rules set each dose and the time", _TEXT, "txt", False, _explain),
    Format("html", "the patient handout: a printable, self-contained page", "text/html; charset=utf-8", "html",
           False, _html),
    Format("pdf", 'the patient handout as PDF (needs "titrate[pdf]")', "application/pdf", "pdf", True, _pdf,
           options=(Option("paper", "the paper size [default: a4].", "a4", choices=("a4", "letter")),),
           extra=Extra("pdf", "weasyprint", "WeasyPrint")),
    Format("fhir", "an HL7 FHIR R4 Bundle holding the MedicationRequest", "application/fhir+json", "fhir.json",
           False, _fhir),
)}


def render(plan: Plan, fmt: str, **options: Any) -> str | bytes:
    """The plan in format `fmt`, with the options that format takes (the calendar's alarms, the PDF's
    paper; the rest keep their defaults); InputError for an unknown format, an option it does not take, or
    an extra it needs that is not installed (saying how to install it)."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}", field="format", value=fmt)
    unknown = sorted(set(options) - {option.name for option in spec.options})
    if unknown:
        takes = ", ".join(option.name for option in spec.options) or "no options"
        raise InputError(f"the {fmt} format takes {takes} (got {', '.join(unknown)})", field="format", value=fmt)
    if spec.extra is not None and not _installed(spec.extra.module):
        raise InputError(spec.missing_extra(), field="format", value=fmt)
    return spec.load()(plan, **options)


def _installed(module: str) -> bool:
    """Whether `module` is installed (not whether it loads: the writer says what stops it loading)."""
    from importlib.util import find_spec

    return find_spec(module) is not None


def format_of_file(name: str) -> str | None:
    """The format a file's name names, or None: the longest of the formats' extensions it ends with
    (bundle.fhir.json is fhir, plan.json json), or `.<format>.<extension>` as batch names the formats that
    share an extension (plan.order.txt); of formats sharing an extension, the first (plan.txt is a table)."""
    lowered = name.lower()
    best, found = 0, None
    for spec in FORMATS.values():
        for suffix in (f".{spec.name}.{spec.extension}", f".{spec.extension}"):
            if len(suffix) > best and lowered.endswith(suffix):
                best, found = len(suffix), spec.name
    return found


def fits(fmt: str, name: str) -> bool:
    """Whether format `fmt` may be written to a file called `name`: yes when the name names no format or
    names `fmt`; when it names another, only if `fmt` makes the same type of file (the last part of the
    extension: an order in plan.txt, a FHIR bundle in bundle.json) and the name does not spell the other
    format out (plan.order.txt, bundle.fhir.json)."""
    named = format_of_file(name)
    if named is None or named == fmt:
        return True
    other = FORMATS[named]
    spelled = "." in other.extension or name.lower().endswith(f".{other.name}.{other.extension}")
    return not spelled and FORMATS[fmt].extension.rsplit(".", 1)[-1] == other.extension
