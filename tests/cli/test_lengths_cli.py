"""Lengths in weeks and calendar months on the command line, in a batch row and in a protocol file."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from titrate.cli import cli

BASE = ["plan", "--start", "2027-01-31", "--tz", "UTC"]


def plan_json(run, *args: str) -> dict:
    result = run(*BASE, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def review_date(data: dict) -> date:
    return date.fromisoformat(next(e["date"] for e in data["events"] if e["key"] == "review"))


def test_days_in_months_are_calendar_months_from_the_start_and_recorded_as_asked(run):
    data = plan_json(run, "--days", "1m")
    assert data["inputs"]["end"] == "2027-02-27"  # 31 January + 1 month = 28 February: 28 days
    assert len(data["days"]) == 28
    assert data["inputs"]["asked"] == {"length": "1 month"}
    leap = json.loads(run("plan", "--start", "2028-01-31", "--tz", "UTC", "--days", "1 month", "--format",
                          "json").stdout)
    assert len(leap["days"]) == 29  # to 29 February 2028


def test_a_plan_in_days_writes_the_file_it_always_did(run):
    data = plan_json(run, "--days", "28", "--review-after", "60")
    assert "asked" not in data["inputs"]
    assert plan_json(run, "--days", "4w", "--review-after", "60")["days"] == data["days"]


def test_review_after_weeks_is_seven_days_a_week_at_the_target(run):
    data = plan_json(run, "--review-after", "3w")
    assert data["inputs"]["review_after_days"] == 21
    assert data["inputs"]["asked"] == {"review_after": "3 weeks"}
    on_target = date.fromisoformat(next(d["date"] for d in data["days"] if d["dose_mg"] == "4.50"))
    assert review_date(data) == on_target + timedelta(days=21)


def test_review_after_months_counts_from_the_day_the_target_is_reached(run):
    data = plan_json(run, "--review-after", "1m", "--days", "6m")
    on_target = date.fromisoformat(next(d["date"] for d in data["days"] if d["dose_mg"] == "4.50"))
    assert on_target == date(2027, 2, 28) and review_date(data) == date(2027, 3, 28)
    assert data["inputs"]["review_after_days"] == 28
    assert data["inputs"]["asked"] == {"length": "6 months", "review_after": "1 month"}


def test_until_takes_a_date_or_a_length_from_the_start(run):
    data = plan_json(run, "--until", "+3m")
    assert data["inputs"]["end"] == "2027-04-29"  # 31 January + 3 months = 30 April
    assert data["inputs"]["asked"] == {"length": "3 months"}
    assert plan_json(run, "--until", "2027-04-29")["days"] == data["days"]
    bad = run(*BASE, "--until", "+3x")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == ("cli plan: --until must be a date as YYYY-MM-DD, or a length from the start "
                                  "like +3w or +3m (got '+3x')")


@pytest.mark.parametrize(("args", "says"), [
    (["--days", "3x"], "cli plan: --days must be a number of days, weeks like 3w or months like 2m (got '3x')"),
    (["--every", "2m"], "cli plan: --every cannot be given in months, whose days vary: give days or weeks "
                        "like 3w (got '2m')"),
    (["--supply-days", "\u0664w"], "cli plan: --supply-days must be a length: use the digits 0-9 (got '\u0664w')"),
    (["--supply-days", "60w"], "cli plan: --supply-days must be 1 to 366 days (got '60w')"),
])
def test_a_bad_length_is_one_line_naming_the_option(run, args, says):
    result = run(*BASE, *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == says


def test_every_and_supply_days_take_weeks(run):
    assert plan_json(run, "--every", "3w")["days"] == plan_json(run, "--every", "21")["days"]
    assert plan_json(run, "--supply-days", "4w")["inputs"]["supply"]["supply_days"] == 28


def test_adjust_holds_for_weeks_and_calendar_months(run, tmp_path):
    first = tmp_path / "r1.json"
    assert run(*BASE, "--format", "json", "-o", str(first)).exit_code == 0
    weeks = run("adjust", str(first), "--from", "2027-02-10", "--hold", "2w", "--reason", "flare")
    assert weeks.exit_code == 0, weeks.stderr
    assert json.loads(weeks.stdout)["inputs"]["adjustments"][0]["days"] == 14
    month = run("adjust", str(first), "--from", "2027-02-10", "--hold", "1m", "--reason", "flare")
    assert json.loads(month.stdout)["inputs"]["adjustments"][0]["days"] == 28  # 10 February to 10 March
    back = run("adjust", str(first), "--from", "2027-03-01", "--step-back", "--for", "2w", "--reason", "flare")
    assert json.loads(back.stdout)["inputs"]["adjustments"][0]["days"] == 14
    refused = run("adjust", str(first), "--from", "2027-02-10", "--step-back", "--for", "1m", "--reason", "x")
    assert refused.exit_code == 2 and "--for cannot be given in months" in refused.stderr


def test_a_saved_plan_asked_in_months_reads_back_and_revises(run, tmp_path):
    saved = tmp_path / "plan.json"
    assert run(*BASE, "--days", "6m", "--review-after", "2m", "--format", "json", "-o", str(saved)).exit_code == 0
    assert run("render", str(saved), "--format", "json").stdout == saved.read_text()
    held = run("adjust", str(saved), "--from", "2027-02-01", "--hold", "3w", "--reason", "flare")
    assert held.exit_code == 0, held.stderr
    data = json.loads(held.stdout)
    assert data["inputs"]["asked"] == {"length": "6 months", "review_after": "2 months"}
    on_target = date.fromisoformat(next(d["date"] for d in data["days"] if d["dose_mg"] == "4.50"))
    assert review_date(data) == date(on_target.year, on_target.month + 2, on_target.day)


def test_a_protocol_file_step_may_be_given_in_weeks(run, tmp_path):
    steps = tmp_path / "steps.toml"
    steps.write_text('name = "weeks"\n\n[[steps]]\ndose_mg = 1.5\ndays = "2w"\n\n[[steps]]\ndose_mg = 3\n'
                     'days = "3 weeks"\n\n[[steps]]\ndose_mg = 4.5\n', encoding="utf-8")
    data = plan_json(run, "--protocol-file", str(steps))
    assert [s["days"] for s in data["inputs"]["protocol"]["steps"]] == [14, 21, None]
    steps.write_text('name = "months"\n\n[[steps]]\ndose_mg = 1.5\ndays = "1m"\n\n[[steps]]\ndose_mg = 3\n',
                     encoding="utf-8")
    refused = run(*BASE, "--protocol-file", str(steps))
    assert refused.exit_code == 2
    assert "step 1: days cannot be given in months" in refused.stderr


def test_a_batch_column_takes_weeks(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    patients = tmp_path / "p.csv"
    with patients.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["label", "start", "time_zone", "days", "every", "review_after"])
        writer.writerow(["Weeks", "2027-01-31", "UTC", "12w", "3w", "2m"])
        writer.writerow(["Bad", "2027-01-31", "UTC", "3x", "", ""])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(patients), "--out", str(out), "--formats", "json", "--jobs", "1"])
    assert result.exit_code == 3, result.output
    made = json.loads(next(out.glob("weeks-*/plan.json")).read_text())
    assert len(made["days"]) == 84
    assert made["inputs"]["asked"] == {"length": "12 weeks", "review_after": "2 months"}
    assert [s["days"] for s in made["inputs"]["protocol"]["steps"]] == [21, 21, None]
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    assert "days must be a number of days, weeks like 3w or months like 2m (got '3x')" in summary
