"""Re-planning a saved plan from its page and through the API (issue 19, point 3): the form starts from the
plan's inputs, and saving makes the service's re-plan (as `titrate plan --revises`): the next revision of the
same id, superseding it, whose calendar cancels every day and event the new plan lacks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from conftest import JANE_FORM, SECRET
from fastapi.testclient import TestClient
from ics_reading import merged_view
from test_pages import saved_plan_url

from titrate.core.record import replace
from titrate.service.plans import read_plan

#: A plan that uses every kind of input the form has, so that each must come back into the re-plan form.
EVERY_INPUT = {**JANE_FORM, "protocol": "gentle", "every": "2w", "target": "3", "spasticity": "on",
               "days": "20w", "review_after": "2m", "dose_time": "20:30",
               "override_window": "vivid dreams; evening dose agreed", "form": "liquid", "concentration": "0.5",
               "supply_days": "28", "lead_days": "5", "shelf_life_days": "21", "last_opioid_dose": "2026-11-15",
               "opioid": "tramadol", "washout_days": "10"}
CUSTOM_STEPS = 'name = "slow-ms"\nnote = "slower"\n[[steps]]\ndose_mg = 1.5\ndays = 10\n[[steps]]\ndose_mg = 3\n'


class FormValues(HTMLParser):
    """What a browser submits for the page's plan form, untouched: text inputs, hidden fields, checked
    boxes, each select's chosen option and each text area."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.action = ""
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "form":
            self._in_form = found.get("id") == "plan-form"
            self.action = found["action"] if self._in_form else self.action
        elif not self._in_form:
            return
        elif tag == "input" and found.get("type") == "checkbox":
            if "checked" in found:
                self.values[found["name"]] = "on"
        elif tag == "input" and found.get("type") != "file":
            self.values[found["name"]] = found.get("value") or ""
        elif tag == "select":
            self._select = found["name"]
        elif tag == "option" and self._select and (self._select not in self.values or "selected" in found):
            self.values[self._select] = found["value"]
        elif tag == "textarea":
            self._textarea = found["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        self._select = None if tag == "select" else self._select
        self._textarea = None if tag == "textarea" else self._textarea

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def submit(client, page: str, action: str, **changes) -> object:
    form = FormValues(page)
    data = {**form.values, **changes, "action": action}
    return client.post(form.action, data={k: v for k, v in data.items() if v is not None}, follow_redirects=False)


def replan(client, plan_id: str, **changes):
    """Open the re-plan form, change what is given, preview, then save what the preview showed."""
    form = client.get(f"/plans/{plan_id}/replan")
    assert form.status_code == 200
    preview = submit(client, form.text, "preview", **changes)
    assert preview.status_code == 200, preview.text
    return submit(client, preview.text, "save")


def saved_id(client, **form) -> str:
    return saved_plan_url(client, **form).rsplit("/", 1)[1]


def revisions(store, plan_id):
    return [read_plan(row.plan_json) for row in store.revisions(plan_id)]


def local(moment: datetime, zone: str) -> datetime:
    """A calendar event's start as the patient's wall clock (a UTC time read in the zone)."""
    if moment.tzinfo is not None and moment.utcoffset() == timedelta(0):
        return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return moment.replace(tzinfo=None)


# The page -----------------------------------------------------------------------------------------

def test_the_latest_revision_offers_a_re_plan_and_an_older_one_does_not(client, store):
    plan_id = saved_id(client)
    assert f'href="/plans/{plan_id}/replan"' in client.get(f"/plans/{plan_id}").text
    assert replan(client, plan_id, start="2026-12-08").status_code == 303
    assert f'href="/plans/{plan_id}/replan"' not in client.get(f"/plans/{plan_id}/revisions/1").text
    assert client.get("/plans/nope/replan").status_code == 404


@pytest.mark.parametrize("form", [JANE_FORM, EVERY_INPUT, {**JANE_FORM, "protocol_file_text": CUSTOM_STEPS},
                                  {**JANE_FORM, "protocol_file_text": CUSTOM_STEPS.replace(
                                      '"slow-ms"', '"slow \\"ms\\" \\\\ \U0001f600"')},
                                  {**JANE_FORM, "protocol": "low-start", "first_dose": "1", "step": "1",
                                   "every": "10", "until": "2027-04-30", "no_review": "on", "strengths": "0.5; 1"}],
                         ids=["defaults", "every input", "custom steps", "custom steps, a name to escape",
                              "tuned, until a date"])
def test_the_re_plan_form_holds_the_plans_inputs_so_saving_it_unchanged_makes_the_same_days(client, store, form):
    plan_id = saved_id(client, **form)
    response = replan(client, plan_id)
    assert response.status_code == 303 and response.headers["location"] == f"/plans/{plan_id}/revisions/2"
    old, new = revisions(store, plan_id)
    assert (new.plan_id, new.revision, new.supersedes) == (plan_id, 2, 1)
    assert replace(new.inputs, replanned=()) == old.inputs
    assert new.days == old.days and new.events == old.events and not new.cancelled


def test_a_re_plan_with_a_later_start_is_the_next_revision_and_the_phone_shows_exactly_it(client, store):
    plan_id = saved_id(client)
    response = replan(client, plan_id, start="2027-01-04")
    assert response.status_code == 303
    old, new = revisions(store, plan_id)
    assert (new.revision, new.supersedes, new.start.isoformat()) == (2, 1, "2027-01-04")
    assert new.patient == old.patient and new.protocol == old.protocol
    assert "re-planned" in store.revision(plan_id).change
    page = client.get(response.headers["location"]).text
    assert "What changed since revision 1" in page and f'href="/plans/{plan_id}/revisions/1"' in page
    assert "2026-12-01 to 2026-12-14 (14 days): removed" in page  # the days the new start drops, in the diff
    calendars = [client.get(f"/plans/{plan_id}/revisions/{n}/files/ics").text for n in (1, 2)]
    held = merged_view(*calendars)
    doses = sorted(local(e.dtstart, new.time_zone) for e in held.values() if isinstance(e.dtstart, datetime))
    assert [(m.date(), m.time()) for m in doses] == [(day.date, day.time) for day in new.days]
    assert sorted(e.uid for e in held.values() if not isinstance(e.dtstart, datetime)) == sorted(
        f"{plan_id}-{event.key}@titrate" for event in new.events)
    assert min(m.date() for m in doses).isoformat() == "2027-01-04"  # none of the old December doses is left


def test_a_re_plan_in_another_zone_and_protocol_leaves_none_of_the_old_doses(client, store):
    plan_id = saved_id(client)
    assert replan(client, plan_id, time_zone="America/Santiago", protocol="gentle").status_code == 303
    _, new = revisions(store, plan_id)
    held = merged_view(*(client.get(f"/plans/{plan_id}/revisions/{n}/files/ics").text for n in (1, 2)))
    doses = sorted(local(e.dtstart, new.time_zone) for e in held.values() if isinstance(e.dtstart, datetime))
    assert [(m.date(), m.time()) for m in doses] == [(day.date, day.time) for day in new.days]


def test_a_re_plan_previews_first_and_a_refusal_sits_beside_its_field(client, store):
    plan_id = saved_id(client)
    page = client.get(f"/plans/{plan_id}/replan").text
    preview = submit(client, page, "preview", start="2027-01-04")
    assert preview.status_code == 200 and "Save as revision 2" in preview.text
    refused = submit(client, page, "preview", target="6")
    assert refused.status_code == 422 and "Refused by rule <code>ceiling</code>" in refused.text
    unseen = submit(client, preview.text, "save", start="2027-01-11")  # changed after the preview
    assert unseen.status_code == 200 and "nothing was saved" in unseen.text
    assert [p.revision for p in revisions(store, plan_id)] == [1]


def test_a_re_plan_of_a_revision_no_longer_the_latest_is_409_and_keeps_the_form(client, store):
    plan_id = saved_id(client)
    first = submit(client, client.get(f"/plans/{plan_id}/replan").text, "preview", start="2027-01-04")
    second = submit(client, client.get(f"/plans/{plan_id}/replan").text, "preview", start="2027-02-01")
    assert submit(client, first.text, "save").status_code == 303
    stale = submit(client, second.text, "save")
    assert stale.status_code == 409 and "changed while you were editing" in stale.text
    assert 'value="2027-02-01"' in stale.text and 'name="based_on" value="2"' in stale.text
    assert [p.revision for p in revisions(store, plan_id)] == [1, 2]
    again = submit(client, submit(client, stale.text, "preview").text, "save")
    assert again.status_code == 303
    assert [(p.revision, p.start.isoformat()) for p in revisions(store, plan_id)][-1] == (3, "2027-02-01")


def test_a_re_plan_then_an_adjustment_then_a_re_plan_each_follow_the_last(client, store):
    plan_id = saved_id(client)
    assert replan(client, plan_id, start="2026-12-08").status_code == 303
    form = client.get(f"/plans/{plan_id}/adjust").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    adjusted = client.post(f"/plans/{plan_id}/adjust", follow_redirects=False, data={
        "csrf": csrf, "based_on": "2", "kind": "hold", "from": "2026-12-20", "days": "7", "reason": "nausea"})
    assert adjusted.status_code == 303
    assert replan(client, plan_id, start="2026-12-15").status_code == 303
    assert [(p.revision, p.supersedes) for p in revisions(store, plan_id)] == [(1, None), (2, 1), (3, 2), (4, 3)]


# The API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(app):
    return TestClient(app, headers={"authorization": f"Bearer {SECRET}"})


INPUTS = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Ann Lee"}


def test_the_api_re_plans_as_the_next_revision_and_returns_the_diff(api, store):
    plan_id = api.post("/api/v1/plans", json={"inputs": INPUTS}).json()["plan_id"]
    response = api.post(f"/api/v1/plans/{plan_id}/replans",
                        json={"based_on": 1, "inputs": {**INPUTS, "start": "2027-01-04", "label": ""}})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["plan_id"], body["revision"], body["plan"]["supersedes"]) == (plan_id, 2, 1)
    assert body["plan"]["inputs"]["patient"]["label"] == "Ann Lee"  # the patient's label is kept
    assert body["diff"]["days"] and body["diff"] == api.get(f"/api/v1/plans/{plan_id}/diff?old=1&new=2").json()
    old, new = revisions(store, plan_id)
    calendars = [api.get(f"/api/v1/plans/{plan_id}/revisions/{n}?format=ics").text for n in (1, 2)]
    held = merged_view(*calendars)
    doses = sorted(local(e.dtstart, new.time_zone) for e in held.values() if isinstance(e.dtstart, datetime))
    assert [(m.date(), m.time()) for m in doses] == [(day.date, day.time) for day in new.days]
    assert {day.date for day in old.days} - {day.date for day in new.days} <= {c.date for c in new.cancelled}


@pytest.mark.parametrize("body, status, key, value", [
    ({"based_on": 2, "inputs": INPUTS}, 404, "error", "not-found"),
    ({"based_on": 1, "inputs": {**INPUTS, "plan_id": "another"}}, 422, "field", "plan_id"),
    ({"based_on": 1, "inputs": {**INPUTS, "revision": "5"}}, 400, "field", "revision"),
    ({"based_on": 1, "inputs": {**INPUTS, "target": "6"}}, 422, "rule", "ceiling"),
    ({"based_on": 1, "inputs": INPUTS, "extra": 1}, 400, "field", "extra"),
])
def test_the_api_refuses_a_bad_re_plan_naming_the_field_and_saves_nothing(api, store, body, status, key, value):
    plan_id = api.post("/api/v1/plans", json={"inputs": INPUTS}).json()["plan_id"]
    response = api.post(f"/api/v1/plans/{plan_id}/replans", json=body)
    assert response.status_code == status and response.json()[key] == value, response.text
    assert "\n" not in response.json()["message"]
    assert [p.revision for p in revisions(store, plan_id)] == [1]


def test_the_api_answers_a_stale_re_plan_with_409(api, store):
    plan_id = api.post("/api/v1/plans", json={"inputs": INPUTS}).json()["plan_id"]
    assert api.post(f"/api/v1/plans/{plan_id}/replans", json={"based_on": 1, "inputs": INPUTS}).status_code == 201
    stale = api.post(f"/api/v1/plans/{plan_id}/replans", json={"based_on": 1, "inputs": INPUTS})
    assert stale.status_code == 409 and stale.json()["latest"] == 2 and stale.json()["error"] == "conflict"
    assert [p.revision for p in revisions(store, plan_id)] == [1, 2]
    assert api.post("/api/v1/plans/nope/replans", json={"based_on": 1, "inputs": INPUTS}).status_code == 404


def test_user_text_is_escaped_on_the_re_plan_pages(client, store):
    steps = CUSTOM_STEPS.replace('"slow-ms"', '"<b>slow</b>"')
    plan_id = saved_id(client, label="<script>alert(1)</script>", protocol_file_text=steps)
    form = client.get(f"/plans/{plan_id}/replan").text
    assert "<script>alert" not in form and "&lt;script&gt;alert(1)&lt;/script&gt;" in form
    assert "<b>slow</b>" not in form and "&lt;b&gt;slow&lt;/b&gt;" in form  # in the kept protocol file text
    response = replan(client, plan_id, start="2026-12-08")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "re-planned: from 2026-12-08, Europe/London, &lt;b&gt;slow&lt;/b&gt;" in page and "<b>slow" not in page
