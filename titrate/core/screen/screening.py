"""What the screen finds for a patient: refusals, warnings and notes, each tied to a rule.

Every item of every medication is either a known drug (its class decides), another language's spelling
of an opioid ingredient (refused, as the ingredient), a slip or two from an opioid ingredient's name
(refused: the clinician confirms the spelling), or unknown (a warning: it was not screened). Each
finding says what it rests on: the ingredients, the name matched and its source. Nothing passes
silently.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from titrate.core.model import Finding, Patient
from titrate.core.record import Record
from titrate.core.screen.conditions import check_conditions, condition_findings, implies_spasticity, screen_condition
from titrate.core.screen.dictionary import look_up
from titrate.core.screen.match import Hit, edit_distance, find_names, near_misses, variants
from titrate.core.screen.normalise import compact, is_filler, split_items, strengths_mg, words
from titrate.core.screen.vocabulary import DrugClass, Name, vocabulary

__all__ = ["Found", "check_conditions", "findings", "implies_spasticity", "patient_words", "refusals",
           "screen_condition", "screen_medication"]

#: Words that say a drug was stopped; a stopped opioid still refuses (its washout is checked apart).
_STOPPED = frozenset({"stopped", "stop", "discontinued", "ceased", "off", "previously", "former", "past"})
_REFUSALS = ("refuse", "refuse-unless-overridden")


class Found(Record):
    """One thing the screen found: the rule, what it does (an action of the vocabulary), and why."""

    rule: str
    action: str
    message: str


def _mapping(name: Name, matched: str) -> str:
    """What a finding rests on, for the clinician to check: the ingredients, the name in the data and
    its source ("oxycodone + paracetamol (Percocet, UNII C1ENJ2TE6C)")."""
    return f"{' + '.join(name.ingredients)} ({matched}, {name.source}"


def _drug_found(label: str, item: str, name: Name, matched: str) -> Found | None:
    drug_class: DrugClass = name.drug_class
    if drug_class.full_dose_mg is not None and any(mg >= drug_class.full_dose_mg for mg in strengths_mg(item)):
        drug_class = vocabulary().classes[str(drug_class.full_dose_class)]
    if drug_class.action == "none":
        return None
    what = f"{drug_class.title}, ATC {name.atc}"
    if drug_class.rule == "opioid":
        stopped = ("; written as stopped, it still counts: LDN starts only after the opioid washout"
                   if _STOPPED & set(words(item)) else "")
        return Found("opioid", "refuse",
                     f"{label} is {_mapping(name, matched)}), an opioid ({what}): {drug_class.why}{stopped}")
    return Found(drug_class.rule, drug_class.action, f"{label} is {_mapping(name, matched)}; {what}): {drug_class.why}")


#: Words that join the parts of a combination as prescriptions write it ("oxycodone w/ APAP").
_COMBINED = frozenset({"w", "with"})


def _parts(item_words: tuple[str, ...], hits: list[Hit[Name]]) -> list[tuple[int, int]]:
    """The word ranges of a combination's parts: split at "w/" and "with" unless a known name spans
    them ("Tylenol with codeine" is one name)."""
    cuts = [index for index, word in enumerate(item_words)
            if word in _COMBINED and not any(hit.start <= index < hit.end for hit in hits)]
    bounds = [-1, *cuts, len(item_words)]
    return [(left + 1, right) for left, right in itertools.pairwise(bounds) if right > left + 1]


def _screen_medication(text: str) -> tuple[Found, ...]:
    """What one medication entry (perhaps a whole list) gives, item by item and part by part of a
    combination. Items that are only a strength or a frequency (the "5/325" of "oxycodone/acetaminophen
    5/325") are not drugs; an entry with no drug at all is unscreened."""
    known = vocabulary()
    items = [(item, words(item)) for item in split_items(text)]
    drugs = [(item, item_words) for item, item_words in items if not all(map(is_filler, item_words))]
    if not drugs:
        return (_unscreened(repr(text)),)
    found: list[Found] = []
    for item, item_words in drugs:
        label = repr(text) if len(items) == 1 else f"{item!r} (in {text!r})"
        hits = find_names(item_words, known.drugs, known.longest_drug)
        spelt = variants(item_words, known.skeletons, hits)
        misses = near_misses(item_words, known.opioids, [*hits, *spelt])
        found += [result for hit in hits if (result := _drug_found(label, item, hit.value, hit.value.text)) is not None]
        found += [result for hit in spelt
                  if (result := _drug_found(label, item, hit.value, f"read as {hit.value.text!r}")) is not None]
        found += [_near_miss(label, item_words[miss.start:miss.end], miss.value) for miss in misses]
        parts = _parts(item_words, hits)
        for start, end in parts:
            inside = [hit for hit in (*hits, *spelt, *misses) if start <= hit.start < end]
            if inside or all(map(is_filler, item_words[start:end])):
                continue
            part_label = label if len(parts) == 1 else f"{' '.join(item_words[start:end])!r} (in {text!r})"
            # the general dictionary: a known medicine has nothing to say, unless it names an opioid
            general = look_up(item_words[start:end])
            found += ([_unscreened(part_label)] if general is None else
                      [result for name in general.opioids
                       if (result := _drug_found(part_label, item, name, f"read as {general.entries[0].variant!r} "
                                                 f"by the general dictionary, {general.entries[0].source}; "
                                                 f"{name.text}")) is not None])
    return tuple(found)


def _near_miss(label: str, written: tuple[str, ...], name: Name) -> Found:
    edits = edit_distance("".join(written), compact(name.text))
    letters = "one letter" if edits == 1 else f"{edits} letters"
    return Found("opioid", "refuse",
                 f"{label} is not a name titrate knows, but it is {letters} from {name.text!r} "
                 f"({' + '.join(name.ingredients)}, {name.source}), an opioid ({name.drug_class.title}, ATC "
                 f"{name.atc}): confirm the spelling; if it is not an opioid, write its generic name")


#: Cached (with its docstring): one plan is screened by several rules, and a patient's list repeats.
screen_medication = lru_cache(maxsize=4096)(_screen_medication)


def _unscreened(label: str) -> Found:
    return Found("unscreened", "warn",
                 f"{label} is not a medication titrate knows, so it was not screened; check it for interactions")


def _all_found(patient: Patient) -> list[Found]:
    found = [result for medication in patient.medications for result in screen_medication(medication)]
    found += [Found(rule, action, message) for rule, action, message in condition_findings(patient.conditions)]
    return found


def refusals(patient: Patient, rule: str, overridden: frozenset[str] = frozenset()) -> list[str]:
    """The screen's refusals of `rule` for `patient`; none when the rule is overridden and allows it."""
    return [found.message for found in _all_found(patient) if found.rule == rule and found.action in _REFUSALS
            and not (found.action == "refuse-unless-overridden" and rule in overridden)]


def findings(patient: Patient) -> tuple[list[Finding], list[Finding]]:
    """The warnings and notes the screen gives for `patient` (refusals are the rules' breaches)."""
    found = _all_found(patient)
    return ([Finding(f.rule, f.message) for f in found if f.action == "warn"],
            [Finding(f.rule, f.message) for f in found if f.action == "note"])


def patient_words(rule: str) -> str | None:
    """What the patient's own copy (the calendar) says for a finding of `rule`, in plain words; None
    for a rule the patient is not told about there."""
    return vocabulary().patient_words.get(rule)
