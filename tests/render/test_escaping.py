"""User text lands safely in every format: no formula in a spreadsheet, no broken table, no raw control."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

from hypothesis import given
from hypothesis import strategies as st
from test_golden import HOSTILE_LABEL, PLANS

from titrate.core.wallclock import load_zone
from titrate.formats import render
from titrate.formats.csv_format import spreadsheet_safe
from titrate.formats.markdown import markdown_safe
from titrate.formats.table import terminal_safe

PLAN = PLANS["nuuk-hostile"]


def test_csv_neutralises_the_formula_and_keeps_the_label_whole():
    rows = list(csv.DictReader(io.StringIO(render(PLAN, "csv"), newline="")))
    assert len(rows) == len(PLAN.days)
    assert {row["patient"] for row in rows} == {"'" + HOSTILE_LABEL}


@given(st.text())
def test_spreadsheet_cells_never_start_a_formula(text):
    assert not spreadsheet_safe(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_markdown_table_rows_each_have_six_cells():
    table = [line for line in render(PLAN, "md").splitlines() if line.startswith("| 20")]
    assert len(table) == len(PLAN.days)
    for line in table:
        assert line.replace("\\|", "").count("|") == 8


@given(st.text())
def test_markdown_safe_text_is_one_line_with_no_bare_pipe_or_tag(text):
    safe = markdown_safe(text)
    assert "\n" not in safe and "\r" not in safe and "<" not in safe
    assert "|" not in safe.replace("\\|", "")


@given(st.text())
def test_terminal_safe_text_has_no_control_characters(text):
    assert not any(ord(char) < 32 or char == "\x7f" for char in terminal_safe(text))


def test_table_shows_the_newline_as_an_escape():
    assert "O'Neil</b>, \"Jr\"\\nline two" in render(PLAN, "table")


def test_json_keeps_the_label_exactly():
    assert json.loads(render(PLAN, "json"))["inputs"]["patient"]["label"] == HOSTILE_LABEL


@given(st.text(max_size=60))
def test_any_label_renders_in_every_format_and_reads_back_from_csv_and_json(label):
    from datetime import date, datetime

    from titrate.core.engine import build_plan
    from titrate.core.model import Patient
    from titrate.core.protocols import PROTOCOLS
    from titrate.formats import FORMATS

    plan = build_plan(PROTOCOLS["classic"], Patient(label=label), date(2026, 12, 1), zone=load_zone("UTC"),
                      generated_at=datetime(2026, 11, 25, tzinfo=UTC), days=2)
    # The PDF is the handout's HTML drawn by WeasyPrint, too slow for every example: test_pdf.py covers it.
    rendered = {fmt: render(plan, fmt) for fmt in FORMATS if fmt != "pdf"}
    assert json.loads(rendered["json"])["inputs"]["patient"]["label"] == label
    rows = list(csv.DictReader(io.StringIO(rendered["csv"], newline="")))
    assert [row["patient"] for row in rows] == [spreadsheet_safe(label)] * 2
