"""The command line: parse, call the core, render, write. The only place that reads the clock, the
environment or files. Bad input exits 2, a clinical refusal 3 (naming the rule), an I/O failure 1,
each with one line on stderr and never a traceback."""

from __future__ import annotations

import sys
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from . import __version__, plan_io, rules, screen
from .cli_types import DATE, MG, TIME, ZONE
from .doses import format_mg
from .engine import DEFAULT_DOSE_TIME, build_plan
from .errors import InputError, RefusedError
from .formulations import FORMS
from .machine import generated_now, machine_zone, read_text
from .model import Plan
from .output import refuse_clobber, write_atomically
from .protocols import DEFAULT_PROTOCOL, PROTOCOLS
from .render import FORMATS, render
from .service import PlanRequest, make_plan
from .wallclock import format_hhmm

EXIT_INPUT, EXIT_REFUSED, EXIT_IO = 2, 3, 1


class _Cli(click.Group):
    """Maps every failure to one line on stderr and an exit status."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            where = error.ctx.command_path if getattr(error, "ctx", None) else "titrate"
            hint = f" (see '{where} --help')" if isinstance(error, click.UsageError) and not isinstance(
                error, click.BadParameter) else ""
            _fail(f"{where}: {error.format_message()}{hint}", error.exit_code)
        except InputError as error:
            flag = _FLAGS.get(error.field or "")
            _fail(f"titrate: {flag + ': ' if flag else ''}{error}", EXIT_INPUT)
        except RefusedError as error:
            hint = f" To go ahead, add --override {error.rule} --reason TEXT." if error.overridable else ""
            _fail(f"titrate: {error}{hint}", EXIT_REFUSED)
        except OSError as error:
            _fail(f"titrate: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""),
                  EXIT_IO)
        except click.Abort:
            _fail("titrate: aborted", EXIT_IO)
        sys.exit(result if isinstance(result, int) else 0)


#: The option that feeds each field of a plan request, so an error names what the user typed.
_FLAGS = {"start": "--start", "until": "--until", "form": "--form", "strengths": "--strength",
          "concentration": "--concentration", "override": "--override", "reason": "--reason",
          "time_zone": "--tz", "dose_time": "--time"}


def _fail(message: str, status: int) -> None:
    click.echo(" ".join(message.split()), err=True)
    sys.exit(status)




def _render_options(fmt: str, alarm_minutes: int | None, no_alarm: bool) -> dict[str, Any]:
    """The options the chosen renderer takes; calendar options with another format are a mistake."""
    if fmt != "ics":
        if alarm_minutes is not None or no_alarm:
            raise click.UsageError("--alarm-minutes and --no-alarm apply only to --format ics")
        return {}
    if alarm_minutes is not None and no_alarm:
        raise click.UsageError("--alarm-minutes and --no-alarm contradict each other; give one")
    return {"alarm_minutes": None if no_alarm else (alarm_minutes or 0)}


def _emit(text: str, output: Path | None, force: bool) -> None:
    data = text.encode("utf-8")
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF in calendars stays CRLF
    else:
        write_atomically(output, data, force=force)


def _output_options(command: Any) -> Any:
    command = click.option("--no-alarm", is_flag=True, help="ics: leave the reminders out.")(command)
    command = click.option("--alarm-minutes", type=click.IntRange(0, 1440), metavar="N",
                           help="ics: remind N minutes before each dose [default: 0, at the dose time].")(command)
    command = click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")(command)
    command = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                           help="Write to FILE (atomically) instead of standard output.")(command)
    return click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table", show_default=True,
                        help="Output format.")(command)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="titrate")
def cli() -> None:
    """Plan low-dose naltrexone (LDN) titration day by day, and render the plan.

    titrate supports a clinician's decision and does not replace it.
    """


def _plan_inputs(command: Any) -> Any:
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
        click.option("--patient-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="A TOML file of patient facts; flags given here win."),
        click.option("--target", type=MG, help="Target dose in mg (default: the protocol's)."),
        click.option("--first-dose", type=MG, help="First dose in mg (at most 1.5)."),
        click.option("--step", type=MG, help="Increase per level in mg (at most 1.5)."),
        click.option("--every", type=click.IntRange(min=1), metavar="DAYS", help="Days per level (at least 7)."),
        click.option("--time", "dose_time", type=TIME,
                     help="Daily dose time, local wall clock, 21:00-23:59 "
                          f"[default: {format_hhmm(DEFAULT_DOSE_TIME)}]."),
        click.option("--tz", "time_zone", type=ZONE,
                     help="IANA time zone, e.g. Europe/London [default: this machine's]."),
        click.option("--days", type=click.IntRange(min=1), help="Length of the plan in days."),
        click.option("--until", type=DATE, help="Last day of the plan [default: the titration plus 28 days]."),
        click.option("--patient", "label", metavar="LABEL",
                     help="Free text naming the patient, shown in every format."),
        click.option("--form", type=click.Choice(FORMS), default="capsule", show_default=True,
                     help="What the patient measures."),
        click.option("--strength", "strengths", type=MG, multiple=True, metavar="MG",
                     help="Capsule strength (repeatable) [default: one capsule of each level's dose]."),
        click.option("--concentration", type=MG, metavar="MG",
                     help="mg per mL (liquid [default 1], cream [default 0.5]) or mg per drop (drops)."),
        click.option("--supply-days", type=click.IntRange(1, 366), default=30, show_default=True,
                     help="Days each pharmacy fill covers."),
        click.option("--lead-days", type=click.IntRange(0, 90), default=7, show_default=True,
                     help="Days before a fill runs out to re-order (compounding takes time)."),
        click.option("--shelf-life-days", type=click.IntRange(1, 366), default=30, show_default=True,
                     help="Days a liquid fill keeps; no liquid fill covers more."),
        click.option("--plan-id", metavar="ID", help="Plan id [default: derived from the label and start date]."),
        click.option("--revision", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Revision of the plan; raise it when re-issuing a changed plan under the same id."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_from_inputs(start: date | None, protocol_name: str, spasticity: bool, conditions: tuple[str, ...],
                      medications: tuple[str, ...], override_rules: tuple[str, ...],
                      override_reasons: tuple[str, ...], patient_file: Path | None, target: Decimal | None,
                      first_dose: Decimal | None, step: Decimal | None, every: int | None,
                      dose_time: time | None, time_zone: str | None, days: int | None, until: date | None,
                      label: str | None, form: str, strengths: tuple[Decimal, ...], concentration: Decimal | None,
                      supply_days: int, lead_days: int, shelf_life_days: int, plan_id: str | None,
                      revision: int) -> Plan:
    """The plan the options describe, made by the service layer; the CLI only reads the file and the clock."""
    if start is None:
        raise click.UsageError("Missing option '--start'.")
    if len(override_rules) != len(override_reasons):
        raise click.UsageError("each --override needs its own --reason, in the same order")
    patient_text = None
    if patient_file is not None:
        patient_text = read_text(patient_file)
    request = PlanRequest(
        start=start, protocol=protocol_name, spasticity=spasticity, conditions=conditions, medications=medications,
        overrides=tuple(zip(override_rules, override_reasons)), patient_file_text=patient_text, target=target,
        first_dose=first_dose, step=step, every=every, dose_time=dose_time, time_zone=time_zone, days=days,
        until=until, label=label, form=form, strengths=strengths, concentration=concentration,
        supply_days=supply_days, lead_days=lead_days, shelf_life_days=shelf_life_days, plan_id=plan_id,
        revision=revision)
    zone = None if time_zone else _zone_or_none()
    try:
        return make_plan(request, generated_at=generated_now(), default_zone=zone)
    except InputError as error:
        if error.field == "patient_file":
            raise InputError(f"{patient_file}: {error}") from None
        raise


def _zone_or_none() -> str | None:
    """This machine's zone, or None when it cannot tell (a patient file may still name one)."""
    try:
        return machine_zone()
    except InputError:
        return None


@cli.command()
@_plan_inputs
@_output_options
def plan(fmt: str, output: Path | None, force: bool, alarm_minutes: int | None, no_alarm: bool,
         **inputs: Any) -> None:
    """Make a day-by-day plan."""
    options = _render_options(fmt, alarm_minutes, no_alarm)
    if output is not None and not force:
        refuse_clobber(output)
    _emit(render(build_from_inputs(**inputs), fmt, **options), output, force)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path), metavar="[PLAN.json]")
@_plan_inputs
def explain(plan_file: Path | None, **inputs: Any) -> None:
    """Explain, level by level, which rules set the dose and the time, with every warning, note and
    override. Give a plan file, or the same options as 'plan'."""
    if plan_file is not None:
        context = click.get_current_context()
        if any(context.get_parameter_source(name) is ParameterSource.COMMANDLINE for name in inputs):
            raise click.UsageError("give a plan file or plan options, not both")
        built = read_plan(plan_file)
    else:
        built = build_from_inputs(**inputs)
    _emit(render(built, "explain"), None, False)


@cli.command(name="render")
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PLAN.json")
@_output_options
def render_command(plan_file: Path, fmt: str, output: Path | None, force: bool, alarm_minutes: int | None,
                   no_alarm: bool) -> None:
    """Render a plan file (JSON) in any format."""
    options = _render_options(fmt, alarm_minutes, no_alarm)
    if output is not None and not force:
        refuse_clobber(output)
    _emit(render(read_plan(plan_file), fmt, **options), output, force)


def read_plan(path: Path) -> Plan:
    """A plan from a JSON file: errors name the file, and what and where in it."""
    text = read_text(path)
    try:
        return plan_io.loads(text)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    except RefusedError as error:
        raise RefusedError(error.rule_id, f"{path}: {error.detail}") from None


@cli.command()
def protocols() -> None:
    """List the built-in protocols and their parameters."""
    click.echo(f"{'name':<10} {'first dose':>10} {'step':>7} {'every':>8} {'target':>7}  about")
    for protocol in PROTOCOLS.values():
        click.echo(f"{protocol.name:<10} {format_mg(protocol.first_dose_mg) + ' mg':>10} "
                   f"{format_mg(protocol.step_mg) + ' mg':>7} {str(protocol.every_days) + ' days':>8} "
                   f"{format_mg(protocol.target_mg) + ' mg':>7}  {protocol.summary}")
    click.echo(f"\nDefault: {DEFAULT_PROTOCOL}. Tune with --first-dose, --step, --every and --target.")


def main() -> None:
    cli(prog_name="titrate")



from . import cli_batch  # noqa: E402, F401  (registers 'titrate batch' on the group above)
