import json
from datetime import date, datetime, timezone

import pytest

from titrate import plan_io
from titrate.engine import build_plan
from titrate.errors import InputError, RefusedError
from titrate.model import Patient
from titrate.protocols import PROTOCOLS

PLAN = build_plan(PROTOCOLS["gentle"], Patient(label="Ann", spasticity=True), date(2026, 12, 1),
                  time_zone="Australia/Sydney", generated_at=datetime(2026, 11, 25, tzinfo=timezone.utc))
DATA = json.loads(plan_io.dumps(PLAN))


def test_the_schema_names_its_version_and_each_day_has_the_promised_fields():
    assert DATA["schema"] == "titrate.plan/1" and DATA["revision"] == 1
    assert DATA["generated_at"] == "2026-11-25T00:00:00Z"
    assert DATA["time_zone"] == "Australia/Sydney" and DATA["dose_time"] == "22:00"
    assert DATA["days"][0] == {"date": "2026-12-01", "day": 1, "dose_mg": 1.5, "time": "22:00",
                               "window": {"start": "21:00", "end": "24:00"}, "phase": "titration",
                               "amount": "1 x 1.5 mg capsule", "dispense": [{"mg_per_unit": 1.5, "quantity": 1.0}],
                               "notes": []}
    assert DATA["rules_applied"][:9] == ["opioid", "liver", "start", "ceiling", "spasticity", "gradual", "window",
                                         "amount", "supply"]
    assert DATA["formulation"] == {"form": "capsule", "strengths_mg": [3.0, 2.5, 2.0, 1.5], "concentration_mg": None,
                                   "description": "capsules of 1.5 mg, 2 mg, 2.5 mg, 3 mg"}
    assert DATA["supply"] == {"supply_days": 30, "lead_days": 7, "shelf_life_days": 30}
    assert DATA["refills"][0] == {"number": 1, "reorder_on": "2026-11-24", "from": "2026-12-01", "to": "2026-12-30",
                                  # days 1-7 at 1.5 mg, 8-14 at 2, 15-21 at 2.5, 22-30 at 3: one capsule a day
                                  "quantities": [{"mg_per_unit": 3.0, "quantity": 9.0, "text": "9 x 3 mg capsules"},
                                                 {"mg_per_unit": 2.5, "quantity": 7.0, "text": "7 x 2.5 mg capsules"},
                                                 {"mg_per_unit": 2.0, "quantity": 7.0, "text": "7 x 2 mg capsules"},
                                                 {"mg_per_unit": 1.5, "quantity": 7.0, "text": "7 x 1.5 mg capsules"}]}
    assert DATA["patient"] == {"label": "Ann", "spasticity": True, "conditions": ["spasticity"], "medications": []}
    assert DATA["overrides"] == []
    assert DATA["notes"][0]["rule"] == "spasticity"


def test_round_trip():
    assert plan_io.loads(plan_io.dumps(PLAN)) == PLAN


def edited(change):
    data = json.loads(plan_io.dumps(PLAN))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("text, says", [
    ("{", "not valid JSON"),
    ("[]", "plan must be an object"),
    (edited(lambda d: d.update(schema="titrate.plan/9")), "unknown plan schema"),
    (edited(lambda d: d.pop("days")), "plan.days is missing"),
    (edited(lambda d: d["days"][2].update(dose_mg="lots")), r"plan.days\[2\].dose_mg must be a number"),
    (edited(lambda d: d["days"][2].update(date="2026-02-30")), r"plan.days\[2\].date must be a date"),
    (edited(lambda d: d["days"][2].update(time="25:00")), r"plan.days\[2\].time"),
    (edited(lambda d: d["days"][2].update(phase="taper")), r"plan.days\[2\].phase"),
    (edited(lambda d: d["days"].pop(5)), "consecutive dates"),
    (edited(lambda d: d.update(time_zone="Nowhere/Zone")), "unknown time zone"),
    (edited(lambda d: d.update(generated_at="yesterday")), "generated_at"),
    (edited(lambda d: d.update(days=[])), "at least one day"),
])
def test_malformed_plans_are_input_errors_that_say_where(text, says):
    with pytest.raises(InputError, match=says):
        plan_io.loads(text)


def test_a_hand_edited_6_mg_day_is_refused_naming_ceiling_and_the_date():
    with pytest.raises(RefusedError, match="2027-01-05") as refused:
        plan_io.loads(edited(lambda d: d["days"][35].update(dose_mg=6)))
    assert refused.value.rule_id == "ceiling"
