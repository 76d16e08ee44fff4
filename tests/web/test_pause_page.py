"""Pausing a saved course from the adjust page and the API (issue 19, point 2): no doses while paused, the
resume at the held dose or, with restart, at the first dose, and a resume before an opioid's washout refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import SECRET
from fastapi.testclient import TestClient
from test_adjust import INPUTS, adjust_page, box

from titrate.service.plans import read_plan

PAUSE = {"kind": "pause", "from": "2026-12-20", "until": "2027-01-03", "reason": "knee surgery"}
OPIOID = {"opioid": "tramadol", "last_opioid_dose": "2026-12-30"}  # washout 7 days: resume 2027-01-06 at the earliest


@pytest.fixture
def plan_id(client):
    return client.post("/api/v1/plans", json={"inputs": INPUTS}).json()["plan_id"]


def dose_on(plan, day: str) -> Decimal | None:
    return next((d.dose_mg for d in plan.days if d.date == date.fromisoformat(day)), None)


def test_a_pause_saves_a_revision_without_doses_until_it_ends_and_resumes_at_the_held_dose(client, store, plan_id):
    response = adjust_page(client, plan_id, **PAUSE)
    assert response.status_code == 303 and response.headers["location"] == f"/plans/{plan_id}/revisions/2"
    old, new = (read_plan(row.plan_json) for row in store.revisions(plan_id))
    paused = {date(2026, 12, 20) + timedelta(days=n) for n in range(14)}
    assert not paused & {day.date for day in new.days}
    assert paused <= {c.date for c in new.cancelled if c.kind == "dose"}  # the phone drops them
    assert dose_on(old, "2026-12-19") == dose_on(new, "2027-01-03") == Decimal("3")
    assert store.revision(plan_id).reason == "knee surgery"
    page = client.get(response.headers["location"]).text
    assert "knee surgery" in page[page.index("What changed since revision 1"):]


def test_a_pause_with_restart_climbs_again_from_the_first_dose(client, store, plan_id):
    assert adjust_page(client, plan_id, **PAUSE, restart="on").status_code == 303
    new = read_plan(store.revision(plan_id).plan_json)
    assert dose_on(new, "2027-01-03") == Decimal("1.5")
    assert dose_on(new, "2027-01-16") == Decimal("1.5") and dose_on(new, "2027-01-17") == Decimal("3")  # gradual


def test_a_resume_before_the_opioids_washout_is_refused_beside_the_resume_date(client, store, plan_id):
    refused = adjust_page(client, plan_id, **PAUSE, **OPIOID)
    assert refused.status_code == 422
    assert "Refused by rule <code>washout</code>" in box(refused.text, "until")
    assert "2027-01-06" in box(refused.text, "until")  # the earliest resume, named
    assert 'value="tramadol"' in box(refused.text, "opioid")  # what the clinician typed is kept
    assert [row.revision for row in store.revisions(plan_id)] == [1]
    assert adjust_page(client, plan_id, **{**PAUSE, "until": "2027-01-06"}, **OPIOID).status_code == 303


def test_the_api_refuses_an_early_resume_with_422_naming_rule_washout(app, store, plan_id):
    api = TestClient(app, headers={"authorization": f"Bearer {SECRET}"})
    response = api.post(f"/api/v1/plans/{plan_id}/adjustments", json={"based_on": 1, "adjustment": {**PAUSE, **OPIOID}})
    assert response.status_code == 422
    body = response.json()
    assert (body["error"], body["rule"]) == ("refused", "washout") and "washout" in body["message"]
    assert "2027-01-06" in body["message"] and "\n" not in body["message"]
    assert [row.revision for row in store.revisions(plan_id)] == [1]
