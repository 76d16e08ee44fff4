"""The handout and FHIR formats from the command line: bytes pass through untouched, a missing WeasyPrint is
bad input with the install hint, and a plain-text plan never imports WeasyPrint or a FHIR library."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from titrate.cli import cli

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London", "--patient", "Ann", "--days", "20"]
#: Runs the CLI in a fresh interpreter, then reports which optional libraries it imported.
PROBE = ("import sys\n{setup}from titrate.cli import main\ntry:\n    main()\nexcept SystemExit as done:\n"
         "    code = done.code\nprint(code, sorted({{m.split('.')[0] for m in sys.modules}} & "
         "{{'weasyprint', 'fhir', 'pydantic', 'pypdf', 'html5lib'}}), file=sys.stderr)")


def probe(*args: str, setup: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE.format(setup=setup), *args], capture_output=True)


def test_pdf_goes_to_a_file_as_the_renderers_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    target = tmp_path / "ann.pdf"
    runner = CliRunner()
    assert runner.invoke(cli, [*BASE, "--format", "pdf", "-o", str(target)]).exit_code == 0
    printed = runner.invoke(cli, [*BASE, "--format", "pdf"]).stdout_bytes
    assert target.read_bytes().startswith(b"%PDF-") and printed == target.read_bytes()


def test_html_and_fhir_print_as_utf8_text():
    runner = CliRunner()
    page = runner.invoke(cli, [*BASE, "--patient", "Zoë <Ann>", "--format", "html"]).stdout_bytes
    assert page.startswith(b"<!DOCTYPE html>") and "Zoë &lt;Ann&gt;".encode() in page
    bundle = json.loads(runner.invoke(cli, [*BASE, "--patient", "Zoë", "--format", "fhir"]).stdout_bytes)
    assert bundle["entry"][0]["resource"]["subject"]["display"] == "Zoë"


def test_pdf_without_weasyprint_exits_2_saying_how_to_install_it(tmp_path):
    # sys.modules[name] = None makes `import name` fail as it does where the package is not installed.
    done = probe(*BASE, "--format", "pdf", "-o", str(tmp_path / "ann.pdf"),
                 setup="sys.modules['weasyprint'] = None\n")
    message, report = done.stderr.decode().strip().splitlines()
    assert message == "titrate: the pdf format needs WeasyPrint: pip install 'titrate[pdf]'"
    assert report.startswith("2 ") and done.stdout == b"" and not (tmp_path / "ann.pdf").exists()


def test_a_table_imports_neither_weasyprint_nor_a_fhir_library():
    done = probe(*BASE, "--format", "table")
    assert done.stdout.startswith(b"LDN titration plan: Ann")
    assert done.stderr.decode().strip() == "0 []"


def test_fhir_and_html_import_no_optional_library():
    for fmt in ("fhir", "html"):
        assert probe(*BASE, "--format", fmt).stderr.decode().strip() == "0 []"


def test_the_pdf_paper_is_a4_or_letter_and_only_for_pdf(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from titrate.cli import cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    base = ["plan", "--start", "2026-12-01", "--tz", "UTC", "--days", "3"]
    for paper, width in (("letter", 612), ("a4", 595)):
        out = tmp_path / f"{paper}.pdf"
        result = CliRunner().invoke(cli, [*base, "--format", "pdf", "--paper", paper, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert round(float(PdfReader(out).pages[0].mediabox.width)) == width
    wrong = CliRunner().invoke(cli, [*base, "--paper", "letter"])
    assert wrong.exit_code == 2 and "--paper applies only to --format pdf" in wrong.stderr
