"""A patient id or revision beyond what the store can hold (SQLite's 64-bit integers), from any door, is a
clear 4xx: it was a 500, the store overflowing (issue 19, point 1: never a 500)."""

from __future__ import annotations

import pytest
from conftest import SECRET, csrf_of
from fastapi.testclient import TestClient

from titrate.web.deps import MAX_ROW

BIG = str(MAX_ROW + 1)
INPUTS = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Ann Lee"}


@pytest.fixture
def api(app):
    return TestClient(app, headers={"authorization": f"Bearer {SECRET}"}, raise_server_exceptions=False)


@pytest.fixture
def plan_id(api):
    return api.post("/api/v1/plans", json={"inputs": INPUTS}).json()["plan_id"]


def test_a_huge_number_in_an_api_path_query_or_body_is_400_naming_it(api, plan_id):
    for response, field in [
        (api.get(f"/api/v1/patients/{BIG}"), "patient_id"),
        (api.get(f"/api/v1/plans/{plan_id}/revisions/{BIG}"), "revision"),
        (api.get(f"/api/v1/plans/{plan_id}/diff?old=1&new={BIG}"), "new"),
        (api.post("/api/v1/plans", json={"inputs": INPUTS, "patient_id": int(BIG)}), "patient_id"),
        (api.post(f"/api/v1/plans/{plan_id}/adjustments",
                  json={"based_on": int(BIG), "adjustment": {"kind": "stop", "from": "2026-12-20", "reason": "x"}}),
         "based_on"),
        (api.post(f"/api/v1/plans/{plan_id}/replans", json={"based_on": int(BIG), "inputs": INPUTS}), "based_on"),
    ]:
        assert response.status_code == 400, response.text
        assert response.json()["field"].endswith(field) and response.json()["error"] == "input"
    assert api.get(f"/api/v1/plans/{plan_id}/revisions/{MAX_ROW}").status_code == 404  # the largest is only missing


def test_a_huge_number_on_a_page_or_in_a_form_is_4xx(client, plan_id):
    assert client.get(f"/patients/{BIG}").status_code == 400
    assert client.get(f"/plans/{plan_id}/revisions/{BIG}").status_code == 400
    assert client.get(f"/plans/{plan_id}/revisions/{BIG}/files/ics").status_code == 400
    csrf = csrf_of(client.get("/patients/new").text)
    posts = [("/plans", {"patient_id": BIG, **INPUTS}),
             (f"/plans/{plan_id}/adjust", {"based_on": BIG, "kind": "stop", "from": "2026-12-20", "reason": "x"}),
             (f"/plans/{plan_id}/replan", {"based_on": BIG, **INPUTS, "action": "save"})]
    for url, data in posts:
        assert client.post(url, data={"csrf": csrf, **data}).status_code == 404, url
