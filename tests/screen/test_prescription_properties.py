"""Every opioid name in the vocabulary (ingredient, salt, language spelling, brand, combination),
written the way prescriptions, discharge letters and patients write it, is refused under rule opioid."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from titrate.core.screen import screen_medication
from titrate.core.screen.vocabulary import vocabulary

OPIOID_NAMES = sorted({name.text for name in vocabulary().drugs.values() if name.drug_class.rule == "opioid"})
STRENGTHS = ["", " 5 mg", " 10mg", " 2.5 mg", " 40 mg/mL", " 12 mcg/h", " 5/325", " 30/500 mg", " 10 mg/5 mL",
             " 1,5 mg"]
HOW = ["", " BID", " TID", " TIW", " three times weekly", " q6h prn", " q4-6h PRN", " 1-2 tabs BID", " at night",
       " patch 72h", " PO daily", " SL", " once daily", " (stopped 2026-10-01)", " x 5 days", " every 12 hours"]
BEFORE = ["", "Rx: ", "take ", "pt on ", "home meds: "]
MARKS = ["", "\u00ae", "\u2122", "\u00a9"]
#: Second parts of a combination as written: each is known or a plain word, never an opioid itself.
PARTNERS = ["", " w/ APAP", " w/ paracetamol", " with ibuprofen", " + caffeine", " / acetaminophen"]
ACCENTS = {"e": "\u00e9", "a": "\u00e1", "o": "\u00f3", "i": "\u00ed", "u": "\u00fa"}


@st.composite
def prescriptions(draw: st.DrawFn) -> str:
    """An opioid name with a mark, accents, case, a strength, a frequency, a route and a second drug."""
    name = draw(st.sampled_from(OPIOID_NAMES))
    letters = []
    for char in name:
        if char.lower() in ACCENTS and draw(st.integers(0, 5)) == 0:
            char = ACCENTS[char.lower()]
        letters.append(char.upper() if draw(st.booleans()) else char.lower())
    return (draw(st.sampled_from(BEFORE)) + "".join(letters) + draw(st.sampled_from(MARKS))
            + draw(st.sampled_from(STRENGTHS)) + draw(st.sampled_from(HOW)) + draw(st.sampled_from(PARTNERS)))


def refused(text: str) -> bool:
    return any(found.rule == "opioid" and found.action == "refuse" for found in screen_medication(text))


@given(prescriptions())
def test_an_opioid_written_as_a_prescription_is_refused(text):
    assert refused(text), text


@pytest.mark.parametrize("name", OPIOID_NAMES)
def test_every_opioid_name_is_refused_as_prescribed(name):
    """Every name, not a sample: a strength, a mark, a frequency and a second drug around each."""
    assert refused(f"{name}\u00ae 10 mg BID w/ paracetamol"), name
    assert refused(unicodedata.normalize("NFD", f"Rx: {name.upper()} 1-2 tabs q6h prn")), name


def test_the_names_cover_every_opioid_class():
    classes = {name.drug_class.title for name in vocabulary().drugs.values() if name.drug_class.rule == "opioid"}
    assert classes == {"opioid analgesics", "opioid cough suppressants", "opioid antidiarrhoeals",
                       "drugs for opioid dependence"}
    assert len(OPIOID_NAMES) > 700
