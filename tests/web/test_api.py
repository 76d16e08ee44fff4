"""The JSON API: the CLI's raw inputs in, the service's plan out; errors as 4xx JSON naming the field or rule."""

from __future__ import annotations

import json

import pytest
from conftest import NOW, SECRET
from fastapi.testclient import TestClient
from ics_reading import parse

from titrate.service.plans import make_plan, parse_request, write_plan
from titrate.web.views import download_formats

INPUTS = {"start": "2026-12-01", "time_zone": "America/New_York", "label": "Ann Lee", "protocol": "gentle",
          "medications": ["Copaxone"], "dose_time": "21:30"}


@pytest.fixture
def api(app):
    """An API client that authenticates with the secret as a bearer token, not a cookie."""
    return TestClient(app, headers={"authorization": f"Bearer {SECRET}"})


def create(api, inputs=INPUTS, **body):
    return api.post("/api/v1/plans", json={"inputs": inputs, **body})


def assert_clean_error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["message"] and "Traceback" not in response.text and 'File "' not in response.text
    return body


def test_create_makes_the_same_plan_as_the_service_from_the_same_raw_inputs(api):
    response = create(api)
    assert response.status_code == 201
    body = response.json()
    expected = make_plan(parse_request(INPUTS), generated_at=NOW)
    assert body["plan"] == json.loads(write_plan(expected))
    assert body["plan_id"] == expected.plan_id and body["revision"] == 1 and body["patient_id"] == 1


def test_a_preview_saves_nothing(api, store):
    response = api.post("/api/v1/previews", json={"inputs": INPUTS})
    assert response.status_code == 200 and response.json()["plan"]["inputs"]["patient"]["label"] == "Ann Lee"
    assert response.json()["patient_id"] is None
    assert store.patients() == []


def test_patients_and_revisions_are_listed(api):
    plan_id = create(api).json()["plan_id"]
    create(api, {**INPUTS, "start": "2027-01-04"}, patient_id=1)
    assert [p["label"] for p in api.get("/api/v1/patients").json()] == ["Ann Lee"]
    assert api.get("/api/v1/patients?q=nobody").json() == []
    patient = api.get("/api/v1/patients/1").json()
    assert patient["label"] == "Ann Lee" and plan_id in patient["plans"] and len(patient["plans"]) == 2
    (revision,) = api.get(f"/api/v1/plans/{plan_id}/revisions").json()
    assert revision["revision"] == 1 and revision["change"] == "created"


def test_a_revision_comes_in_every_format(api):
    plan_id = create(api).json()["plan_id"]
    for name, _, _ in download_formats():
        response = api.get(f"/api/v1/plans/{plan_id}/revisions/1?format={name}")
        assert response.status_code == 200 and response.content, name
    calendar = parse(api.get(f"/api/v1/plans/{plan_id}/revisions/1?format=ics").text)
    assert len([e for e in calendar.events if "LDN" in e.summary and "mg" in e.summary]) > 0
    assert api.get(f"/api/v1/plans/{plan_id}/revisions/1").json()["plan_id"] == plan_id
    assert api.get("/api/v1/formats").json()[0].keys() == {"name", "about", "extension"}


@pytest.mark.parametrize("inputs, field", [
    ({**INPUTS, "start": "2026-13-01"}, "start"),
    ({**INPUTS, "time_zone": "Europe/Lndon"}, "time_zone"),
    ({**INPUTS, "colour": "blue"}, "colour"),
    ({**INPUTS, "every": "1e3"}, "every"),
    ({**INPUTS, "every": "\u0661\u0664"}, "every"),          # Arabic-Indic 14
    ({**INPUTS, "target": "NaN"}, "target"),
    ({**INPUTS, "target": "-0"}, "target"),
    ({**INPUTS, "target": "1e999999"}, "target"),
    ({**INPUTS, "target": "4.505"}, "target"),
])
def test_bad_input_is_400_naming_the_field(api, inputs, field):
    body = assert_clean_error(create(api, inputs), 400)
    assert body["error"] == "input" and body["field"] == field


@pytest.mark.parametrize("inputs, field", [
    ({**INPUTS, "start": "2025-11-01"}, "start"),            # more than a year before the clock (2026-11-20)
    ({k: v for k, v in INPUTS.items() if k != "label"}, "label"),
    ({**INPUTS, "target": "0"}, "target"),
])
def test_input_as_the_schema_says_that_the_service_cannot_plan_from_is_422_naming_the_field(api, inputs, field):
    body = assert_clean_error(create(api, inputs), 422)
    assert body["error"] == "input" and body["field"] == field


def test_a_lone_surrogate_in_a_label_is_400_naming_the_field(api):
    raw = json.dumps({"inputs": INPUTS}).replace('"Ann Lee"', '"A\\ud800n"')  # JSON's escape, as a client sends it
    assert "\\ud800" in raw
    response = api.post("/api/v1/plans", content=raw.encode(), headers={"content-type": "application/json"})
    body = assert_clean_error(response, 400)
    assert body["error"] == "input" and body["field"] == "label"


@pytest.mark.parametrize("inputs, rule, overridable", [
    ({**INPUTS, "medications": ["tramadol"]}, "opioid", False),
    ({**INPUTS, "conditions": ["hepatitis C"]}, "liver", True),
    ({**INPUTS, "target": "6"}, "ceiling", False),
])
def test_a_refusal_is_422_naming_the_rule(api, store, inputs, rule, overridable):
    body = assert_clean_error(create(api, inputs), 422)
    assert (body["error"], body["rule"], body["overridable"]) == ("refused", rule, overridable)
    assert store.patients() == []


def test_malformed_requests_are_4xx_json(api):
    assert assert_clean_error(api.post("/api/v1/plans", json={"inputs": 3}), 400)["field"] == "inputs"
    assert assert_clean_error(api.post("/api/v1/plans", json={"inputs": INPUTS, "extra": 1}), 400)["field"] == "extra"
    assert_clean_error(api.post("/api/v1/plans", content=b"{not json", headers={"content-type": "application/json"}),
                       400)
    form = api.post("/api/v1/plans", data={"inputs": "x"})
    assert_clean_error(form, 415)  # a cross-site HTML form cannot send JSON


def test_missing_things_are_404_json(api):
    plan_id = create(api).json()["plan_id"]
    assert_clean_error(api.get("/api/v1/patients/9"), 404)
    assert_clean_error(api.get("/api/v1/plans/nope/revisions"), 404)
    assert_clean_error(api.get(f"/api/v1/plans/{plan_id}/revisions/2"), 404)
    assert assert_clean_error(api.get(f"/api/v1/plans/{plan_id}/revisions/1?format=exe"), 400)["field"] == "format"
    assert_clean_error(api.get("/api/v1/nothing-here"), 404)
    assert_clean_error(create(api, patient_id=9), 404)


def test_a_plan_id_taken_is_409(api):
    create(api, {**INPUTS, "plan_id": "ann-1"})
    body = assert_clean_error(create(api, {**INPUTS, "plan_id": "ann-1", "label": "Other"}), 409)
    assert body["error"] == "conflict"


def test_an_unexpected_failure_is_a_500_without_a_stack_trace(api, store, monkeypatch):
    def broken(*_args):
        raise RuntimeError("disk on fire at /secret/path")
    monkeypatch.setattr(store, "patients", broken)
    response = api.get("/api/v1/patients")
    assert_clean_error(response, 500)
    assert "/secret/path" not in response.text and "disk on fire" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    page = TestClient(api.app, headers={"authorization": f"Bearer {SECRET}"}).get("/")
    assert page.status_code == 500 and "disk on fire" not in page.text


def test_the_openapi_schema_is_served_locally_and_no_docs_page_pulls_a_cdn(api):
    schema = api.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/plans", "/api/v1/plans/{plan_id}/revisions", "/api/v1/plans/{plan_id}/revisions/{revision}"} <= set(paths)
    assert not any(path.startswith(("/plans", "/patients")) for path in paths)  # pages stay out of the API
    for docs in ("/docs", "/redoc", "/api/v1/docs"):
        assert api.get(docs).status_code == 404


def test_the_api_saves_a_new_plan_only_as_revision_one(api, store):
    """It saved a plan at any revision given: a revision 2 with no revision 1 for the phone to replace."""
    refused = api.post("/api/v1/plans", json={"inputs": {**INPUTS, "plan_id": "ann-1", "revision": 2}})
    assert refused.status_code == 422, refused.text
    assert refused.json() | {"message": ""} == {"error": "refused", "rule": "revision", "overridable": False,
                                                "message": ""}
    assert "a new plan is revision 1 (got 2)" in refused.json()["message"]
    assert store.patients() == []
    assert api.post("/api/v1/plans", json={"inputs": {**INPUTS, "plan_id": "ann-1"}}).status_code == 201
    for revision in ("2", "3"):  # not even the next one: that is a re-plan
        taken = api.post("/api/v1/plans", json={"inputs": {**INPUTS, "plan_id": "ann-1", "revision": int(revision)}})
        assert taken.status_code == 409 and taken.json()["latest"] == 1, taken.text
        assert f"re-plan or adjust it to make revision 2 (got revision {revision})" in taken.json()["message"]
    assert [row.revision for row in store.revisions("ann-1")] == [1]


def test_a_method_not_allowed_is_405_naming_the_methods_allowed(api):
    response = api.delete("/api/v1/plans")
    assert_clean_error(response, 405)
    assert response.headers["allow"] == "POST"


def test_every_error_status_an_operation_answers_with_is_in_the_schema_with_the_error_body(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    create_answers = paths["/api/v1/plans"]["post"]["responses"]
    assert {"400", "403", "404", "409", "411", "413", "415", "422"} <= set(create_answers)
    assert create_answers["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    inputs = api.get("/api/v1/openapi.json").json()["components"]["schemas"]["PlanFields"]["properties"]
    assert "enum" in str(inputs["time_zone"]) and "Europe/London" in str(inputs["time_zone"])
