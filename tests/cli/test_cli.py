"""The command line, through click's CliRunner: exit status, stdout and stderr, checked apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from titrate import __version__

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London"]


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_python_dash_m_runs_the_same_cli():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "titrate", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, f"titrate, version {__version__}")


@pytest.mark.parametrize("command", [[], ["plan"], ["render"], ["protocols"], ["explain"], ["screen"]])
def test_help_on_every_command(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_help_lists_every_command_with_its_short_help_though_most_load_on_demand(run):
    result = run("--help")
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == ["adjust", "batch", "diff", "explain", "plan", "protocols",
                                                    "render", "screen", "serve", "sync"]
    assert listed[0].startswith("  adjust     Revise a plan from a date on: hold, step back, retime,")
    assert "  sync       Make a CalDAV calendar hold exactly the plan's events." in listed
    assert "  screen     Review a patient's list with the safety screen, without a plan." in listed
    for command in ("adjust", "batch", "diff", "serve", "sync"):
        assert run(command, "--help").stdout.startswith(f"Usage: cli {command} [OPTIONS]")


def test_an_unknown_command_is_one_line_naming_it(run):
    result = run("adjsut")
    assert result.exit_code == 2 and result.stdout == ""
    assert "No such command 'adjsut'." in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("typed", "meant"), [("ajust", "adjust"), ("rendr", "render"), ("synk", "sync"),
                                              ("protocol", "protocols")])
def test_a_misspelt_command_is_answered_with_the_one_meant_though_it_loads_on_demand(typed, meant):
    """In a fresh process: in this one, other tests have loaded the commands already."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "titrate", typed], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"titrate: No such command '{typed}'. Did you mean '{meant}'? (see 'titrate --help')\n"


def test_plan_prints_a_table_by_default(run):
    result = run(*BASE, "--patient", "Jane")
    assert result.exit_code == 0, result.stderr
    assert "2026-12-01    1  1.5 mg  1 x 1.5 mg capsule  22:00  titration" in result.stdout
    assert result.stderr == ""


def test_protocols_lists_the_built_ins_with_parameters(run):
    result = run("protocols")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == ["classic: 1.5, 3 then 4.5 mg, 14 days per level (pharmacy dosing summaries)",
                         "  step 1  1.5 mg for 14 days", "  step 2  3 mg for 14 days", "  step 3  4.5 mg from then on"]
    assert any(line.startswith("gentle:") for line in lines) and any(line.startswith("low-start:") for line in lines)


def test_step_every_and_target_tune_the_protocol(run):
    data = json.loads(run(*BASE, "--protocol", "gentle", "--step", "1", "--every", "10", "--target", "3.5",
                          "--format", "json").stdout)
    assert sorted({day["dose_mg"] for day in data["days"]}) == ["1.50", "2.50", "3.50"]
    # the inputs keep the protocol as tuned (to its own 4.5 mg) and the target beside it
    assert [step["days"] for step in data["inputs"]["protocol"]["steps"]] == [10, 10, 10, None]
    assert data["inputs"]["target_mg"] == "3.50"
    assert data["target_mg"] == "3.50"


def test_spasticity_without_target_tops_out_at_3_and_says_why(run):
    result = run(*BASE, "--spasticity")
    assert result.exit_code == 0
    assert "4.5 mg" not in result.stdout.split("Date")[1].split("Note")[0]
    assert "Note (spasticity): target capped at 3 mg" in result.stdout


@pytest.mark.parametrize("args, rule", [
    (["--spasticity", "--target", "4.5"], "spasticity"),
    (["--target", "5"], "ceiling"),
    (["--step", "2"], "gradual"),
    (["--first-dose", "2"], "start"),
    (["--time", "20:15"], "window"),
])
def test_a_refused_plan_exits_3_naming_the_rule(run, args, rule):
    result = run(*BASE, *args)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert f"refused by rule '{rule}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, says", [
    (["plan", "--start", "2026-02-30"], "not a date in the calendar"),
    (["plan", "--start", "01/12/2026"], "YYYY-MM-DD"),
    (["plan", "--start", "2026-12-01", "--tz", "Mars/Olympus"], "unknown time zone"),
    (["plan", "--start", "2026-12-01", "--time", "25:00"], "HH:MM"),
    (["plan", "--start", "2026-12-01", "--target", "0"], "more than 0 mg"),
    (["plan", "--start", "2026-12-01", "--target", "-1.5"], "more than 0 mg"),
    (["plan", "--start", "2026-12-01", "--target", "lots"], "number of milligrams"),
    (["plan", "--start", "2026-12-01", "--protocol", "turbo"], "unknown protocol 'turbo'"),
    (["plan", "--start", "2026-12-01", "--days", "0"], "--days"),
    (["plan", "--start", "2026-12-01", "--format", "docx"], "--format"),
    (["plan"], "Missing option '--start'"),
    (["render", "missing.json"], "cannot read missing.json"),
])
def test_bad_input_exits_2_with_one_line(run, args, says):
    result = run(*args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_output_file_is_not_overwritten_without_force(run, tmp_path):
    target = tmp_path / "plan.json"
    target.write_text("keep me")
    result = run(*BASE, "--format", "json", "-o", str(target))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert target.read_text() == "keep me"
    assert run(*BASE, "--format", "json", "-o", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text())["schema"] == "titrate.plan/2"


def test_render_reproduces_every_format_byte_for_byte(run, tmp_path):
    plan_file = tmp_path / "plan.json"
    assert run(*BASE, "--patient", "Ann", "--format", "json", "-o", str(plan_file)).exit_code == 0
    assert run("render", str(plan_file), "--format", "json").stdout_bytes == plan_file.read_bytes()
    for fmt in ("table", "csv", "md"):
        direct = run(*BASE, "--patient", "Ann", "--format", fmt).stdout_bytes
        first, second = (run("render", str(plan_file), "--format", fmt).stdout_bytes for _ in range(2))
        assert first == second == direct


def test_render_refuses_a_hand_edited_6_mg_day(run, tmp_path):
    plan_file = tmp_path / "plan.json"
    run(*BASE, "--format", "json", "-o", str(plan_file))
    data = json.loads(plan_file.read_text())
    data["days"][40]["dose_mg"] = 6
    plan_file.write_text(json.dumps(data))
    result = run("render", str(plan_file))
    assert result.exit_code == 3 and result.stdout == ""
    assert "refused by rule 'ceiling'" in result.stderr and "2027-01-10 (day 41) is 6 mg" in result.stderr


def test_render_refuses_a_gap_in_the_dates(run, tmp_path):
    plan_file = tmp_path / "plan.json"
    run(*BASE, "--format", "json", "-o", str(plan_file))
    data = json.loads(plan_file.read_text())
    del data["days"][10]
    plan_file.write_text(json.dumps(data))
    result = run("render", str(plan_file))
    assert result.exit_code == 2 and "consecutive dates: 2026-12-12 follows 2026-12-10" in result.stderr


def test_render_refuses_an_unknown_schema(run, tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text('{"schema": "other/2"}')
    result = run("render", str(plan_file))
    assert result.exit_code == 2 and "unknown plan schema 'other/2'" in result.stderr


def test_source_date_epoch_sets_generated_at(run):
    data = json.loads(run(*BASE, "--format", "json").stdout)
    assert data["generated_at"] == "2026-11-18T11:06:40Z"


def test_default_zone_comes_from_the_machine(run, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    data = json.loads(run("plan", "--start", "2026-12-01", "--format", "json").stdout)
    assert data["inputs"]["time_zone"] == "Asia/Kolkata"


def test_plan_id_and_revision_are_kept(run):
    data = json.loads(run(*BASE, "--plan-id", "jd-2026", "--revision", "1", "--format", "json").stdout)
    assert (data["plan_id"], data["revision"]) == ("jd-2026", 1)


def test_plan_writes_a_calendar_with_crlf_and_alarm_options(run, tmp_path):
    result = run(*BASE, "--days", "3", "--format", "ics", "--alarm-minutes", "30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout_bytes.count(b"TRIGGER:-PT30M\r\n") == 3
    plan_file = tmp_path / "plan.json"
    run(*BASE, "--days", "3", "--format", "json", "-o", str(plan_file))
    rendered = run("render", str(plan_file), "--format", "ics", "--alarm-minutes", "30").stdout_bytes
    assert rendered == result.stdout_bytes
    assert b"VALARM" not in run("render", str(plan_file), "--format", "ics", "--no-alarm").stdout_bytes


@pytest.mark.parametrize("args, says", [
    (["--alarm-minutes", "10"], "apply only to --format ics"),
    (["--format", "ics", "--alarm-minutes", "10", "--no-alarm"], "contradict"),
    (["--format", "ics", "--alarm-minutes", "-5"], "--alarm-minutes"),
])
def test_calendar_options_are_checked(run, args, says):
    result = run(*BASE, *args)
    assert result.exit_code == 2 and says in result.stderr


def test_a_plain_text_plan_never_imports_icalendar():
    import subprocess
    import sys

    probe = ("import sys\nfrom titrate.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('icalendar', 'titrate.formats.'))), "
             "file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *BASE, "--format", "csv"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith("plan_id,patient,date")
    assert done.stderr.strip() == str(["titrate.formats.common", "titrate.formats.csv_format",
                                       "titrate.formats.patient_toml"])


@pytest.mark.parametrize("medication, generic", [
    ("Ultram", "tramadol"), ("tramadol", "tramadol"), ("Tylenol with codeine", "codeine"),
    ("  oxycontin ", "oxycodone"), ("Suboxone", "buprenorphine"), ("methadone", "methadone"),
])
def test_an_opioid_is_refused_naming_drug_class_and_rule(run, medication, generic):
    result = run(*BASE, "--medication", "vitamin D", "--medication", medication)
    assert result.exit_code == 3 and result.stdout == ""
    assert f"refused by rule 'opioid': {medication.strip()!r} is {generic}" in result.stderr
    assert "), an opioid (" in result.stderr


def test_liver_disease_is_refused_unless_overridden_with_a_reason(run):
    refused = run(*BASE, "--condition", "Cirrhosis")
    assert refused.exit_code == 3 and "refused by rule 'liver'" in refused.stderr
    assert "--override liver --reason" in refused.stderr
    no_reason = run(*BASE, "--condition", "cirrhosis", "--override", "liver")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr
    empty_reason = run(*BASE, "--condition", "cirrhosis", "--override", "liver", "--reason", " ")
    assert empty_reason.exit_code == 2 and "needs a reason" in empty_reason.stderr
    planned = run(*BASE, "--condition", "cirrhosis", "--override", "liver", "--reason", "LFTs normal",
                  "--format", "json")
    assert planned.exit_code == 0
    assert json.loads(planned.stdout)["inputs"]["overrides"] == [{"rule": "liver", "reason": "LFTs normal"}]


def test_opioid_and_ceiling_cannot_be_overridden(run):
    for rule in ("opioid", "ceiling"):
        result = run(*BASE, "--override", rule, "--reason", "please")
        assert result.exit_code == 3 and f"rule '{rule}' cannot be overridden" in result.stderr
    unknown = run(*BASE, "--override", "bedtime", "--reason", "x")
    assert unknown.exit_code == 2 and "these can be overridden: liver, spasticity, window, antagonist" in unknown.stderr


def test_warnings_and_notes_for_ms_drugs_pregnancy_and_unknown_medication(run):
    data = json.loads(run(*BASE, "--medication", "Avonex", "--medication", "Copaxone", "--medication", "Zorblaxin",
                          "--condition", "Breastfeeding", "--format", "json").stdout)
    assert [w["rule"] for w in data["warnings"]] == ["interferon", "unscreened", "pregnancy"]
    assert [n["rule"] for n in data["notes"]] == ["glatiramer", "review"]
    assert "'Zorblaxin' is not a medication titrate knows" in data["warnings"][1]["message"]


def test_an_unknown_condition_plans_with_a_warning_that_it_was_not_screened(run):
    result = run(*BASE, "--condition", "zorblax syndrome", "--format", "json")
    assert result.exit_code == 0
    assert [(w["rule"], w["message"].split(" is not")[0]) for w in json.loads(result.stdout)["warnings"]] == [
        ("unscreened", "condition 'zorblax syndrome'")]
    assert run(*BASE, "--condition", "!!!").exit_code == 2  # a condition that says nothing is still bad input


def test_condition_spasticity_is_the_spasticity_flag(run):
    by_flag = json.loads(run(*BASE, "--spasticity", "--format", "json").stdout)
    by_condition = json.loads(run(*BASE, "--condition", "spasticity", "--format", "json").stdout)
    assert by_flag == by_condition and by_flag["target_mg"] == "3.00"


def test_override_spasticity_lifts_the_3_mg_cap_but_not_the_ceiling(run):
    lifted = run(*BASE, "--spasticity", "--target", "4.5", "--override", "spasticity", "--reason", "neurologist")
    assert lifted.exit_code == 0 and "4.5 mg" in lifted.stdout
    ceiling = run(*BASE, "--spasticity", "--target", "6", "--override", "spasticity", "--reason", "neurologist")
    assert ceiling.exit_code == 3 and "rule 'ceiling'" in ceiling.stderr


def test_override_window_allows_a_morning_dose_shown_in_every_format(run):
    args = [*BASE, "--time", "08:00", "--override", "window", "--reason", "vivid dreams", "--days", "2"]
    data = json.loads(run(*args, "--format", "json").stdout)
    assert data["days"][0]["time"] == "08:00" and data["window"] == {"start": "08:00", "end": "11:00"}
    for fmt in ("table", "csv"):
        assert "Override (window): vivid dreams" in run(*args, "--format", fmt).stdout
    assert "Override \\(window\\): vivid dreams" in run(*args, "--format", "md").stdout
    assert "Override (window): vivid dreams" in run(*args, "--format", "order").stdout
    calendar = run(*args, "--format", "ics").stdout_bytes.decode().replace("\r\n ", "")
    assert "vivid dreams" not in calendar and "DTSTART;TZID=Europe/London:20261201T080000" in calendar


def test_patient_file_gives_facts_and_flags_win(run, tmp_path):
    facts = tmp_path / "patient.toml"
    facts.write_text('label = "From file"\nconditions = ["multiple sclerosis"]\nmedications = ["Copaxone"]\n'
                     'time_zone = "Asia/Tokyo"\ndose_time = "21:30"\n')
    data = json.loads(run("plan", "--start", "2026-12-01", "--patient-file", str(facts), "--format", "json").stdout)
    inputs = data["inputs"]
    assert (inputs["patient"]["label"], inputs["time_zone"], inputs["dose_time"]) == \
        ("From file", "Asia/Tokyo", "21:30")
    assert data["inputs"]["patient"]["medications"] == ["Copaxone"]
    data = json.loads(run("plan", "--start", "2026-12-01", "--patient-file", str(facts), "--patient", "Flag",
                          "--tz", "Europe/Paris", "--time", "22:45", "--medication", "Avonex",
                          "--format", "json").stdout)
    inputs = data["inputs"]
    assert (inputs["patient"]["label"], inputs["time_zone"], inputs["dose_time"]) == ("Flag", "Europe/Paris", "22:45")
    assert data["inputs"]["patient"]["medications"] == ["Copaxone", "Avonex"]


def test_a_malformed_patient_file_names_the_file_and_line(run, tmp_path):
    facts = tmp_path / "patient.toml"
    facts.write_text('label = "x"\nconditions = ["?"]\n')
    result = run(*BASE, "--patient-file", str(facts))
    assert result.exit_code == 2 and f"{facts}: line 2: a condition must name something (got '?')" in result.stderr


def test_example_patient_file_plans(run):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "patient.toml"
    result = run("plan", "--start", "2026-12-01", "--patient-file", str(example))
    assert result.exit_code == 0, result.stderr


def test_explain_from_options_and_from_a_plan_file_agree(run, tmp_path):
    args = ["--spasticity", "--medication", "Avonex", "--patient", "Ann"]
    from_options = run("explain", "--start", "2026-12-01", "--tz", "Europe/London", *args)
    assert from_options.exit_code == 0, from_options.stderr
    out = from_options.stdout
    assert "1.5 mg  2026-12-01 to 2026-12-14 (14 days), 1 x 1.5 mg capsule: the first dose" in out
    assert "[start]" in out
    assert "+1.5 mg after 14 days" in out and "[gradual]" in out
    assert "at or under the 3 mg limit for spasticity [spasticity]" in out
    assert "inside the window 21:00-24:00 [window]" in out
    assert "Warning [interferon]: 'Avonex' is interferon beta-1a" in out
    assert "Source: Verywell Health, 'Low-Dose Naltrexone for Treating MS Symptoms', 2020: interferon beta may " \
           "interact." in out
    plan_file = tmp_path / "plan.json"
    run(*BASE, *args, "--format", "json", "-o", str(plan_file))
    assert run("explain", str(plan_file)).stdout == out
    both = run("explain", str(plan_file), "--start", "2026-12-01")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_render_refuses_a_plan_file_with_an_opioid_added_by_hand(run, tmp_path):
    plan_file = tmp_path / "plan.json"
    run(*BASE, "--format", "json", "-o", str(plan_file))
    data = json.loads(plan_file.read_text())
    data["inputs"]["patient"]["medications"] = ["Percocet"]
    plan_file.write_text(json.dumps(data))
    result = run("render", str(plan_file))
    assert result.exit_code == 3 and "'Percocet' is oxycodone + paracetamol (Percocet, UNII C1ENJ2TE6C), an opioid" \
        in result.stderr


def test_capsule_strengths_give_the_amount_in_every_format(run):
    args = [*BASE, "--protocol", "gentle", "--strength", "1", "--strength", "0.5", "--days", "15"]
    data = json.loads(run(*args, "--format", "json").stdout)
    assert [day["amount"] for day in data["days"][6:9]] == ["1 x 1 mg capsule + 1 x 0.5 mg capsule",
                                                             "2 x 1 mg capsules", "2 x 1 mg capsules"]
    for fmt in ("table", "csv", "md"):
        assert "2 x 1 mg capsules" in run(*args, "--format", fmt).stdout
    assert "Take 2 x 1 mg capsules (2 mg" in run(*args, "--format", "ics").stdout_bytes.decode().replace("\r\n ", "")


def test_a_dose_the_strengths_cannot_make_is_refused_with_a_strength_that_works(run):
    result = run(*BASE, "--protocol", "gentle", "--strength", "1")
    assert result.exit_code == 3
    assert "refused by rule 'amount': 1.5 mg cannot be measured exactly" in result.stderr
    assert "adding 0.5 mg capsules would make every dose" in result.stderr


def test_liquid_amounts_and_unmeasurable_concentration(run):
    data = json.loads(run(*BASE, "--form", "liquid", "--format", "json").stdout)
    assert data["days"][-1]["amount"] == "4.5 mL of 1 mg/mL liquid"
    refused = run(*BASE, "--form", "liquid", "--concentration", "2")
    assert refused.exit_code == 3 and "refused by rule 'amount'" in refused.stderr


@pytest.mark.parametrize("args, says", [
    (["--form", "drops"], "--concentration: drops needs a concentration"),
    (["--strength", "1.5", "--form", "liquid"], "--strength: capsule strengths do not apply to liquid"),
    (["--concentration", "1"], "--concentration: capsules take strengths, not a concentration"),
    (["--form", "powder"], "--form"),
    (["--supply-days", "0"], "--supply-days"),
])
def test_formulation_options_are_checked(run, args, says):
    result = run(*BASE, *args)
    assert result.exit_code == 2 and says in result.stderr


def test_order_format_lists_fills_and_totals(run):
    result = run(*BASE, "--patient", "Jane", "--supply-days", "28", "--lead-days", "10", "--days", "56",
                 "--format", "order")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Pharmacy order: LDN titration plan: Jane"
    # classic, 56 days: 14 at 1.5 mg, 14 at 3 mg, 28 at 4.5 mg; fills of 28 days ordered 10 days ahead
    assert "1     2026-11-21  2026-12-01  2026-12-28  28    14 x 3 mg capsules, 14 x 1.5 mg capsules" in lines
    assert "2     2026-12-19  2026-12-29  2027-01-25  28    28 x 4.5 mg capsules" in lines
    assert "Total: 28 x 4.5 mg capsules, 14 x 3 mg capsules, 14 x 1.5 mg capsules" in lines


def test_liquid_fills_respect_the_shelf_life_option(run):
    data = json.loads(run(*BASE, "--form", "liquid", "--shelf-life-days", "10", "--format", "json").stdout)
    assert {(refill["number"], refill["from"], refill["to"]) for refill in data["refills"][:2]} == {
        (1, "2026-12-01", "2026-12-10"), (2, "2026-12-11", "2026-12-20")}


def test_a_late_first_order_is_a_warning(run, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 11, 28, tzinfo=UTC).timestamp())))
    data = json.loads(run(*BASE, "--format", "json").stdout)
    assert data["warnings"][0]["rule"] == "supply"
    assert "the first fill should be ordered by 2026-11-24" in data["warnings"][0]["message"]
