"""`titrate batch`: every row ends in the summary with its status, a bad row never stops the rest, a
rerun finishes a stopped batch, and a dying worker is reported, not raised. Real worker processes."""

from __future__ import annotations

import csv
import json
import os
import pty
import signal
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime
from multiprocessing import active_children
from pathlib import Path

import pytest
from click.testing import CliRunner

import titrate.service.batch as batch_module
from titrate.cli import cli
from titrate.core.record import fields
from titrate.formats.csv_format import FORMULA_STARTS
from titrate.service.batch import COLUMNS, BatchSettings, run_batch
from titrate.service.plans import PlanRequest

EPOCH = "1795000000"
NOW = datetime.fromtimestamp(int(EPOCH), UTC)


def patients_file(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or sorted({name for row in rows for name in row}, key=COLUMNS.index)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
    return path


def summary(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def batch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def invoke(*args: str | Path):
        return CliRunner().invoke(cli, ["batch", *map(str, args), "--jobs", "2"], catch_exceptions=False)

    return invoke


GOOD = {"label": "Jane Doe", "start": "2026-12-01", "time_zone": "Europe/London"}
MIXED = [
    GOOD,
    {"label": "Opioid patient", "start": "2026-12-01", "time_zone": "UTC", "medications": "vitamin D; OxyContin"},
    {"label": "Liver patient", "start": "2026-12-01", "time_zone": "UTC", "conditions": "cirrhosis"},
    {"label": "Bad date", "start": "2026-02-30", "time_zone": "UTC"},
    {"label": "Bad zone", "start": "2026-12-01", "time_zone": "Mars/Olympus"},
    {"label": "Too much", "start": "2026-12-01", "time_zone": "UTC", "target": "6"},
    {"label": "Bad override", "start": "2026-12-01", "time_zone": "UTC", "overrides": "liver"},
    {"label": "Morning, with reason", "start": "2026-12-01", "time_zone": "UTC", "dose_time": "07:30",
     "overrides": "window: vivid dreams"},
    {"label": "Jane Doe", "start": "2026-12-01", "time_zone": "Asia/Tokyo"},
]


def test_every_row_ends_in_the_summary_with_its_status_rule_or_field(batch, tmp_path):
    out = tmp_path / "plans"
    result = batch(patients_file(tmp_path / "p.csv", MIXED), "--out", out)
    assert result.exit_code == 3, result.output
    rows = summary(out)
    assert [(r["line"], r["status"], r["rule"], r["field"]) for r in rows] == [
        ("2", "planned", "", ""),
        ("3", "refused", "opioid", ""),
        ("4", "refused", "liver", ""),
        ("5", "invalid", "", "start"),
        ("6", "invalid", "", "time_zone"),
        ("7", "refused", "ceiling", ""),
        ("8", "invalid", "", "overrides"),
        ("9", "planned", "", ""),
        ("10", "invalid", "", "plan_id"),  # the same label and start as line 2: the same plan id
    ]
    assert "OxyContin" in rows[1]["message"] and "'liver: REASON'" in rows[2]["message"]
    assert "line 2" in rows[8]["message"]
    assert result.stdout.strip() == (f"9 rows: 2 planned, 3 refused, 4 invalid; summary in {out / 'summary.csv'}")
    assert result.stderr == ""  # no progress bar on a pipe
    folders = sorted(path.name for path in out.iterdir())
    assert folders == ["jane-doe-ldn-315275d180dc", f"morning-with-reason-{rows[7]['plan_id']}", "summary.csv"]
    assert rows[0]["files"] == "jane-doe-ldn-315275d180dc/plan.json;jane-doe-ldn-315275d180dc/plan.ics"


def test_a_batch_plan_is_the_plan_the_command_line_makes(batch, tmp_path):
    out = tmp_path / "plans"
    assert batch(patients_file(tmp_path / "p.csv", [GOOD]), "--out", out, "--formats", "json,ics,md").exit_code == 0
    for fmt, name in (("json", "plan.json"), ("ics", "plan.ics"), ("md", "plan.md")):
        alone = CliRunner().invoke(cli, ["plan", "--start", "2026-12-01", "--tz", "Europe/London",
                                         "--patient", "Jane Doe", "--format", fmt])
        assert (out / "jane-doe-ldn-315275d180dc" / name).read_bytes() == alone.stdout_bytes
    assert json.loads((out / "jane-doe-ldn-315275d180dc" / "plan.json").read_text())["plan_id"] == "ldn-315275d180dc"
    mode = (out / "jane-doe-ldn-315275d180dc" / "plan.json").stat().st_mode & 0o777
    assert mode == 0o600  # it names a patient


def test_a_rerun_finishes_a_stopped_batch_and_keeps_what_is_done(batch, tmp_path, monkeypatch):
    rows = [{"label": f"Patient {n}", "start": "2027-01-04", "time_zone": "UTC"} for n in range(6)]
    source, out = patients_file(tmp_path / "p.csv", rows), tmp_path / "plans"
    assert batch(source, "--out", out).exit_code == 0
    folders = sorted(path for path in out.iterdir() if path.is_dir())
    # As if killed: one folder has only its JSON, one is gone.
    (folders[0] / "plan.ics").unlink()
    for path in folders[1].iterdir():
        path.unlink()
    folders[1].rmdir()
    before = {path: path.stat().st_ino for path in out.glob("*/*")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))  # the rerun is a day later
    result = batch(source, "--out", out)
    assert result.exit_code == 0, result.output
    assert "6 planned (4 already there, kept)" in result.stdout
    assert {path: path.stat().st_ino for path in before} == before  # nothing that was there was rewritten
    assert sorted(p.relative_to(out) for p in out.glob("*/*")) == sorted(
        p.relative_to(out) for folder in folders for p in (folder / "plan.json", folder / "plan.ics"))
    # The calendar remade beside a kept plan file is rendered from that file: both say the first run's time.
    assert b"DTSTAMP:20261118T110640Z" in (folders[0] / "plan.ics").read_bytes()
    assert b"DTSTAMP:20261119T110640Z" in (folders[1] / "plan.ics").read_bytes()
    kept = [row["message"] for row in summary(out)]
    assert kept.count("outputs already there, kept (force remakes them)") == 4
    assert not list(out.glob(".*"))  # no claims or temporary files left behind


def test_force_remakes_every_output(batch, tmp_path, monkeypatch):
    source, out = patients_file(tmp_path / "p.csv", [GOOD]), tmp_path / "plans"
    assert batch(source, "--out", out, "--formats", "json").exit_code == 0
    plan_file = out / "jane-doe-ldn-315275d180dc" / "plan.json"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    assert batch(source, "--out", out, "--formats", "json").exit_code == 0
    assert json.loads(plan_file.read_text())["generated_at"] == "2026-11-18T11:06:40Z"  # kept
    assert batch(source, "--out", out, "--formats", "json", "--force").exit_code == 0
    assert json.loads(plan_file.read_text())["generated_at"] == "2026-11-19T11:06:40Z"  # remade
    assert summary(out)[0]["message"] == ""


@pytest.mark.parametrize("text, says", [
    ("label,start\nA,2026-12-01\nB,2026-12-01,extra\n", "line 3: 3 cells where the header has 2"),
    ("label,start\nA,2026-12-01\n\"B,2026-12-01\n", "line 3: not valid CSV"),
    ("label,start\nA,\"2026\"-12-01\n", "line 2: not valid CSV"),
    ("label,start,colour\nA,2026-12-01,blue\n", "line 1: unknown column 'colour'"),
    ("label,start,label\nA,2026-12-01,B\n", "line 1: column 'label' appears twice"),
    ("label,time_zone\nA,UTC\nB,UTC\n", "line 1: the required column 'start' is missing"),
    ("# only a comment\n\n", "no header line"),
])
def test_a_malformed_file_exits_2_naming_the_line_and_writes_nothing(batch, tmp_path, text, says):
    source, out = tmp_path / "p.csv", tmp_path / "plans"
    source.write_text(text, encoding="utf-8")
    result = batch(source, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"titrate: {source}") and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists()


def test_a_file_that_is_not_utf8_or_missing_exits_2(batch, tmp_path):
    source = tmp_path / "p.csv"
    source.write_bytes(b"label,start\nA,2026-12-01\nJos\xe9,2026-12-01\n")
    result = batch(source, "--out", tmp_path / "plans")
    assert result.exit_code == 2 and "line 3: not UTF-8 text" in result.stderr
    result = batch(tmp_path / "missing.csv", "--out", tmp_path / "plans")
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_line_numbers_count_comments_and_cells_that_span_lines(batch, tmp_path):
    source, out = tmp_path / "p.csv", tmp_path / "plans"
    source.write_text("# a comment\n\nlabel,start,time_zone,medications\n"
                      "\"two\nlines\",2026-12-01,UTC,\"codeine\nlinctus\"\n\nX,2026-13-01,UTC,\n", encoding="utf-8")
    assert batch(source, "--out", out).exit_code == 3
    assert [(row["line"], row["status"]) for row in summary(out)] == [("4", "refused"), ("8", "invalid")]


def test_summary_cells_are_safe_to_open_in_a_spreadsheet(batch, tmp_path):
    hostile = ["=HYPERLINK(\"http://evil\")", "+1+2", "-3", "@SUM(A1)", "\tTab", "\rReturn"]
    rows = [{"label": text, "start": "2026-12-01", "time_zone": "UTC", "protocol": text} for text in hostile]
    rows += [{"label": text, "start": "2026-12-01", "time_zone": "UTC"} for text in hostile]
    out = tmp_path / "plans"
    assert batch(patients_file(tmp_path / "p.csv", rows), "--out", out).exit_code == 3
    written = summary(out)
    assert [row["status"] for row in written] == ["invalid"] * 6 + ["planned"] * 6
    assert [row["label"] for row in written] == ["'" + text for text in hostile] * 2
    for row in written:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values()), row


def test_a_row_that_fails_is_reported_and_the_rest_go_on(batch, tmp_path):
    out = tmp_path / "plans"
    out.mkdir()
    (out / "jane-doe-ldn-315275d180dc").write_text("a file where the folder should go")
    rows = [GOOD, {"label": "Other", "start": "2026-12-01", "time_zone": "UTC"}]
    result = batch(patients_file(tmp_path / "p.csv", rows), "--out", out)
    assert result.exit_code == 1
    failed, planned = summary(out)
    assert failed["status"] == "error" and "FileExistsError" in failed["message"]
    assert planned["status"] == "planned" and (out / f"other-{planned['plan_id']}" / "plan.ics").exists()
    assert "1 failed (rerun to retry them)" in result.stdout


def test_a_worker_killed_mid_batch_is_reported_per_row_and_a_rerun_finishes(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_module, "SYNC_GROUP_ROWS", 8)  # results come back while the workers still run
    rows = [{"label": f"P{n}", "start": "2027-01-04", "time_zone": "UTC", "days": "7"} for n in range(120)]
    source, out = patients_file(tmp_path / "p.csv", rows), tmp_path / "plans"
    settings = BatchSettings(out, ("json", "ics"), NOW)
    killed: list[int] = []

    def kill_a_worker(result):
        if not killed:
            victim = active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)

    counts = run_batch(source, settings, jobs=2, on_result=kill_a_worker)
    assert killed and counts.rows == 120 and counts.planned + counts.error == 120
    statuses = {row["status"] for row in summary(out)}
    assert statuses <= {"planned", "error"}
    for row in summary(out):
        if row["status"] == "error":
            assert "worker process stopped" in row["message"]
    again = run_batch(source, settings, jobs=2)
    # A row whose worker died after writing it but before reporting it is kept on the rerun.
    assert again.planned == 120 and again.kept >= counts.planned and again.exit_status() == 0


def test_unknown_formats_and_missing_arguments_are_usage_errors(batch, tmp_path):
    source = patients_file(tmp_path / "p.csv", [GOOD])
    result = batch(source, "--out", tmp_path / "plans", "--formats", "json,docx")
    assert result.exit_code == 2 and "docx" in result.stderr
    assert batch(source).exit_code == 2
    assert batch("--template", source).exit_code == 2


def test_the_template_documents_every_column_and_runs_as_it_is(batch, tmp_path):
    result = batch("--template")
    assert result.exit_code == 0
    documented = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("#   ")]
    assert sorted(documented) == sorted(fields(PlanRequest))
    header = next(line for line in result.stdout.splitlines() if not line.startswith("#"))
    assert header.split(",") == list(COLUMNS)
    source, out = tmp_path / "template.csv", tmp_path / "plans"
    source.write_text(result.stdout, encoding="utf-8")
    ran = batch(source, "--out", out)
    assert ran.exit_code == 0, ran.output
    assert [row["status"] for row in summary(out)] == ["planned", "planned"]


def test_memory_stays_flat_as_the_file_grows(tmp_path):
    """Peak memory of the parent process (tracemalloc) for 10,000 rows against 1,000: flat, because rows
    stream and results are written as they come. Rows are invalid (a missing zone) to keep the test fast;
    the parent handles them as it handles any row."""
    peaks = []
    for count in (1_000, 10_000):
        source = tmp_path / f"{count}.csv"
        source.write_text("label,start\n" + "".join(f"Patient {n},2026-12-01\n" for n in range(count)))
        settings = BatchSettings(tmp_path / f"out-{count}", ("json",), NOW)
        tracemalloc.start()
        counts = run_batch(source, settings, jobs=2)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert counts.invalid == count
    # Reading every row first, or submitting without a bound, grows the peak about tenfold; how full
    # the bounded pipeline gets in the short run varies with the machine's load, hence the margin.
    assert peaks[1] < peaks[0] * 2.5, peaks


def test_a_progress_bar_only_on_a_terminal(tmp_path):
    """On a terminal, stderr shows a progress bar; stdout still has only the summary line."""
    source, out = patients_file(tmp_path / "p.csv", [GOOD]), tmp_path / "plans"
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "titrate", "batch", str(source), "--out", str(out), "--jobs", "1"],
                          stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 0
    assert "Planning" in shown and "100%" in shown
    assert done.stdout.decode().startswith("1 rows: 1 planned")


def test_help_names_every_option(batch):
    result = batch("--help")
    assert result.exit_code == 0
    assert all(option in result.stdout for option in ("--out", "--formats", "--jobs", "--force", "--template"))


def test_staged_files_reach_the_disk_before_any_is_placed(tmp_path, monkeypatch):
    # A placed file is trusted whole on a rerun, so its group of rows is synced first: one flush per
    # SYNC_GROUP_ROWS rows, before the first of them is linked into its folder.
    monkeypatch.setattr(batch_module, "SYNC_GROUP_ROWS", 3)
    out = tmp_path / "plans"
    placed_at_sync: list[int] = []
    monkeypatch.setattr(batch_module.os, "sync", lambda: placed_at_sync.append(len(list(out.glob("*/plan.json")))))
    rows = [{**GOOD, "label": f"Patient {number}"} for number in range(7)]
    settings = BatchSettings(out, ("json", "ics"), NOW)
    counts = run_batch(patients_file(tmp_path / "p.csv", rows), settings, jobs=2)
    assert counts.planned == 7
    assert placed_at_sync == [0, 3, 6]
