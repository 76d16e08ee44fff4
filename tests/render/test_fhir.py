"""The FHIR R4 export: validated by fhir.resources (R4B models, the same as R4 for these resources), plus
our own checks of what those models let through (codes, date order, UCUM units, time format)."""

from __future__ import annotations

import json
import re
from datetime import date, time
from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle
from test_golden import GENERATED, PLANS

from titrate.core.engine import build_plan
from titrate.core.formulations import Formulation
from titrate.core.model import Override, Patient, Washout
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.formats import render

UCUM = "http://unitsofmeasure.org"
UCUM_UNITS = {"mg", "d", "mL", "1", "[drp]"}
TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)")
UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def request_of(plan) -> dict:
    data = json.loads(render(plan, "fhir"))
    Bundle.model_validate(data)  # raises on anything the R4B models reject
    assert data["resourceType"] == "Bundle" and data["type"] == "collection"
    [entry] = data["entry"]
    assert entry["fullUrl"] == entry["resource"]["identifier"][0]["value"]
    return entry["resource"]


def quantities(node):
    """Every Quantity-like dict (one with a value and a unit) anywhere in `node`."""
    if isinstance(node, dict):
        if "value" in node and "unit" in node:
            yield node
        for value in node.values():
            yield from quantities(value)
    elif isinstance(node, list):
        for value in node:
            yield from quantities(value)


@pytest.mark.parametrize("name", PLANS)
def test_the_bundle_is_valid_r4_and_passes_our_own_checks(name):
    request = request_of(PLANS[name])
    assert request["status"] == "active" and request["intent"] == "order"
    assert UUID_URN.fullmatch(request["identifier"][0]["value"])
    for dosage in request["dosageInstruction"]:
        repeat = dosage["timing"]["repeat"]
        bounds = repeat["boundsPeriod"]
        assert date.fromisoformat(bounds["start"]) <= date.fromisoformat(bounds["end"])
        assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (1, 1, "d")
        assert all(TIME_OF_DAY.fullmatch(moment) for moment in repeat["timeOfDay"])
    for quantity in quantities(request):
        assert quantity["system"] == UCUM and quantity["code"] in UCUM_UNITS
        assert quantity["unit"] in ("mg", "day", "mL", "capsule", "drop")
        assert not isinstance(quantity["value"], float) or quantity["value"] != int(quantity["value"])


def test_each_level_is_one_dosage_in_order():
    plan = PLANS["classic-london"]
    dosages = request_of(plan)["dosageInstruction"]
    assert [d["sequence"] for d in dosages] == [1, 2, 3]
    assert [(d["timing"]["repeat"]["boundsPeriod"], d["doseAndRate"][0]["doseQuantity"]["value"],
             d["timing"]["repeat"]["timeOfDay"]) for d in dosages] == [
        ({"start": "2026-12-01", "end": "2026-12-14"}, 1.5, ["22:00:00"]),
        ({"start": "2026-12-15", "end": "2026-12-28"}, 3, ["22:00:00"]),
        ({"start": "2026-12-29", "end": "2027-03-28"}, 4.5, ["22:00:00"])]


def test_a_clock_change_night_is_its_own_dosage_at_its_own_time():
    dosages = request_of(PLANS["nuuk-hostile"])["dosageInstruction"]
    night = dosages[2]["timing"]["repeat"]
    assert night["boundsPeriod"] == {"start": "2026-03-28", "end": "2026-03-28"}
    assert night["timeOfDay"] == ["22:30:00"]


def test_the_daily_maximum_is_4_5_mg_or_3_mg_with_spasticity_unless_overridden():
    def maxima(plan):
        return {d["maxDosePerPeriod"]["numerator"]["value"] for d in request_of(plan)["dosageInstruction"]}

    assert maxima(PLANS["classic-london"]) == {4.5}
    assert maxima(PLANS["nuuk-hostile"]) == {3}
    overridden = build_plan(PROTOCOLS["classic"], Patient(spasticity=True), date(2026, 12, 1), zone=load_zone("UTC"),
                            generated_at=GENERATED, days=3, overrides=(Override("spasticity", "neurologist agrees"),))
    assert maxima(overridden) == {4.5}


def test_the_contained_medication_is_compounded_naltrexone_with_its_strength():
    request = request_of(PLANS["berlin-morning-overrides"])
    [medication] = request["contained"]
    assert request["medicationReference"]["reference"] == "#" + medication["id"]
    assert medication["code"]["coding"] == [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                             "code": "7243", "display": "naltrexone"}]
    assert "compounded" in medication["code"]["text"]
    assert medication["ingredient"][0]["strength"] == {
        "numerator": {"value": 1, "unit": "mg", "system": UCUM, "code": "mg"},
        "denominator": {"value": 1, "unit": "mL", "system": UCUM, "code": "mL"}}
    several = request_of(PLANS["classic-london"])["contained"][0]
    assert "strength" not in several["ingredient"][0]
    assert several["code"]["text"].endswith("capsules of 1.5 mg, 3 mg, 4.5 mg")


def test_drops_are_sublingual_and_measured_per_drop():
    plan = build_plan(PROTOCOLS["gentle"], Patient(), date(2026, 12, 1), zone=load_zone("UTC"), generated_at=GENERATED,
                      days=8, formulation=Formulation("drops", concentration_mg=Decimal("0.5")))
    request = request_of(plan)
    assert request["contained"][0]["ingredient"][0]["strength"]["denominator"]["code"] == "[drp]"
    assert request["dosageInstruction"][0]["route"]["coding"][0]["code"] == "37839007"


def test_the_patient_label_is_the_subject_display_kept_exactly():
    assert request_of(PLANS["nuuk-hostile"])["subject"] == {"display": PLANS["nuuk-hostile"].patient.label}
    plan = PLANS["classic-london"]
    unnamed = replace(plan, inputs=replace(plan.inputs, patient=Patient()))
    assert request_of(unnamed)["subject"]["display"] == "patient (no name given in the plan)"
    blank = replace(plan, inputs=replace(plan.inputs, patient=Patient(label=" \n ")))
    assert request_of(blank)["subject"]["display"] == "patient (no name given in the plan)"


def test_warnings_overrides_notes_washout_review_and_adjustments_are_notes():
    notes = [note["text"] for note in request_of(PLANS["berlin-morning-overrides"])["note"]]
    assert notes[1:6] == [
        "Warning (interferon): 'Rebif' is interferon beta-1a (Rebif, screen.toml; interferon beta-1a, ATC L03AB07): "
        "may interact with LDN on pharmacokinetic grounds; "
        "the evidence is weak, so this is a warning, not a block",
        "Warning (unscreened): '1 | *zorblaxin*' (in '=1+1 | *zorblaxin*') is not a medication titrate knows, so "
        "it was not screened; check it for interactions",
        "Override (liver): hepatologist agrees; LFTs normal, 2027-03-01",
        "Override (window): persistent vivid dreams on evening doses",
        "Note (glatiramer): 'Copaxone' is glatiramer (Copaxone, screen.toml; glatiramer, ATC L03AX13): no conflict "
        "with LDN is known"]
    assert notes[-1] == ("Note (review): the plan ends before 60 days at the target of 4.5 mg: review with the "
                         "clinician on 2027-04-29, the day after the last dose")
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 12, 10), zone=load_zone("UTC"),
                      generated_at=GENERATED, washout=Washout("tramadol", date(2026, 12, 1), 9))
    revised = adjust(plan, "step-back", date(2027, 1, 20), "flare of fatigue", generated_at=GENERATED, days=14)
    notes = [note["text"] for note in request_of(revised)["note"]]
    assert "Note (washout): last opioid dose (tramadol) on 2026-12-01; the earliest safe start is 2026-12-10, 9 " \
           "days later" in notes
    assert ("Note (revision): revision 2, from 2027-01-20: step back one level for 14 days: flare of fatigue"
            in notes)


def test_identifiers_are_stable_per_revision_and_a_revision_points_at_the_one_it_replaces():
    plan = PLANS["classic-london"]
    first, again = request_of(plan), request_of(replace(plan, generated_at=GENERATED.replace(year=2027)))
    assert first["identifier"] == again["identifier"]
    assert "priorPrescription" not in first
    second = request_of(adjust(plan, "hold", date(2027, 1, 5), "not ready", generated_at=GENERATED, days=7))
    assert second["identifier"] != first["identifier"]
    assert second["priorPrescription"]["identifier"] == {k: v for k, v in first["identifier"][0].items() if k != "use"}
    assert second["priorPrescription"]["display"] == f"plan {plan.plan_id}, revision 1"
    other = request_of(replace(plan, plan_id="another-plan"))
    assert other["identifier"] != first["identifier"]


def test_a_morning_dose_keeps_its_time():
    plan = PLANS["berlin-morning-overrides"]
    assert plan.dose_time == time(8, 0)
    assert {t for d in request_of(plan)["dosageInstruction"] for t in d["timing"]["repeat"]["timeOfDay"]} == {
        "08:00:00"}
