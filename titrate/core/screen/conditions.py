"""Conditions as clinicians write them, classed against data/conditions.toml: liver disease, pregnancy
and breastfeeding, spasticity, the common conditions with nothing to say, and everything else, which is
accepted and reported as not screened (a warning, never a refusal: a warning that fires on an ordinary
condition teaches clinicians to ignore it, and an error stops a plan for no clinical reason).

An item is classed by the names found in it (the longest winning, as for medications), by an ICD-10
code written as a word of it ("K74.6", "Z39.1"), or, for pregnancy, by a gestation written alone ("34
weeks", "due 2027-05"). A name after a plain negation ("no liver disease", "denies pregnancy") is read
as not that condition, and the plan notes the reading.
"""

from __future__ import annotations

import re
import sys
from functools import cache, lru_cache

from titrate.core.packaged import open_packaged
from titrate.core.record import Record
from titrate.core.screen.match import find_names
from titrate.core.screen.normalise import compact, fold, split_items, words
from titrate.errors import InputError

__all__ = ["Classed", "ConditionGroup", "Conditions", "check_conditions", "condition_findings", "conditions", "finding",
           "implies_spasticity", "screen_condition"]

#: Words that, before a name in the same item, say the patient does not have it ("no", "denies",
#: "negative for" ...), and words that say so after it ("HCV negative", "hepatitis C excluded").
_NEGATION_BEFORE = frozenset({"no", "not", "denies", "denied", "without", "never", "nil", "negative"})
_NEGATION_AFTER = frozenset({"negative", "excluded", "neg"})
#: An ICD-10 code as a word: a letter, two characters ("K74", "O9A", "Z3A"), perhaps a subdivision.
_ICD10 = re.compile(r"(?<![^\W_])([a-z]\d[0-9a-z])(?:\.([0-9a-z]{1,4}))?(?![^\W_])")


class ConditionGroup(Record):
    key: str
    title: str
    action: str
    rule: str
    why: str


class Classed(Record):
    """What one item of a condition entry is: its group (None: titrate does not know it), the name or
    code that says so, and whether it was written as a negation."""

    item: str
    group: ConditionGroup | None
    matched: str = ""
    negated: bool = False


class Conditions(Record):
    groups: dict[str, ConditionGroup]
    #: compact spelling -> (the name as written in the data, its group)
    names: dict[str, tuple[str, ConditionGroup]]
    longest: int
    #: (first category, last category, subdivision or "", group), e.g. ("K70", "K75", "", liver-disease)
    codes: tuple[tuple[str, str, str, ConditionGroup], ...]
    gestation: re.Pattern[str]


def _read_conditions() -> Conditions:
    """The packaged condition vocabulary; read only when a patient has a condition."""
    import tomllib

    with open_packaged(sys.modules[__package__], "data", "conditions.toml") as file:
        data = tomllib.loads(file.read().decode("utf-8"))
    groups: dict[str, ConditionGroup] = {}
    names: dict[str, tuple[str, ConditionGroup]] = {}
    codes = []
    for key, value in data["groups"].items():
        group = groups[key] = ConditionGroup(key, value["title"], value["action"], value["rule"], value["why"])
        for name in value["names"]:
            names.setdefault(compact(name), (name, group))
        for spec in value.get("icd10", ()):
            first, _, last = spec.partition("-")
            category, _, subdivision = first.partition(".")
            codes.append((category, last or category, subdivision, group))
    gestation = re.compile("|".join(f"(?:{pattern})" for pattern in data["pregnancy_patterns"]["patterns"]))
    return Conditions(groups, names, max(map(len, names)), tuple(codes), gestation)


#: Read once (a function, not a decorated one, so that mutation testing reaches the reading code).
conditions = cache(_read_conditions)


def _code_group(category: str, subdivision: str) -> ConditionGroup | None:
    """The group of an ICD-10 code; a listed subdivision ("K76.0") wins over its category ("K76")."""
    best: tuple[int, ConditionGroup] | None = None
    for first, last, listed, group in conditions().codes:
        if first[0] == category[0] and first <= category <= last and subdivision.startswith(listed):
            if best is None or len(listed) > best[0]:
                best = (len(listed), group)
    return None if best is None else best[1]


def _classify(item: str) -> list[Classed]:
    known = conditions()
    item_words = words(item)
    hits = find_names(item_words, known.names, known.longest)
    negated_after = bool(_NEGATION_AFTER & set(item_words)) or _ruled_out(item_words)
    found = [Classed(item, group, name,
                     negated_after or bool(_NEGATION_BEFORE & set(item_words[:hit.start])))
             for hit in hits for name, group in (hit.value,)]
    folded = fold(item)
    for match in _ICD10.finditer(folded):
        group = _code_group(match.group(1).upper(), (match.group(2) or "").upper())
        before = words(folded[:match.start()])
        if group is not None and before[-1:] != ("vitamin",):  # "vitamin B17" is no viral hepatitis (B17)
            found.append(Classed(item, group, match.group(0).upper(),
                                 negated_after or bool(_NEGATION_BEFORE & set(before))))
    if not found and known.gestation.fullmatch(" ".join(folded.split())):
        found.append(Classed(item, known.groups["pregnancy"], item.strip()))
    return found or [Classed(item, None)]


def _ruled_out(item_words: tuple[str, ...]) -> bool:
    """'ruled out' anywhere in the item ("hepatitis ruled out", "ruled out hepatitis")."""
    return any(a == "ruled" and b == "out" for a, b in zip(item_words, item_words[1:]))


def _screen_condition(text: str) -> tuple[Classed, ...]:
    """Each item of a condition entry, classed (an item may be classed more than once: "hepatitis C
    without cirrhosis")."""
    return tuple(classed for item in split_items(text, conditions=True) for classed in _classify(item))


#: Cached (with its docstring): one plan is screened by several rules, and a patient's list repeats.
screen_condition = lru_cache(maxsize=1024)(_screen_condition)


def check_conditions(entries: tuple[str, ...] | list[str]) -> None:
    """InputError for a condition that says nothing (no letter or digit): any other text is accepted."""
    for entry in entries:
        if not words(entry):
            raise InputError(f"a condition must name something (got {entry!r})", field="conditions", value=entry)


def implies_spasticity(entries: tuple[str, ...]) -> bool:
    """Whether any condition is a form of spasticity, not written as a negation (the spasticity dose
    limit then applies)."""
    return any(classed.group is not None and classed.group.action == "spasticity" and not classed.negated
               for entry in entries for classed in screen_condition(entry))


def finding(classed: Classed) -> tuple[str, str, str] | None:
    """(rule, action, message) for one classed item, or None when there is nothing to say."""
    item, group = classed.item, classed.group
    if group is None:
        return ("unscreened", "warn", f"condition {item!r} is not one titrate knows, so it was not screened; "
                "check it against LDN's cautions (liver disease, pregnancy or breastfeeding, spasticity)")
    if classed.negated:
        return (group.rule, "note", f"{item!r} is read as a negation, so it is not taken for {group.title}"
                ) if group.rule else None
    if group.action == "refuse-unless-overridden":
        return (group.rule, group.action, f"{item!r} is {group.title}: {group.why}")
    if group.action == "warn":
        return (group.rule, group.action, f"{item}: {group.why}")
    return None


def condition_findings(entries: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(rule, action, message) for every item of `entries` that has something to say, in order."""
    return [result for entry in entries for classed in screen_condition(entry)
            if (result := finding(classed)) is not None]
