"""The safety screen: a patient's medications against the vocabulary in data/screen.toml, and conditions
against data/conditions.toml.

The vocabularies are package data that a pharmacist reviews, organised by pharmacology; this package reads
them (`vocabulary`, `conditions`), reduces text to what is matched (`normalise`), finds names and near
misses in it (`match`), and says what that means for a patient (`screening`).

This front door loads none of them for a patient with nothing to screen (no medication, no condition:
the default plan), whose screen finds nothing: importing the matching code and parsing the vocabulary
would be a tenth of that command's start-up. A patient with anything to screen is always screened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from titrate.core.record import replace

if TYPE_CHECKING:
    from types import ModuleType

    from titrate.core.model import Finding, Patient

__all__ = ["Found", "check_conditions", "findings", "implies_spasticity", "patient_words", "refusals",
           "screen_condition", "screen_medication", "with_implied_spasticity"]
#: Loaded with the screen itself, on first use (PEP 562). The vocabulary is `screen.vocabulary.vocabulary`.
_LAZY = frozenset({"Found", "screen_condition", "screen_medication"})


def _screening() -> ModuleType:
    from titrate.core.screen import screening

    return screening


def check_conditions(conditions: tuple[str, ...] | list[str]) -> None:
    """InputError naming the first condition that says nothing (no letter or digit); any other is accepted."""
    if conditions:
        from titrate.core.screen import screening

        screening.check_conditions(conditions)


def implies_spasticity(conditions: tuple[str, ...]) -> bool:
    """Whether any condition is a form of spasticity (see screening.implies_spasticity)."""
    if not conditions:
        return False
    from titrate.core.screen import screening

    return screening.implies_spasticity(conditions)


def with_implied_spasticity(patient: Patient) -> Patient:
    """`patient` with spasticity and a condition the screen reads as spasticity made one fact: the flag
    adds the condition "spasticity", such a condition sets the flag. The engine asks this of every plan's
    patient, so that the rules and every format see both."""
    has_condition = implies_spasticity(patient.conditions)
    if patient.spasticity == has_condition:
        return patient
    if patient.spasticity:
        return replace(patient, conditions=(*patient.conditions, "spasticity"))
    return replace(patient, spasticity=True)


def refusals(patient: Patient, rule: str, overridden: frozenset[str] = frozenset()) -> list[str]:
    """The screen's refusals of `rule` for `patient`; none when the rule is overridden and allows it."""
    if not (patient.medications or patient.conditions):
        return []
    from titrate.core.screen import screening

    return screening.refusals(patient, rule, overridden)


def findings(patient: Patient) -> tuple[list[Finding], list[Finding]]:
    """The warnings and notes the screen gives for `patient` (refusals are the rules' breaches)."""
    if not (patient.medications or patient.conditions):
        return [], []
    from titrate.core.screen import screening

    return screening.findings(patient)


def patient_words(rule: str) -> str | None:
    """What the patient's own copy says for a finding of `rule` (see screening.patient_words)."""
    from titrate.core.screen import screening

    return screening.patient_words(rule)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'titrate.core.screen' has no attribute {name!r}")
    return getattr(_screening(), name)
