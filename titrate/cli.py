"""The command line: parse, call the core, render, write. The only place that reads the clock, the
environment or files. Bad input exits 2, a clinical refusal 3 (naming the rule), an I/O failure 1,
each with one line on stderr and never a traceback."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

from . import __version__, rules
from .cli_types import DATE, MG, TIME, ZONE, PathType, check_arguments
from .engine import DEFAULT_DOSE_TIME, MAX_DAYS
from .errors import InputError, RefusedError
from .formulations import FORMS
from .machine import generated_now, machine_zone, read_text
from .model import MAX_REVISION, Plan
from .protocols import DEFAULT_PROTOCOL, PROTOCOLS
from .render import FORMATS, render
from .render.common import terminal_safe
from .service import PlanRequest, make_plan
from .wallclock import format_hhmm

if TYPE_CHECKING:
    from pathlib import Path

EXIT_INPUT, EXIT_REFUSED, EXIT_IO = 2, 3, 1


#: Commands kept in their own modules, imported only to run them or to list them (--help): a plan starts
#: without building their options or importing what they use.
LAZY_COMMANDS = {"adjust": "cli_adjust.adjust", "batch": "cli_batch.batch", "diff": "cli_adjust.diff",
                 "explain": "cli_render.explain", "render": "cli_render.render_command", "serve": "cli_serve.serve",
                 "sync": "cli_sync.sync_command"}


class _Cli(click.Group):
    """Maps every failure to one line on stderr and an exit status; loads the lazy commands on demand
    (click's documented pattern: list_commands names them, get_command imports the one asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, name = LAZY_COMMANDS[cmd_name].rsplit(".", 1)
            self.add_command(getattr(import_module(f"titrate.{module}"), name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                          list[str]]:
        """As click's, but a misspelt command is matched against every command, not only the loaded ones
        (click 8.4 and later suggest the closest from `self.commands`)."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            typed = getattr(error, "command_name", None)  # click's NoSuchCommand
            if typed is None:
                raise
            raise type(error)(typed, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            check_arguments(sys.argv[1:] if args is None else args)
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
            _fail(f"titrate: {error}{_refusal_hint(error)}", EXIT_REFUSED)
        except OSError as error:
            _fail(f"titrate: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""),
                  EXIT_IO)
        except click.Abort:
            _fail("titrate: aborted", EXIT_IO)
        sys.exit(result if isinstance(result, int) else 0)


#: The option that feeds each field of a plan request, so an error names what the user typed.
_FLAGS = {"start": "--start", "until": "--until", "form": "--form", "strengths": "--strength",
          "concentration": "--concentration", "override": "--override", "reason": "--reason",
          "time_zone": "--tz", "dose_time": "--time", "days": "--days", "opioid": "--opioid",
          "last_opioid_dose": "--last-opioid-dose", "from": "--from", "to": "--to", "time": "--retime",
          "hold": "--hold", "for": "--for"}


def _refusal_hint(error: RefusedError) -> str:
    """What the clinician can do about a refusal, in this shell's words."""
    if error.overridable:
        return f" To go ahead, add --override {error.rule} --reason TEXT."
    if error.rule == "opioid":
        return (" If the patient has stopped it, leave it out of --medication and plan the washout with "
                "--last-opioid-dose DATE --opioid NAME.")
    return ""


def _fail(message: str, status: int) -> None:
    click.echo(terminal_safe(" ".join(message.split())), err=True)
    sys.exit(status)




def _render_options(fmt: str, alarm_minutes: int | None, no_alarm: bool, paper: str | None) -> dict[str, Any]:
    """The options the chosen renderer takes; calendar or paper options with another format are a mistake."""
    if paper is not None and fmt != "pdf":
        raise click.UsageError("--paper applies only to --format pdf")
    if fmt == "pdf":
        return {"paper": paper or "a4"}
    if fmt != "ics":
        if alarm_minutes is not None or no_alarm:
            raise click.UsageError("--alarm-minutes and --no-alarm apply only to --format ics")
        return {}
    if alarm_minutes is not None and no_alarm:
        raise click.UsageError("--alarm-minutes and --no-alarm contradict each other; give one")
    return {"alarm_minutes": None if no_alarm else (alarm_minutes or 0)}


def _emit(content: str | bytes, output: Path | None, force: bool) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content  # a PDF is bytes already
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF in calendars stays CRLF
    else:
        from .output import write_atomically  # only when a file is written

        write_atomically(output, data, force=force)


def _refuse_clobber(output: Path | None, force: bool) -> None:
    """Refuse, before any work, to overwrite a file without --force."""
    if output is not None and not force:
        from .output import refuse_clobber

        refuse_clobber(output)


def _output_options(command: Any) -> Any:
    command = click.option("--paper", type=click.Choice(["a4", "letter"]),
                           help="pdf: the paper size [default: a4].")(command)
    command = click.option("--no-alarm", is_flag=True, help="ics: leave the reminders out.")(command)
    command = click.option("--alarm-minutes", type=click.IntRange(0, 1440), metavar="N",
                           help="ics: remind N minutes before each dose [default: 0, at the dose time].")(command)
    command = click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")(command)
    command = click.option("-o", "--output", type=PathType(dir_okay=False), metavar="FILE",
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
        click.option("--patient-file", type=PathType(dir_okay=False), metavar="FILE",
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
        click.option("--revision", type=click.IntRange(1, MAX_REVISION), default=1, show_default=True,
                     help="Revision of the plan (to revise a saved plan, use 'titrate adjust')."),
        click.option("--protocol-file", type=PathType(dir_okay=False), metavar="FILE",
                     help="A TOML file listing the protocol's steps (see 'titrate protocols --help')."),
        click.option("--last-opioid-dose", type=DATE,
                     help="Date of the last opioid dose: the plan starts after the washout [default start]."),
        click.option("--opioid", metavar="NAME", help="The opioid that was stopped (with --last-opioid-dose)."),
        click.option("--washout-days", type=click.IntRange(7, 14), default=7, show_default=True,
                     help="Days opioid-free before the first dose."),
        click.option("--review-after", type=click.IntRange(1, MAX_DAYS), default=60, show_default=True,
                     metavar="DAYS", help="Plan a review with the clinician after DAYS at the target."),
        click.option("--no-review", is_flag=True, help="Plan no review."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_from_inputs(**options: Any) -> Plan:
    """The plan the options describe, made by the service layer; the CLI only reads files and the clock."""
    if options["start"] is None and options["last_opioid_dose"] is None:
        raise click.UsageError("Missing option '--start' (or '--last-opioid-dose' to start after the washout).")
    rules, reasons = options.pop("override_rules"), options.pop("override_reasons")
    if len(rules) != len(reasons):
        raise click.UsageError("each --override needs its own --reason, in the same order")
    files = {"patient_file": options.pop("patient_file"), "protocol_file": options.pop("protocol_file")}
    request = PlanRequest(
        protocol=options.pop("protocol_name"), overrides=tuple(zip(rules, reasons)),
        patient_file_text=read_text(files["patient_file"]) if files["patient_file"] else None,
        protocol_file_text=read_text(files["protocol_file"]) if files["protocol_file"] else None, **options)
    zone = None if request.time_zone else _zone_or_none()
    try:
        return make_plan(request, generated_at=generated_now(), default_zone=zone)
    except InputError as error:
        if error.field in files and files[error.field] is not None:
            raise InputError(f"{files[error.field]}: {error}") from None
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
def plan(fmt: str, output: Path | None, force: bool, alarm_minutes: int | None, no_alarm: bool, paper: str | None,
         **inputs: Any) -> None:
    """Make a day-by-day plan."""
    options = _render_options(fmt, alarm_minutes, no_alarm, paper)
    _refuse_clobber(output, force)
    _emit(render(build_from_inputs(**inputs), fmt, **options), output, force)


def read_plan(path: Path) -> Plan:
    """A plan from a JSON file: errors name the file, and what and where in it."""
    from .plan_io import loads  # only when a plan file is read

    text = read_text(path)
    try:
        return loads(text)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    except RefusedError as error:
        raise RefusedError(error.rule_id, f"{path}: {error.detail}") from None


@cli.command()
def protocols() -> None:
    """List the built-in protocols as steps.

    A custom protocol is a TOML file given to 'plan --protocol-file FILE':

    \b
        name = "slow-ms"
        note = "1.5 mg for 10 days, then 3 mg for 21, then 4.5 mg"
        [[steps]]
        dose_mg = 1.5
        days = 10
        [[steps]]
        dose_mg = 3
        days = 21
        [[steps]]
        dose_mg = 4.5     # no days: held until the plan ends
    """
    for protocol in PROTOCOLS.values():
        click.echo(f"{protocol.name}: {protocol.summary}")
        for number, step in enumerate(protocol.steps, start=1):
            click.echo(f"  step {number}  {step.describe()}")
    click.echo(f"\nDefault: {DEFAULT_PROTOCOL}. Tune with --first-dose, --step, --every and --target, or give your "
               "own steps with --protocol-file.")


def main() -> None:
    cli(prog_name="titrate")
