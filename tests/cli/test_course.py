"""`titrate adjust`, `titrate diff`, washout, review and protocol files, through the command line."""

from __future__ import annotations

import json

import pytest
from ics_reading import parse

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London"]


@pytest.fixture
def first(run, tmp_path):
    path = tmp_path / "r1.json"
    assert run(*BASE, "--patient", "Ann", "--format", "json", "-o", str(path)).exit_code == 0
    return path


def test_adjust_writes_the_next_revision_and_shows_the_diff(run, first, tmp_path):
    second = tmp_path / "r2.json"
    result = run("adjust", str(first), "--from", "2027-01-05", "--step-back", "--for", "14", "--reason", "flare",
                 "-o", str(second), "--show-diff")
    assert result.exit_code == 0, result.stderr
    plan_id = json.loads(first.read_text())["plan_id"]
    assert result.stdout.splitlines()[:2] == [
        f"Plan {plan_id}: revision 1 -> revision 2",
        "Change: from 2027-01-05: step back one level for 14 days. Reason: flare"]
    assert "  2027-01-05 to 2027-01-18 (14 days): 4.5 mg at 22:00 -> 3 mg at 22:00" in result.stdout
    data = json.loads(second.read_text())
    assert (data["revision"], data["supersedes"], data["plan_id"]) == (2, 1, json.loads(first.read_text())["plan_id"])
    assert data["inputs"]["adjustments"][0] == {"kind": "step-back", "from": "2027-01-05", "reason": "flare",
                                                "revision": 2, "days": 14, "dose_mg": None, "time": None}
    again = run("adjust", str(first), "--from", "2027-01-05", "--hold", "3", "--reason", "x", "-o", str(second))
    assert again.exit_code == 2 and "--force" in again.stderr


def test_adjust_to_stdout_puts_the_diff_on_stderr(run, first):
    result = run("adjust", str(first), "--from", "2027-02-01", "--stop", "--reason", "no benefit", "--show-diff")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["revision"] == 2
    assert "removed (was 4.5 mg at 22:00)" in result.stderr


@pytest.mark.parametrize("args, status, says", [
    (["--from", "2027-01-05", "--reason", "x"], 2, "exactly one of --hold"),
    (["--from", "2027-01-05", "--hold", "3", "--stop", "--reason", "x"], 2, "exactly one of"),
    (["--from", "2027-01-05", "--step-back", "--reason", "x"], 2, "--step-back needs --for"),
    (["--from", "2027-01-05", "--hold", "3", "--to", "1", "--reason", "x"], 2, "--to and --for go with"),
    (["--from", "2027-01-05", "--hold", "3"], 2, "Missing option '--reason'"),
    (["--from", "2027-01-05", "--hold", "3", "--reason", " "], 2, "needs a reason"),
    (["--from", "2026-11-01", "--hold", "3", "--reason", "x"], 2, "--from: an adjustment takes effect between"),
    (["--from", "2027-01-05", "--retime", "08:00", "--reason", "dreams"], 3,
     "refused by rule 'window'"),
    (["--from", "2027-01-05", "--target", "101", "--reason", "x"], 2, "at most 100 mg"),
    (["--from", "2027-01-05", "--target", "4.6", "--reason", "x"], 3, "refused by rule 'ceiling'"),
])
def test_adjust_refuses_what_it_cannot_do_in_one_line(run, first, args, status, says):
    result = run("adjust", str(first), *args)
    assert result.exit_code == status and says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, flag", [
    (["--from", "2027-01-05", "--step-back", "--for", "3660"], "--for"),
    (["--from", "2026-12-05", "--hold", "3660"], "--hold"),
])
def test_a_change_that_makes_the_plan_too_long_names_adjusts_own_option(run, first, args, flag):
    # adjust has no --days: the length the user typed is --for or --hold
    result = run("adjust", str(first), *args, "--reason", "long")
    assert result.exit_code == 2 and result.stderr.startswith(f"titrate: {flag}: a plan runs"), result.stderr
    assert "--days" not in result.stderr and "--start" not in result.stderr


def test_a_morning_retime_names_the_override_and_takes_it(run, first):
    refused = run("adjust", str(first), "--from", "2027-01-05", "--retime", "08:00", "--reason", "dreams")
    # adjust has one --reason, for the change and its override alike: the hint does not ask for another
    assert refused.stderr.rstrip().endswith("To go ahead, add --override window (for the same --reason).")
    assert "--reason TEXT" not in refused.stderr
    moved = run("adjust", str(first), "--from", "2027-01-05", "--retime", "08:00", "--override", "window",
                "--reason", "dreams")
    data = json.loads(moved.stdout)
    assert data["inputs"]["overrides"] == [{"rule": "window", "reason": "dreams"}]
    assert data["days"][-1]["time"] == "08:00" and data["days"][0]["time"] == "22:00"


def test_diff_of_two_revisions_as_text_and_json(run, first, tmp_path):
    second = tmp_path / "r2.json"
    run("adjust", str(first), "--from", "2027-01-05", "--hold", "5", "--reason", "travel", "-o", str(second))
    text = run("diff", str(first), str(second))
    assert text.exit_code == 0 and "Change: from 2027-01-05: hold the dose 5 days longer. Reason: travel" in text.stdout
    data = json.loads(run("diff", str(first), str(second), "--format", "json").stdout)
    assert data["schema"] == "titrate.diff/1" and data["adjustments"][0]["kind"] == "hold"
    assert run("diff", str(first), str(first)).stdout.endswith("No changes.\n")


def test_a_stop_cancels_the_dropped_days_in_the_calendar(run, first, tmp_path):
    second = tmp_path / "r2.json"
    run("adjust", str(first), "--from", "2027-02-01", "--stop", "--reason", "no benefit", "-o", str(second))
    calendar = parse(run("render", str(second), "--format", "ics").stdout)
    cancelled = [e for e in calendar.events if e.status is not None and e.status.value == "CANCELLED"]
    assert len(cancelled) == 55 + 2  # Feb 1 - Mar 28, and two re-order reminders and the review
    assert all(e.sequence == 1 and not e.alarm for e in cancelled)


def test_washout_plans_from_the_earliest_safe_start_and_refuses_an_earlier_one(run):
    planned = run("plan", "--tz", "UTC", "--last-opioid-dose", "2026-11-20", "--opioid", "tramadol", "--days", "10",
                  "--format", "json")
    data = json.loads(planned.stdout)
    assert data["days"][0]["date"] == "2026-11-27"
    assert [e for e in data["events"] if e["kind"] == "washout-end"][0]["date"] == "2026-11-27"
    early = run("plan", "--tz", "UTC", "--start", "2026-11-25", "--last-opioid-dose", "2026-11-20", "--opioid",
                "tramadol", "--washout-days", "10")
    assert early.exit_code == 3 and "refused by rule 'washout'" in early.stderr and "2026-11-30" in early.stderr
    nameless = run("plan", "--tz", "UTC", "--last-opioid-dose", "2026-11-20")
    assert nameless.exit_code == 2 and "--opioid" in nameless.stderr
    assert run("plan", "--tz", "UTC", "--start", "2026-12-01", "--washout-days", "15").exit_code == 2


def test_review_is_in_every_format_and_can_be_moved_or_left_out(run):
    table = run(*BASE, "--review-after", "30").stdout
    assert "Review:    2027-01-28, with the clinician" in table
    assert "review with your clinician" in table
    ics = run(*BASE, "--format", "ics").stdout
    assert "SUMMARY:LDN review with your clinician" in ics
    assert "review" not in json.dumps([e["kind"] for e in json.loads(run(*BASE, "--no-review", "--format",
                                                                          "json").stdout)["events"]])


def test_a_protocol_file_gives_the_steps(run, tmp_path):
    steps = tmp_path / "slow.toml"
    steps.write_text('name = "slow-ms"\nnote = "1.5 mg for 10 days, 3 mg for 21"\n[[steps]]\ndose_mg = 1.5\n'
                     'days = 10\n[[steps]]\ndose_mg = 3\ndays = 21\n[[steps]]\ndose_mg = 4.5\n')
    data = json.loads(run(*BASE, "--protocol-file", str(steps), "--format", "json").stdout)
    assert [d["dose_mg"] for d in data["days"][9:11]] == ["1.50", "3.00"]
    assert data["inputs"]["protocol"]["name"] == "slow-ms"
    steps.write_text('name = "bad"\n[[steps]]\ndose_mg = 1.5\ndays = 3\n[[steps]]\ndose_mg = 3\n')
    bad = run(*BASE, "--protocol-file", str(steps))
    assert bad.exit_code == 3 and "step 1 (1.5 mg for 3 days) of protocol 'bad'" in bad.stderr
    steps.write_text("name = ")
    broken = run(*BASE, "--protocol-file", str(steps))
    assert broken.exit_code == 2 and str(steps) in broken.stderr and "not valid TOML" in broken.stderr
    tuned = run(*BASE, "--protocol-file", str(steps), "--every", "10")
    assert tuned.exit_code == 2


def test_an_opioid_refusal_says_how_to_plan_a_washout_instead(run):
    refused = run(*BASE, "--medication", "tramadol 50 mg BID")
    assert refused.exit_code == 3 and "refused by rule 'opioid'" in refused.stderr
    assert "plan the washout with --last-opioid-dose DATE --opioid NAME" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_target_down_then_up_then_a_step_back_from_one_date_keeps_the_rules(run, tmp_path):
    """Issue 19's crash: `--target 3`, `--target 4.5`, then `--step-back --for 7`, all from 2027-01-20, ended
    in `TypeError: int + NoneType` (engine._day_count). It must give a plan that keeps every rule."""
    plan = tmp_path / "p.json"
    assert run("plan", "--start", "2027-01-04", "--tz", "Europe/London", "--format", "json", "-o",
               str(plan)).exit_code == 0
    for number, change in enumerate([["--target", "3"], ["--target", "4.5"], ["--step-back", "--for", "7"]], 2):
        following = tmp_path / f"p{number}.json"
        result = run("adjust", str(plan), "--from", "2027-01-20", *change, "--reason", "review", "-o", str(following))
        assert result.exit_code == 0, result.stderr
        plan = following
    days = json.loads(plan.read_text())["days"]
    doses = [day["dose_mg"] for day in days]
    assert doses[0] == "1.50" and max(doses) == "4.50"
    assert run("render", str(plan), "--format", "ics").exit_code == 0


def test_adjust_pauses_and_restarts_and_refuses_a_resume_before_the_washout(run, first, tmp_path):
    second = tmp_path / "r2.json"
    result = run("adjust", str(first), "--from", "2026-12-20", "--pause-until", "2027-01-03", "--restart",
                 "--reason", "surgery", "-o", str(second), "--show-diff")
    assert result.exit_code == 0, result.stderr
    assert ("  pause added on 2026-12-20: No LDN from 20 December 2026 to 2 January 2027 (paused: surgery); "
            "start again on 3 January at 1.5 mg, climbing again step by step") in result.stdout
    data = json.loads(second.read_text())
    assert data["inputs"]["adjustments"][0]["until"] == "2027-01-03"
    assert data["inputs"]["adjustments"][0]["restart"] is True
    assert not [day for day in data["days"] if "2026-12-20" <= day["date"] < "2027-01-03"]
    refused = run("adjust", str(first), "--from", "2026-12-20", "--pause-until", "2027-01-03", "--opioid",
                  "oxycodone", "--last-opioid-dose", "2026-12-30", "--reason", "surgery")
    assert refused.exit_code != 0
    assert "washout" in refused.stderr and "2027-01-06" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    misplaced = run("adjust", str(first), "--from", "2026-12-20", "--hold", "3", "--restart", "--reason", "x")
    assert misplaced.exit_code == 2 and "--pause-until" in misplaced.stderr


def test_the_protocol_file_example_in_the_help_reads_as_the_steps_it_describes(run):
    from decimal import Decimal

    from titrate.core.protocols import FILE_EXAMPLE, parse_protocol_file

    protocol = parse_protocol_file(FILE_EXAMPLE)
    # its note: 1.5 mg for 10 days, then 3 mg for 21 ("3w"), then 4.5 mg held to the end
    assert [(step.dose_mg, step.days) for step in protocol.steps] == [
        (Decimal("1.5"), 10), (Decimal("3"), 21), (Decimal("4.5"), None)]
    assert 'days = "3w"' in run("protocols", "--help").stdout


def test_the_calendar_of_a_retimed_revision_puts_each_dose_at_the_time_in_force_that_day(run, tmp_path):
    """Read by `ical` (a parser titrate did not write with): 22:00 before the change, 08:00 from it on, in
    London across its clock change on 2027-03-28, and the 08:00 doses end 3 hours later (the moved window)."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from ics_reading import parse

    first, second = tmp_path / "r1.json", tmp_path / "r2.json"
    made = run("plan", "--start", "2027-03-01", "--tz", "Europe/London", "--days", "56", "-o", str(first))
    assert made.exit_code == 0, made.stderr
    retimed = run("adjust", str(first), "--from", "2027-03-15", "--retime", "08:00", "--override", "window",
                  "--reason", "vivid dreams", "-o", str(second))
    assert retimed.exit_code == 0, retimed.stderr
    calendar = run("render", str(second), "--format", "ics")
    assert calendar.exit_code == 0, calendar.stderr
    doses = sorted((e for e in parse(calendar.stdout).events if isinstance(e.dtstart, datetime)),
                   key=lambda e: e.dtstart)
    london = ZoneInfo("Europe/London")
    assert [e.dtstart.date() for e in doses] == [date(2027, 3, 1) + timedelta(days=n) for n in range(56)]
    for event in doses:
        local = event.dtstart.astimezone(london)
        expected = time(22) if local.date() < date(2027, 3, 15) else time(8)
        assert (local.date(), local.time()) == (event.dtstart.date(), expected)
        assert getattr(event.dtstart.tzinfo, "key", None) == "Europe/London"  # a TZID time, kept local
    assert doses[14].dtend - doses[14].dtstart == timedelta(hours=3)


def test_adjust_resume_ends_a_pause_early_and_is_refused_outside_one(run, tmp_path):
    first, paused, resumed = (tmp_path / f"r{n}.json" for n in (1, 2, 3))
    assert run("plan", "--start", "2027-03-01", "--tz", "Europe/London", "-o", str(first)).exit_code == 0
    made = run("adjust", str(first), "--from", "2027-03-20", "--pause-until", "2027-04-03", "--reason", "surgery",
               "-o", str(paused))
    assert made.exit_code == 0, made.stderr
    result = run("adjust", str(paused), "--from", "2027-03-27", "--resume", "--reason", "recovered",
                 "-o", str(resumed), "--show-diff")
    assert result.exit_code == 0, result.stderr
    assert "Change: from 2027-03-27: end the pause early" in result.stdout
    assert "2027-03-27 to 2027-04-02 (7 days): added: 3 mg at 22:00" in result.stdout
    for plan_file, on, says in ((paused, "2027-04-03", "give a date after 2027-03-20 and before 2027-04-03"),
                                (first, "2027-03-22", "the plan is not paused on 2027-03-22")):
        refused = run("adjust", str(plan_file), "--from", on, "--resume", "--reason", "x")
        assert refused.exit_code == 2 and says in refused.stderr and len(refused.stderr.splitlines()) == 1
    both = run("adjust", str(paused), "--from", "2027-03-27", "--resume", "--stop", "--reason", "x")
    assert both.exit_code == 2 and "--resume" in both.stderr
    assert "End the pause the plan is in early" in run("adjust", "--help").stdout
