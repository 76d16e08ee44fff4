"""What `--help` says an option accepts is what its type accepts (issue 19, point 7): every number in a
bounded option's help is one of its type's limits, and each limit the help words ('at least 7', 'at most
14', '7 to 14') is the type's."""

from __future__ import annotations

import re

import click
import pytest

from titrate.cli.group import cli
from titrate.cli.options import LengthType, Whole


def _commands() -> list[tuple[str, click.Command]]:
    """Every command, the lazy ones loaded the way `titrate --help` loads them, and every subcommand."""
    found: list[tuple[str, click.Command]] = []

    def walk(path: str, command: click.Command, ctx: click.Context) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{path} {name} does not load"
                walk(f"{path} {name}", sub, click.Context(sub, parent=ctx, info_name=name))

    walk("titrate", cli, click.Context(cli, info_name="titrate"))
    return found


COMMANDS = _commands()
BOUNDED = [(f"{path} {param.opts[-1]}", param) for path, command in COMMANDS for param in command.params
           if isinstance(param, click.Option) and isinstance(param.type, (click.IntRange, Whole, LengthType))]
#: A bound this large is no limit a person is told about (the types' defaults).
UNBOUNDED = 10**6


def test_the_walk_finds_the_commands_and_the_bounded_options():
    paths = {path for path, _ in COMMANDS}
    assert {"titrate plan", "titrate adjust", "titrate explain"} <= paths
    assert {"titrate plan --every", "titrate plan --days", "titrate adjust --for"} <= {name for name, _ in BOUNDED}


def _limits(param: click.Option) -> tuple[int | None, int | None]:
    kind = param.type
    if isinstance(kind, Whole | LengthType):  # titrate's own types: digits 0-9 only, lengths in weeks
        return kind.low, None if kind.high >= UNBOUNDED else kind.high
    assert isinstance(kind, click.IntRange)
    low = None if kind.min is None else int(kind.min) + (1 if kind.min_open else 0)
    high = None if kind.max is None else int(kind.max) - (1 if kind.max_open else 0)
    return low, high


@pytest.mark.parametrize("name, param", BOUNDED, ids=[name for name, _ in BOUNDED])
def test_a_bounded_options_help_states_only_its_types_limits(name, param):
    low, high = _limits(param)
    text = param.help or ""
    for number in re.findall(r"(?<![\d:.+])\d+(?![\d:.\w])", text):  # not the examples 2w, +3m
        assert int(number) in {low, high}, f"{name}: help says {number}, the type accepts {low} to {high}: {text!r}"
    for number in re.findall(r"at least (\d+)", text):
        assert int(number) == low, f"{name}: help says at least {number}, the type's minimum is {low}"
    for number in re.findall(r"at most (\d+)", text):
        assert int(number) == high, f"{name}: help says at most {number}, the type's maximum is {high}"
    for first, last in re.findall(r"(\d+) (?:to|-|\.\.) (\d+)", text):
        assert (int(first), int(last)) == (low, high), f"{name}: help says {first} to {last}"


def test_every_whole_number_option_reads_digits_0_to_9_only():
    """click's IntRange goes through int(), which takes full-width digits and '1_000': none is left."""
    assert not [name for name, param in BOUNDED if isinstance(param.type, click.IntRange)]


@pytest.mark.parametrize("args", [["plan", "--start", "2026-12-01", "--tz", "UTC", "--every", "6"],
                                  ["plan", "--start", "2026-12-01", "--tz", "UTC", "--days", "3661"]])
def test_a_value_outside_what_the_help_says_is_refused_as_usage(args):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "must be" in result.output, result.output


def test_the_default_length_in_the_help_is_the_engines():
    from titrate.core.model import DEFAULT_MAINTENANCE_DAYS

    until = next(param for name, param in
                 ((f"{path} {p.opts[-1]}", p) for path, c in COMMANDS for p in c.params)
                 if name == "titrate plan --until")
    assert f"the titration plus {DEFAULT_MAINTENANCE_DAYS} days at the target" in (until.help or "")
