"""Finding known names in the words of an item, other languages' spellings of an ingredient, and
names that are a slip or two away from one.

A name is found as a run of whole words whose letters, joined, spell it: "oxy contin" and "oxycontin"
both spell OxyContin, and "tylenol with codeine 3" holds "Tylenol with codeine". Where found names
overlap, the longest wins, so "interferon beta-1b" is beta-1b, not the "interferon beta" inside it.
Spelling variants and misspellings are only ever compared with ingredient names (the caller passes
those): a brand is too short and too arbitrary a word to guess at.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Generic, TypeVar

from titrate.core.record import Record
from titrate.core.screen.normalise import skeleton

__all__ = ["MIN_NEAR_MISS_LENGTH", "Hit", "allowed_edits", "edit_distance", "find_names", "near_misses",
           "variants"]

T = TypeVar("T")
U = TypeVar("U")
#: Names and words shorter than this are never taken for a misspelling: too many short words are one
#: letter from a short name.
MIN_NEAR_MISS_LENGTH = 6
#: A near miss joins at most this many words ("oxy contn").
NEAR_MISS_WORDS = 3
#: From this many letters a name may be two edits away, below it one: "hydromorphone" has room for two
#: slips, "codeine" for one ("caffeine" is three from it).
TWO_EDITS_FROM = 10


class Hit(Record, Generic[T]):
    """Words start..end (exclusive) spell `spelling`, which is `value`."""

    start: int
    end: int
    spelling: str
    value: T


def find_names(words: tuple[str, ...], names: Mapping[str, T], longest: int) -> list[Hit[T]]:
    """Every known name spelt by a run of `words`, longest first where they overlap, in word order."""
    hits = []
    for start in range(len(words)):
        joined = ""
        for end in range(start + 1, len(words) + 1):
            joined += words[end - 1]
            if len(joined) > longest:
                break
            if joined in names:
                hits.append(Hit(start, end, joined, names[joined]))
    chosen: list[Hit[T]] = []
    for hit in sorted(hits, key=lambda h: (-len(h.spelling), h.start)):
        if all(hit.end <= other.start or other.end <= hit.start for other in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def allowed_edits(name: str) -> int:
    """How many edits from `name` a word may be and still be taken for it (one under 10 letters, two
    from 10)."""
    return 2 if len(name) >= TWO_EDITS_FROM else 1


def _free_runs(words: tuple[str, ...], taken: Sequence[Hit[U]]) -> Iterator[tuple[int, int, str]]:
    """(start, end, joined letters) of every run of up to NEAR_MISS_WORDS words outside `taken`."""
    free = [not any(hit.start <= index < hit.end for hit in taken) for index in range(len(words))]
    for start in range(len(words)):
        joined = ""
        for end in range(start + 1, min(len(words), start + NEAR_MISS_WORDS) + 1):
            if not free[end - 1]:
                break
            joined += words[end - 1]
            yield start, end, joined


def variants(words: tuple[str, ...], skeletons: Mapping[str, T], taken: Sequence[Hit[U]]) -> list[Hit[T]]:
    """Runs of words outside `taken`, of MIN_NEAR_MISS_LENGTH letters or more, whose skeleton (ph/f,
    y/i, k/c, doubled letters, a language's ending) is an ingredient's ("oxicodonum", "morfiini"); the
    longest first where they overlap."""
    found: list[Hit[T]] = []
    runs = sorted(_free_runs(words, taken), key=lambda run: (-len(run[2]), run[0]))
    for start, end, joined in runs:
        if len(joined) >= MIN_NEAR_MISS_LENGTH and (value := skeletons.get(skeleton(joined))) is not None \
                and all(end <= hit.start or hit.end <= start for hit in found):
            found.append(Hit(start, end, joined, value))
    return sorted(found, key=lambda h: h.start)


def near_misses(words: tuple[str, ...], names: Mapping[str, T], taken: Sequence[Hit[U]]) -> list[Hit[T]]:
    """Runs of words outside `taken` that are a few edits (a letter added, dropped, changed, or two
    swapped; see allowed_edits) from a name in `names`, with the same digits; the first such name for
    each run."""
    found = []
    for start, end, joined in _free_runs(words, taken):
        if len(joined) < MIN_NEAR_MISS_LENGTH or joined in names:
            continue
        close = next((name for name in names if len(name) >= MIN_NEAR_MISS_LENGTH
                      and abs(len(name) - len(joined)) <= allowed_edits(name) and _digits(name) == _digits(joined)
                      and edit_distance(joined, name) <= allowed_edits(name)), None)
        if close is not None:
            found.append(Hit(start, end, close, names[close]))
    return found


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b`
    (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
