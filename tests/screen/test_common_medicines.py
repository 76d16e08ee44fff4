"""Every common medicine is known (issue 20, point 2): the 300 most prescribed in the US and in England
and the MS disease-modifying therapies (tests/screen/common_medicines.toml, with its sources) screen with
no "not screened" warning; the opioids among them are refused; a name nothing knows is still warned
about."""

import tomllib
from pathlib import Path

import pytest

from titrate.core.model import Patient
from titrate.core.screen import findings, refusals, screen_medication

LISTS = tomllib.loads((Path(__file__).parent / "common_medicines.toml").read_text(encoding="utf-8"))
OPIOIDS = set(LISTS["opioids"]["names"])
EVERY = sorted({name for key in ("us", "uk", "ms") for name in LISTS[key]["names"]})


def test_the_lists_are_at_least_the_top_300_of_each_market_and_every_ms_therapy():
    for key in ("us", "uk"):
        assert len(set(LISTS[key]["names"])) >= 300, key
    therapies = {"ocrelizumab", "ofatumumab", "natalizumab", "fingolimod", "siponimod", "ozanimod", "ponesimod",
                 "dimethyl fumarate", "diroximel fumarate", "teriflunomide", "cladribine", "alemtuzumab",
                 "ublituximab", "glatiramer", "interferon beta-1a", "interferon beta-1b"}
    assert therapies <= set(LISTS["ms"]["names"])
    assert OPIOIDS <= set(EVERY)


@pytest.mark.parametrize("name", [name for name in EVERY if name not in OPIOIDS])
def test_a_common_medicine_is_known_and_never_refused_as_an_opioid(name):
    found = screen_medication(name)
    assert not [f.message for f in found if f.rule in ("unscreened", "opioid")]
    warnings, _ = findings(Patient(medications=(name,)))
    assert "unscreened" not in {w.rule for w in warnings}


@pytest.mark.parametrize("name", sorted(OPIOIDS))
def test_the_opioids_among_them_are_refused(name):
    assert refusals(Patient(medications=(name,)), "opioid")


@pytest.mark.parametrize("name", ["zorblaxin", "Zorblaxin 20 mg BID", "metformin zorblaxin"])
def test_a_name_nothing_knows_is_still_warned_about_as_not_screened(name):
    assert [f.rule for f in screen_medication(name)] == ["unscreened"]
