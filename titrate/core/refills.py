"""Pharmacy fills and when to re-order them. LDN is compounded to order, so each fill is re-ordered
`lead_days` before the previous one runs out (shared/domain.md, "Supply and cost"); a liquid fill never
covers more days than its shelf life ("Formulations": about 30 days at room temperature)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from titrate.core.formulations import Portion
from titrate.core.record import Record
from titrate.errors import InputError


class Supply(Record):
    supply_days: int = 30
    lead_days: int = 7
    shelf_life_days: int = 30

    def __post_init__(self) -> None:
        for name, value, low, high in (("supply days", self.supply_days, 1, 366),
                                       ("lead days", self.lead_days, 0, 90),
                                       ("shelf-life days", self.shelf_life_days, 1, 366)):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InputError(f"{name} must be a whole number from {low} to {high} (got {value!r})")

    def days_per_fill(self, form: str) -> int:
        return min(self.supply_days, self.shelf_life_days) if form == "liquid" else self.supply_days


class Refill(Record):
    """Fill `number` covers `start` through `end` and is ordered on or before `reorder_on`."""

    number: int
    reorder_on: date
    start: date
    end: date
    quantities: tuple[Portion, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def plan_refills(days: list[tuple[date, tuple[Portion, ...]]], supply: Supply, form: str) -> tuple[Refill, ...]:
    """Consecutive fills covering `days` (each a date with its portions), each re-ordered `lead_days`
    before the day it must be in hand."""
    per_fill = supply.days_per_fill(form)
    refills = []
    for number, first in enumerate(range(0, len(days), per_fill), start=1):
        chunk = days[first:first + per_fill]
        refills.append(Refill(number, chunk[0][0] - timedelta(days=supply.lead_days), chunk[0][0], chunk[-1][0],
                              total_quantities(portions for _, portions in chunk)))
    return tuple(refills)


def total_quantities(portion_lists: Iterable[tuple[Portion, ...]]) -> tuple[Portion, ...]:
    """The portions added up per unit strength, largest strength first. A run of days taking the same
    portions is added up as one, times its length: a fill's days come in such runs."""
    totals: dict[Decimal, Decimal] = defaultdict(Decimal)
    for portions, run in groupby(portion_lists):
        days = sum(1 for _ in run)
        for portion in portions:
            totals[portion.mg_per_unit] += portion.quantity * days
    return tuple(Portion(mg, quantity) for mg, quantity in sorted(totals.items(), reverse=True))
