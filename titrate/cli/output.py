"""Where a command's result goes: the format (from --format, or from -o FILE's extension), the writer's
options from the output flags (both read from the format registry), then standard output or a file written
atomically, never over an existing one without --force."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from titrate.cli.options import PathType, Whole
from titrate.formats import DEFAULT, FORMATS, Option, fits, format_of_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from titrate.core.model import Plan


class Output(NamedTuple):
    """What the output flags ask for: the format, its writer's options, and where to write (None: stdout)."""

    fmt: str
    options: dict[str, Any]
    path: Path | None
    force: bool

    def refuse_clobber(self) -> None:
        refuse_clobber(self.path, self.force)

    def emit(self, content: str | bytes) -> None:
        emit(content, self.path, self.force)


def _options() -> dict[str, tuple[Option, list[str]]]:
    """Every option a writer takes, once, with the formats that take it, in the registry's order."""
    found: dict[str, tuple[Option, list[str]]] = {}
    for name, spec in FORMATS.items():
        for option in spec.options:
            found.setdefault(option.name, (option, []))[1].append(name)
    return found


def _flag(option: Option) -> str:
    return "--" + option.name.replace("_", "-")


def _off_flag(option: Option) -> str:
    return f"--no-{option.off}"


def choose_format(fmt: str | None, output: Path | None) -> str:
    """--format as given, else the format -o FILE's extension names, else table; UsageError (exit 2) when
    --format and FILE's extension disagree, rather than write one format under another's name."""
    named = None if output is None else format_of_file(output.name)
    if fmt is None:
        return named or DEFAULT
    if output is not None and named is not None and not fits(fmt, output.name):
        raise click.UsageError(f"--format {fmt} does not match -o {output.name}, whose extension names the "
                               f"{named} format; give one of them, or a .{FORMATS[fmt].extension} file")
    return fmt


def render_options(fmt: str, given: dict[str, Any]) -> dict[str, Any]:
    """The options format `fmt`'s writer takes, from the flags `given` (None or False: not given); a flag
    for another format's option, or an option both set and turned off, is a UsageError."""
    chosen: dict[str, Any] = {}
    for name, (option, owners) in _options().items():
        value = given.get(name)
        off = bool(option.off) and bool(given.get(f"no_{option.off}"))
        flags = [_flag(option), *([_off_flag(option)] if option.off else [])]
        if fmt not in owners:
            if value is not None or off:
                verb = "applies" if len(flags) == 1 else "apply"
                raise click.UsageError(f"{' and '.join(flags)} {verb} only to "
                                       f"{' or '.join(f'--format {owner}' for owner in owners)}")
            continue
        if value is not None and off:
            raise click.UsageError(f"{' and '.join(flags)} contradict each other; give one")
        chosen[name] = None if off else (option.default if value is None else value)
    return chosen


def emit(content: str | bytes, output: Path | None, force: bool) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content  # a PDF is bytes already
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF in calendars stays CRLF
    else:
        from titrate.service.files import write_atomically  # only when a file is written

        write_atomically(output, data, force=force)


def show_diff(old: Plan, new: Plan, output: Path | None) -> None:
    """What changed from `old` to `new` as text: on standard output after a plan written to a file, on
    standard error when the plan itself goes to standard output (so a piped plan stays whole)."""
    from titrate.formats.diff import render_diff_text  # loaded only when a diff is shown
    from titrate.service.plans import diff_plans

    click.echo(render_diff_text(diff_plans(old, new)), nl=False, err=output is None)


def refuse_clobber(output: Path | None, force: bool) -> None:
    """Refuse, before any work, to overwrite a file without --force."""
    if output is not None and not force:
        from titrate.service.files import refuse_clobber

        refuse_clobber(output)


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--format, -o/--output, --force and every writer option in the registry, handed to `command` as one
    `out: Output` argument, the format chosen and the options checked before the command runs."""
    options = _options()
    names = {*options, *(f"no_{option.off}" for option, _ in options.values() if option.off)}

    @functools.wraps(command)
    def with_output(**params: Any) -> Any:
        given = {name: params.pop(name) for name in list(params) if name in names}
        path, force = params.pop("output"), params.pop("force")
        fmt = choose_format(params.pop("fmt"), path)
        return command(out=Output(fmt, render_options(fmt, given), path, force), **params)

    decorated: Callable[..., Any] = with_output
    for option, owners in reversed(options.values()):
        label = ", ".join(owners)
        if option.off:
            decorated = click.option(_off_flag(option), f"no_{option.off}", is_flag=True,
                                     help=f"{label}: {option.off_help}")(decorated)
        kind = click.Choice(option.choices) if option.choices else (
            Whole(*option.bounds) if option.bounds else None)
        decorated = click.option(_flag(option), option.name, type=kind, metavar=option.metavar,
                                 help=f"{label}: {option.help}")(decorated)
    decorated = click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")(decorated)
    decorated = click.option("-o", "--output", type=PathType(dir_okay=False), metavar="FILE",
                             help="Write to FILE (atomically) instead of standard output. Without --format, "
                                  "FILE's extension picks the format (.json, .ics, .fhir.json, ...).")(decorated)
    return click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
                        help="Output format [default: the one FILE's extension names, else table]: "
                             + ", ".join(f"{name} ({spec.about})" for name, spec in FORMATS.items())
                             + ".")(decorated)
