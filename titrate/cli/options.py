"""Click parameter types that read values with the core's own parsers, so the CLI and the core agree on
what a date, a time, an amount or a zone is; a bad value is a one-line error with exit status 2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

import click

from titrate.core.units import parse_mg
from titrate.core.values import parse_whole
from titrate.core.wallclock import load_zone, parse_hhmm
from titrate.errors import InputError
from titrate.service.plans import parse_date


# type-arg: ParamType takes a type argument only in recent click; the click>=8.1 this supports cannot be subscripted
class _CoreType(click.ParamType):  # type: ignore[type-arg]
    """A click type that reads its value with one of the core's parsers (InputError -> exit 2)."""

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parse(value)
        except InputError as error:
            self.fail(str(error), param, ctx)


class _Date(_CoreType):
    name = "YYYY-MM-DD"

    def parse(self, text: str) -> date:
        return parse_date(text, field="the date")


class _Time(_CoreType):
    name = "HH:MM"

    def parse(self, text: str) -> time:
        return parse_hhmm(text, field="the time")


class _Mg(_CoreType):
    name = "MG"

    def parse(self, text: str) -> Decimal:
        return parse_mg(text, field="the amount")


class _Zone(_CoreType):
    name = "ZONE"

    def parse(self, text: str) -> str:
        return load_zone(text.strip()).key


DATE, TIME, MG, ZONE = _Date(), _Time(), _Mg(), _Zone()


class Whole(_CoreType):
    """A whole number from `low` to `high` in the digits 0-9, read by the core's parse_whole (click's
    IntRange goes through int(), which reads full-width or Arabic-Indic digits, and '1_000')."""

    name = "N"

    def __init__(self, low: int = 0, high: int = 10**9) -> None:
        self.low, self.high = low, high

    def parse(self, text: str) -> int:
        return parse_whole(text, field="the number", low=self.low, high=self.high)


class PathType(click.Path):
    """click.Path giving a pathlib.Path, and importing pathlib only when a path is given: a command
    given none (a plan printed to the terminal) starts without it."""

    def coerce_path_result(self, value: Any) -> Any:
        from pathlib import Path

        return Path(value)


def check_arguments(arguments: Sequence[str]) -> None:
    """InputError for an argument that was not valid UTF-8 (Python keeps such bytes as lone surrogates,
    which no output could encode), showing where and the bytes escaped."""
    for number, argument in enumerate(arguments, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise InputError(f"argument {number} is not valid UTF-8 text: {shown}") from None
