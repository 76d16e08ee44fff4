"""What describes a plan on the command line: the options shared by `plan` and `explain`, turned into a
request for the service layer; and a saved plan read from its file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from titrate.cli.options import DATE, MG, TIME, UNTIL, ZONE, LengthType, PathType, Whole
from titrate.core import rules
from titrate.core.formulations import FORMS
from titrate.core.model import DEFAULT_DOSE_TIME, DEFAULT_MAINTENANCE_DAYS, MAX_DAYS, MAX_REVISION, MAX_STEP_DAYS, Plan
from titrate.core.protocols import DEFAULT_PROTOCOL, PROTOCOLS
from titrate.core.rules import HOLD_MIN_DAYS
from titrate.core.wallclock import format_hhmm
from titrate.errors import InputError, RefusedError
from titrate.service.machine import generated_now, machine_zone, read_text
from titrate.service.plans import PlanRequest, make_plan
from titrate.service.plans import read_plan as plan_from_text

if TYPE_CHECKING:
    from pathlib import Path


def plan_inputs(command: Any) -> Any:
    """The options that describe a plan, shared by `plan` and `explain` (applied bottom-up)."""
    options = [
        click.option("--start", type=DATE, help="Date of the first dose (required to make a plan)."),
        click.option("--protocol", "protocol_name", default=DEFAULT_PROTOCOL, show_default=True, metavar="NAME",
                     help=f"One of: {', '.join(PROTOCOLS)} (see 'titrate protocols')."),
        click.option("--spasticity", is_flag=True, help="The patient has spasticity: at most 3 mg a day."),
        click.option("--condition", "conditions", multiple=True, metavar="NAME",
                     help="A condition of the patient (repeatable), e.g. 'multiple sclerosis', 'hepatitis'."),
        click.option("--medication", "medications", multiple=True, metavar="NAME",
                     help="A medication the patient takes (repeatable), brand or generic."),
        click.option("--override", "override_rules", multiple=True, metavar="RULE",
                     help=f"Go past a rule that allows it ({', '.join(rules.OVERRIDABLE)}); needs --reason."),
        click.option("--reason", "override_reasons", multiple=True, metavar="TEXT",
                     help="Why, for the --override in the same position (repeatable)."),
        click.option("--patient-file", type=PathType(dir_okay=False), metavar="FILE",
                     help="A TOML file of patient facts; flags given here win."),
        click.option("--target", type=MG, help="Target dose in mg (default: the protocol's)."),
        click.option("--first-dose", type=MG, help="First dose in mg (at most 1.5)."),
        click.option("--step", type=MG, help="Increase per level in mg (at most 1.5)."),
        click.option("--every", type=LengthType(months=False, low=HOLD_MIN_DAYS, high=MAX_STEP_DAYS),
                     metavar="DAYS", help=f"Days per level, at least {HOLD_MIN_DAYS} (rule: gradual), or weeks "
                                          "like 2w."),
        click.option("--time", "dose_time", type=TIME,
                     help="Daily dose time, local wall clock, 21:00-23:59 "
                          f"[default: {format_hhmm(DEFAULT_DOSE_TIME)}]."),
        click.option("--tz", "time_zone", type=ZONE,
                     help="IANA time zone, e.g. Europe/London [default: this machine's]."),
        click.option("--days", type=LengthType(months=True, high=MAX_DAYS), metavar="DAYS",
                     help=f"Length of the plan, 1 to {MAX_DAYS} days, weeks like 12w, or calendar months like 3m."),
        click.option("--until", type=UNTIL, metavar="YYYY-MM-DD|+3m",
                     help="Last day of the plan, or its length from the start like +3m [default: the titration "
                          f"plus {DEFAULT_MAINTENANCE_DAYS} days at the target]."),
        click.option("--patient", "label", metavar="LABEL",
                     help="Free text naming the patient, shown in every format."),
        click.option("--form", type=click.Choice(FORMS), default="capsule", show_default=True,
                     help="What the patient measures."),
        click.option("--strength", "strengths", type=MG, multiple=True, metavar="MG",
                     help="Capsule strength (repeatable) [default: one capsule of each level's dose]."),
        click.option("--concentration", type=MG, metavar="MG",
                     help="mg per mL (liquid [default 1], cream [default 0.5]) or mg per drop (drops)."),
        click.option("--supply-days", type=LengthType(months=False, high=366), default="30", show_default=True,
                     metavar="DAYS", help="Days each pharmacy fill covers, or weeks like 4w."),
        click.option("--lead-days", type=Whole(0, 90), default=7, show_default=True,
                     help="Days before a fill runs out to re-order (compounding takes time)."),
        click.option("--shelf-life-days", type=Whole(1, 366), default=30, show_default=True,
                     help="Days a liquid fill keeps; no liquid fill covers more."),
        click.option("--plan-id", metavar="ID", help="Plan id [default: derived from the label and start date]."),
        click.option("--revision", type=Whole(1, MAX_REVISION),
                     help="Revision of the plan [default: 1, or the next with --revises]; above 1 needs --revises."),
        click.option("--revises", type=PathType(dir_okay=False), metavar="OLD.json",
                     help="Re-plan a saved plan: the next revision of its id, cancelling what it had and this lacks."),
        click.option("--protocol-file", type=PathType(dir_okay=False), metavar="FILE",
                     help="A TOML file listing the protocol's steps (see 'titrate protocols --help')."),
        click.option("--last-opioid-dose", type=DATE,
                     help="Date of the last opioid dose: the plan starts after the washout [default start]."),
        click.option("--opioid", metavar="NAME", help="The opioid that was stopped (with --last-opioid-dose)."),
        click.option("--washout-days", type=Whole(7, 14), default=7, show_default=True,
                     help="Days opioid-free before the first dose."),
        click.option("--review-after", type=LengthType(months=True, high=MAX_DAYS), default="60", show_default=True,
                     metavar="DAYS", help="Plan a review with the clinician after DAYS at the target (or weeks "
                                          "like 8w, or calendar months like 2m)."),
        click.option("--no-review", is_flag=True, help="Plan no review."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_from_inputs(**options: Any) -> Plan:
    """The plan the options describe, made by the service layer; the CLI only reads files and the clock."""
    return build_with_previous(**options)[0]


def build_with_previous(**options: Any) -> tuple[Plan, Plan | None]:
    """The plan the options describe and the saved plan `--revises` names (None without it)."""
    if options["start"] is None and options["last_opioid_dose"] is None:
        raise click.UsageError("Missing option '--start' (or '--last-opioid-dose' to start after the washout).")
    rules, reasons = options.pop("override_rules"), options.pop("override_reasons")
    if len(rules) != len(reasons):
        raise click.UsageError("each --override needs its own --reason, in the same order")
    files = {"patient_file": options.pop("patient_file"), "protocol_file": options.pop("protocol_file")}
    previous = _revised(options.pop("revises"), options["plan_id"], options["revision"])
    if options["revision"] is None:
        options["revision"] = 1 if previous is None else previous.revision + 1
    request = PlanRequest(
        protocol=options.pop("protocol_name"), overrides=tuple(zip(rules, reasons)),
        patient_file_text=read_text(files["patient_file"]) if files["patient_file"] else None,
        protocol_file_text=read_text(files["protocol_file"]) if files["protocol_file"] else None, **options)
    zone = None if request.time_zone else zone_or_none()
    try:
        return make_plan(request, generated_at=generated_now(), default_zone=zone, previous=previous), previous
    except InputError as error:
        if error.field in files and files[error.field] is not None:
            raise InputError(f"{files[error.field]}: {error}") from None
        raise


def _revised(path: Path | None, plan_id: str | None, revision: int | None) -> Plan | None:
    """The saved plan `--revises` names, if any; a revision above 1 without one, or an id or revision that
    is not the saved plan's next, is a usage error (exit 2)."""
    if path is None:
        if revision is not None and revision > 1:
            raise click.UsageError(f"--revision {revision} makes a revision without the plan it revises: re-plan "
                                   "with --revises OLD.json, or change a plan in flight with 'titrate adjust'")
        return None
    old = read_plan(path)
    if plan_id is not None and plan_id != old.plan_id:
        raise click.UsageError(f"--plan-id {plan_id} conflicts with --revises {path}, plan {old.plan_id}: "
                               "a re-plan keeps the plan's id")
    if revision is not None and revision != old.revision + 1:
        raise click.UsageError(f"--revision {revision} conflicts with --revises {path}, revision {old.revision}: "
                               f"a re-plan is revision {old.revision + 1}")
    return old


def zone_or_none() -> str | None:
    """This machine's zone, or None when it cannot tell (a patient file may still name one)."""
    try:
        return machine_zone()
    except InputError:
        return None


def read_plan(path: Path) -> Plan:
    """A plan from a JSON file: errors name the file, and what and where in it."""
    text = read_text(path)
    try:
        return plan_from_text(text)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    except RefusedError as error:
        raise RefusedError(error.rule_id, f"{path}: {error.detail}") from None
