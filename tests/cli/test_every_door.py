"""Issue 19, point 5: every door (command-line options, plan JSON, patient and protocol TOML, batch CSV,
the web form and the API) holds every value to the same rules, with one validator per kind of value, and
refuses with exit status 2 (HTTP 400) and one line naming the field and the value."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from titrate.errors import InputError
from titrate.service.plans import PlanRequest, make_plan, parse_request, read_plan

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London"]
NOW = datetime(2026, 11, 18, tzinfo=UTC)
ARABIC_TEN = "\u0661\u0660"      # Arabic-Indic one, zero
FULL_WIDTH_TEN = "\uff11\uff10"  # full-width one, zero


def refused_as_bad_input(result, *says: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    for said in says:
        assert said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("option", ["--days", "--every", "--revision", "--supply-days", "--lead-days",
                                    "--shelf-life-days", "--washout-days", "--review-after"])
@pytest.mark.parametrize("digits", [ARABIC_TEN, FULL_WIDTH_TEN])
def test_whole_number_options_take_only_the_digits_0_to_9(run, option, digits):
    refused_as_bad_input(run(*BASE, option, digits), option, "use the digits 0-9", repr(digits))


@pytest.mark.parametrize("args", [["--hold", ARABIC_TEN, "--reason", "flare"],
                                  ["--step-back", "--for", FULL_WIDTH_TEN, "--reason", "flare"]])
def test_adjust_day_counts_take_only_the_digits_0_to_9(run, tmp_path, args):
    path = tmp_path / "plan.json"
    assert run(*BASE, "--format", "json", "-o", str(path)).exit_code == 0
    refused_as_bad_input(run("adjust", str(path), "--from", "2026-12-10", *args), "use the digits 0-9")


def test_the_alarm_minutes_take_only_the_digits_0_to_9(run, tmp_path):
    path = tmp_path / "plan.json"
    assert run(*BASE, "--format", "json", "-o", str(path)).exit_code == 0
    result = run("sync", str(path), "--url", "http://localhost:1/", "--alarm-minutes", ARABIC_TEN)
    refused_as_bad_input(result, "--alarm-minutes", "use the digits 0-9")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "-0", "1e999999", "1e0", "4.505", "1_5"])
@pytest.mark.parametrize("option", ["--target", "--first-dose", "--step", "--strength"])
def test_amounts_are_plain_decimals_with_at_most_two_places(run, option, value):
    refused_as_bad_input(run(*BASE, option, value), option, repr(value))


@pytest.mark.parametrize("name", ["target", "first_dose", "step", "concentration", "strengths"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-0", "1e999999", "1e0", "4.505", "\uff14.\uff15"])
def test_text_fields_refuse_the_same_amounts(name, value):
    with pytest.raises(InputError) as refused:
        parse_request({"start": "2026-12-01", name: value})
    assert refused.value.field == name and repr(value) in str(refused.value)


@pytest.mark.parametrize("name", ["days", "every", "revision", "supply_days", "lead_days", "review_after"])
@pytest.mark.parametrize("value", [ARABIC_TEN, FULL_WIDTH_TEN])
def test_text_fields_refuse_the_same_digits(name, value):
    with pytest.raises(InputError, match="use the digits 0-9") as refused:
        parse_request({"start": "2026-12-01", name: value})
    assert refused.value.field == name


def test_a_start_more_than_a_year_before_the_plan_is_made_is_refused_as_a_typo(run):
    # the clock is 2026-11-18 (SOURCE_DATE_EPOCH)
    refused_as_bad_input(run("plan", "--start", "2025-11-17", "--tz", "UTC"), "--start", "2025-11-17",
                         "likely a typo")
    assert run("plan", "--start", "2025-11-18", "--tz", "UTC", "--days", "3").exit_code == 0


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md", "ics", "order", "html", "fhir"])
def test_a_past_start_within_the_year_is_warned_about_in_every_format(run, fmt):
    result = run("plan", "--start", "2026-11-10", "--tz", "UTC", "--days", "20", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\r\n ", "")  # unfold calendar lines
    assert "history" in text, text[:2000]


def test_a_start_today_or_later_has_no_history_warning(run):
    result = run("plan", "--start", "2026-11-18", "--tz", "UTC", "--days", "3", "--format", "json")
    assert result.exit_code == 0 and "history" not in result.stdout


@pytest.mark.parametrize("where", ["label", "medication"])
def test_a_plan_file_with_a_lone_surrogate_is_refused_naming_the_field(run, tmp_path, where):
    path = tmp_path / "plan.json"
    assert run(*BASE, "--patient", "Jane", "--medication", "vitamin D", "--format", "json", "-o",
               str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    text = text.replace('"Jane"', '"J\\ud800ne"') if where == "label" else text.replace('"vitamin D"', '"\\udcff"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="lone surrogate") as refused:
        read_plan(text)
    assert refused.value.field.startswith("plan.")
    for command in ("render", "explain"):
        refused_as_bad_input(run(command, str(path)), "is not valid text", "lone surrogate")


@pytest.mark.parametrize("name", ["label", "medications", "conditions", "overrides", "plan_id"])
def test_text_fields_with_a_lone_surrogate_are_refused_naming_the_field(name):
    value = "window: dreams\ud800" if name == "overrides" else "J\ud800ne"
    with pytest.raises(InputError, match="lone surrogate") as refused:
        make_plan(parse_request({"start": "2026-12-01", "time_zone": "UTC", name: value}), generated_at=NOW)
    assert refused.value.field in (name, "reason")


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\U0000D800"])
@pytest.mark.parametrize("key, line", [("label", 'label = "J{}ne"'), ("medications", 'medications = ["x{}"]')])
def test_a_lone_surrogate_escape_in_a_patient_file_is_refused_naming_the_field(run, tmp_path, escape, key, line):
    path = tmp_path / "patient.toml"
    path.write_text('conditions = ["multiple sclerosis"]\n' + line.format(escape) + "\n", encoding="utf-8")
    result = run(*BASE, "--patient-file", str(path))
    refused_as_bad_input(result, f"{key}: not valid TOML", "line 2")


@pytest.mark.parametrize("key, text", [("label", 'label = "J\ud800ne"'), ("medications", 'medications = ["\udcff"]'),
                                       ("overrides", '[[overrides]]\nrule = "window"\nreason = "dre\ud800ms"')])
def test_a_lone_surrogate_in_a_patient_file_text_is_refused_naming_the_field(key, text):
    with pytest.raises(InputError, match=rf"^line \d: {key} is not valid text: it holds a lone surrogate") as refused:
        make_plan(PlanRequest(start=date(2026, 12, 1), time_zone="UTC", patient_file_text=text + "\n"),
                  generated_at=NOW)
    assert refused.value.field == "patient_file"
