"""The course of a plan as the patient and a health record see it: levels (runs of days taken alike), the
revision a plan replaces and the date to review it with the clinician.

Levels are read from the days themselves, so they stay right whatever made a day what it is (a protocol
step, a hold, a step-back, a retime, a clock change). The revision a plan replaces and the review date
are facts the plan model is gaining (issue 9: `supersedes`, review events); until then they are worked
out here, in one place, from what the plan holds today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import groupby

from ..model import DoseDay, Plan

__all__ = ["Level", "levels", "review_date", "superseded_revision", "REVIEW_AFTER_DAYS_AT_TARGET"]

#: Response is judged after about 2-3 months at the target dose (shared/domain.md, rule "review").
REVIEW_AFTER_DAYS_AT_TARGET = 60


@dataclass(frozen=True, slots=True)
class Level:
    """A maximal run of consecutive days with the same dose, amount and time."""

    first: date
    last: date
    dose_mg: Decimal
    amount: str
    time: time

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def levels(plan: Plan) -> tuple[Level, ...]:
    """The plan's days cut into levels, in date order; together they cover every day exactly once."""
    runs = groupby(plan.days, key=lambda day: (day.dose_mg, day.amount, day.time))
    return tuple(_level(list(days)) for _, days in runs)


def _level(days: list[DoseDay]) -> Level:
    return Level(days[0].date, days[-1].date, days[0].dose_mg, days[0].amount, days[0].time)


def superseded_revision(plan: Plan) -> int | None:
    """The revision this plan replaces: the one before it under the same plan id, if any."""
    return plan.revision - 1 if plan.revision > 1 else None


def review_date(plan: Plan) -> date:
    """When to see the clinician about the response: REVIEW_AFTER_DAYS_AT_TARGET days after the target
    is first reached, or the plan's last day if it ends before that (a plan must not leave the patient
    without a next step)."""
    at_target = next((day.date for day in plan.days if day.dose_mg >= plan.target_mg), None)
    if at_target is None:
        return plan.end
    return min(at_target + timedelta(days=REVIEW_AFTER_DAYS_AT_TARGET), plan.end)
