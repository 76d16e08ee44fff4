"""The format registry: one entry per format, each consistent with its writer, and the file names that
name a format (what `-o FILE` picks, and what batch and the web app call their files)."""

from __future__ import annotations

import inspect
import sys

import pytest
from test_golden import PLANS

from titrate.errors import InputError
from titrate.formats import DEFAULT, FORMATS, fits, format_of_file, render
from titrate.formats.pdf import PAPER_SIZES
from titrate.service.batch import file_name


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_entry_loads_a_writer_that_makes_text_or_bytes_as_declared(fmt):
    spec = FORMATS[fmt]
    assert spec.name == fmt
    content = spec.load()(PLANS["classic-london"])
    assert isinstance(content, bytes if spec.binary else str)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_declared_options_are_the_writers_keywords_with_its_defaults(fmt):
    spec = FORMATS[fmt]
    keywords = {name: parameter.default for name, parameter in
                inspect.signature(spec.load()).parameters.items() if parameter.kind is parameter.KEYWORD_ONLY}
    assert keywords == {option.name: option.default for option in spec.options}


def test_the_paper_choices_are_the_pdf_writers_sizes_and_the_alarm_bounds_a_day():
    (paper,) = FORMATS["pdf"].options
    assert paper.choices == tuple(PAPER_SIZES) and paper.default in paper.choices
    (alarm,) = FORMATS["ics"].options
    assert alarm.bounds == (0, 1440) and alarm.off == "alarm"


def test_only_pdf_needs_an_extra_and_says_how_to_install_it():
    assert {fmt for fmt, spec in FORMATS.items() if spec.extra is not None} == {"pdf"}
    assert FORMATS["pdf"].missing_extra() == "the pdf format needs WeasyPrint: pip install 'titrate[pdf]'"
    assert FORMATS["pdf"].binary and not any(spec.binary for fmt, spec in FORMATS.items() if fmt != "pdf")


def test_a_missing_extra_is_an_input_error_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as where it is not installed
    with pytest.raises(InputError, match=r"pip install 'titrate\[pdf\]'"):
        render(PLANS["classic-london"], "pdf")


def test_render_refuses_an_unknown_format_or_an_option_the_format_does_not_take():
    plan = PLANS["classic-london"]
    with pytest.raises(InputError, match="unknown format 'exe'"):
        render(plan, "exe")
    with pytest.raises(InputError, match=r"the table format takes no options \(got paper\)"):
        render(plan, "table", paper="a4")
    with pytest.raises(InputError, match=r"the pdf format takes paper \(got alarm_minutes\)"):
        render(plan, "pdf", alarm_minutes=5)
    assert "VALARM" not in render(plan, "ics", alarm_minutes=None)


def test_every_extension_names_its_format_and_txt_names_the_table():
    for fmt, spec in FORMATS.items():
        first = next(name for name, other in FORMATS.items() if other.extension == spec.extension)
        assert format_of_file(f"plan.{spec.extension}") == first, fmt
        assert format_of_file(f"PLAN.{spec.extension.upper()}") == first, fmt
    assert format_of_file("plan.txt") == DEFAULT == "table"
    assert format_of_file("bundle.fhir.json") == "fhir" and format_of_file("plan.json") == "json"
    assert format_of_file("plan.dat") is None and format_of_file("plan") is None and format_of_file("json") is None


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_batch_file_names_name_their_format(fmt):
    assert format_of_file(file_name(fmt)) == fmt


@pytest.mark.parametrize("fmt, name, ok", [
    ("ics", "plan.ics", True), ("json", "plan.ics", False), ("table", "plan.json", False),
    ("order", "plan.txt", True), ("explain", "notes.TXT", True), ("csv", "plan.txt", False),
    ("fhir", "bundle.json", True), ("json", "bundle.fhir.json", False), ("table", "plan.order.txt", False),
    ("order", "plan.order.txt", True), ("table", "plan.dat", True), ("pdf", "handout", True),
    ("md", "notes.txt", False), ("html", "page.pdf", False),
])
def test_a_format_fits_a_file_of_its_type_or_of_no_known_type(fmt, name, ok):
    assert fits(fmt, name) is ok
