"""The handout and the FHIR export say exactly what the days say, for any plan and revision, including
plans reshaped by step-backs and retimes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import html5lib
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given
from strategies import adjusted_plans

from titrate.formats import render


def dosage_days(dosage: dict) -> list[date]:
    bounds = dosage["timing"]["repeat"]["boundsPeriod"]
    first, last = date.fromisoformat(bounds["start"]), date.fromisoformat(bounds["end"])
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@given(adjusted_plans())
def test_fhir_is_valid_and_its_dosages_cover_every_day_once_with_its_dose_and_time(plan):
    bundle = json.loads(render(plan, "fhir"))
    Bundle.model_validate(bundle)
    request = bundle["entry"][0]["resource"]
    dosages = request["dosageInstruction"]
    assert [dosage["sequence"] for dosage in dosages] == list(range(1, len(dosages) + 1))
    covered = [(day, dosage) for dosage in dosages for day in dosage_days(dosage)]
    assert [day for day, _ in covered] == [day.date for day in plan.days]
    for (_, dosage), day in zip(covered, plan.days):
        assert Decimal(str(dosage["doseAndRate"][0]["doseQuantity"]["value"])) == day.dose_mg
        assert dosage["timing"]["repeat"]["timeOfDay"] == [f"{day.time:%H:%M}:00"]


@given(adjusted_plans())
def test_fhir_dosages_are_maximal_runs_and_a_revision_links_its_predecessor(plan):
    request = json.loads(render(plan, "fhir"))["entry"][0]["resource"]
    steps = [(d["doseAndRate"][0]["doseQuantity"]["value"], d["timing"]["repeat"]["timeOfDay"])
             for d in request["dosageInstruction"]]
    assert all(before != after for before, after in zip(steps, steps[1:]))
    assert ("priorPrescription" in request) == (plan.supersedes is not None) == (plan.revision > 1)


@given(adjusted_plans())
def test_the_handout_lists_every_day_with_its_dose_once(plan):
    document = html5lib.parse(render(plan, "html"), namespaceHTMLElements=False)
    rows = document.findall(".//section[@id='checklist']//tbody/tr")
    cells = [["".join(cell.itertext()) for cell in row.findall("td")] for row in rows]
    assert [(row[2], row[3], row[5]) for row in cells] == [
        (str(day.day), f"{day.dose_mg.normalize():f} mg", f"{day.time:%H:%M}") for day in plan.days]
    steps = document.findall(".//section[@id='steps']//tbody/tr")
    assert sum(int("".join(row.findall("td")[3].itertext())) for row in steps) == len(plan.days)
