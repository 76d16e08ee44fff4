"""The safety screen as properties: every spelling of every opioid, alone or in a list, is refused;
spasticity always caps unless overridden; unknown medications are always warned about; no finding ever
goes missing from a format meant for it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ics_reading import parse
from strategies import (
    OTHER_KNOWN_NAMES,
    avoids_skipped_days,
    dose_times,
    medication_lists_with_an_opioid,
    opioid_spellings,
    protocols,
    start_dates,
    unknown_medications,
    zones,
)

from titrate.core.engine import build_plan
from titrate.core.model import Override, Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.screen import patient_words, refusals, screen_medication
from titrate.core.wallclock import load_zone
from titrate.errors import RefusedError
from titrate.formats import render
from titrate.formats.markdown import markdown_safe
from titrate.formats.table import terminal_safe

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
CLASSIC, START = PROTOCOLS["classic"], date(2026, 12, 1)
SAFE_KNOWN = [name for name in OTHER_KNOWN_NAMES if screen_medication(name)
              and all(found.action in ("warn", "note") for found in screen_medication(name))]
CONDITIONS = ["multiple sclerosis", "fibromyalgia", "pregnancy", "breastfeeding", "spasticity", "long covid",
              "NAFLD", "spastic paraparesis"]
safe_unknown = unknown_medications.filter(lambda name: all(f.rule == "unscreened" for f in screen_medication(name)))
medications = st.lists(st.one_of(st.sampled_from(SAFE_KNOWN), safe_unknown), max_size=4)
overrides = st.lists(st.sampled_from([Override("window", "morning dose for insomnia"),
                                      Override("spasticity", "neurologist's decision"),
                                      Override("liver", "hepatologist agrees"),
                                      Override("antagonist", "switching from Revia to LDN")]),
                     unique_by=lambda o: o.rule)


@given(opioid_spellings)
def test_any_spelling_of_any_opioid_is_refused(spelling):
    assert any(found.rule == "opioid" and found.action == "refuse" for found in screen_medication(spelling))
    assert refusals(Patient(medications=(spelling,)), "opioid")


@given(medication_lists_with_an_opioid())
def test_any_list_holding_an_opioid_is_refused(entry):
    assert refusals(Patient(medications=(entry,)), "opioid")


@given(protocols(), medication_lists_with_an_opioid(), medications, st.lists(st.sampled_from(CONDITIONS)),
       st.booleans(), overrides, start_dates)
def test_any_patient_with_an_opioid_is_refused_whatever_else_holds(protocol, entry, others, conditions,
                                                                   spasticity, chosen, start):
    patient = Patient(label="p", spasticity=spasticity, conditions=tuple(conditions), medications=(*others, entry))
    with pytest.raises(RefusedError) as refused:
        build_plan(protocol, patient, start, zone=load_zone("UTC"), generated_at=GENERATED, overrides=tuple(chosen))
    assert refused.value.rule_id == "opioid"
    assert "an opioid" in str(refused.value)


@given(protocols(), st.sampled_from([{"spasticity": True}, {"conditions": ("Spasticity",)},
                                     {"conditions": ("muscle spasticity",)}, {"conditions": ("spastic paraparesis",)},
                                     {"conditions": ("MS with spasticity",)}]), overrides,
       start_dates, zones, dose_times)
def test_spasticity_caps_every_dose_at_3_mg_unless_overridden(protocol, fact, chosen, start, zone, dose_time):
    assume(avoids_skipped_days(zone, start, 200))
    plan = build_plan(protocol, Patient(**fact), start, zone=load_zone(zone), generated_at=GENERATED,
                      dose_time=dose_time, overrides=tuple(chosen))
    if "spasticity" in plan.overridden:
        assert plan.target_mg == protocol.target_mg
    else:
        assert all(day.dose_mg <= 3 for day in plan.days)


@given(medications, st.lists(st.sampled_from(CONDITIONS), max_size=2))
def test_an_unknown_medication_always_yields_a_warning(names, conditions):
    plan = build_plan(CLASSIC, Patient(medications=tuple(names), conditions=tuple(conditions)), START,
                      zone=load_zone("UTC"), generated_at=GENERATED, days=7)
    for name in plan.patient.medications:
        if all(found.rule == "unscreened" for found in screen_medication(name)):
            assert any(f.rule == "unscreened" and repr(name) in f.message for f in plan.warnings)


@given(medications, st.lists(st.sampled_from(CONDITIONS), max_size=2), overrides)
def test_every_finding_reaches_each_reader_in_their_words(names, conditions, chosen):
    """Clinician formats carry every warning, override and note with its rule id; the pharmacy order
    carries the warnings; the patient's calendar carries plain words, never an override's reason."""
    dose_time = time(8) if any(o.rule == "window" for o in chosen) else time(22)
    plan = build_plan(CLASSIC, Patient(label="x", medications=tuple(names), conditions=tuple(conditions)),
                      START, zone=load_zone("Europe/London"), generated_at=GENERATED, days=3,
                      dose_time=dose_time, overrides=tuple(chosen))
    lines = ([f"Warning ({f.rule}): {f.message}" for f in plan.warnings]
             + [f"Override ({o.rule}): {o.reason}" for o in plan.overrides]
             + [f"Note ({f.rule}): {f.message}" for f in plan.notes])
    data = json.loads(render(plan, "json"))
    assert [w["message"] for w in data["warnings"]] == [f.message for f in plan.warnings]
    assert [o["reason"] for o in data["inputs"]["overrides"]] == [o.reason for o in plan.overrides]
    first_row = next(csv.DictReader(io.StringIO(render(plan, "csv"), newline="")))
    table, markdown, order, explain = (render(plan, fmt) for fmt in ("table", "md", "order", "explain"))
    for line in lines:
        assert line.lstrip("'") in first_row["notes"].lstrip("'")
        assert terminal_safe(line) in table
        assert markdown_safe(line) in markdown
    for finding in plan.warnings:
        assert terminal_safe(f"Warning ({finding.rule}): {finding.message}") in order
        assert f"Warning [{finding.rule}]: {terminal_safe(finding.message)}" in explain
    descriptions = [event.description for event in parse(render(plan, "ics")).events
                    if isinstance(event.dtstart, datetime)]
    assert len(descriptions) == len(plan.days)
    told = {patient_words(f.rule) for f in (*plan.warnings, *plan.notes)} - {None}
    for description in descriptions:
        assert all(words in description for words in told)
        assert not any(o.reason in description for o in plan.overrides)
        assert not any(f.message in description for f in (*plan.warnings, *plan.notes))
