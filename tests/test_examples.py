"""examples/ holds real plans made by the tool; this test remakes each one and fails if any is stale.

Run with UPDATE_EXAMPLES=1 to remake them, then read the diff before committing.
"""

from __future__ import annotations

import io
import os
import re
import shlex
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from titrate.cli import cli
from titrate.formats import FORMATS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EPOCH = "1795000000"
COMMANDS = {
    "classic-london": "plan --start 2026-12-01 --tz Europe/London --patient 'Jane Doe'",
    "gentle-spasticity-new-york": "plan --start 2027-02-20 --protocol gentle --spasticity --time 21:30 "
                                  "--tz America/New_York --patient 'R. Alvarez (MS)'",
    "low-start-sydney": "plan --start 2027-03-01 --protocol low-start --target 3 --time 22:30 "
                        "--tz Australia/Sydney --patient 'Patient 0042'",
    "patient-file-london": "plan --start 2026-12-01 --patient-file {examples}/patient.toml "
                           "--medication Avonex",
    "liquid-gentle-toronto": "plan --start 2027-01-04 --protocol gentle --tz America/Toronto --form liquid "
                             "--concentration 1 --supply-days 28 --lead-days 5 --patient 'A. Tremblay'",
    "morning-dose-override": "plan --start 2027-03-15 --protocol gentle --tz America/Chicago --time 07:30 "
                             "--override window --reason 'vivid dreams and insomnia on evening doses' "
                             "--patient 'T. Nguyen'",
}
RENDERS = {"json": "json", "table": "txt", "csv": "csv", "md": "md", "ics": "ics", "order": "order.txt"}
CASES = [(name, fmt) for name in COMMANDS for fmt in RENDERS]
#: A course that changes: each revision is made from the one before, and each diff from the two.
COURSE = [
    ("course-london.r1.json", "plan --start 2026-12-01 --tz Europe/London --patient 'Jane Doe (course)' "
                              "--format json"),
    ("course-london.r2.json", "adjust {examples}/course-london.r1.json --from 2027-01-05 --step-back --for 21 "
                              "--reason 'MS flare: fatigue and leg stiffness for a week'"),
    ("course-london.r3.json", "adjust {examples}/course-london.r2.json --from 2027-02-15 --retime 08:00 "
                              "--override window --reason 'persistent vivid dreams on evening doses'"),
    ("course-london.r2.diff.txt", "diff {examples}/course-london.r1.json {examples}/course-london.r2.json"),
    ("course-london.r3.diff.txt", "diff {examples}/course-london.r2.json {examples}/course-london.r3.json"),
    ("course-london.r3.diff.json", "diff {examples}/course-london.r2.json {examples}/course-london.r3.json "
                                   "--format json"),
    ("course-london.r3.txt", "render {examples}/course-london.r3.json"),
    ("course-london.r3.ics", "render {examples}/course-london.r3.json --format ics"),
]


@pytest.mark.parametrize("name, fmt", CASES)
def test_example_is_current(name, fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    args = shlex.split(COMMANDS[name].format(examples=EXAMPLES))
    result = CliRunner().invoke(cli, [*args, "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = EXAMPLES / f"{name}.{RENDERS[fmt]}"
    if os.environ.get("UPDATE_EXAMPLES"):
        path.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == path.read_bytes(), f"{path.name} is stale: run with UPDATE_EXAMPLES=1"


def test_the_course_example_is_current(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for name, command in COURSE:  # in order: each step reads the files the steps before it made
        result = CliRunner().invoke(cli, shlex.split(command.format(examples=EXAMPLES)), catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        path = EXAMPLES / name
        if os.environ.get("UPDATE_EXAMPLES"):
            path.write_bytes(result.stdout_bytes)
        assert result.stdout_bytes == path.read_bytes(), f"{path.name} is stale: run with UPDATE_EXAMPLES=1"


@pytest.mark.parametrize("name", COMMANDS)
def test_example_renders_agree_with_the_plan_file(name):
    for fmt in RENDERS:
        result = CliRunner().invoke(cli, ["render", str(EXAMPLES / f"{name}.json"), "--format", fmt])
        assert result.stdout_bytes == (EXAMPLES / f"{name}.{RENDERS[fmt]}").read_bytes()


#: Handouts and health-record exports made from example plan files (which the tests above keep current).
HANDOUTS = [("classic-london", "html"), ("classic-london", "pdf"), ("classic-london", "fhir"),
            ("liquid-gentle-toronto", "html"), ("liquid-gentle-toronto", "fhir"),
            ("course-london.r3", "html"), ("course-london.r3", "fhir")]


#: The day table's header row, which WeasyPrint repeats on every page the table crosses.
DAY_TABLE_HEADER = "Taken Date Day Dose What to take Time Notes"


def pdf_words(pdf: bytes) -> Counter[str]:
    """The words a PDF handout prints, counted, without what pagination adds: the "Page N of M" footers
    and the day table's header repeated on each page. How many pages, and where the chart's labels fall in
    the text stream, depend on the machine's fonts and Pango; the words do not."""
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    text = re.sub(r"Page \d+ of \d+", " ", text)
    first = text.find(DAY_TABLE_HEADER) + len(DAY_TABLE_HEADER)
    return Counter((text[:first] + text[first:].replace(DAY_TABLE_HEADER, " ")).split())


@pytest.mark.parametrize("name, fmt", HANDOUTS)
def test_handout_example_is_current(name, fmt):
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / f"{name}.json"), "--format", fmt],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = EXAMPLES / f"{name}.{FORMATS[fmt].extension}"
    if os.environ.get("UPDATE_EXAMPLES"):
        path.write_bytes(result.stdout_bytes)
    if fmt == "pdf":
        # A PDF's bytes change with the WeasyPrint release and the fonts installed, neither of which is the
        # plan's doing; its text is what must not go stale. (Byte-reproducibility: tests/render/test_pdf.py.)
        assert pdf_words(result.stdout_bytes) == pdf_words(path.read_bytes()), f"{path.name} is stale"
    else:
        assert result.stdout_bytes == path.read_bytes(), f"{path.name} is stale: run with UPDATE_EXAMPLES=1"
