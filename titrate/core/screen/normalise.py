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

__all__ = ["compact", "fold", "is_filler", "split_items", "strengths_mg", "words"]

_UNIT = r"(?:mg|mcg|µg|μg|ug|g|ml|l|iu|units?|mmol|%)"
#: "5 mg", "2.5mg", "12 mcg/h", "1 mg/ml": a number with a unit, and the unit's per-part.
_STRENGTH = re.compile(
    rf"\d+(?:[.,]\d+)?\s*{_UNIT}(?![^\W\d_])(?:\s*/\s*(?:\d+\s*)?(?:{_UNIT}|h|hr|hours?|d|day|dose)(?![^\W\d_]))?"
    # "5/325", "30/500 mg": the strengths of a combination tablet
    rf"|\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)+(?:\s*{_UNIT}(?![^\W\d_]))?")
#: "No. 3", "no 3", "Nr. 3", "number 3": the number of a product ("Tylenol No. 3" = "Tylenol #3").
_NUMBER_WORD = re.compile(r"(?<![^\W\d_])(?:no|nr|number)\.?\s*(?=\d)")
_MG = re.compile(r"(\d+(?:[.,]\d+)?)\s*mg(?![^\W\d_])")
_LIST = re.compile(r"[,;+\n\r\x0b\x0c\x85\u2028\u2029]|\s+(?:and|&)\s+"
                   r"|\s+/\s*|\s*/\s+|(?<=[^\W\d_]{2})/(?=[^\W\d_]{2})", re.IGNORECASE)
_CONDITION_LIST = re.compile(r"[,;+\n\r\x0b\x0c\x85\u2028\u2029]|\s+(?:and|&)\s+", re.IGNORECASE)
#: Words that say how, when or how much, never which drug: an item of only these is a strength or a
#: frequency left over from splitting a list ("5/325" in "oxycodone/acetaminophen 5/325").
_FILLER = frozenset([
    "mg", "mcg", "ug", "g", "ml", "l", "iu", "unit", "units", "tab", "tabs", "tablet", "tablets", "cap", "caps",
    "capsule", "capsules", "patch", "patches", "daily", "bid", "tid", "qid", "qd", "od", "bd", "tds", "qds", "prn",
    "nocte", "mane", "po", "sl", "im", "iv", "sc", "hs", "qhs", "once", "twice", "a", "an", "the", "day", "days",
    "at", "night", "bedtime", "as", "needed", "every", "hour", "hours", "h", "hr", "week", "weeks", "weekly",
    "month", "months", "stopped", "stop", "off", "of", "per", "in", "on", "for", "with", "x", "er", "sr", "xr",
    "cr", "ir", "la", "mr",
])


def _visible(text: str) -> str:
    """NFKC, with invisible format characters (soft hyphen, zero-width space, bidi marks) removed."""
    return "".join(char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) != "Cf")


def fold(text: str) -> str:
    """_visible, case folded: full-width letters, ligatures and look-alike compatibility forms read as
    plain ones."""
    return unicodedata.normalize("NFKC", _visible(text).casefold())


def split_items(text: str, *, conditions: bool = False) -> list[str]:
    """The items of a value that holds a list (commas, semicolons, "and", "+", "/", new lines), each
    stripped, in the case they were written; a slash between numbers ("5/325") or inside a short
    abbreviation ("A/C") does not split. Conditions do not split on "/" ("ME/CFS" is one condition)."""
    text = _visible(text)
    separator = _CONDITION_LIST if conditions else _LIST
    return [item.strip() for item in separator.split(text) if item.strip()]


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
    """A number, or a word about dose, form or timing rather than which drug."""
    return word.isdigit() or word in _FILLER
