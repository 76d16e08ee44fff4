"""The safety screen as properties: opioids always refused, spasticity always capped unless overridden,
unknown medications always warned about, and no warning ever missing from any format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ics_reading import parse
from strategies import avoids_skipped_days, dose_times, protocols, start_dates, zones

from titrate.engine import build_plan
from titrate.errors import RefusedError
from titrate.model import Override, Patient
from titrate.protocols import PROTOCOLS
from titrate.render import render
from titrate.render.ics import ics_text
from titrate.render.markdown import markdown_safe
from titrate.render.table import terminal_safe
from titrate.screen import vocabulary

GENERATED = datetime(2026, 1, 1, tzinfo=timezone.utc)
CLASSIC, START = PROTOCOLS["classic"], date(2026, 12, 1)
OPIOID_NAMES = sorted(" ".join(key) for key, drug in vocabulary().drugs.items() if drug.drug_class.name == "opioid")
OTHER_KNOWN = ["Avonex", "Rebif", "Copaxone", "Glatopa", "Betaseron"]
CONDITIONS = ["multiple sclerosis", "fibromyalgia", "pregnancy", "breastfeeding", "spasticity", "long covid"]
unknown_medications = st.text(min_size=1, max_size=30).filter(
    lambda name: name.strip() and vocabulary().match_medication(name) is None)
medications = st.lists(st.one_of(st.sampled_from(OTHER_KNOWN), unknown_medications), max_size=4)
overrides = st.lists(st.sampled_from([Override("window", "morning dose for insomnia"),
                                      Override("spasticity", "neurologist's decision"),
                                      Override("liver", "hepatologist agrees")]), unique_by=lambda o: o.rule)


@given(protocols(), st.sampled_from(OPIOID_NAMES), medications, st.lists(st.sampled_from(CONDITIONS)),
       st.booleans(), overrides, start_dates)
def test_any_patient_with_an_opioid_is_refused_whatever_else_holds(protocol, opioid, others, conditions,
                                                                   spasticity, chosen, start):
    patient = Patient(label="p", spasticity=spasticity, conditions=tuple(conditions),
                      medications=(*others, opioid.upper()))
    with pytest.raises(RefusedError) as refused:
        build_plan(protocol, patient, start, time_zone="UTC", generated_at=GENERATED, overrides=tuple(chosen))
    assert refused.value.rule_id == "opioid"
    assert "an opioid" in str(refused.value)


@given(protocols(), st.sampled_from([{"spasticity": True}, {"conditions": ("Spasticity",)}]), overrides,
       start_dates, zones, dose_times)
def test_spasticity_caps_every_dose_at_3_mg_unless_overridden(protocol, fact, chosen, start, zone, dose_time):
    assume(avoids_skipped_days(zone, start, 200))
    plan = build_plan(protocol, Patient(**fact), start, time_zone=zone, generated_at=GENERATED,
                      dose_time=dose_time, overrides=tuple(chosen))
    capped = all(day.dose_mg <= 3 for day in plan.days)
    if "spasticity" in plan.overridden:
        assert plan.target_mg == protocol.target_mg
        assert next(o.reason for o in plan.overrides if o.rule == "spasticity")
    else:
        assert capped


@given(medications, st.lists(st.sampled_from(CONDITIONS), max_size=2))
def test_an_unknown_medication_always_yields_a_warning(names, conditions):
    plan = build_plan(CLASSIC, Patient(medications=tuple(names), conditions=tuple(conditions)), START,
                      time_zone="UTC", generated_at=GENERATED, days=7)
    for name in plan.patient.medications:
        if vocabulary().match_medication(name) is None:
            assert any(f.rule == "unscreened" and repr(name) in f.message for f in plan.warnings)


@given(medications, st.lists(st.sampled_from(CONDITIONS), max_size=2), overrides)
def test_no_warning_note_or_override_goes_missing_from_any_format(names, conditions, chosen):
    dose_time = time(8) if any(o.rule == "window" for o in chosen) else time(22)
    plan = build_plan(CLASSIC, Patient(label="x", medications=tuple(names), conditions=tuple(conditions)),
                      START, time_zone="Europe/London", generated_at=GENERATED, days=3,
                      dose_time=dose_time, overrides=tuple(chosen))
    lines = ([f"Warning ({f.rule}): {f.message}" for f in plan.warnings]
             + [f"Override ({o.rule}): {o.reason}" for o in plan.overrides]
             + [f"Note ({f.rule}): {f.message}" for f in plan.notes])
    data = json.loads(render(plan, "json"))
    assert [w["message"] for w in data["warnings"]] == [f.message for f in plan.warnings]
    assert [o["reason"] for o in data["inputs"]["overrides"]] == [o.reason for o in plan.overrides]
    first_row = next(csv.DictReader(io.StringIO(render(plan, "csv"), newline="")))
    table, markdown, ics = render(plan, "table"), render(plan, "md"), render(plan, "ics")
    descriptions = [event.description for event in parse(ics).events if isinstance(event.dtstart, datetime)]
    assert len(descriptions) == len(plan.days)
    for line in lines:
        assert line in first_row["notes"].lstrip("'")
        assert terminal_safe(line) in table
        assert markdown_safe(line) in markdown
        assert all(str(ics_text(line)) in description for description in descriptions)

