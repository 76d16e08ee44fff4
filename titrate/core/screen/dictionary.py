"""The general drug dictionary: every common medicine known, so that "not screened" keeps its meaning.

The names come from the `drug-named-entity-recognition` package (about 107,000 ways of writing 20,000
drugs, with DrugBank ids), which titrate depends on rather than copying its data (mixed CC0, NLM and
CC BY-SA terms), and from data/known.toml, the common medicines it lacks (mostly UK brands). The
package's Python modules are never imported (they pull in requests); its data file is found through the
package's import spec without running it.

Unpickling that file takes about 0.4 s, more than a whole plan, so it is read once into a compact
form: a sorted text file of titrate's spellings (`normalise.compact`), one line a name, kept in a cache
folder and looked up by bisection through mmap. The cache is keyed by the data file's size and time and
the package's version, by known.toml's size and time, and by FORMAT; it is written atomically, and when the folder cannot be written
the same form is built in memory (slow, but the screen is still right).

The dictionary is asked only about an item the screen's own vocabulary found nothing in, and never has
the last word on an opioid: an entry whose name or drug contains an opioid of the vocabulary ("Tylenol
with codeine" mapped to paracetamol alone) is that opioid.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING

from titrate.core.packaged import cached, installed_data, read_bytes, stamp
from titrate.core.record import Record
from titrate.core.screen.match import find_names
from titrate.core.screen.normalise import compact, is_filler, words
from titrate.core.screen.vocabulary import Name, vocabulary

if TYPE_CHECKING:
    from mmap import mmap

__all__ = ["FORMAT", "FROM_KNOWN", "FROM_PACKAGE", "PACKAGE", "Entry", "Known", "dictionary", "look_up"]

#: The version of the compact form; raise it when the file's layout or spellings change.
FORMAT = 1
PACKAGE = "drug_named_entity_recognition"
DATA_FILE = "drug_ner_dictionary.pkl.bz2"
KNOWN_FILE = os.path.join(os.path.dirname(__file__), "data", "known.toml")
#: Where each entry's name comes from, as the screen's review shows it.
FROM_PACKAGE = "drug-named-entity-recognition"
FROM_KNOWN = "titrate known.toml"
#: An opioid ingredient shorter than this is not looked for inside other names ("opium" is in "ipratropium").
INSIDE_MIN_LENGTH = 7
#: Words of a prescription that name no drug but are not filler to the vocabulary: salts, forms, routes.
#: An item is known only when every other word is part of a dictionary name ("metformin zorblaxin" is
#: not known: an unknown word never passes silently behind a known one).
DESCRIBING = frozenset({
    "hydrochloride", "hcl", "sodium", "potassium", "calcium", "besylate", "besilate", "maleate", "mesylate",
    "mesilate", "succinate", "tartrate", "citrate", "acetate", "fumarate", "sulfate", "sulphate", "phosphate",
    "bromide", "propionate", "dipropionate", "furoate", "xinafoate", "monohydrate", "dihydrate", "trihydrate",
    "hemihydrate", "valerate", "butyrate", "cypionate", "enanthate", "hyclate", "decanoate",
    "oral", "solution", "suspension", "syrup", "liquid", "cream", "ointment", "gel", "lotion", "inhaler", "inhalation",
    "spray", "nasal", "drops", "eye", "ear", "injection", "injectable", "pen", "infusion", "vial", "tablet", "tablets",
    "extended", "release", "delayed", "modified", "chewable", "dispersible", "soluble", "effervescent", "film",
    "coated", "gastro", "resistant", "enteric", "topical", "transdermal", "subcutaneous", "intramuscular",
    "sublingual", "morning", "evening", "nightly", "monthly", "qam", "qpm", "dr", "ec", "xl", "odt", "hfa",
})


class Entry(Record):
    """One name of the dictionary: its spelling (compact), how the dictionary writes it, the drug or
    drugs it names (their display names, "; " between), their DrugBank ids, and where it comes from."""

    spelling: str
    variant: str
    drug: str
    drugbank: str
    source: str


class Known(Record):
    """What the dictionary says of an item: the entries that spell it, and the opioids of the vocabulary
    they contain, which win (an item with any is an opioid)."""

    entries: tuple[Entry, ...]
    opioids: tuple[Name, ...]


class Dictionary(Mapping[str, Entry]):
    """The compact form, a mapping from spellings to entries: a header line, then one line a name,
    `spelling TAB variant TAB drug TAB drugbank TAB source`, sorted by spelling (as UTF-8 bytes)."""

    def __init__(self, data: bytes | mmap, longest: int, count: int, start: int) -> None:
        self._data = data
        self.longest = longest
        self._count = count
        self._start = start

    @classmethod
    def read(cls, data: bytes | mmap, key: str) -> Dictionary | None:
        """The dictionary in `data` (the bytes or an mmap of a file), or None if its header is not one
        of `key`."""
        end = data.find(b"\n")
        parts = data[:max(end, 0)].split(b" ")
        if len(parts) != 4 or parts[:2] != [b"titrate-drug-dictionary", key.encode()]:
            return None
        return cls(data, int(parts[2]), int(parts[3]), end + 1)

    def _line(self, key: bytes) -> bytes | None:
        data, lo, hi = self._data, self._start, len(self._data)
        while lo < hi:  # lo is always a line's start; the line holding `mid` is compared
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            line = data[start:end]
            spelling = line[:line.find(b"\t")]
            if spelling == key:
                return bytes(line)
            if spelling < key:
                lo = end + 1
            else:
                hi = start
        return None

    def __getitem__(self, spelling: str) -> Entry:
        line = self._line(spelling.encode())
        if line is None:
            raise KeyError(spelling)
        return Entry(*line.decode().split("\t"))

    def __contains__(self, spelling: object) -> bool:
        return isinstance(spelling, str) and self._line(spelling.encode()) is not None

    def __iter__(self) -> Iterator[str]:
        for line in self._data[self._start:].decode().splitlines():
            yield line[:line.index("\t")]

    def __len__(self) -> int:
        return self._count


def _load(path: str, key: str) -> Dictionary:
    """The compact form of the data file at `path`, from the cache or built (and cached if possible)."""
    return cached(f"drug-dictionary-{key}.tsv", lambda data: Dictionary.read(data, key), lambda: _build(path, key))


def _build(path: str, key: str) -> bytes:
    """The compact form of the package's pickle and known.toml: every variant and every drug's own name
    by titrate's spelling, every drug a spelling names kept (two variants can spell alike)."""
    import bz2
    import io
    import pickle
    import tomllib

    class _PlainData(pickle.Unpickler):
        """Plain dicts, lists and strings only: a data file has no business naming code to run."""

        def find_class(self, module: str, name: str) -> type:
            raise pickle.UnpicklingError(f"{path} names {module}.{name}; only plain data is read")

    data = _PlainData(io.BytesIO(bz2.decompress(read_bytes(path)))).load()
    about = data["drug_canonical_to_data"]
    merged: dict[str, tuple[str, dict[str, str], str]] = {}

    def add(variant: str, drugs: dict[str, str], source: str) -> None:
        spelling = compact(variant)
        if spelling:
            merged.setdefault(spelling, (" ".join(variant.split()), {}, source))[1].update(drugs)

    def named(canonical: str) -> dict[str, str]:
        facts = about.get(canonical, {})
        return {" ".join(str(facts.get("name", canonical)).split()): str(facts.get("drugbank_id", ""))}

    for medicine in tomllib.loads(read_bytes(KNOWN_FILE).decode("utf-8"))["medicines"]:
        for name in medicine["names"]:
            add(name, {medicine["drug"]: ""}, f"{FROM_KNOWN} ({medicine['market']})")
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        for canonical in canonicals:
            add(variant, named(canonical), FROM_PACKAGE)
    for canonical in about:  # a drug's own name is not always among its variants ("estradiol", "nicotine")
        add(canonical, named(canonical), FROM_PACKAGE)
    lines = sorted(f"{spelling}\t{shown}\t{'; '.join(drugs)}\t{'; '.join(filter(None, drugs.values()))}\t{source}"
                   .encode() for spelling, (shown, drugs, source) in merged.items())
    longest = max(len(spelling) for spelling in merged)
    return b"\n".join([f"titrate-drug-dictionary {key} {longest} {len(lines)}".encode(), *lines, b""])


def _dictionary() -> Dictionary | None:
    """The general dictionary, loaded on first use; None when its package is not installed."""
    found = installed_data(PACKAGE, DATA_FILE)
    if found is None:
        return None
    path, version = found
    return _load(path, f"{FORMAT}-{version}-{stamp(path)}-{stamp(KNOWN_FILE)}")


#: Loaded once a process (a function, not a decorated one, so that mutation testing reaches it).
dictionary = cache(_dictionary)


def look_up(item_words: tuple[str, ...]) -> Known | None:
    """What the dictionary knows of an item's words, or None when it does not know every word of it
    that names something (filler and DESCRIBING words aside)."""
    names = dictionary()
    if names is None:
        return None
    hits = find_names(item_words, names, names.longest)
    covered = {index for hit in hits for index in range(hit.start, hit.end)}
    if not hits or any(index not in covered and not (is_filler(word) or word in DESCRIBING)
                       for index, word in enumerate(item_words)):
        return None
    entries = tuple(hit.value for hit in hits)
    known = vocabulary()
    texts = [text for entry in entries for text in (entry.variant, *entry.drug.split("; "))]
    opioids = tuple(dict.fromkeys(hit.value for text in texts
                                  for hit in find_names(words(text), known.opioids, known.longest_drug)))
    spelt = [compact(text) for text in texts]
    if not opioids and any(generic in spelling for spelling in spelt for generic in _opioid_generics()):
        return None  # "benzhydrocodone", a drug the vocabulary lacks: warned about as not screened, never passed
    return Known(entries, opioids)


@cache
def _opioid_generics() -> frozenset[str]:
    """The vocabulary's opioid ingredients (not brands: too short and too many to look for inside other
    names), as looked for inside a dictionary name that the vocabulary does not know."""
    generics = {compact(generic) for generic in {name.text for name in vocabulary().opioids.values()}}
    return frozenset(generic for generic in generics if len(generic) >= INSIDE_MIN_LENGTH)
