"""Lengths of time as a clinician writes them: `21`, `3w` / `3 weeks`, and, where a calendar length makes
sense (a plan's length, a review, a pause), `2m` / `2 months`.

A month is a calendar month counted from the date the length starts on, by python-dateutil's
relativedelta (31 January + 1 month = 28 or 29 February), so its days are known only once that date is:
`Length.days_from(start)`. Days and weeks are fixed (`Length.days`). Parsed with str methods, not a regular
expression (compiling one costs start-up time on every plan); relativedelta is imported only for months.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from titrate.core.record import Record
from titrate.errors import InputError

__all__ = ["Length", "Unit", "parse_length"]

#: The largest count written; a larger number is a typo (ten years of days is 3,660).
MAX_COUNT = 10**6


class Unit(str, Enum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


#: The words each unit is written as (casefolded), singular and plural, short and long.
_WORDS = {"": Unit.DAYS, "d": Unit.DAYS, "day": Unit.DAYS, "days": Unit.DAYS,
          "w": Unit.WEEKS, "wk": Unit.WEEKS, "wks": Unit.WEEKS, "week": Unit.WEEKS, "weeks": Unit.WEEKS,
          "m": Unit.MONTHS, "mo": Unit.MONTHS, "month": Unit.MONTHS, "months": Unit.MONTHS}


class Length(Record):
    """`count` days, weeks or calendar months (count >= 1)."""

    count: int
    unit: Unit = Unit.DAYS

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 1 <= self.count <= MAX_COUNT:
            raise InputError(f"a length is 1 to {MAX_COUNT} (got {self.count!r})")
        if not isinstance(self.unit, Unit):
            raise InputError(f"a length is in days, weeks or months (got {self.unit!r})")

    @property
    def fixed(self) -> bool:
        """True for days and weeks, whose number of days does not depend on the date they start on."""
        return self.unit is not Unit.MONTHS

    @property
    def days(self) -> int:
        """The number of days of a length in days or weeks; ValueError for months (see days_from)."""
        if self.unit is Unit.MONTHS:
            raise ValueError("a length in months has a number of days only from a date: use days_from")
        return self.count * 7 if self.unit is Unit.WEEKS else self.count

    def days_from(self, start: date) -> int:
        """The days from `start` to the same point a length later: months by the calendar (relativedelta
        clips to the month's last day: 31 January + 1 month is 28 February, or 29 in a leap year).
        InputError if that lies past the last date there is."""
        if self.unit is not Unit.MONTHS:
            return self.days
        from dateutil.relativedelta import relativedelta  # only for a length in months

        try:
            return ((start + relativedelta(months=self.count)) - start).days
        except (OverflowError, ValueError):
            raise InputError(f"{self} from {start} runs past the last date there is") from None

    def __str__(self) -> str:
        """As the plan file records what was asked: '21 days', '3 weeks', '1 month'."""
        word = self.unit.value if self.count != 1 else self.unit.value[:-1]
        return f"{self.count} {word}"


def parse_length(text: str, *, field: str, months_allowed: bool) -> Length:
    """A length from text such as `21`, `21d`, `3w`, `3 weeks` and, if `months_allowed`, `2m` or
    `2 months`; or InputError naming `field` and the text. Digits are ASCII 0-9 only."""
    given = text.strip()
    cut = len(given) - len(given.lstrip("0123456789"))
    number, word = given[:cut], given[cut:].strip().casefold()
    kinds = ("a number of days, weeks like 3w or months like 2m" if months_allowed
             else "a number of days, or weeks like 3w")
    if not given.isascii() and any(c.isdigit() for c in given):
        raise InputError(f"{field} must be a length: use the digits 0-9 (got {text!r})", field=field, value=text)
    unit = _WORDS.get(word)
    if not number or unit is None:
        raise InputError(f"{field} must be {kinds} (got {text!r})", field=field, value=text)
    if unit is Unit.MONTHS and not months_allowed:
        raise InputError(f"{field} cannot be given in months, whose days vary: give days or weeks like 3w "
                         f"(got {text!r})", field=field, value=text)
    if len(number) > 7 or not 1 <= int(number) <= MAX_COUNT:
        raise InputError(f"{field} must be 1 to {MAX_COUNT} {unit.value} (got {text!r})", field=field, value=text)
    return Length(int(number), unit)
