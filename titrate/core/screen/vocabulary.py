"""The vocabulary in data/screen.toml, read once: drug classes, drugs and their names,
and the plain words a patient reads for each rule."""

from __future__ import annotations

import sys
from decimal import Decimal
from functools import cache
from typing import Any

from titrate.core.packaged import open_packaged
from titrate.core.record import Record
from titrate.core.screen.normalise import compact

__all__ = ["ACTIONS", "MARKETS", "Drug", "DrugClass", "Name", "Vocabulary", "vocabulary"]

#: What a match does, most severe first.
ACTIONS = ("refuse", "refuse-unless-overridden", "warn", "note", "none")
#: The markets whose brand names the data lists.
MARKETS = ("US", "UK", "CA", "AU", "EU")


class DrugClass(Record):
    title: str
    atc: str
    action: str
    rule: str
    why: str
    #: At this strength or more a drug of the class belongs to `full_dose_class` (naltrexone 50 mg).
    full_dose_mg: Decimal | None = None
    full_dose_class: str | None = None


class Drug(Record):
    generic: str
    atc: str
    drug_class: DrugClass


class Name(Record):
    """One way a drug is written, as the data file spells it (shown when asking about a near miss)."""

    text: str
    drug: Drug


class Vocabulary(Record):
    classes: dict[str, DrugClass]
    #: compact spelling -> the name it is
    drugs: dict[str, Name]
    patient_words: dict[str, str]
    # Worked out once with the rest (every new medication text needs them): the spellings of opioids, where
    # near misses are looked for, and the longest drug spelling, which bounds a match.
    opioids: dict[str, Name]
    longest_drug: int


def _drug_class(data: dict[str, Any]) -> DrugClass:
    full = data.get("full_dose_mg")
    return DrugClass(data["title"], data["atc"], data["action"], data["rule"], data["why"],
                     None if full is None else Decimal(str(full)), data.get("full_dose_class"))


def _packaged_text(name: str) -> str:
    """A data file of the screen's, as text: found beside this module, through the screen package that
    is already loaded, so reading it imports nothing."""
    with open_packaged(sys.modules[__package__], "data", name) as file:
        return file.read().decode("utf-8")


def _read_vocabulary() -> Vocabulary:
    """The packaged vocabulary. A name listed for two drugs keeps the first; tests check that such
    names only ever repeat one generic name with one action. Read only when there is something to
    screen: parsing it (and importing tomllib) is start-up time a plain plan does not need."""
    import tomllib

    data = tomllib.loads(_packaged_text("screen.toml"))
    classes = {key: _drug_class(value) for key, value in data["classes"].items()}
    drugs: dict[str, Name] = {}
    for key, value in data["classes"].items():
        for entry in value["drugs"]:
            drug = Drug(entry["generic"], entry.get("atc", value["atc"]), classes[key])
            names = [entry["generic"], *entry.get("also", ())]
            names += [brand for market in MARKETS for brand in entry.get(market, ())]
            for name in names:
                drugs.setdefault(compact(name), Name(name, drug))
    opioids = {spelling: name for spelling, name in drugs.items() if name.drug.drug_class.rule == "opioid"}
    return Vocabulary(classes, drugs, dict(data["patient_words"]), opioids, max(map(len, drugs)))


#: Read once (a function, not a decorated one, so that mutation testing reaches the reading code).
vocabulary = cache(_read_vocabulary)
