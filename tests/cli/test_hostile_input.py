"""Input as a hostile user would try it: every case is one clear line on stderr and exit 2, never a
traceback, and whatever reaches a terminal cannot reorder or hide text."""

from __future__ import annotations

import json

import pytest

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London"]


def refused_as_bad_input(result, says: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.fixture
def plan_file(run, tmp_path):
    path = tmp_path / "plan.json"
    assert run(*BASE, "--days", "10", "--format", "json", "-o", str(path)).exit_code == 0
    return path


def tampered(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("args, says", [
    (["--time", "２２:００"], "the time must be HH:MM"),          # full-width
    (["--time", "²²:00"], "the time must be HH:MM"),             # superscript
    (["--time", "٢٢:٠٠"], "the time must be HH:MM"),            # Arabic-Indic
    (["--until", "２０２７-０１-０１"], "is not a date as YYYY-MM-DD"),
    (["--target", "４.５"], "digits 0-9"),
])
def test_digits_that_are_not_ascii_are_refused_not_guessed(run, args, says):
    refused_as_bad_input(run(*BASE, *args), says)


@pytest.mark.parametrize("start", ["٢٠٢٦-١٢-٠١", "２０２６-１２-０１", "2026-1２-01"])
def test_a_start_date_in_other_digits_is_refused(run, start):
    refused_as_bad_input(run("plan", "--start", start, "--tz", "UTC"), "is not a date as YYYY-MM-DD")


@pytest.mark.parametrize("args", [["--start", "0001-01-01"], ["--start", "0001-01-05", "--lead-days", "7"],
                                  ["--start", "9999-12-01"], ["--start", "9999-12-30", "--days", "1"],
                                  ["--start", "2026-12-01", "--until", "9999-12-31"]])
def test_dates_at_the_ends_of_the_calendar_are_refused(run, args):
    refused_as_bad_input(run("plan", "--tz", "UTC", *args),
                         "outside the dates a plan may use (1900-01-01 to 2999-12-31)")


@pytest.mark.parametrize("position, args", [
    (7, ["--patient", "J\udcffne"]), (7, ["--medication", "\udcc3"]), (7, ["--condition", "MS\udcff"]),
    (2, ["render", "pl\udcffn.json"]),
])
def test_arguments_that_are_not_utf8_are_refused_showing_the_bytes(run, position, args):
    full = args if args[0] == "render" else [*BASE, *args]
    result = run(*full)
    refused_as_bad_input(result, f"argument {position} is not valid UTF-8 text: ")
    assert "\\x" in result.stderr


@pytest.mark.parametrize("command", ["render", "explain"])
def test_files_that_are_not_utf8_endless_or_huge_are_refused(run, tmp_path, command):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"schema": "titrate.plan/1", "x": "\xff"}')  # the 36th byte is not UTF-8
    refused_as_bad_input(run(command, str(bad)), "not UTF-8 text (byte 36)")
    refused_as_bad_input(run(command, "/dev/zero"), "cannot read /dev/zero: it is larger than 16 MB")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(16 * 1024 * 1024 + 1)
    refused_as_bad_input(run(command, str(huge)), "larger than 16 MB")


def test_a_patient_file_that_is_endless_nested_or_not_utf8_is_refused(run, tmp_path):
    refused_as_bad_input(run(*BASE, "--patient-file", "/dev/zero"), "larger than 16 MB")
    nested = tmp_path / "nested.toml"
    nested.write_text("conditions = " + "[" * 100_000 + "]" * 100_000)
    refused_as_bad_input(run(*BASE, "--patient-file", str(nested)), "nested too deeply")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('label = "Müller"'.encode("latin-1"))
    refused_as_bad_input(run(*BASE, "--patient-file", str(latin1)), "not UTF-8 text")


@pytest.mark.parametrize("text, says", [
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
])
def test_deeply_nested_plan_files_are_refused(run, tmp_path, text, says):
    path = tmp_path / "deep.json"
    path.write_text(text)
    refused_as_bad_input(run("render", str(path)), says)


@pytest.mark.parametrize("old, new, says", [
    ('"revision": 1', '"revision": ' + "9" * 5000, "is too large for a plan"),
    ('"revision": 1', '"revision": 2147483649', "the number 2147483649 is too large for a plan (at most 2147483648)"),
    ('"target_mg": "4.50"', '"target_mg": 1e999999999', "'1e999999999' is out of range for a plan"),
    ('"target_mg": "4.50"', '"target_mg": 1e-999999999', "'1e-999999999' is out of range for a plan"),
    ('"target_mg": "4.50"', '"target_mg": 45000000000.5', "is out of range for a plan"),
    ('"target_mg": "4.50"', '"target_mg": "1e999999999"', "plan.target_mg must be a number of milligrams"),
    ('"target_mg": "4.50"', '"target_mg": "1e1"', "plan.target_mg must be a number of milligrams such as 1.5"),
    ('"target_mg": "4.50"', '"target_mg": "NaN"', "plan.target_mg must be a number of milligrams such as 1.5"),
    ('"target_mg": "4.50"', '"target_mg": "-0"', "plan.target_mg must be more than 0 mg (got '-0')"),
    ('"target_mg": "4.50"', '"target_mg": "4.505"', "plan.target_mg takes at most two decimal places"),
    ('"dose_mg": "1.50"', '"dose_mg": "1.500001"', "takes at most two decimal places"),
    ('"target_mg": "4.50"', '"target_mg": NaN', "NaN is not a number a plan can hold"),
    ('"target_mg": "4.50"', '"target_mg": -Infinity', "-Infinity is not a number a plan can hold"),
])
def test_numbers_in_a_plan_file_too_large_to_hold_are_refused(run, plan_file, old, new, says):
    text = plan_file.read_text(encoding="utf-8")
    assert old in text
    plan_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in ("render", "explain"):
        refused_as_bad_input(run(command, str(plan_file)), says)


def test_a_plan_file_with_dates_off_the_calendar_is_refused(run, plan_file):
    def year_one(data):
        for index, day in enumerate(data["days"]):
            day["date"] = f"0001-01-{index + 1:02d}"
        data["refills"][0].update({"from": "0001-01-01", "to": "0001-01-10", "reorder_on": "0001-01-01"})
    refused_as_bad_input(run("render", tampered(plan_file, year_one)), "plan.days[0].date 0001-01-01 is outside")


def test_the_revision_is_bounded_by_what_a_calendar_sequence_holds(run, tmp_path):
    refused_as_bad_input(run(*BASE, "--revision", "2147483649"),
                         "must be a whole number from 1 to 2147483648 (got '2147483649')")
    # The largest revision is made by re-planning the one before it (a revision above 1 needs --revises).
    from titrate.core.record import replace
    from titrate.formats.plan_json import dumps, loads
    old = loads(run(*BASE, "--days", "1", "--format", "json").stdout)
    (tmp_path / "old.json").write_text(dumps(replace(old, revision=2147483647)))
    result = run(*BASE, "--days", "1", "--revises", str(tmp_path / "old.json"), "--format", "ics")
    assert result.exit_code == 0 and b"SEQUENCE:2147483647\r\n" in result.stdout_bytes


def test_a_rule_overridden_twice_on_the_command_line_is_refused(run):
    result = run(*BASE, "--time", "08:00", "--override", "window", "--reason", "dreams", "--override", "window",
                 "--reason", "insomnia")
    refused_as_bad_input(result, "rule 'window' is overridden twice; give one reason")


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "right/Europe/London", "LOCALTIME"])
def test_zones_that_are_not_a_place_are_refused(run, zone):
    refused_as_bad_input(run("plan", "--start", "2026-12-01", "--tz", zone), "is not a place's time zone")


BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("fmt", ["table", "explain", "order"])
def test_every_terminal_format_neutralises_bidirectional_controls(run, fmt):
    label = "Ann " + "x".join(BIDI) + " \x1b[31mred"
    command = ["explain", "--start", "2026-12-01", "--tz", "UTC"] if fmt == "explain" else [*BASE, "--format", fmt]
    result = run(*command, "--patient", label, "--medication", "evil\u202etxt.exe", "--days", "3")
    assert result.exit_code == 0, result.stderr
    assert not any(char in result.stdout for char in [*BIDI, "\x1b"])
    assert "\\u202e" in result.stdout and "\\x1b[31mred" in result.stdout


def test_explain_escapes_everything_it_prints_from_a_file(run, plan_file):
    def hostile(data):
        data["inputs"]["protocol"]["name"] = "classic\x1b]0;owned\x07\u2066"
        data["inputs"]["protocol"]["summary"] = "1.5 mg\u202e gnp.exe"
        data["warnings"] = [{"rule": "x\x1b[2J\u202e", "message": "read \x1b[8mhidden"}]
    result = run("explain", tampered(plan_file, hostile))
    assert result.exit_code == 0, result.stderr
    assert not any(char in result.stdout for char in ["\x1b", "\x07", "\u202e", "\u2066"])
    assert "classic\\x1b]0;owned\\x07\\u2066" in result.stdout
    assert "Warning [x\\x1b[2J\\u202e]: read \\x1b[8mhidden" in result.stdout
    table = run("render", str(plan_file)).stdout
    assert "\x1b" not in table and "\u202e" not in table


@pytest.mark.parametrize("name", ["pl\u202ean.json", "new\nline.json", "esc\x1b[2J.json"])
def test_error_messages_escape_file_names(run, tmp_path, name):
    result = run("render", str(tmp_path / name))
    assert result.exit_code == 2 and "cannot read" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any(char in result.stderr for char in ["\u202e", "\x1b"])


def test_an_existing_output_file_is_named_escaped(run, tmp_path):
    target = tmp_path / "plan\u202e.json"
    target.write_text("keep")
    result = run(*BASE, "--format", "json", "-o", str(target))
    refused_as_bad_input(result, "plan\\u202e.json already exists; add --force")
