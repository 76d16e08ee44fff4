"""The safety screen's vocabulary and matching (data/screen.toml)."""

import pytest

from titrate.errors import InputError
from titrate.screen import vocabulary

OPIOIDS = ["Ultram", "tramadol", "Tylenol with codeine", "TYLENOL #3", "OxyContin", "Suboxone", "methadone",
           "  percocet  ", "oxycodone/acetaminophen 5/325", "Vicodin", "Norco", "codeine cough syrup", "morphine",
           "fentanyl patch", "buprenorphine", "Nucynta", "Dilaudid", "Opana", "Demerol", "hydrocodone"]


@pytest.mark.parametrize("name", OPIOIDS)
def test_every_opioid_named_in_the_domain_reference_is_refused(name):
    drug = vocabulary().match_medication(name)
    assert drug is not None and drug.drug_class.name == "opioid" and drug.drug_class.action == "refuse"


@pytest.mark.parametrize("name, generic, action", [
    ("Avonex", "interferon beta-1a", "warn"), ("rebif", "interferon beta-1a", "warn"),
    ("Plegridy", "interferon beta-1a", "warn"), ("Betaseron", "interferon beta-1b", "warn"),
    ("EXTAVIA", "interferon beta-1b", "warn"), ("Copaxone", "glatiramer", "note"), ("Glatopa", "glatiramer", "note"),
])
def test_ms_drugs_warn_or_note(name, generic, action):
    drug = vocabulary().match_medication(name)
    assert (drug.generic, drug.drug_class.action) == (generic, action)


@pytest.mark.parametrize("name", ["vitamin D", "Tylenol", "ibuprofen", "naltrexone"])
def test_unknown_medications_do_not_match(name):
    assert vocabulary().match_medication(name) is None


@pytest.mark.parametrize("name, group", [
    ("liver disease", "liver-disease"), ("Hepatitis", "liver-disease"), (" cirrhosis ", "liver-disease"),
    ("pregnancy", "pregnancy"), ("Breastfeeding", "pregnancy"), ("spasticity", "spasticity"),
    ("Multiple  Sclerosis", "indications"),
])
def test_conditions_match_in_any_case_and_spacing(name, group):
    assert vocabulary().match_condition(name).name == group


def test_an_unknown_condition_lists_the_known_ones():
    with pytest.raises(InputError, match="unknown condition 'gout'; known conditions: .*cirrhosis"):
        vocabulary().match_condition("gout")


def test_every_generic_and_brand_is_unambiguous():
    # Two drugs under one name would make the screen depend on file order.
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files("titrate").joinpath("data/screen.toml").read_text(encoding="utf-8"))
    names = [name.casefold() for drug in data["drugs"] for name in [drug["generic"], *drug["names"]]]
    assert len(names) == len(set(names))
    assert {drug["class"] for drug in data["drugs"]} <= set(data["classes"])
