"""Bytes that are not text (invalid UTF-8, lone surrogates sent as JSON's "\\ud800") from every web door:
a 4xx with one line saying what is wrong, never a 500 and never text silently mangled (issue 19, point 5)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import JANE_FORM, SECRET, csrf_of
from fastapi.testclient import TestClient

from titrate.service.plans import read_plan

PLAN = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Ann Lee"}


@pytest.fixture
def api(app):
    return TestClient(app, headers={"authorization": f"Bearer {SECRET}"}, raise_server_exceptions=False)


def one_line_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["message"] and "\n" not in body["message"] and "Traceback" not in response.text
    return body


def page_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    (message,) = re.findall(r'role="alert">\s*<p>(.*?)</p>', response.text, re.S)
    assert "\n" not in message
    return message


# The pages' forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("label", [b"J\xffane", b"J%FFane", b"J%ED%A0%80ane"],  # raw, escaped, a UTF-8 surrogate
                         ids=["raw byte", "escaped byte", "encoded surrogate"])
def test_a_plan_form_with_undecodable_bytes_is_400_naming_the_field(client, store, label):
    csrf = csrf_of(client.get("/patients/new").text)
    body = b"&".join([b"csrf=" + csrf.encode(), b"label=" + label, b"start=2026-12-01",
                      b"time_zone=Europe%2FLondon", b"action=save"])
    response = client.post("/plans", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert page_error(response, 400) == ("the form&#39;s field &#39;label&#39; is not UTF-8 text: retype it and "
                                         "submit the form again")
    assert store.patients() == []


def test_a_multipart_plan_form_with_undecodable_bytes_is_400_naming_the_field(client, store):
    """The browser's own encoding of the plan form: starlette would read the value as Latin-1."""
    fields = {**JANE_FORM, "csrf": csrf_of(client.get("/patients/new").text), "action": "preview"}
    parts = {name: (None, value.encode()) for name, value in fields.items()}
    parts["medications"] = (None, b"Avonex\nvitamin \xc3(D")
    response = client.post("/plans", files=parts)
    assert "&#39;medications&#39; is not UTF-8 text" in page_error(response, 400)


def test_well_formed_text_beyond_ascii_still_passes_the_check(client):
    fields = {**JANE_FORM, "label": "José Ñúñez 李", "csrf": csrf_of(client.get("/patients/new").text)}
    response = client.post("/plans", files={name: (None, value.encode()) for name, value in fields.items()})
    assert response.status_code == 200 and "José Ñúñez 李" in response.text


def test_an_adjust_form_with_undecodable_bytes_is_400_and_saves_nothing(client, store, api):
    plan_id = api.post("/api/v1/plans", json={"inputs": PLAN}).json()["plan_id"]
    csrf = csrf_of(client.get(f"/plans/{plan_id}/adjust").text)
    body = (f"csrf={csrf}&based_on=1&kind=hold&from=2026-12-20&days=7&reason=nausea%C3%28").encode()
    response = client.post(f"/plans/{plan_id}/adjust", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert "&#39;reason&#39; is not UTF-8 text" in page_error(response, 400)
    assert [row.revision for row in store.revisions(plan_id)] == [1]


# The JSON API ---------------------------------------------------------------------------------------

def test_a_json_body_that_is_not_utf8_is_400_saying_so(api, store):
    raw = json.dumps({"inputs": PLAN}).encode().replace(b"Ann Lee", b"Ann \xff Lee")
    at = raw.index(b"\xff")
    body = one_line_error(api.post("/api/v1/plans", content=raw, headers={"content-type": "application/json"}), 400)
    assert body == {"error": "input", "field": None, "message": f"the body is not UTF-8 text: byte 0xff at position "
                                                                f"{at} cannot be read; send JSON encoded as UTF-8"}
    assert store.patients() == []


SURROGATE_PLANS = {
    "label": {"label": "A\ud800n"},
    "a medication": {"medications": ["vitamin \udfff D"]},
    "an override's reason": {"conditions": ["hepatitis C"], "overrides": ["liver: agreed \ud800"]},
    "a field's name": {"colour\ud800": "blue"},
    "the patient file": {"patient_file_text": 'medications = ["vit\ud800"]\n'},
    "the protocol file": {"protocol_file_text": 'name = "mine\ud800"\n[[steps]]\ndose_mg = 1.5\n'},
}


@pytest.mark.parametrize("where", SURROGATE_PLANS)
def test_a_lone_surrogate_anywhere_in_a_plan_is_400_naming_the_field(api, store, where):
    raw = json.dumps({"inputs": {**PLAN, **SURROGATE_PLANS[where]}})  # json escapes it as \ud800
    assert "\\ud8" in raw or "\\udf" in raw
    body = one_line_error(api.post("/api/v1/plans", content=raw, headers={"content-type": "application/json"}), 400)
    assert body["error"] == "input" and body["field"] is not None
    assert "\\ud800" in body["message"] or "\\udfff" in body["message"]  # shown as its escape
    assert store.patients() == []


@pytest.mark.parametrize("change", [
    {"kind": "hold", "days": 7, "reason": "nausea \ud800"},
    {"kind": "retime", "time": "08:00", "reason": "dreams", "override": "window\ud800"},
    {"kind": "pause", "until": "2027-01-10", "reason": "surgery", "opioid": "trama\ud800dol",
     "last_opioid_dose": "2026-12-25"},
    {"kind": "hold", "days": 7, "reason": "x", "colour\ud800": "blue"},
])
def test_a_lone_surrogate_in_an_adjustment_is_400_and_saves_nothing(api, store, change):
    plan_id = api.post("/api/v1/plans", json={"inputs": PLAN}).json()["plan_id"]
    raw = json.dumps({"based_on": 1, "adjustment": {"from": "2026-12-20", **change}})
    response = api.post(f"/api/v1/plans/{plan_id}/adjustments", content=raw, headers={"content-type": "application/json"})
    assert one_line_error(response, 400)["error"] == "input"
    assert [read_plan(row.plan_json).revision for row in store.revisions(plan_id)] == [1]
