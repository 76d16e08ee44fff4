"""Medication and condition text as people write it, reduced to what the screen matches on.

Prescriptions, discharge letters and patients write one drug many ways ("OxyContin", "Oxy Contin",
"oxy-contin", "OXYCONTIN 10mg BID", "Tylenol No. 3", with a soft hyphen pasted in from a web page). The
screen must read them all alike, so it never compares raw text: it compares the words left after
`words()`, joined without spaces.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["compact", "fold", "is_filler", "skeleton", "split_items", "strengths_mg", "words"]

_UNIT = r"(?:mg|mcg|µg|μg|ug|g|ml|l|iu|units?|mmol|%)"
#: "5 mg", "2.5mg", "12 mcg/h", "1 mg/ml": a number with a unit, and the unit's per-part.
_STRENGTH = re.compile(
    rf"\d+(?:[.,]\d+)?\s*{_UNIT}(?![^\W\d_])(?:\s*/\s*(?:\d+\s*)?(?:{_UNIT}|h|hr|hours?|d|day|dose)(?![^\W\d_]))?"
    # "5/325", "30/500 mg": the strengths of a combination tablet
    rf"|\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)+(?:\s*{_UNIT}(?![^\W\d_]))?")
_ANY_CASE_STRENGTH = re.compile(_STRENGTH.pattern, re.IGNORECASE)
#: "No. 3", "no 3", "Nr. 3", "number 3": the number of a product ("Tylenol No. 3" = "Tylenol #3").
_NUMBER_WORD = re.compile(r"(?<![^\W\d_])(?:no|nr|number)\.?\s*(?=\d)")
_MG = re.compile(r"(\d+(?:[.,]\d+)?)\s*mg(?![^\W\d_])")
_LIST = re.compile(r"[,;+\n\r\x0b\x0c\x85\u2028\u2029]|\s+(?:and|&)\s+|\s+w/\s*"
                   r"|\s+/\s*|\s*/\s+|(?<=[^\W\d_]{2})/(?=[^\W\d_]{2})", re.IGNORECASE)
#: Marks that are not part of a name: "Percocet™" is Percocet (NFKC would make ™ the letters "TM").
_MARKS = str.maketrans("", "", "\u00ae\u2122\u00a9\u2120")
_CONDITION_LIST = re.compile(r"[,;+\n\r\x0b\x0c\x85\u2028\u2029]|\s+(?:and|&)\s+", re.IGNORECASE)
#: Words that say how, when or how much, never which drug: an item of only these is a strength or a
#: frequency left over from splitting a list ("5/325" in "oxycodone/acetaminophen 5/325").
_FILLER = frozenset([
    "mg", "mcg", "ug", "g", "ml", "l", "iu", "unit", "units", "tab", "tabs", "tablet", "tablets", "cap", "caps",
    "capsule", "capsules", "patch", "patches", "daily", "bid", "tid", "qid", "qd", "od", "bd", "tds", "qds", "prn",
    "nocte", "mane", "po", "sl", "im", "iv", "sc", "hs", "qhs", "once", "twice", "a", "an", "the", "day", "days",
    "at", "night", "bedtime", "as", "needed", "every", "hour", "hours", "h", "hr", "week", "weeks", "weekly",
    "month", "months", "stopped", "stop", "off", "of", "per", "in", "on", "for", "with", "x", "er", "sr", "xr",
    "cr", "ir", "la", "mr", "one", "two", "three", "four", "five", "six", "times", "time", "tiw", "biw", "qw",
    "qod", "qam", "qpm", "qhs", "morning", "evening", "nightly", "monthly", "fortnightly", "or", "to", "by",
    "mouth", "oral", "orally", "inj", "injection", "subcut", "subcutaneous", "topical", "transdermal",
    "sublingual", "drops", "drop", "spray", "syrup", "solution", "liquid", "sachet", "sachets", "film", "films",
    "suppository", "suppositories", "pen", "vial", "dose", "doses", "w", "take", "taken", "half", "up",
])
#: A number with a time or count on it: "72h", "q6h", "q4-6h" (read as "q4", "6h"), "2x", "1st".
_TIMING = re.compile(r"q?\d*(?:h|hr|hrs|hrly|d|x|w|wk|st|nd|rd|th)?|q\d*[a-z]?")


def _visible(text: str) -> str:
    """NFKC, with invisible format characters (soft hyphen, zero-width space, bidi marks) and trade marks
    (®, ™, ©, ℠) removed first: NFKC would turn "Percocet™" into "PercocetTM"."""
    text = text.translate(_MARKS)
    return "".join(char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) != "Cf")


def fold(text: str) -> str:
    """_visible, case folded, accents dropped: full-width letters, ligatures and look-alike compatibility
    forms read as plain ones, and "codeína", "Orobupré" as "codeina", "orobupre" (a clinician types a
    name with or without its accents)."""
    decomposed = unicodedata.normalize("NFKD", _visible(text).casefold())
    return unicodedata.normalize("NFKC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def split_items(text: str, *, conditions: bool = False) -> list[str]:
    """The items of a value that holds a list (commas, semicolons, "and", "+", "/", "w/", new lines),
    each stripped, in the case they were written; a slash between numbers ("5/325") or inside a short
    abbreviation ("A/C") does not split. Conditions do not split on "/" ("ME/CFS" is one condition)."""
    text = _visible(text)
    separator = _CONDITION_LIST if conditions else _LIST
    # a slash inside a strength ("40 mg/mL", "12 mcg/h") is a unit's, not a list's
    inside = [match.span() for match in _ANY_CASE_STRENGTH.finditer(text)]
    items, start = [], 0
    for match in separator.finditer(text):
        if not any(left <= match.start() < right for left, right in inside):
            items.append(text[start:match.start()])
            start = match.end()
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def words(text: str) -> tuple[str, ...]:
    """The words of one item: strengths and units dropped, "No. 3" read as "3", every other character
    that is not a letter or digit a break between words."""
    text = _NUMBER_WORD.sub(" ", _STRENGTH.sub(" ", fold(text)))
    return tuple(re.findall(r"[^\W_]+", text))


def compact(text: str) -> str:
    """A name as one run of letters and digits: what two spellings of it share."""
    return "".join(words(text))


def strengths_mg(text: str) -> list[Decimal]:
    """The milligram strengths written in `text` ("naltrexone 50 mg" -> [50])."""
    return [Decimal(number.replace(",", ".")) for number in _MG.findall(fold(text))]


def is_filler(word: str) -> bool:
    """A number, or a word about dose, form or timing rather than which drug ("tiw", "q6h", "72h")."""
    return word in _FILLER or (any(char.isdigit() for char in word) and _TIMING.fullmatch(word) is not None)


#: Spellings that vary between languages and typists, each read as one: ph/f, th/t, y/i, k/c, cs/ks/x.
_VARIANTS = (("ph", "f"), ("th", "t"), ("y", "i"), ("ck", "k"), ("c", "k"), ("ks", "x"), ("z", "s"))
#: Endings that INN take in the major languages ("codeína", "tramadolo", "morfin", "oxicodona").
_ENDINGS = ("ina", "ine", "ino", "in", "um", "e", "a", "o")


def skeleton(spelling: str) -> str:
    """A compact spelling with the variants above folded, doubled letters single and a language's
    ending dropped: "oxicodona", "oxycodone" and "oksykodon" share "oxikodon"; "morfin" and "morphine"
    share "morf". Compared only against the skeletons of ingredient names, never brands."""
    text = spelling
    for old, new in _VARIANTS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)
    for ending in _ENDINGS:
        if text.endswith(ending) and len(text) - len(ending) >= 4:
            return text[:-len(ending)]
    return text
