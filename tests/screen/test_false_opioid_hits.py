"""False opioid hits (issue 20, point 6): an English word list (Debian's wamerican, /usr/share/dict/words)
and the general dictionary's non-opioid names are screened, and the ones the screen takes for an opioid
are exactly those recorded, each with why, in false_opioid_hits.toml (data, so that a change of the
matching updates the record, read by eye, not the test).

Every hit is a refusal that a clinician has to answer, so the record is kept small; a new hit fails the
test until it is justified there or the matching is fixed, and a hit that went away fails it too, so the
record never keeps one that no longer happens. Screening about 170,000 names takes a minute of CPU (near
misses are looked for among the opioid ingredients only), so they are screened in worker processes."""

from __future__ import annotations

import multiprocessing
import os
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

WORDS = Path("/usr/share/dict/words")
RECORD = Path(__file__).parent / "false_opioid_hits.toml"


def english_words() -> list[str]:
    """The word list, each word once whatever its case, possessives ("Percocet's") folded in."""
    found = {line.strip().casefold().removesuffix("'s") for line in WORDS.read_text(encoding="utf-8").splitlines()}
    return sorted(word for word in found if word)


def dictionary_names() -> list[str]:
    """The dictionary's names that are not opioids: none holds an opioid ingredient of the vocabulary, as
    a word or inside a word, in its own text or in the drugs it names."""
    from titrate.core.screen.dictionary import dictionary
    from titrate.core.screen.match import find_names
    from titrate.core.screen.normalise import compact, words
    from titrate.core.screen.vocabulary import vocabulary

    known = vocabulary()
    generics = {compact(name.text) for name in known.opioids.values()}
    names = []
    for spelling in dictionary():
        entry = dictionary()[spelling]
        texts = (entry.variant, *entry.drug.split("; "))
        if not any(find_names(words(text), known.opioids, known.longest_drug) for text in texts) and not any(
                generic in compact(text) for text in texts for generic in generics):
            names.append(entry.variant)
    return names


def _opioid_hits(names: list[str]) -> list[str]:
    from titrate.core.screen import screen_medication

    return [name for name in names if any(found.rule == "opioid" for found in screen_medication(name))]


def false_hits(names: list[str]) -> list[str]:
    """The names the screen refuses as an opioid, screened in one worker process per CPU (spawned: a
    forked copy of a threaded test process may deadlock)."""
    workers = os.cpu_count() or 1
    shares = [names[start::workers] for start in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return sorted(name for hits in pool.map(_opioid_hits, shares) for name in hits)


def recorded(key: str) -> tuple[dict[str, str], dict[str, str]]:
    """The true hits (names that are opioids) and the false ones recorded for `key`, each with why."""
    record = tomllib.loads(RECORD.read_text(encoding="utf-8"))[key]
    return dict(record.get("opioids", {})), dict(record["false"])


def test_the_english_words_taken_for_an_opioid_are_the_recorded_ones():
    opioids, false = recorded("english")
    assert len(false) <= 40 and all(false.values()) and all(opioids.values())
    assert false_hits(english_words()) == sorted({*opioids, *false})


def test_the_dictionarys_non_opioid_names_taken_for_an_opioid_are_the_recorded_ones():
    names = dictionary_names()
    assert len(names) > 90_000
    opioids, false = recorded("dictionary")
    assert len(false) <= 50 and all(false.values()) and all(opioids.values())
    assert false_hits(names) == sorted({*opioids, *false})
