"""Click parameter types that read values with the core's own parsers, so the CLI and the core agree on
what a date, a time, an amount or a zone is; a bad value is a one-line error with exit status 2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

import click

from titrate.core.lengths import Length, Unit, parse_length
from titrate.core.units import parse_mg
from titrate.core.values import parse_whole
from titrate.core.wallclock import load_zone, parse_hhmm
from titrate.errors import InputError
from titrate.service.plans import parse_date, parse_until


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


class _OwnWords(click.BadParameter):
    """A bad value whose message already names the option and the value (the core's one line)."""

    def format_message(self) -> str:
        return self.message


class LengthType(click.ParamType):  # type: ignore[type-arg]  # (see _CoreType)
    """A length as core/lengths.py reads it: `21`, `3w`, `3 weeks` and, if `months`, `2m` / `2 months`.
    The value is the number of days (an int, from `low` to `high`); with months, a length in weeks or
    months stays a Length, so that what was asked is recorded, and the service counts a month's days from
    the date it starts on."""

    def __init__(self, *, months: bool, low: int = 1, high: int = 10**6) -> None:
        self.months, self.low, self.high = months, low, high
        self.name = "DAYS|3w|2m" if months else "DAYS|3w"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        field = param.opts[-1] if param is not None and param.opts else "the length"
        try:
            length = parse_length(value, field=field, months_allowed=self.months)
        except InputError as error:
            raise _OwnWords(str(error), ctx, param) from None
        if length.fixed and not self.low <= length.days <= self.high:
            raise _OwnWords(f"{field} must be {self.low} to {self.high} days (got {value!r})", ctx, param)
        return length if self.months and length.unit is not Unit.DAYS else length.days


class _Until(_CoreType):
    name = "YYYY-MM-DD|+3m"

    def parse(self, text: str) -> date | Length:
        return parse_until(text, field="--until")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:  # the message names --until itself
            raise _OwnWords(error.message, ctx, param) from None


DATE, TIME, MG, ZONE, UNTIL = _Date(), _Time(), _Mg(), _Zone(), _Until()


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
