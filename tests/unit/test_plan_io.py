"""The plan file (schema titrate.plan/2): what it holds, how it reads back, what it refuses, and v1 files."""

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from titrate.core.engine import build_plan
from titrate.core.model import Override, Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError
from titrate.formats import plan_json as plan_io

GENERATED = datetime(2026, 11, 25, tzinfo=UTC)
PLAN = build_plan(PROTOCOLS["gentle"], Patient(label="Ann", spasticity=True), date(2026, 12, 1),
                  zone=load_zone("Australia/Sydney"), generated_at=GENERATED)
DATA = json.loads(plan_io.dumps(PLAN))
V1 = Path(__file__).parent / "plans_v1"


def test_the_file_holds_the_inputs_and_what_follows_from_them():
    assert DATA["schema"] == "titrate.plan/2" and DATA["revision"] == 1 and DATA["supersedes"] is None
    assert DATA["generated_at"] == "2026-11-25T00:00:00Z" and DATA["tzdata"]
    inputs = DATA["inputs"]
    assert inputs["time_zone"] == "Australia/Sydney" and inputs["dose_time"] == "22:00"
    assert inputs["protocol"]["steps"][:2] == [{"dose_mg": "1.50", "days": 7}, {"dose_mg": "2.00", "days": 7}]
    assert inputs["protocol"]["steps"][-1] == {"dose_mg": "4.50", "days": None}
    assert inputs["patient"] == {"label": "Ann", "spasticity": True, "conditions": ["spasticity"], "medications": []}
    assert inputs["review_after_days"] == 60 and inputs["maintenance_days"] == 90 and inputs["adjustments"] == []
    assert inputs["formulation"] is None  # the default: one capsule of each dose
    assert DATA["target_mg"] == "3.00"  # capped for spasticity
    assert DATA["days"][0] == {"date": "2026-12-01", "day": 1, "dose_mg": "1.50", "time": "22:00",
                               "window": {"start": "21:00", "end": "24:00"}, "phase": "titration", "cause": "step 1",
                               "amount": "1 x 1.5 mg capsule", "dispense": [{"mg_per_unit": "1.50", "quantity": "1.0"}],
                               "notes": []}
    assert DATA["formulation"]["strengths_mg"] == ["3.00", "2.50", "2.00", "1.50"]
    assert DATA["events"][0] == {"key": "reorder-20261201", "kind": "reorder", "date": "2026-11-24",
                                 "text": "re-order LDN for 2026-12-01 to 2026-12-30 (30 days)"}
    # 21 days to reach 3 mg (1.5, 2, 2.5 mg a week each), then 60 days there
    assert [e for e in DATA["events"] if e["kind"] == "review"][0]["date"] == "2027-02-20"
    assert DATA["cancelled"] == []


def test_milligrams_are_never_floats():
    def numbers(value):
        if isinstance(value, dict):
            return [n for v in value.values() for n in numbers(v)]
        if isinstance(value, list):
            return [n for v in value for n in numbers(v)]
        return [value] if isinstance(value, float) else []
    assert numbers(DATA) == []


def test_round_trip():
    assert plan_io.loads(plan_io.dumps(PLAN)) == PLAN


def edited(change, data=DATA):
    data = json.loads(json.dumps(data))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("text, says", [
    ("{", "not valid JSON"),
    ("[]", "plan must be an object"),
    ("[" * 100_000, "nested too deeply"),
    (edited(lambda d: d.update(schema="titrate.plan/9")), "unknown plan schema"),
    (edited(lambda d: d.pop("days")), "plan.days is missing"),
    (edited(lambda d: d["days"][2].update(dose_mg="lots")), r"plan.days\[2\].dose_mg must be a number"),
    (edited(lambda d: d["days"][2].update(dose_mg="1e999999")),
     r"plan.days\[2\].dose_mg must be a number of milligrams"),
    (edited(lambda d: d.update(revision=10**30)), "too large"),
    (edited(lambda d: d["days"][2].update(date="2026-02-30")), r"plan.days\[2\].date must be a date"),
    (edited(lambda d: d["days"][2].update(time="25:00")), r"plan.days\[2\].time"),
    (edited(lambda d: d["days"][2].update(phase="taper")), r"plan.days\[2\].phase"),
    (edited(lambda d: d["days"].pop(5)), "consecutive dates"),
    (edited(lambda d: d["inputs"].update(time_zone="Nowhere/Zone")), "unknown time zone"),
    (edited(lambda d: d.update(generated_at="yesterday")), "generated_at"),
    (edited(lambda d: d.update(days=[])), "at least one day"),
    (edited(lambda d: d["inputs"]["protocol"].update(steps=[])), "has no steps"),
    (edited(lambda d: d["inputs"]["adjustments"].append({"kind": "pause", "from": "2026-12-05", "reason": "x",
                                                         "revision": 1, "days": 3, "dose_mg": None, "time": None})),
     r"plan.inputs.adjustments\[0\].*pause"),
])
def test_malformed_plans_are_input_errors_that_say_where(text, says):
    with pytest.raises(InputError, match=says):
        plan_io.loads(text)


MG_PATHS = {
    "plan.days[2].dose_mg": lambda d, v: d["days"][2].update(dose_mg=v),
    "plan.inputs.protocol.steps[0].dose_mg": lambda d, v: d["inputs"]["protocol"]["steps"][0].update(dose_mg=v),
    "plan.target_mg": lambda d, v: d.update(target_mg=v),
    "plan.inputs.target_mg": lambda d, v: d["inputs"].update(target_mg=v),
    "plan.formulation.strengths_mg[0]": lambda d, v: d["formulation"]["strengths_mg"].__setitem__(0, v),
    "plan.days[2].dispense[0].mg_per_unit": lambda d, v: d["days"][2]["dispense"][0].update(mg_per_unit=v),
}


@pytest.mark.parametrize("value", ["1e1", "1E+0", "NaN", "Infinity", "-0", "-1.50", "1.505", "0.001", "1_0", "١٫٥"])
@pytest.mark.parametrize("path", MG_PATHS)
def test_milligrams_the_mg_validator_refuses_are_refused_in_a_plan_file_naming_the_json_path(path, value):
    with pytest.raises(InputError) as refused:
        plan_io.loads(edited(lambda d: MG_PATHS[path](d, value)))
    assert str(refused.value).startswith(f"{path} ") and "\n" not in str(refused.value)


def test_milligrams_as_json_numbers_with_an_exponent_or_three_places_are_refused():
    text = plan_io.dumps(PLAN)
    for number in ("1e1", "1.505", "-0"):
        with pytest.raises(InputError, match=r"^plan.target_mg "):
            plan_io.loads(text.replace('"target_mg": "3.00"', f'"target_mg": {number}', 1))


def test_a_hand_edited_6_mg_day_is_refused_naming_ceiling_and_the_date():
    with pytest.raises(RefusedError, match="2027-01-05") as refused:
        plan_io.loads(edited(lambda d: d["days"][35].update(dose_mg="6")))
    assert refused.value.rule_id == "ceiling"


def _last_day_at_2_5_mg(data):
    """The last day lowered to 2.5 mg, measured and supplied right: every rule holds, but the inputs give 3 mg."""
    data["days"][-1].update(dose_mg="2.50", amount="1 x 2.5 mg capsule",
                            dispense=[{"mg_per_unit": "2.50", "quantity": "1.0"}])
    (quantity,) = data["refills"][-1]["quantities"]
    quantity.update(quantity="20.0", text="20 x 3 mg capsules")
    data["refills"][-1]["quantities"].append({"mg_per_unit": "2.50", "quantity": "1.0", "text": "1 x 2.5 mg capsule"})


@pytest.mark.parametrize("change, says", [
    (_last_day_at_2_5_mg, r"^the dose on 2027-03-21 is 2.5 mg but the plan's inputs give 3 mg "
                          r"\(plan.days\[110\].dose_mg\)$"),
    (lambda d: d["days"][10].update(cause="step 5"),
     r"^the cause on 2026-12-11 is 'step 5' but the plan's inputs give 'step 2' \(plan.days\[10\].cause\)$"),
    (lambda d: d["days"][10].update(time="21:30"),
     r"^the dose time on 2026-12-11 is 21:30 but the plan's inputs give 22:00 \(plan.days\[10\].time\)$"),
    (lambda d: d["days"][3].update(phase="maintenance"),
     r"^the phase on 2026-12-04 is maintenance but the plan's inputs give titration \(plan.days\[3\].phase\)$"),
    (lambda d: d["events"][1].update(date="2026-12-30"),
     r"^the date of the reorder event reorder-20261231 is 2026-12-30 but the plan's inputs give 2026-12-24 "
     r"\(plan.events\[1\].date\)$"),
    (lambda d: d["inputs"].update(dose_time="21:15"),
     r"^the dose time on 2026-12-01 is 22:00 but the plan's inputs give 21:15 \(plan.days\[0\].time\)$"),
])
def test_a_day_or_event_that_does_not_follow_from_the_inputs_is_refused_naming_the_date_and_field(change, says):
    with pytest.raises(InputError, match=says):
        plan_io.loads(edited(change))


def test_a_changed_zone_is_refused_naming_the_date_and_the_field():
    # Sydney's recorded offsets (+11:00 in December) do not give Tokyo's (+09:00) by the same tz database
    with pytest.raises(InputError, match=r"^the time zone is Asia/Tokyo but the dose on 2026-12-01 at 22:00 was "
                                         r"planned for 2026-12-01 11:00 UTC and falls at 2026-12-01 13:00 UTC in "
                                         r"Asia/Tokyo, by the same tz database \(\w+\).*\(plan.inputs.time_zone, "
                                         r"plan.utc_offsets\)$"):
        plan_io.loads(edited(lambda d: d["inputs"].update(time_zone="Asia/Tokyo")))


def test_zone_rules_warn_only_when_the_tz_database_really_differs():
    assert not [w for w in plan_io.loads(plan_io.dumps(PLAN)).warnings if "time-zone rules" in w.message]
    tokyo = edited(lambda d: (d["inputs"].update(time_zone="Asia/Tokyo"), d.update(time_zone="Asia/Tokyo")))
    older = json.loads(tokyo)
    older["tzdata"] = "2025b"  # a plan made with other rules: the offsets may differ, so warn and read it
    (warning,) = [w for w in plan_io.loads(json.dumps(older)).warnings if "time-zone rules" in w.message]
    assert f"tz database 2025b, now {PLAN.tzdata}" in warning.message
    assert PLAN.tzdata != "2025b"


def test_reading_screens_again_adding_new_findings_and_keeping_old_ones():
    stale = edited(lambda d: d.update(warnings=[{"rule": "interferon", "message": "an old warning"}]))
    read = plan_io.loads(stale)
    assert [w.message for w in read.warnings][:1] == ["an old warning"]
    with_medication = edited(lambda d: d["inputs"]["patient"].update(medications=["Avonex"]))
    assert any(w.rule == "interferon" for w in plan_io.loads(with_medication).warnings)


def test_a_plan_whose_patient_now_screens_as_taking_an_opioid_is_refused():
    with pytest.raises(RefusedError) as refused:
        plan_io.loads(edited(lambda d: d["inputs"]["patient"].update(medications=["tramadol"])))
    assert refused.value.rule_id == "opioid"


def test_request_fields_are_checked_against_the_rules_on_reading():
    steps = [{"dose_mg": "1.50", "days": 3}, {"dose_mg": "3.00", "days": None}]
    with pytest.raises(RefusedError) as refused:
        plan_io.loads(edited(lambda d: d["inputs"]["protocol"].update(steps=steps)))
    assert refused.value.rule_id == "gradual" and "step 1 (1.5 mg for 3 days)" in refused.value.detail


def test_a_revision_reads_back_with_its_adjustments_and_cancelled_days():
    revised = adjust(PLAN, "step-back", date(2026, 12, 20), "flare", generated_at=GENERATED, days=7)
    morning = adjust(revised, "retime", date(2027, 1, 10), "vivid dreams", generated_at=GENERATED, time=time(8),
                     overrides=(Override("window", "vivid dreams"),))
    stopped = adjust(morning, "stop", date(2027, 2, 1), "no benefit", generated_at=GENERATED)
    assert plan_io.loads(plan_io.dumps(stopped)) == stopped
    assert stopped.cancelled and all(c.date >= date(2027, 2, 1) or c.kind != "dose" for c in stopped.cancelled)


@pytest.mark.parametrize("path", sorted(V1.glob("*.json")), ids=lambda p: p.stem)
def test_v1_plans_still_load_with_the_same_days(path):
    old = json.loads(path.read_text(encoding="utf-8"))
    plan = plan_io.loads(path.read_text(encoding="utf-8"))
    assert plan.plan_id == old["plan_id"] and plan.revision == old["revision"]
    assert [(d.date.isoformat(), d.dose_mg, d.amount) for d in plan.days] == \
        [(d["date"], Decimal(str(d["dose_mg"])), d["amount"]) for d in old["days"]]
    assert {(f["rule"], f["message"]) for f in old["warnings"] + old["notes"]} <= \
        {(f.rule, f.message) for f in plan.warnings + plan.notes}
    assert plan.inputs.review_after_days is None  # a migrated plan invents no review
    assert plan_io.loads(plan_io.dumps(plan)) == plan


def test_a_plan_screened_before_the_vocabulary_changed_keeps_its_findings_and_gains_todays():
    """Issue 20 rewrote the findings' wording (each now names its source): a plan saved before keeps the
    finding it holds, word for word, and reading it adds today's; nothing the file holds is dropped."""
    path = V1 / "patient-file-london.json"
    plan = plan_io.loads(path.read_text(encoding="utf-8"))
    messages = [w.message for w in plan.warnings if w.rule == "interferon"]
    assert messages == [
        "'Avonex' is interferon beta-1a: may interact with LDN on pharmacokinetic grounds; the evidence is weak, "
        "so this is a warning, not a block",
        "'Avonex' is interferon beta-1a (Avonex, screen.toml; interferon beta-1a, ATC L03AB07): may interact with "
        "LDN on pharmacokinetic grounds; the evidence is weak, so this is a warning, not a block"]
    assert plan_io.loads(plan_io.dumps(plan)) == plan  # and it reads back as it is written


def test_a_tampered_v1_plan_is_refused():
    data = json.loads((V1 / "classic-london.json").read_text(encoding="utf-8"))
    data["days"][20]["amount"] = "2 x 1.5 mg capsules"
    with pytest.raises((InputError, RefusedError), match=r"days\[20\]|2026-12-21"):
        plan_io.loads(json.dumps(data))


def test_a_v1_plan_with_a_stray_day_at_the_end_is_refused_not_cut_short():
    data = json.loads((V1 / "classic-london.json").read_text(encoding="utf-8"))
    length = len(data["days"])
    data["days"].append(dict(data["days"][4]))  # the plan would end on day 5's date
    with pytest.raises(InputError, match=rf"plan.days has {length + 1} entries; the plan's inputs give 5"):
        plan_io.loads(json.dumps(data))


def _stopped() -> dict:
    revised = adjust(PLAN, "step-back", date(2026, 12, 20), "flare", generated_at=GENERATED, days=7)
    morning = adjust(revised, "retime", date(2027, 1, 10), "vivid dreams", generated_at=GENERATED, time=time(8),
                     overrides=(Override("window", "vivid dreams"),))
    return json.loads(plan_io.dumps(adjust(morning, "stop", date(2027, 2, 1), "no benefit", generated_at=GENERATED)))


@pytest.mark.parametrize("change", [
    lambda d: d.update(cancelled=[]),  # the phone would keep every dose after the stop
    lambda d: d["cancelled"].pop(0),
    lambda d: d["cancelled"][0].update(time="22:00"),  # the stopped days were at 08:00
    lambda d: d["cancelled"][0].update(date="2027-03-01"),
    lambda d: d["cancelled"][0].update(kind="review"),
    lambda d: d["cancelled"].append(d["cancelled"][0]),
    lambda d: d["cancelled"].append({"key": "20300101", "kind": "dose", "date": "2030-01-01", "time": "22:00"}),
])
def test_cancelled_days_and_events_that_do_not_follow_from_the_revisions_are_refused(change):
    stopped = _stopped()
    assert stopped["cancelled"][0] == {"key": "20270201", "kind": "dose", "date": "2027-02-01", "time": "08:00"}
    change(stopped)
    with pytest.raises(InputError, match=r"plan.cancelled"):
        plan_io.loads(json.dumps(stopped))


def test_a_plan_with_no_adjustments_cancels_nothing():
    cancelled = [{"key": "20300101", "kind": "dose", "date": "2030-01-01", "time": "22:00"}]
    with pytest.raises(InputError, match=r"plan.cancelled"):
        plan_io.loads(edited(lambda d: d.update(cancelled=cancelled)))


@pytest.mark.parametrize("change", [
    lambda d: d["inputs"]["adjustments"][0].update(revision=3),  # two adjustments both made revision 3
    lambda d: d["inputs"]["adjustments"][2].update(revision=3),
    lambda d: d.update(revision=9, supersedes=8),  # the last adjustment made revision 4
])
def test_adjustments_that_did_not_make_the_revisions_they_name_are_refused(change):
    stopped = _stopped()
    assert [a["revision"] for a in stopped["inputs"]["adjustments"]] == [2, 3, 4] and stopped["revision"] == 4
    change(stopped)
    with pytest.raises(RefusedError) as refused:
        plan_io.loads(json.dumps(stopped))
    assert refused.value.rule_id == "revision"


def test_a_v1_plan_with_a_hand_edited_fill_is_refused():
    data = json.loads((V1 / "classic-london.json").read_text(encoding="utf-8"))
    data["refills"][1]["reorder_on"] = data["refills"][1]["from"]
    with pytest.raises((InputError, RefusedError), match=r"refills\[1\]|fill 2"):
        plan_io.loads(json.dumps(data))


def test_a_zone_swapped_for_one_with_the_same_offsets_is_refused_naming_the_field():
    london = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), date(2027, 3, 1), zone=load_zone("Europe/London"),
                        generated_at=GENERATED, days=20)  # March, before either clock change: Lisbon's offsets too
    data = json.loads(plan_io.dumps(london))
    assert data["time_zone"] == "Europe/London"
    with pytest.raises(InputError, match=r"^the plan was made in the time zone Europe/London but its inputs name "
                                         r"Europe/Lisbon: .*\(plan.time_zone, plan.inputs.time_zone\)$"):
        plan_io.loads(edited(lambda d: d["inputs"].update(time_zone="Europe/Lisbon"), data))
    lisbon = build_plan(PROTOCOLS["classic"], Patient(label="Ann"), date(2027, 3, 1), zone=load_zone("Europe/Lisbon"),
                        generated_at=GENERATED, days=20)
    assert lisbon.utc_offsets == london.utc_offsets  # what the recorded offsets alone could not tell apart
    assert plan_io.loads(edited(lambda d: d.pop("time_zone"), data)) == plan_io.loads(plan_io.dumps(london))
