"""Screening a list without making a plan: what a pharmacist reviews before a patient starts LDN.

Each item of each medication and condition gets the screen's own findings (the same that a plan would
carry) and what they rest on: the text matched, the ingredients, the class and its ATC code, the rule,
and the source of the mapping (titrate's vocabulary, its condition list, or the general dictionary).
The command line's `titrate screen` and, later, the web app call `screen_list` and show its report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from titrate.core.record import Record
from titrate.core.screen import screen_medication
from titrate.core.screen.conditions import Classed, finding, screen_condition
from titrate.core.screen.dictionary import look_up
from titrate.core.screen.match import find_names, near_misses, variants
from titrate.core.screen.normalise import is_filler, split_items, words
from titrate.core.screen.vocabulary import Name, vocabulary
from titrate.core.values import check_text

__all__ = ["SCHEMA", "STATUSES", "Reading", "ScreenReport", "report_data", "screen_list"]

SCHEMA = "titrate.screen/1"
#: What an item comes to, most severe first: refused (an opioid; or a rule a clinician may override),
#: a warning, the spasticity limit, a note, known with nothing to say, negated, or not screened.
STATUSES = ("refused", "warning", "limit", "note", "not screened", "negated", "known")
CONDITIONS = "titrate conditions (conditions.toml)"
_REFUSING = ("refuse", "refuse-unless-overridden")


class Reading(Record):
    """One item of a medication or condition entry, as the screen reads it."""

    kind: str
    entry: str
    item: str
    status: str
    findings: tuple[tuple[str, str, str], ...] = ()
    matched: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()
    drug_class: str = ""
    atc: str = ""
    rule: str = ""
    source: str = ""


class ScreenReport(Record):
    readings: tuple[Reading, ...]
    #: Whether any item refuses a plan (an opioid cannot be overridden; liver disease or a full-dose
    #: antagonist can, with a reason, when the plan is made).
    refused: bool


def screen_list(medications: Sequence[str], conditions: Sequence[str] = ()) -> ScreenReport:
    """The screen's reading of every item of `medications` and `conditions`, in order; InputError for
    text no format can write or a condition that says nothing."""
    from titrate.core.screen import check_conditions

    for text in medications:
        check_text(text, field="medications")
    for text in conditions:
        check_text(text, field="conditions")
    check_conditions(list(conditions))
    readings = [reading for entry in medications for reading in _medication(entry)]
    readings += [_condition(entry, classed) for entry in conditions for classed in screen_condition(entry)]
    return ScreenReport(tuple(readings), any(reading.status == "refused" for reading in readings))


def _medication(entry: str) -> list[Reading]:
    items = [item for item in split_items(entry) if not all(map(is_filler, words(item)))]
    return [_medication_item(entry, item) for item in items] or [_medication_item(entry, entry)]


def _medication_item(entry: str, item: str) -> Reading:
    found = tuple((f.rule, f.action, f.message) for f in screen_medication(item))
    actions = {action for _, action, _ in found}
    status = ("refused" if actions & set(_REFUSING) else "not screened" if any(r == "unscreened" for r, _, _ in found)
              else "warning" if "warn" in actions else "note" if "note" in actions else "known")
    known = vocabulary()
    item_words = words(item)
    hits = find_names(item_words, known.drugs, known.longest_drug)
    spelt = variants(item_words, known.skeletons, hits)
    names = ([hit.value for hit in (*hits, *spelt)]
             or [miss.value for miss in near_misses(item_words, known.opioids, [*hits, *spelt])])
    if names:
        sources = "; ".join(dict.fromkeys(name.source for name in names))
        source = sources if hits or spelt else f"{sources}: a near miss of {names[0].text!r}"
        return Reading("medication", entry, item, status, found, tuple(name.text for name in names),
                       *_described(names), source=source)
    general = look_up(item_words)
    if general is None:
        return Reading("medication", entry, item, status, found)
    entries = general.entries
    source = "; ".join(dict.fromkeys(e.source + (f", DrugBank {e.drugbank}" if e.drugbank else "") for e in entries))
    ingredients = _once(drug for e in entries for drug in e.drug.split("; "))
    if general.opioids:
        described = _described(list(general.opioids))
        return Reading("medication", entry, item, status, found, tuple(e.variant for e in entries),
                       _once([*described[0], *ingredients]), *described[1:], source=source)
    return Reading("medication", entry, item, status, found, tuple(e.variant for e in entries), ingredients,
                   source=source)


def _once(texts: Iterable[str]) -> tuple[str, ...]:
    """Each text once, in order, whatever its case ("morphine" and the dictionary's "Morphine")."""
    first: dict[str, str] = {}
    for text in texts:
        first.setdefault(text.casefold(), text)
    return tuple(first.values())


def _described(names: list[Name]) -> tuple[tuple[str, ...], str, str, str]:
    """(ingredients, class, ATC, rule) of vocabulary names, each listed once."""
    return (tuple(dict.fromkeys(ingredient for name in names for ingredient in name.ingredients)),
            "; ".join(dict.fromkeys(name.drug_class.title for name in names)),
            "; ".join(dict.fromkeys(name.atc for name in names if name.atc)),
            "; ".join(dict.fromkeys(name.drug_class.rule for name in names if name.drug_class.rule)))


def _condition(entry: str, classed: Classed) -> Reading:
    result = finding(classed)
    group = classed.group
    if group is None:
        return Reading("condition", entry, classed.item, "not screened", (result,) if result else ())
    status = ("negated" if classed.negated else "refused" if group.action in _REFUSING
              else "warning" if group.action == "warn" else "limit" if group.action == "spasticity" else "known")
    return Reading("condition", entry, classed.item, status, (result,) if result else (), (classed.matched,),
                   drug_class=group.title, rule=group.rule, source=CONDITIONS)


def report_data(report: ScreenReport) -> dict[str, Any]:
    """The report as JSON-ready data (schema titrate.screen/1), for the command line and the web app."""
    return {"schema": SCHEMA, "refused": report.refused, "items": [
        {"kind": r.kind, "entry": r.entry, "item": r.item, "status": r.status, "matched": list(r.matched),
         "ingredients": list(r.ingredients), "class": r.drug_class, "atc": r.atc, "rule": r.rule,
         "source": r.source,
         "findings": [{"rule": rule, "action": action, "message": message} for rule, action, message in r.findings]}
        for r in report.readings]}
