"""The vocabulary, read once: drug classes and the plain words a patient reads for each rule from
data/screen.toml, and the opioids (with the antagonists) from data/opioids.tsv, which
tools/vocabulary/build_opioids.py generates from the FDA UNII names, national registers and the INN.
Conditions are conditions.py's."""

from __future__ import annotations

import sys
from decimal import Decimal
from functools import cache
from typing import Any

from titrate.core.packaged import open_packaged
from titrate.core.record import Record
from titrate.core.screen.normalise import compact, skeleton

__all__ = ["ACTIONS", "MARKETS", "DrugClass", "Name", "Vocabulary", "vocabulary"]

#: What a match does, most severe first.
ACTIONS = ("refuse", "refuse-unless-overridden", "warn", "note", "none")
#: The markets whose brand names screen.toml lists (opioids.tsv records each brand's own market).
MARKETS = ("US", "UK", "CA", "AU", "EU")
#: The kinds of name in opioids.tsv that are an ingredient's own name (its INN, a language's spelling of
#: it): the only names a spelling variant is compared with, never a brand's. A misspelling is compared
#: with the INN alone: a slip from a language's spelling ("morfine", "oxymorfon") is too often an English
#: word ("moraine", "oxymoron").
INGREDIENT_KINDS = frozenset({"inn", "spelling"})


class DrugClass(Record):
    title: str
    atc: str
    action: str
    rule: str
    why: str
    #: At this strength or more a drug of the class belongs to `full_dose_class` (naltrexone 50 mg).
    full_dose_mg: Decimal | None = None
    full_dose_class: str | None = None


class Name(Record):
    """One way a drug is written, as the data spells it, with what it is and where that came from."""

    text: str
    #: Every ingredient (INN), the most severe first: a combination names them all.
    ingredients: tuple[str, ...]
    atc: str
    drug_class: DrugClass
    #: Where the mapping came from: "UNII <code>", a register page, or "screen.toml".
    source: str
    #: inn, spelling, salt, brand or combination (opioids.tsv); "screen" for screen.toml's own names.
    kind: str = "screen"


class Vocabulary(Record):
    classes: dict[str, DrugClass]
    #: compact spelling -> the name it is
    drugs: dict[str, Name]
    patient_words: dict[str, str]
    # Worked out once with the rest (every new medication text needs them): the INN of the opioids, where
    # near misses are looked for, the skeletons of every spelling of them (spelling variants), and the
    # longest drug spelling, which bounds a match.
    opioids: dict[str, Name]
    skeletons: dict[str, Name]
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


def _generated_names(classes: dict[str, DrugClass]) -> dict[str, Name]:
    """opioids.tsv: one line per spelling, already compact (the build writes `compact(name)`, which a
    test checks), so reading it is a split per line."""
    drugs: dict[str, Name] = {}
    for line in _packaged_text("opioids.tsv").splitlines():
        if line and not line.startswith("#"):
            spelling, text, kind, ingredients, key, atc, _market, source = line.split("\t")
            drugs[spelling] = Name(text, tuple(ingredients.split(" + ")), atc, classes[key], source, kind)
    return drugs


def _read_vocabulary() -> Vocabulary:
    """The packaged vocabulary. The generated opioid data is read first and wins; screen.toml adds the
    other drugs (a name listed twice keeps the first; tests check that such names mean one ingredient
    with one action). Read only when there is something to screen: parsing it (and importing tomllib) is
    start-up time a plain plan does not need."""
    import tomllib

    data = tomllib.loads(_packaged_text("screen.toml"))
    classes = {key: _drug_class(value) for key, value in data["classes"].items()}
    drugs = _generated_names(classes)
    for key, value in data["classes"].items():
        for entry in value.get("drugs", ()):
            names = [entry["generic"], *entry.get("also", ())]
            names += [brand for market in MARKETS for brand in entry.get(market, ())]
            for name in names:
                drugs.setdefault(compact(name), Name(name, (entry["generic"],), entry.get("atc", value["atc"]),
                                                     classes[key], "screen.toml"))
    ingredient_names = {spelling: name for spelling, name in drugs.items()
                        if name.drug_class.rule == "opioid" and name.kind in INGREDIENT_KINDS}
    opioids = {spelling: name for spelling, name in ingredient_names.items() if name.kind == "inn"}
    skeletons: dict[str, Name] = {}
    for spelling, name in sorted(ingredient_names.items(), key=lambda item: item[1].kind != "inn"):  # INN first
        skeletons.setdefault(skeleton(spelling), name)
    return Vocabulary(classes, drugs, dict(data["patient_words"]), opioids, skeletons, max(map(len, drugs)))


#: Read once (a function, not a decorated one, so that mutation testing reaches the reading code).
vocabulary = cache(_read_vocabulary)
