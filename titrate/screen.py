"""The safety screen: a patient's medications and conditions against the vocabulary in data/screen.toml.

The vocabulary is package data that a pharmacist reviews, not code; this module only reads it. Matching
ignores case and spacing, and a known name also matches as whole words inside a longer entry, so that
"Tylenol with codeine #3" or "oxycodone/acetaminophen 5/325" is still an opioid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .errors import InputError
from .model import Finding, Patient

SEVERITY = {"refuse": 0, "warn": 1, "note": 2}


@dataclass(frozen=True, slots=True)
class DrugClass:
    name: str
    action: str
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Drug:
    generic: str
    drug_class: DrugClass


@dataclass(frozen=True, slots=True)
class ConditionGroup:
    name: str
    action: str
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    drugs: dict[tuple[str, ...], Drug]
    conditions: dict[str, ConditionGroup]

    def match_medication(self, name: str) -> Drug | None:
        """The known drug `name` refers to, the most severe if it names several; None if unknown."""
        words = tuple(words_of(name))
        found = [drug for key, drug in self.drugs.items() if _contains(words, key)]
        return min(found, key=lambda drug: SEVERITY[drug.drug_class.action], default=None)

    def match_condition(self, name: str) -> ConditionGroup:
        """The group of a condition name, or InputError listing the known names."""
        try:
            return self.conditions[normalise(name)]
        except KeyError:
            known = ", ".join(sorted(self.conditions))
            raise InputError(f"unknown condition {name.strip()!r}; known conditions: {known}") from None


def normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def words_of(name: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['#][^\W_]+)*|#\d+", name.casefold())


def _contains(words: tuple[str, ...], key: tuple[str, ...]) -> bool:
    return any(words[i:i + len(key)] == key for i in range(len(words) - len(key) + 1))


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once, and only when there is something to screen."""
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files("titrate").joinpath("data/screen.toml").read_text(encoding="utf-8"))
    classes = {name: DrugClass(name, c["action"], c["rule"], c["reason"]) for name, c in data["classes"].items()}
    drugs = {}
    for entry in data["drugs"]:
        drug = Drug(entry["generic"], classes[entry["class"]])
        for name in [entry["generic"], *entry["names"]]:
            drugs[tuple(words_of(name))] = drug
    conditions = {}
    for group_name, group in data["conditions"].items():
        condition = ConditionGroup(group_name, group["action"], group["rule"], group["reason"])
        for name in group["names"]:
            conditions[normalise(name)] = condition
    return Vocabulary(drugs, conditions)


def findings(patient: Patient) -> tuple[list[Finding], list[Finding]]:
    """The warnings and notes the safety screen gives for `patient` (refusals are rules' breaches)."""
    if not patient.medications and not patient.conditions:
        return [], []  # nothing to screen: the vocabulary is not even read
    known = vocabulary()
    warnings, notes = [], []
    for medication in patient.medications:
        drug = known.match_medication(medication)
        if drug is None:
            warnings.append(Finding("unscreened", f"{medication!r} is not a medication titrate knows, so it "
                                                  "was not screened; check it for interactions"))
        elif drug.drug_class.action == "warn":
            warnings.append(Finding(drug.drug_class.rule, f"{medication!r} is {drug.generic}: "
                                                          f"{drug.drug_class.reason}"))
        elif drug.drug_class.action == "note":
            notes.append(Finding(drug.drug_class.rule, f"{medication!r} is {drug.generic}: "
                                                       f"{drug.drug_class.reason}"))
    for condition in patient.conditions:
        group = known.match_condition(condition)
        if group.action == "warn":
            warnings.append(Finding(group.rule, f"{condition}: {group.reason}"))
    return warnings, notes
