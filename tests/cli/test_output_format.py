"""The output flags read the format registry: --format's choices, the writer options' flags, and -o FILE's
extension choosing the format (or refusing a --format that disagrees with it)."""

from __future__ import annotations

import json

import pytest

from titrate.cli.batch import batch
from titrate.cli.plan import plan
from titrate.cli.render import render_command
from titrate.formats import FORMATS, format_of_file

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London", "--days", "10"]


def _params(command):
    return {param.name: param for param in command.params}


@pytest.mark.parametrize("command", [plan, render_command])
def test_the_format_choices_and_option_flags_are_the_registrys(command):
    params = _params(command)
    assert list(params["fmt"].type.choices) == list(FORMATS)
    assert params["fmt"].default is None  # the default depends on -o FILE
    for fmt, spec in FORMATS.items():
        assert f"{fmt} ({spec.about})" in params["fmt"].help
        for option in spec.options:
            assert option.name in params and params[option.name].help.startswith(f"{fmt}: ")
            assert not option.off or f"no_{option.off}" in params


def test_batch_formats_help_names_every_format():
    help_text = _params(batch)["formats"].help
    assert help_text.endswith(", ".join(FORMATS) + ".")


@pytest.mark.parametrize("extension", sorted({spec.extension for spec in FORMATS.values()}))
def test_the_output_files_extension_picks_the_format(run, tmp_path, extension):
    fmt = format_of_file(f"plan.{extension}")
    target = tmp_path / f"plan.{extension}"
    result = run(*BASE, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == run(*BASE, "--format", fmt).stdout_bytes


def test_json_fhir_and_txt_files_hold_a_plan_a_bundle_and_a_table(run, tmp_path):
    run(*BASE, "-o", str(tmp_path / "plan.json"))
    assert json.loads((tmp_path / "plan.json").read_text())["schema"] == "titrate.plan/2"
    run(*BASE, "-o", str(tmp_path / "plan.fhir.json"))
    assert json.loads((tmp_path / "plan.fhir.json").read_text())["resourceType"] == "Bundle"
    run(*BASE, "-o", str(tmp_path / "plan.txt"))
    assert (tmp_path / "plan.txt").read_text().startswith("LDN titration plan")
    run(*BASE, "-o", str(tmp_path / "plan.order.txt"))
    assert (tmp_path / "plan.order.txt").read_bytes() == run(*BASE, "--format", "order").stdout_bytes
    run(*BASE, "-o", str(tmp_path / "plan.dat"))  # no format's extension: the table, as without -o
    assert (tmp_path / "plan.dat").read_bytes() == run(*BASE).stdout_bytes


def test_render_picks_the_format_from_the_extension_too(run, tmp_path):
    run(*BASE, "-o", str(tmp_path / "plan.json"))
    result = run("render", str(tmp_path / "plan.json"), "-o", str(tmp_path / "plan.ics"), "--alarm-minutes", "30")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "plan.ics").read_bytes() == run(*BASE, "--format", "ics", "--alarm-minutes", "30").stdout_bytes


@pytest.mark.parametrize("fmt, name", [("json", "plan.ics"), ("table", "plan.json"), ("csv", "plan.txt"),
                                       ("json", "plan.fhir.json"), ("table", "plan.order.txt"), ("md", "plan.pdf")])
def test_a_format_that_disagrees_with_the_file_is_refused_in_one_line(run, tmp_path, fmt, name):
    target = tmp_path / name
    result = run(*BASE, "--format", fmt, "-o", str(target))
    assert result.exit_code == 2 and not target.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--format {fmt}" in lines[0] and name in lines[0]
    assert f"the {format_of_file(name)} format" in lines[0]


@pytest.mark.parametrize("fmt, name", [("order", "plan.txt"), ("explain", "plan.txt"), ("fhir", "bundle.json"),
                                       ("ics", "PLAN.ICS"), ("csv", "plan.dat")])
def test_a_format_that_fits_the_file_is_written(run, tmp_path, fmt, name):
    target = tmp_path / name
    assert run(*BASE, "--format", fmt, "-o", str(target)).exit_code == 0
    assert target.read_bytes() == run(*BASE, "--format", fmt).stdout_bytes


def test_writer_options_follow_the_format_the_extension_picks(run, tmp_path):
    wrong = run(*BASE, "-o", str(tmp_path / "plan.json"), "--no-alarm")
    assert wrong.exit_code == 2 and "--alarm-minutes and --no-alarm apply only to --format ics" in wrong.stderr
    assert run(*BASE, "-o", str(tmp_path / "plan.ics"), "--no-alarm").exit_code == 0
    assert b"VALARM" not in (tmp_path / "plan.ics").read_bytes()
