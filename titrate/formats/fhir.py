"""The plan as an HL7 FHIR R4 Bundle (type collection) holding one MedicationRequest, for a health record.

Built as plain dicts and written as JSON, so titrate needs no FHIR library (the tests validate the
output with one). The request carries one Dosage per level, in order (`sequence` 1..n, each bounded by
its first and last date), a contained compounded naltrexone Medication, the dose ceiling, and the plan's
warnings, overrides and notes (washout, review, adjustments) as notes. Its identifier is derived from the
plan id and revision, so the same plan always gives the same identifiers, and a revision points at the
one it replaces.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from titrate.core.model import Plan
from titrate.core.rules import CEILING_MG, SPASTICITY_MAX_MG, spasticity_capped
from titrate.core.units import format_mg
from titrate.core.wallclock import format_hhmm, format_instant
from titrate.formats.common import finding_entries
from titrate.formats.course import Level, levels

__all__ = ["bundle", "render_fhir", "request_identifier"]

UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
NALTREXONE_RXCUI = "7243"  # RxNorm ingredient: naltrexone
URI_SYSTEM = "urn:ietf:rfc:3986"  # the identifier's value is itself a URI (a urn:uuid)
#: Fixed namespace for identifiers derived from plan ids: uuid5(NAMESPACE, "<plan id>/<revision>").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://titrate.invalid/plan")
MEDICATION_ID = "ldn"
#: SNOMED CT routes by form: oral, sublingual, transdermal.
ROUTES = {"capsule": ("26643006", "Oral route"), "liquid": ("26643006", "Oral route"),
          "drops": ("37839007", "Sublingual route"), "cream": ("45890007", "Transdermal route")}
#: How one unit of each form is written as a UCUM denominator of its strength.
UNITS = {"capsule": ("1", "capsule"), "liquid": ("mL", "mL"), "drops": ("[drp]", "drop"), "cream": ("mL", "mL")}


def render_fhir(plan: Plan) -> str:
    """The Bundle as JSON text, keys in a fixed order, byte-identical for the same plan."""
    return json.dumps(bundle(plan), indent=2, ensure_ascii=False) + "\n"


def request_identifier(plan_id: str, revision: int) -> str:
    """The stable identifier (a urn:uuid) of one revision of a plan."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{plan_id}/{revision}')}"


def bundle(plan: Plan) -> dict[str, Any]:
    """The Bundle as plain dicts."""
    identifier = request_identifier(plan.plan_id, plan.revision)
    return {
        "resourceType": "Bundle",
        "identifier": {"system": URI_SYSTEM, "value": identifier},
        "type": "collection",
        "timestamp": format_instant(plan.generated_at),
        "entry": [{"fullUrl": identifier, "resource": _medication_request(plan, identifier)}],
    }


def _medication_request(plan: Plan, identifier: str) -> dict[str, Any]:
    request: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "contained": [_medication(plan)],
        "identifier": [{"use": "official", "system": URI_SYSTEM, "value": identifier}],
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": f"#{MEDICATION_ID}", "display": _medication_text(plan)},
        "subject": {"display": _subject(plan.patient.label)},
        "authoredOn": format_instant(plan.generated_at),
    }
    replaced = plan.supersedes
    if replaced is not None:
        request["priorPrescription"] = {
            "identifier": {"system": URI_SYSTEM, "value": request_identifier(plan.plan_id, replaced)},
            "display": f"plan {plan.plan_id}, revision {replaced}",
        }
    request["note"] = [{"text": text} for text in _notes(plan)]
    request["dosageInstruction"] = [_dosage(plan, number, level)
                                    for number, level in enumerate(levels(plan), start=1)]
    return request


def _subject(label: str | None) -> str:
    """The label as given (JSON escapes what needs it); a FHIR string has content, so a blank label is
    named as missing."""
    return label if label and label.strip() else "patient (no name given in the plan)"


def _medication_text(plan: Plan) -> str:
    return f"naltrexone (low dose, compounded): {plan.formulation.describe()}"


def _medication(plan: Plan) -> dict[str, Any]:
    """The compounded product: naltrexone in the plan's form, with its strength where it has one."""
    formulation = plan.formulation
    naltrexone = {"coding": [{"system": RXNORM, "code": NALTREXONE_RXCUI, "display": "naltrexone"}],
                  "text": "naltrexone"}
    ingredient: dict[str, Any] = {"itemCodeableConcept": naltrexone, "isActive": True}
    concentration = formulation.concentration_mg
    strengths = formulation.strengths_mg or (() if concentration is None else (concentration,))
    if len(strengths) == 1:  # capsules of several strengths have no one strength; the text names them
        code, unit = UNITS[formulation.form]
        ingredient["strength"] = {"numerator": _mg_quantity(strengths[0]),
                                  "denominator": {"value": 1, "unit": unit, "system": UCUM, "code": code}}
    return {
        "resourceType": "Medication",
        "id": MEDICATION_ID,
        "code": {"coding": naltrexone["coding"], "text": _medication_text(plan)},
        "form": {"text": formulation.form},
        "ingredient": [ingredient],
    }


def _dosage(plan: Plan, number: int, level: Level) -> dict[str, Any]:
    route_code, route_name = ROUTES[plan.formulation.form]
    return {
        "sequence": number,
        "text": (f"{format_mg(level.dose_mg)} mg ({level.amount}) once a day at {format_hhmm(level.time)} "
                 f"{plan.time_zone} time, {level.first} to {level.last} ({level.days} days)"),
        "timing": {"repeat": {
            "boundsPeriod": {"start": level.first.isoformat(), "end": level.last.isoformat()},
            "frequency": 1, "period": 1, "periodUnit": "d",
            "timeOfDay": [f"{format_hhmm(level.time)}:00"],
        }},
        "route": {"coding": [{"system": SNOMED, "code": route_code, "display": route_name}]},
        "doseAndRate": [{"doseQuantity": _mg_quantity(level.dose_mg)}],
        "maxDosePerPeriod": {"numerator": _mg_quantity(_daily_limit(plan)),
                             "denominator": {"value": 1, "unit": "day", "system": UCUM, "code": "d"}},
    }


def _daily_limit(plan: Plan) -> Decimal:
    """4.5 mg a day (rule: ceiling), or 3 mg for a patient with spasticity (rule: spasticity) unless a
    clinician overrode it."""
    if spasticity_capped(plan.patient, plan.overridden):
        return SPASTICITY_MAX_MG
    return CEILING_MG


def _notes(plan: Plan) -> list[str]:
    """The plan's identity, then every warning, override and note with its rule id: among the notes are
    the washout and the review (rules washout, review) and each adjustment with its reason (revision)."""
    return ([f"titrate plan {plan.plan_id}, revision {plan.revision}; the dose is a local wall-clock time "
             f"in {plan.time_zone}"]
            + [f"{kind} ({rule}): {text}" for kind, rule, text in finding_entries(plan)])


def _mg_quantity(mg: Decimal) -> dict[str, Any]:
    return {"value": _number(mg), "unit": "mg", "system": UCUM, "code": "mg"}


def _number(mg: Decimal) -> int | float:
    # FHIR decimals are JSON numbers. Milligrams have at most two places, so the float's shortest repr
    # is the same decimal text (1.5, 0.25), and a whole number is written without a point (3, not 3.0).
    return int(mg) if mg == mg.to_integral_value() else float(mg)
