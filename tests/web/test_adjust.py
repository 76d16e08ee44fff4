"""Adjusting a saved plan, on the page and through the API: a new revision, its diff, and the conflict
when two clinicians adjust the same revision."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from conftest import SECRET, csrf_of
from fastapi.testclient import TestClient
from ics_reading import parse

from titrate.service.plans import read_plan

INPUTS = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Ann Lee"}
STEP_BACK = {"kind": "step-back", "from": "2026-12-20", "days": 14, "reason": "flare of fatigue"}


@pytest.fixture
def plan_id(client):
    response = client.post("/api/v1/plans", json={"inputs": INPUTS})
    assert response.status_code == 201
    return response.json()["plan_id"]


def adjust_page(client, plan_id, based_on=None, **fields):
    form = client.get(f"/plans/{plan_id}/adjust").text
    shown = re.search(r'name="based_on" value="(\d+)"', form).group(1)
    data = {"csrf": csrf_of(form), "based_on": str(based_on or shown), **fields}
    return client.post(f"/plans/{plan_id}/adjust", data=data, follow_redirects=False)


def box(html, name):
    start = html.rindex("<div", 0, html.index(f'id="field-{name}"'))
    following = html.find('<div class="field', start + 1)
    return html[start: following if following != -1 else None]


def test_the_adjust_page_offers_every_kind_from_the_latest_revision(client, plan_id):
    page = client.get(f"/plans/{plan_id}/adjust")
    assert page.status_code == 200
    for kind in ("hold", "step-back", "retime", "target", "stop"):
        assert f'name="kind" value="{kind}"' in page.text
    assert 'name="based_on" value="1"' in page.text and "<svg" in page.text


def test_a_step_back_saves_the_next_revision_and_shows_what_changed(client, store, plan_id):
    response = adjust_page(client, plan_id, **STEP_BACK)
    assert response.status_code == 303 and response.headers["location"] == f"/plans/{plan_id}/revisions/2"
    old, new = (read_plan(row.plan_json) for row in store.revisions(plan_id))
    assert new.revision == 2 and new.supersedes == 1
    before = [day for day in old.days if str(day.date) < "2026-12-20"]
    assert [day for day in new.days if str(day.date) < "2026-12-20"] == before  # the past is kept
    assert store.revision(plan_id).reason == "flare of fatigue" and "step back" in store.revision(plan_id).change
    page = client.get(response.headers["location"]).text
    changed = page[page.index("What changed since revision 1"):]
    assert "flare of fatigue" in changed and "2026-12-20 to 2026-12-28 (9 days): 3 mg at 22:00 -&gt; 1.5 mg" in changed
    history = client.get(f"/plans/{plan_id}/history").text
    assert "Revision 2" in history and "3 mg at 22:00 -&gt; 1.5 mg at 22:00" in history


def test_a_second_adjustment_of_the_same_revision_is_a_conflict_that_loses_nothing(client, store, plan_id):
    first = adjust_page(client, plan_id, based_on=1, **STEP_BACK)
    assert first.status_code == 303
    second = adjust_page(client, plan_id, based_on=1, kind="hold", **{"from": "2026-12-22"}, days="7",
                         reason="holiday, wants no change while away")
    assert second.status_code == 409
    assert "Someone saved a change meanwhile" in second.text and "flare of fatigue" in second.text
    assert "holiday, wants no change while away" in box(second.text, "reason")  # what they typed is kept
    assert re.search(r'value="hold" checked', second.text)
    assert 'name="based_on" value="2"' in second.text
    assert [row.revision for row in store.revisions(plan_id)] == [1, 2]
    again = client.post(f"/plans/{plan_id}/adjust", follow_redirects=False, data={
        "csrf": csrf_of(second.text), "based_on": "2", "kind": "hold", "from": "2026-12-22", "days": "7",
        "reason": "holiday, wants no change while away"})
    assert again.status_code == 303
    assert [row.revision for row in store.revisions(plan_id)] == [1, 2, 3]


@pytest.mark.parametrize("fields, where, says", [
    ({**STEP_BACK, "reason": ""}, "reason", "needs a reason"),
    ({**STEP_BACK, "kind": "skip"}, "kind", "one of"),
    ({**STEP_BACK, "from": "2026-02-30"}, "from", "not a date"),
    ({"kind": "hold", "from": "2026-12-20", "reason": "x"}, "days", "hold takes days"),
    ({"kind": "target", "from": "2026-12-20", "target": "6", "reason": "x"}, "target", "ceiling"),
    ({"kind": "retime", "from": "2026-12-20", "time": "08:00", "reason": "vivid dreams"}, "time", "window"),
])
def test_a_bad_adjustment_is_shown_beside_its_field_and_saves_nothing(client, store, plan_id, fields, where, says):
    response = adjust_page(client, plan_id, **fields)
    assert response.status_code == 422
    assert "has-error" in box(response.text, where) and says in box(response.text, where)
    assert [row.revision for row in store.revisions(plan_id)] == [1]


def test_a_morning_dose_needs_the_window_override_and_its_reason(client, store, plan_id):
    refused = adjust_page(client, plan_id, kind="retime", time="08:00", reason="vivid dreams", **{"from": "2026-12-20"})
    assert '<details class="override" open>' in box(refused.text, "time")
    accepted = adjust_page(client, plan_id, kind="retime", time="08:00", reason="vivid dreams", override="window",
                           **{"from": "2026-12-20"})
    assert accepted.status_code == 303
    assert read_plan(store.revision(plan_id).plan_json).days[-1].time.hour == 8


def test_an_adjustment_before_the_last_one_is_refused_beside_the_date(client, plan_id):
    adjust_page(client, plan_id, **STEP_BACK)
    response = adjust_page(client, plan_id, kind="hold", days="7", reason="x", **{"from": "2026-12-10"})
    assert response.status_code == 422 and "Refused by rule <code>revision</code>" in box(response.text, "from")


def test_the_adjust_form_needs_its_csrf_token(client, store, plan_id):
    response = client.post(f"/plans/{plan_id}/adjust", data={"based_on": "1", **STEP_BACK})
    assert response.status_code == 403
    assert [row.revision for row in store.revisions(plan_id)] == [1]


def test_adjusting_a_missing_plan_is_404(client):
    assert client.get("/plans/nope/adjust").status_code == 404


# The API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(app):
    return TestClient(app, headers={"authorization": f"Bearer {SECRET}"})


def test_the_api_adjusts_and_returns_the_diff(api, plan_id):
    response = api.post(f"/api/v1/plans/{plan_id}/adjustments", json={"based_on": 1, "adjustment": STEP_BACK})
    assert response.status_code == 201
    body = response.json()
    assert body["revision"] == 2 and body["plan"]["supersedes"] == 1
    assert body["diff"]["adjustments"][0]["reason"] == "flare of fatigue"
    assert body["diff"]["days"][0] == {"date": "2026-12-20", "before": {"dose_mg": "3.00", "time": "22:00",
                                                                        "cause": "step 2"},
                                       "after": body["diff"]["days"][0]["after"]}
    assert body["diff"]["days"][0]["after"]["dose_mg"] == "1.50"
    assert api.get(f"/api/v1/plans/{plan_id}/diff?old=1&new=2").json() == body["diff"]
    assert [r["revision"] for r in api.get(f"/api/v1/plans/{plan_id}/revisions").json()] == [1, 2]


def test_the_api_answers_a_stale_adjustment_with_409_and_saves_nothing(api, store, plan_id):
    first = api.post(f"/api/v1/plans/{plan_id}/adjustments", json={"based_on": 1, "adjustment": STEP_BACK})
    assert first.status_code == 201
    stale = api.post(f"/api/v1/plans/{plan_id}/adjustments",
                     json={"based_on": 1, "adjustment": {**STEP_BACK, "kind": "stop", "days": None}})
    assert stale.status_code == 409 and stale.json() | {"message": ""} == {"error": "conflict", "latest": 2,
                                                                          "message": ""}
    assert [row.revision for row in store.revisions(plan_id)] == [1, 2]


@pytest.mark.parametrize("adjustment, status, key, value", [
    ({**STEP_BACK, "reason": ""}, 400, "field", "reason"),
    ({**STEP_BACK, "colour": "red"}, 400, "field", "colour"),
    ({**STEP_BACK, "from": "2026-11-01"}, 422, "field", "from"),  # as the schema says, but before the plan starts
    ({"kind": "retime", "from": "2026-12-20", "time": "08:00", "reason": "dreams"}, 422, "rule", "window"),
])
def test_the_api_names_the_field_or_rule_of_a_bad_adjustment(api, plan_id, adjustment, status, key, value):
    response = api.post(f"/api/v1/plans/{plan_id}/adjustments", json={"based_on": 1, "adjustment": adjustment})
    assert response.status_code == status and response.json()[key] == value
    assert "Traceback" not in response.text


def test_the_api_adjustment_of_a_missing_plan_or_revision_is_404(api, plan_id):
    assert api.post("/api/v1/plans/nope/adjustments", json={"based_on": 1, "adjustment": STEP_BACK}).status_code == 404
    assert api.post(f"/api/v1/plans/{plan_id}/adjustments",
                    json={"based_on": 7, "adjustment": STEP_BACK}).status_code == 404
    assert api.get(f"/api/v1/plans/{plan_id}/diff?old=1&new=5").status_code == 404


def test_the_adjusted_calendar_parses_to_the_new_days_and_cancels_the_dropped_ones(client, store, plan_id):
    adjust_page(client, plan_id, kind="stop", reason="moving to another clinic", **{"from": "2027-01-10"})
    calendar = parse(client.get(f"/plans/{plan_id}/revisions/2/files/ics").text)
    doses = [e for e in calendar.events if isinstance(e.dtstart, datetime)]
    live = sorted(e.dtstart.date() for e in doses if "CANCELLED" not in str(e.status))
    assert live == [day.date for day in read_plan(store.revision(plan_id, 2).plan_json).days]
    assert any("CANCELLED" in str(e.status) and str(e.dtstart.date()) == "2027-01-10" for e in doses)


def test_target_down_then_up_then_a_step_back_from_one_date_is_no_server_error(api):
    """Issue 19's crash, through the API: it answered 500; each step must now give a revision."""
    made = api.post("/api/v1/plans", json={"inputs": {"start": "2027-01-04", "time_zone": "Europe/London",
                                                      "label": "Ann Lee"}})
    assert made.status_code == 201, made.text
    plan_id = made.json()["plan_id"]
    changes = [{"kind": "target", "target": "3"}, {"kind": "target", "target": "4.5"},
               {"kind": "step-back", "days": 7}]
    for based_on, change in enumerate(changes, 1):
        adjustment = {"from": "2027-01-20", "reason": "review", **change}
        response = api.post(f"/api/v1/plans/{plan_id}/adjustments", json={"based_on": based_on, "adjustment": adjustment})
        assert response.status_code == 201, response.text
    newest = read_plan(api.get(f"/api/v1/plans/{plan_id}/revisions/4?format=json").text)
    assert newest.days[0].dose_mg == Decimal("1.5") and max(day.dose_mg for day in newest.days) == Decimal("4.5")


def test_issue_19_target_down_then_up_then_a_step_back_from_one_date_on_the_adjust_page(client, store):
    """Issue 19's crash, as a clinician meets it on the pages: the third change showed a bare 500 page."""
    made = client.post("/api/v1/plans", json={"inputs": {**INPUTS, "start": "2027-01-04"}})
    assert made.status_code == 201, made.text
    plan_id = made.json()["plan_id"]
    for change in ({"kind": "target", "target": "3"}, {"kind": "target", "target": "4.5"},
                   {"kind": "step-back", "days": 7}):
        response = adjust_page(client, plan_id, reason="review", **{"from": "2027-01-20"}, **change)
        assert response.status_code == 303, response.text
        assert client.get(response.headers["location"]).status_code == 200
    newest = read_plan(store.revision(plan_id).plan_json)
    assert newest.revision == 4 and max(day.dose_mg for day in newest.days) == Decimal("4.5")
    for fmt in ("ics", "html", "md"):
        assert client.get(f"/plans/{plan_id}/revisions/4/files/{fmt}").status_code == 200
