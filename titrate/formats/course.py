"""The levels of a plan as the patient and a health record see them: maximal runs of consecutive days
taken alike. They are read from the days themselves, so they stay right whatever made a day what it is
(a protocol step, a hold, a step-back, a retime, a clock change)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from itertools import groupby

from titrate.core.model import DoseDay, Plan
from titrate.core.record import Record

__all__ = ["Level", "levels"]


class Level(Record):
    """A maximal run of consecutive days with the same dose, amount and time: `days` of them, which is
    one fewer than the dates from `first` to `last` where the zone skipped a date (Samoa, 2011-12-30)."""

    first: date
    last: date
    days: int
    dose_mg: Decimal
    amount: str
    time: time


def levels(plan: Plan) -> tuple[Level, ...]:
    """The plan's days cut into levels, in date order; together they cover every day exactly once."""
    resumes = sorted(until for _, until in plan.pauses)
    # a pause breaks a run: the days before it and after it are not consecutive (rule: pause)
    runs = groupby(plan.days, key=lambda day: (day.dose_mg, day.amount, day.time,
                                               sum(resume <= day.date for resume in resumes) if resumes else 0))
    return tuple(_level(list(days)) for _, days in runs)


def _level(days: list[DoseDay]) -> Level:
    return Level(days[0].date, days[-1].date, len(days), days[0].dose_mg, days[0].amount, days[0].time)
