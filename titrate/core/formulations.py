"""What the patient measures: whole capsules of given strengths, millilitres of a liquid or cream (to
0.1 mL, what an oral syringe reads), or whole drops (shared/domain.md, "Formulations")."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from math import gcd

from titrate.core.record import Record
from titrate.core.units import MG_QUANTUM, format_mg
from titrate.errors import InputError

FORMS = ("capsule", "liquid", "drops", "cream")
#: The smallest measurable quantity of each form: one capsule, 0.1 mL, one drop.
QUANTUM = {"capsule": Decimal(1), "liquid": Decimal("0.1"), "drops": Decimal(1), "cream": Decimal("0.1")}
DEFAULT_CONCENTRATION = {"liquid": Decimal(1), "cream": Decimal("0.5")}
#: Concentrations offered when the chosen one cannot measure a dose, most practical first.
CANDIDATE_CONCENTRATIONS = tuple(Decimal(x) for x in ("1", "0.5", "0.25", "0.1", "0.05", "0.01"))


class Portion(Record):
    """`quantity` units (capsules, mL or drops) of `mg_per_unit` milligrams each."""

    mg_per_unit: Decimal
    quantity: Decimal

    @property
    def mg(self) -> Decimal:
        return self.mg_per_unit * self.quantity


class Formulation(Record):
    """A form and its strengths (capsules) or its concentration (mg per mL, or mg per drop)."""

    form: str
    strengths_mg: tuple[Decimal, ...] = ()
    concentration_mg: Decimal | None = None

    def __post_init__(self) -> None:
        if self.form not in FORMS:
            raise InputError(f"unknown form {self.form!r}; choose one of: {', '.join(FORMS)}")
        if self.form == "capsule":
            if not self.strengths_mg or self.concentration_mg is not None:
                raise InputError("capsules take one or more strengths and no concentration", field="strengths")
            object.__setattr__(self, "strengths_mg", tuple(sorted(set(self.strengths_mg), reverse=True)))
        elif self.strengths_mg or self.concentration_mg is None:
            raise InputError(f"{self.form} takes a concentration and no strengths", field="concentration")
        for mg in (*self.strengths_mg, *([self.concentration_mg] if self.concentration_mg else [])):
            if mg <= 0 or mg != mg.quantize(MG_QUANTUM):
                raise InputError(f"strengths and concentrations are more than 0 with at most two decimal "
                                 f"places (got {mg})")

    def measure(self, dose_mg: Decimal) -> tuple[Portion, ...] | None:
        """The dose in the fewest whole units, or None if this formulation cannot measure it exactly."""
        if self.form == "capsule":
            return _fewest_capsules(dose_mg, self.strengths_mg)
        concentration = self._concentration()
        quantity = dose_mg / concentration
        if quantity % QUANTUM[self.form]:
            return None
        return (Portion(concentration, quantity.quantize(QUANTUM[self.form])),)

    def amount_text(self, portions: tuple[Portion, ...]) -> str:
        """What the patient reads: '2 x 1.5 mg capsules', '4.5 mL of 1 mg/mL liquid',
        '6 sublingual drops (0.25 mg/drop)'."""
        return " + ".join(self.quantity_text(portion) for portion in portions)

    def quantity_text(self, portion: Portion) -> str:
        count, per = format_mg(portion.quantity), format_mg(portion.mg_per_unit)
        if self.form == "capsule":
            return f"{count} x {per} mg capsule{'' if portion.quantity == 1 else 's'}"
        if self.form == "drops":
            return f"{count} sublingual drop{'' if portion.quantity == 1 else 's'} ({per} mg/drop)"
        return f"{count} mL of {per} mg/mL {self.form}"

    def describe(self) -> str:
        if self.form == "capsule":
            return "capsules of " + ", ".join(f"{format_mg(mg)} mg" for mg in reversed(self.strengths_mg))
        if self.form == "drops":
            return f"sublingual drops, {format_mg(self._concentration())} mg per drop"
        kind = "oral liquid" if self.form == "liquid" else "transdermal cream"
        return f"{kind}, {format_mg(self._concentration())} mg/mL"

    def _concentration(self) -> Decimal:
        """The mg per mL or per drop of a form other than capsules (__post_init__ makes sure it has one)."""
        if self.concentration_mg is None:
            raise InputError(f"{self.form} takes a concentration", field="concentration")
        return self.concentration_mg

    def what_would_work(self, doses: list[Decimal]) -> str:
        """A hint for a refusal: a strength or concentration that measures every dose exactly."""
        if self.form == "capsule":
            common = _greatest_common_mg(doses)
            return f"adding {format_mg(common)} mg capsules would make every dose"
        unit = "mg/drop" if self.form == "drops" else "mg/mL"
        for candidate in CANDIDATE_CONCENTRATIONS:
            trial = Formulation(self.form, concentration_mg=candidate)
            if all(trial.measure(dose) is not None for dose in doses):
                return f"a concentration of {format_mg(candidate)} {unit} measures every dose"
        return "ask the pharmacy for another concentration"


def default_capsules(doses: list[Decimal]) -> Formulation:
    """Capsules of each level's dose, so that the patient takes one capsule a day."""
    return Formulation("capsule", strengths_mg=tuple(set(doses)))


@lru_cache(maxsize=4096)
def _fewest_capsules(dose_mg: Decimal, strengths: tuple[Decimal, ...]) -> tuple[Portion, ...] | None:
    # Change-making by dynamic programming over hundredths of a milligram: greedy fails for e.g. 3 and 2 mg
    # capsules making 4 mg. Counts and the last capsule taken, not tuples, per total; cached, since a plan
    # (and a batch of plans) asks for the same few doses again and again. Ties go to the strength listed
    # first (the largest).
    target = int(dose_mg / MG_QUANTUM)
    sizes = [int(s / MG_QUANTUM) for s in strengths]
    unreachable = target + 1
    fewest = [0] + [unreachable] * target
    last = [0] * (target + 1)
    for total in range(1, target + 1):
        for size in sizes:
            if size <= total and fewest[total - size] + 1 < fewest[total]:
                fewest[total], last[total] = fewest[total - size] + 1, size
    if fewest[target] == unreachable:
        return None
    counts = dict.fromkeys(sizes, 0)
    total = target
    while total:
        counts[last[total]] += 1
        total -= last[total]
    return tuple(Portion(Decimal(size) * MG_QUANTUM, Decimal(count)) for size, count in counts.items() if count)


def _greatest_common_mg(doses: list[Decimal]) -> Decimal:
    common = 0
    for dose in doses:
        common = gcd(common, int(dose / MG_QUANTUM))
    return Decimal(common) * MG_QUANTUM
