"""The `titrate` command group: loads each command from its own module when it is run or listed, and maps
every failure to one line on stderr and an exit status, in one place."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

import click

from titrate.cli.options import check_arguments
from titrate.errors import InputError, RefusedError, TitrateError
from titrate.formats.common import terminal_safe
from titrate.version import __version__

#: The exit status of a failure outside the error family (a file that cannot be read, an abort); the
#: family's own statuses are on its classes (`TitrateError.exit_status`).
EXIT_IO = 1


#: Commands kept in their own modules, imported only to run them or to list them (--help): a plan starts
#: without building their options or importing what they use.
LAZY_COMMANDS = {"plan": "plan.plan", "protocols": "protocols.protocols", "adjust": "adjust.adjust",
                 "batch": "batch.batch", "diff": "adjust.diff",
                 "explain": "render.explain", "render": "render.render_command", "serve": "serve.serve",
                 "sync": "sync.sync_command", "screen": "screen.screen"}


class _Cli(click.Group):
    """Maps every failure to one line on stderr and an exit status; loads the lazy commands on demand
    (click's documented pattern: list_commands names them, get_command imports the one asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, name = LAZY_COMMANDS[cmd_name].rsplit(".", 1)
            self.add_command(getattr(import_module(f"titrate.cli.{module}"), name), cmd_name)
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
            no_such_command: Callable[..., click.UsageError] = type(error)  # (name, possibilities, ctx)
            raise no_such_command(typed, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            check_arguments(sys.argv[1:] if args is None else args)
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            failed_in = getattr(error, "ctx", None)  # a UsageError's; a ClickException has none
            where = failed_in.command_path if failed_in else "titrate"
            hint = f" (see '{where} --help')" if isinstance(error, click.UsageError) and not isinstance(
                error, click.BadParameter) else ""
            fail(f"{where}: {error.format_message()}{hint}", error.exit_code)
        except TitrateError as error:
            fail(f"titrate: {worded(error)}", error.exit_status)
        except OSError as error:
            fail(f"titrate: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""),
                  EXIT_IO)
        except click.Abort:
            fail("titrate: aborted", EXIT_IO)
        sys.exit(result if isinstance(result, int) else 0)


#: The option that feeds each field of a plan request, so an error names what the user typed.
_FLAGS = {"start": "--start", "until": "--until", "form": "--form", "strengths": "--strength",
          "concentration": "--concentration", "override": "--override", "reason": "--reason",
          "time_zone": "--tz", "dose_time": "--time", "days": "--days", "opioid": "--opioid",
          "last_opioid_dose": "--last-opioid-dose", "from": "--from", "to": "--to", "time": "--retime",
          "hold": "--hold", "for": "--for", "pause_until": "--pause-until", "restart": "--restart",
          "washout_days": "--washout-days"}


def worded(error: TitrateError) -> str:
    """An error of the family in this shell's words: the flag that fed the field at fault, and what the
    clinician can do about a refusal."""
    if isinstance(error, InputError):
        flag = _FLAGS.get(error.field or "")
        return f"{flag + ': ' if flag else ''}{error}"
    if isinstance(error, RefusedError):
        return f"{error}{_refusal_hint(error)}"
    return str(error)


def _refusal_hint(error: RefusedError) -> str:
    """What the clinician can do about a refusal, in this shell's words."""
    if error.overridable:
        return f" To go ahead, add --override {error.rule} --reason TEXT."
    if error.rule == "opioid":
        return (" If the patient has stopped it, leave it out of --medication and plan the washout with "
                "--last-opioid-dose DATE --opioid NAME.")
    return ""


def fail(message: str, status: int) -> None:
    click.echo(terminal_safe(" ".join(message.split())), err=True)
    sys.exit(status)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="titrate")
def cli() -> None:
    """Plan low-dose naltrexone (LDN) titration day by day, and render the plan.

    titrate supports a clinician's decision and does not replace it.
    """


def main() -> None:
    cli(prog_name="titrate")
