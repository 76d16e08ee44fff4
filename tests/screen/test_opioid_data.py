"""The generated opioid vocabulary (titrate/core/screen/data/opioids.tsv) and the sources it is built
from (tools/vocabulary/): every row says what it is and where it came from."""

import re
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from titrate.core.screen import screen_medication
from titrate.core.screen.normalise import compact, skeleton
from titrate.core.screen.vocabulary import ACTIONS, vocabulary

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "vocabulary"
INGREDIENTS = tomllib.loads((TOOLS / "ingredients.toml").read_text(encoding="utf-8"))
BRANDS = tomllib.loads((TOOLS / "brands.toml").read_text(encoding="utf-8"))["brand"]
SCREEN = tomllib.loads(files("titrate.core.screen").joinpath("data/screen.toml").read_text(encoding="utf-8"))
LINES = [line.split("\t") for line in files("titrate.core.screen").joinpath("data/opioids.tsv")
         .read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
ROWS = [dict(zip(("spelling", "name", "kind", "ingredients", "class", "atc", "market", "source"), line, strict=True))
        for line in LINES]
MARKETS = {"US", "CA", "UK", "IE", "AU", "NZ", "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "DK", "NO", "SE",
           "FI", "IS", "IN", "EU"}
#: Where a row may come from: a UNII code, the WHO INN, the INN spellings file, a web page, the old file.
SOURCE = re.compile(r"UNII [0-9A-Z]{10}|WHO INN|INN spelling \(tools/vocabulary/ingredients\.toml\)|https?://\S+.*"
                    r"|moved from screen\.toml \(no source recorded\)")


def test_every_row_has_a_spelling_a_name_ingredients_a_known_class_an_atc_code_and_a_source():
    assert len(ROWS) > 800
    for row in ROWS:
        assert row["spelling"] == compact(row["name"]), row  # the reader trusts the build's compact spelling
        assert row["kind"] in {"inn", "spelling", "salt", "brand", "combination"}, row
        assert all(row["ingredients"].split(" + ")), row
        assert row["class"] in SCREEN["classes"] and SCREEN["classes"][row["class"]]["action"] in ACTIONS, row
        assert re.fullmatch(r"[A-Z]\d\d[A-Z]{0,2}\d{0,2}", row["atc"]), row
        assert SOURCE.fullmatch(row["source"]), row
        assert (row["kind"] == "combination") == (" + " in row["ingredients"]), row


def test_each_spelling_appears_once():
    spellings = [row["spelling"] for row in ROWS]
    assert len(spellings) == len(set(spellings))


def test_every_ingredient_of_the_atc_classes_has_at_least_its_inn_and_its_spellings():
    names = {row["spelling"]: row for row in ROWS}
    for ingredient in INGREDIENTS["ingredient"]:
        inn = names[compact(ingredient["inn"])]
        assert inn["ingredients"] == ingredient["inn"] and inn["class"] in (ingredient["class"], "opioid-dependence")
        for spelling in ingredient["spellings"]:
            assert names[compact(spelling)]["ingredients"] == ingredient["inn"], spelling
    inns = {i["inn"] for i in INGREDIENTS["ingredient"]}
    assert {"morphine", "oxycodone", "codeine", "dihydrocodeine", "tramadol", "tapentadol", "fentanyl", "pethidine",
            "buprenorphine", "methadone", "diphenoxylate", "pholcodine", "ethylmorphine", "levomethadone",
            "diamorphine", "hydrocodone", "naltrexone", "nalmefene", "naloxegol", "methylnaltrexone"} <= inns


def test_every_hand_added_brand_has_a_market_ingredients_we_know_and_a_source():
    known = {i["inn"] for i in INGREDIENTS["ingredient"]}
    for brand in BRANDS:
        assert brand["market"] in MARKETS, brand
        assert brand["ingredients"] and set(brand["ingredients"]) & known, brand
        assert brand["source"].startswith(("http://", "https://", "moved from screen.toml")), brand
    checked = [b for b in BRANDS if b["source"].startswith("http")]
    assert len({b["market"] for b in checked}) >= 10


def test_a_combination_names_every_ingredient_its_most_severe_first():
    rows = {row["spelling"]: row for row in ROWS}
    assert rows["percocet"]["ingredients"] == "oxycodone + paracetamol"
    assert rows["suboxone"]["ingredients"] == "buprenorphine + naloxone"
    assert rows["suboxone"]["class"] == "opioid-dependence" and rows["suboxone"]["atc"] == "N07BC51"
    assert rows["paramol"]["ingredients"] == "dihydrocodeine + paracetamol"
    assert rows["contrave"]["class"] == "antagonists-full-dose"


def test_the_skeletons_of_two_ingredients_never_collide():
    owner = {}
    for row in ROWS:
        if row["kind"] in ("inn", "spelling") and SCREEN["classes"][row["class"]]["rule"] == "opioid":
            assert owner.setdefault(skeleton(row["spelling"]), row["ingredients"]) == row["ingredients"], row


def test_a_name_in_both_files_means_the_same_ingredient_and_action():
    generated = vocabulary().drugs
    for key, value in SCREEN["classes"].items():
        for drug in value.get("drugs", ()):
            for name in [drug["generic"], *drug.get("also", ()), *(b for m in ("US", "UK", "CA", "AU", "EU")
                                                                  for b in drug.get(m, ()))]:
                found = generated[compact(name)]
                if found.source != "screen.toml":
                    assert found.drug_class.action == value["action"] or key == "naltrexone", name
                    assert drug["generic"].split()[0] in found.ingredients, name


def test_a_brand_that_is_an_english_word_is_left_out():
    # "Allay" is a UNII brand of hydrocodone + paracetamol; "allay" is an English verb
    assert "allay" not in {row["spelling"] for row in ROWS}
    assert not any(f.rule == "opioid" for f in screen_medication("allay"))


@pytest.mark.parametrize("market", ["US", "CA", "UK", "IE", "AU", "DE", "FR", "IT", "ES", "AT", "CH", "DK", "NO", "SE", "FI",
                                    "IS", "IN"])
def test_every_market_has_brands(market):
    assert any(row["market"] == market for row in ROWS)
