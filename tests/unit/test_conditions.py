"""Conditions as clinicians write them (data/conditions.toml): liver disease, pregnancy and
breastfeeding, spasticity and the common conditions are classed; anything else is accepted and warned
about as not screened; plain negations are read as such."""

import tomllib
from importlib.resources import files

import pytest

from titrate.core.model import Patient
from titrate.core.screen import (
    check_conditions,
    findings,
    implies_spasticity,
    refusals,
    screen_condition,
    with_implied_spasticity,
)
from titrate.core.screen.conditions import conditions
from titrate.core.screen.normalise import split_items
from titrate.core.screen.vocabulary import ACTIONS
from titrate.errors import InputError

DATA = tomllib.loads(files("titrate.core.screen").joinpath("data/conditions.toml").read_text(encoding="utf-8"))


def groups(text):
    """The group key of each item of `text` (None: not screened), with "!" after a negated one."""
    return [(c.group.key if c.group else None) + ("!" if c.negated else "") if c.group else None
            for c in screen_condition(text)]


@pytest.mark.parametrize("name", ["spasticity", "Spasticity", "muscle spasticity", "spastic paraparesis",
                                  "MS with spasticity", "leg spasticity", "hereditary spastic paraplegia"])
def test_every_form_of_spasticity_is_spasticity(name):
    assert implies_spasticity((name,))
    assert with_implied_spasticity(Patient(conditions=(name,))).spasticity
    assert with_implied_spasticity(Patient(conditions=(name,))).conditions == (name,)  # not doubled


def test_conditions_that_are_not_spasticity_do_not_set_it():
    assert not implies_spasticity(("multiple sclerosis", "gout", "hepatitis", "no spasticity"))
    assert not with_implied_spasticity(Patient(conditions=("multiple sclerosis",))).spasticity
    assert with_implied_spasticity(Patient(spasticity=True)).conditions == ("spasticity",)


LIVER = ["liver disease", "Hepatitis", " cirrhosis ", "hepatitis A", "hepatitis B", "Hepatitis C", "hepatitis D",
         "hepatitis E", "HCV", "HBV", "hep C", "NASH", "MASH", "alcoholic liver disease", "PBC", "PSC",
         "primary sclerosing cholangitis", "autoimmune hepatitis", "cirrhosis of the liver", "liver fibrosis",
         "K74.6", "k70.3", "K72", "B18.2", "b17.1", "K76.6", "history of hepatitis A", "hepatitis B/C",
         "chronic HCV genotype 1", "r/o hepatitis"]
LIVER_SIGNS = ["NAFLD", "MAFLD", "MASLD", "fatty liver", "elevated LFTs", "elevated transaminases",
               "raised liver enzymes", "non-alcoholic fatty liver disease", "K76.0", "R74.0"]
PREGNANCY = ["pregnancy", "Pregnant", "pregnant (12 weeks)", "Breastfeeding", "postpartum", "34 weeks", "34/40",
             "34w 2d", "12w", "G2P1", "due 2027-05", "EDD 2027-05-14", "O09.90", "o24.4", "Z33.1", "Z39.1",
             "Z3A.34", "third trimester", "lactating"]
KNOWN = ["hypertension", "HTN", "depression", "anxiety", "diabetes", "type 2 diabetes", "T2DM", "asthma",
         "hypothyroidism", "migraine", "fibromyalgia", "Multiple  Sclerosis", "MS", "RRMS", "SPMS", "PPMS", "CIS",
         "Crohn's", "Crohn's disease", "long covid", "ME/CFS", "IBS", "arthritis", "rheumatoid arthritis",
         "chronic pain", "gout", "hepatitis A vaccination", "history of hepatitis B vaccination", "HBV immune"]


@pytest.mark.parametrize("name", LIVER)
def test_liver_disease_is_classed_however_it_is_written(name):
    assert groups(name) == ["liver-disease"]
    assert refusals(Patient(conditions=(name,)), "liver")
    assert not refusals(Patient(conditions=(name,)), "liver", frozenset({"liver"}))


@pytest.mark.parametrize("name", LIVER_SIGNS)
def test_signs_of_liver_disease_warn(name):
    assert groups(name) == ["liver-tests"]
    warnings, _ = findings(Patient(conditions=(name,)))
    assert [w.rule for w in warnings] == ["liver"] and refusals(Patient(conditions=(name,)), "liver") == []


@pytest.mark.parametrize("name", PREGNANCY)
def test_pregnancy_and_breastfeeding_are_classed_in_free_text_and_codes(name):
    assert groups(name) == ["pregnancy"]
    warnings, _ = findings(Patient(conditions=(name,)))
    assert [w.rule for w in warnings] == ["pregnancy"]


def test_a_pregnancy_written_over_several_items_warns_for_each():
    assert groups("Pregnant, due 2027-05") == ["pregnancy", "pregnancy"]
    assert groups("postpartum, breastfeeding") == ["pregnancy", "pregnancy"]


@pytest.mark.parametrize("name", ["long covid for 12 weeks", "6 weeks post-op knee", "back pain 34 weeks"])
def test_weeks_inside_an_item_about_something_else_are_not_a_pregnancy(name):
    assert "pregnancy" not in groups(name)


@pytest.mark.parametrize("name", KNOWN)
def test_common_conditions_are_known_with_nothing_to_say(name):
    assert all(group in ("comorbidities", "immunity") for group in groups(name)), groups(name)
    assert findings(Patient(conditions=(name,))) == ([], [])


@pytest.mark.parametrize("name", ["no liver disease", "denies pregnancy", "Not pregnant", "negative for hepatitis C",
                                  "hepatitis C ruled out", "ruled out cirrhosis", "HCV negative", "no K74.6",
                                  "without cirrhosis", "never pregnant"])
def test_a_plain_negation_is_not_the_condition_and_the_plan_notes_the_reading(name):
    patient = Patient(conditions=(name,))
    assert all(group.endswith("!") for group in groups(name)), groups(name)
    assert refusals(patient, "liver") == []
    warnings, notes = findings(patient)
    assert warnings == [] and [n.message for n in notes] == [
        f"{name!r} is read as a negation, so it is not taken for {screen_condition(name)[0].group.title}"]


def test_a_negation_applies_to_the_names_after_it_only():
    assert groups("hepatitis C without cirrhosis") == ["liver-disease", "liver-disease!"]
    assert refusals(Patient(conditions=("hepatitis C without cirrhosis",)), "liver")


@pytest.mark.parametrize("name", ["gastritis", "hepatits", "zorblax syndrome", "liver cancer", "vitamin B17 deficiency"])
def test_any_other_condition_is_accepted_and_warned_about_as_not_screened(name):
    check_conditions([name])  # no error
    warnings, notes = findings(Patient(conditions=(name,)))
    assert [(w.rule, w.message) for w in warnings] == [("unscreened", (
        f"condition {name!r} is not one titrate knows, so it was not screened; check it against LDN's cautions "
        "(liver disease, pregnancy or breastfeeding, spasticity)"))] and notes == []
    assert all(refusals(Patient(conditions=(name,)), rule) == [] for rule in ("liver", "opioid", "unscreened"))


@pytest.mark.parametrize("name", ["", "   ", "!!!", "—"])
def test_a_condition_that_says_nothing_is_an_input_error(name):
    with pytest.raises(InputError, match="a condition must name something") as error:
        check_conditions(["MS", name])
    assert error.value.field == "conditions"


def test_a_list_of_conditions_is_read_item_by_item():
    assert groups("MS; pregnant, NAFLD") == ["comorbidities", "pregnancy", "liver-tests"]
    assert groups("MS and gout") == ["comorbidities", "comorbidities"]
    assert groups("MS and zorblax") == ["comorbidities", None]


def test_an_icd10_subdivision_wins_over_its_category():
    assert groups("K76.0") == ["liver-tests"] and groups("K76.8") == ["liver-disease"]
    assert groups("K78") == [None] and groups("B20") == [None] and groups("K69") == [None]


def test_the_data_file_says_for_every_group_what_it_does():
    for key, group in DATA["groups"].items():
        assert group["action"] in (*ACTIONS, "spasticity") and group["title"] and group["why"], key
        assert group["rule"] or group["action"] == "none", key
    assert {"liver-disease", "liver-tests", "pregnancy", "spasticity", "comorbidities"} <= set(DATA["groups"])


def test_no_name_is_lost_to_normalising_or_splitting_and_none_is_listed_twice_differently():
    for spelling, (name, _) in conditions().names.items():
        assert spelling and len(split_items(name, conditions=True)) == 1, name
    seen = {}
    for key, group in DATA["groups"].items():
        for name in group["names"]:
            assert seen.setdefault(name.casefold(), key) == key, name
