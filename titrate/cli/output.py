"""Where a command's result goes: the renderer's options from the output flags, then standard output or a
file written atomically, never over an existing one without --force."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from titrate.cli.options import PathType
from titrate.formats import FORMATS

if TYPE_CHECKING:
    from pathlib import Path


def render_options(fmt: str, alarm_minutes: int | None, no_alarm: bool, paper: str | None) -> dict[str, Any]:
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


def emit(content: str | bytes, output: Path | None, force: bool) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content  # a PDF is bytes already
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF in calendars stays CRLF
    else:
        from titrate.service.files import write_atomically  # only when a file is written

        write_atomically(output, data, force=force)


def refuse_clobber(output: Path | None, force: bool) -> None:
    """Refuse, before any work, to overwrite a file without --force."""
    if output is not None and not force:
        from titrate.service.files import refuse_clobber

        refuse_clobber(output)


def output_options(command: Any) -> Any:
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
