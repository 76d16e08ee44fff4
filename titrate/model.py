"""The plan and its parts: frozen values, checked when they are built, not deep in a loop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

from .doses import format_mg
from .errors import InputError
from .formulations import Formulation, Portion
from .supply import Refill, Supply
from .wallclock import Window, ZoneRecord, load_zone, local_dates

PLAN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class Phase(str, Enum):
    """Titration climbs to the target; maintenance holds it."""

    TITRATION = "titration"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True, slots=True)
class Protocol:
    """A linear schedule: start at `first_dose_mg`, add `step_mg` every `every_days` up to `target_mg`."""

    name: str
    first_dose_mg: Decimal
    step_mg: Decimal
    every_days: int
    target_mg: Decimal
    summary: str = ""

    def __post_init__(self) -> None:
        for label, mg in (("first dose", self.first_dose_mg), ("step", self.step_mg), ("target", self.target_mg)):
            if not isinstance(mg, Decimal) or not mg.is_finite() or mg <= 0:
                raise InputError(f"protocol {self.name!r}: the {label} must be more than 0 mg (got {mg})")
        if isinstance(self.every_days, bool) or not isinstance(self.every_days, int) or self.every_days < 1:
            raise InputError(f"protocol {self.name!r}: days per level must be a whole number of at least 1 "
                             f"(got {self.every_days!r})")

    def levels(self, target_mg: Decimal | None = None) -> tuple[Decimal, ...]:
        """The doses in order, the last one the target; no level exceeds the target."""
        target = self.target_mg if target_mg is None else target_mg
        levels = [min(self.first_dose_mg, target)]
        while levels[-1] < target:
            levels.append(min(levels[-1] + self.step_mg, target))
        return tuple(levels)

    def describe(self) -> str:
        return (f"{format_mg(self.first_dose_mg)} mg, +{format_mg(self.step_mg)} mg every "
                f"{self.every_days} days to {format_mg(self.target_mg)} mg")


@dataclass(frozen=True, slots=True)
class Patient:
    """The facts about a patient that the rules read. `label` is free text shown in outputs.

    `spasticity` and the condition "spasticity" are one fact: either sets both.
    """

    label: str | None = None
    spasticity: bool = False
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        conditions = tuple(dict.fromkeys(" ".join(c.split()) for c in self.conditions))
        medications = tuple(dict.fromkeys(" ".join(m.split()) for m in self.medications))
        if "" in conditions or "" in medications:
            raise InputError("a condition or medication name cannot be empty")
        has_condition = any(c.casefold() == "spasticity" for c in conditions)
        if self.spasticity and not has_condition:
            conditions += ("spasticity",)
        # Frozen, so normalise through object.__setattr__, once, at construction.
        object.__setattr__(self, "conditions", conditions)
        object.__setattr__(self, "medications", medications)
        object.__setattr__(self, "spasticity", self.spasticity or has_condition)


@dataclass(frozen=True, slots=True)
class Override:
    """A clinician's decision to go past a rule that allows it, with the reason, kept in the plan."""

    rule: str
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InputError(f"an override of rule '{self.rule}' needs a reason: --override {self.rule} "
                             "--reason TEXT")


@dataclass(frozen=True, slots=True)
class Finding:
    """A warning or a note, tied to the rule that raised it."""

    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class DoseDay:
    """One calendar day of the plan: the dose and the local wall-clock time to take it."""

    date: date
    day: int
    dose_mg: Decimal
    time: time
    phase: Phase
    amount: str
    dispense: tuple[Portion, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.dose_mg, Decimal) or not self.dose_mg.is_finite() or self.dose_mg <= 0:
            raise InputError(f"{self.date}: the dose must be more than 0 mg (got {self.dose_mg})")
        if self.day < 1:
            raise InputError(f"{self.date}: day numbers start at 1 (got {self.day})")


@dataclass(frozen=True, slots=True)
class Plan:
    """A day-by-day plan: what every renderer draws and what the JSON file holds."""

    plan_id: str
    revision: int
    generated_at: datetime
    patient: Patient
    protocol: Protocol
    target_mg: Decimal
    time_zone: str
    dose_time: time
    window: Window
    formulation: Formulation
    supply: Supply
    days: tuple[DoseDay, ...]
    refills: tuple[Refill, ...] = ()
    warnings: tuple[Finding, ...] = ()
    notes: tuple[Finding, ...] = ()
    overrides: tuple[Override, ...] = ()
    rules_applied: tuple[str, ...] = field(default=())
    tzdata: ZoneRecord | None = None  # the zone rules the plan was computed with (None: not recorded)

    def __post_init__(self) -> None:
        if not PLAN_ID_PATTERN.fullmatch(self.plan_id):
            raise InputError(f"a plan id is 1-64 letters, digits, '.', '_' or '-', starting with a letter "
                             f"or digit (got {self.plan_id!r})")
        zone = load_zone(self.time_zone)
        if not self.days:
            raise InputError("a plan needs at least one day")
        if self.revision < 1:
            raise InputError(f"revision starts at 1 (got {self.revision})")
        if self.generated_at.tzinfo is None:
            raise InputError("generated_at must carry a time zone")
        for number, (before, after) in enumerate(zip(self.days, self.days[1:]), start=2):
            # consecutive dates of the zone's calendar: a date it skipped is not a day (wallclock)
            if after.date != next(local_dates(before.date + timedelta(days=1), zone)):
                raise InputError(f"days must be consecutive dates: {after.date} follows {before.date}")
            if after.day != number:
                raise InputError(f"{after.date}: expected day {number}, got {after.day}")
        if self.days[0].day != 1:
            raise InputError(f"{self.days[0].date}: the first day is day 1 (got {self.days[0].day})")

    @property
    def overridden(self) -> frozenset[str]:
        return frozenset(override.rule for override in self.overrides)

    @property
    def start(self) -> date:
        return self.days[0].date

    @property
    def end(self) -> date:
        return self.days[-1].date
