"""Every page through the framework's TestClient: what a clinician sees, and what is saved."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from conftest import JANE_FORM, csrf_of
from ics_reading import parse

from titrate.core.record import fields
from titrate.core.rules import OVERRIDABLE
from titrate.formats import FORMATS
from titrate.service.plans import PlanRequest, read_plan
from titrate.web import forms
from titrate.web.views import download_formats


def post_plan(client, action="preview", csrf=None, files=None, **changes):
    values = {**JANE_FORM, **changes}
    data = {key: value for key, value in values.items() if value is not None}
    data |= {"csrf": csrf or csrf_of(client.get("/patients/new").text), "action": action}
    return client.post("/plans", data=data, files=files, follow_redirects=False)


def save_after_preview(client, csrf=None, **changes):
    """Preview, then save what the preview showed, as a clinician does."""
    preview = post_plan(client, csrf=csrf, **changes)
    assert preview.status_code == 200, preview.text
    previewed = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.text).group(1)
    return post_plan(client, "save", csrf=csrf, previewed=previewed, **changes)


def saved_plan_url(client, **changes) -> str:
    response = save_after_preview(client, **changes)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def field_box(html: str, name: str) -> str:
    """The HTML of one field's box on the form, from its opening to the next field's."""
    start = html.rindex("<div", 0, html.index(f'id="field-{name}"'))
    following = html.find('<div class="field', start + 1)
    return html[start: following if following != -1 else None]


def test_the_patient_list_is_empty_at_first_and_offers_a_new_patient(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "No patients yet" in page.text and 'href="/patients/new"' in page.text
    assert "titrate supports a clinician" in page.text  # the disclaimer is on every page


def test_the_new_plan_form_offers_every_plan_option(client):
    page = client.get("/patients/new").text
    for name in forms.FIELDS:
        assert f'name="{name}"' in page, name
    for rule in OVERRIDABLE:
        assert f'name="override_{rule}"' in page, rule
    texts = {"overrides", "patient_file_text", "protocol_file_text"}  # reason boxes and uploaded files
    requested = set(fields(PlanRequest)) - texts
    assert requested <= set(forms.FIELDS), requested - set(forms.FIELDS)
    assert set(forms.FILE_FIELDS.values()) == texts - {"overrides"} and set(forms.FILE_FIELDS) <= set(forms.FIELDS)
    assert 'value="Europe/London"' in field_box(page, "time_zone")  # the machine's zone is the default
    assert "2 mg for 7 days, 2.5 mg for 7 days" in field_box(page, "protocol")  # protocols shown as steps


def test_a_preview_of_a_past_start_warns_that_the_days_before_today_are_history(client):
    page = post_plan(client, start="2026-11-15")  # the clock says 2026-11-20
    assert page.status_code == 200 and "the days before today are history" in page.text


def test_a_preview_shows_chart_steps_and_warnings_and_saves_nothing(client, store):
    page = post_plan(client)
    assert page.status_code == 200
    assert "<svg" in page.text and 'class="chart"' in page.text
    assert "interferon" in page.text and "zorblaxin" in page.text and "not screened" in page.text
    steps = page.text[page.text.index('class="levels"'):]
    assert re.search(r"1\.5 mg.*?2026-12-01.*?2026-12-14.*?3 mg.*?2026-12-15.*?4\.5 mg.*?2026-12-29", steps, re.S)
    assert 'value="save"' in page.text
    assert store.patients() == []


def test_saving_stores_the_service_plan_and_shows_it_with_downloads(client, store):
    url = saved_plan_url(client)
    (patient,) = store.patients()
    assert patient.label == "Jane Doe"
    (saved,) = store.plans_of(patient.id)
    assert url == f"/plans/{saved.plan_id}"
    plan = read_plan(store.revision(saved.plan_id).plan_json)
    assert plan.patient.medications == ("Avonex", "zorblaxin") and plan.time_zone == "Europe/London"
    assert plan.start == date(2026, 12, 1) and plan.revision == 1
    page = client.get(url)
    assert page.status_code == 200
    for name, _, _ in download_formats():
        assert f"/plans/{saved.plan_id}/revisions/1/files/{name}" in page.text
    assert "<svg" in page.text and "interferon" in page.text
    assert client.get(f"{url}/revisions/1").text == page.text


def test_the_patient_page_shows_the_facts_and_plans_and_starts_the_next_plan(client, store):
    saved_plan_url(client, overrides=None, conditions="multiple sclerosis\nhepatitis C",
                   override_liver="hepatologist agrees; LFTs monthly")
    (patient,) = store.patients()
    page = client.get(f"/patients/{patient.id}").text
    for fact in ("Europe/London", "22:00", "hepatitis C", "Avonex", "hepatologist agrees; LFTs monthly"):
        assert fact in page
    form = client.get(f"/patients/{patient.id}/plans/new").text
    assert "hepatitis C" in field_box(form, "conditions")
    assert "hepatologist agrees" in field_box(form, "conditions")
    assert 'value="Jane Doe"' in field_box(form, "label") and "readonly" in field_box(form, "label")
    later = save_after_preview(client, csrf=csrf_of(form), patient_id=str(patient.id), label="Someone Else",
                               start="2027-03-01", conditions="multiple sclerosis\nhepatitis C",
                               override_liver="agreed")
    assert later.status_code == 303
    assert len(store.patients()) == 1 and len(store.plans_of(patient.id)) == 2
    assert read_plan(store.revision(store.plans_of(patient.id)[0].plan_id).plan_json).patient.label == "Jane Doe"


def test_only_what_the_preview_showed_is_saved(client, store):
    preview = post_plan(client)
    previewed = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.text).group(1)
    for token, changes in ((None, {}), ("0" * 64, {}), (previewed, {"target": "3"}), (previewed, {"label": "X"})):
        response = post_plan(client, "save", previewed=token, **changes)
        assert response.status_code == 200 and "nothing was saved" in response.text, (token, changes)
        assert 'name="previewed"' in response.text  # the new preview can be saved next
    assert store.patients() == []
    assert post_plan(client, "save", previewed=previewed).status_code == 303


def test_search_finds_patients_by_any_part_of_the_label(client):
    saved_plan_url(client, label="Jane Doe")
    saved_plan_url(client, label="John Smith", start="2026-12-02")
    saved_plan_url(client, label="100% cotton", start="2026-12-03")
    assert "John Smith" in client.get("/?q=smith").text and "Jane Doe" not in client.get("/?q=smith").text
    both = client.get("/?q=J").text
    assert "Jane Doe" in both and "John Smith" in both
    assert "No patient matches" in client.get("/?q=100_").text  # LIKE wildcards are literal
    assert "100% cotton" in client.get("/?q=100%25").text


def test_an_overridable_refusal_names_the_rule_beside_the_field_and_offers_a_reason(client, store):
    page = post_plan(client, conditions="multiple sclerosis\nhepatitis C")
    assert page.status_code == 422
    box = field_box(page.text, "conditions")
    assert "has-error" in box and "Refused by rule <code>liver</code>" in box and "hepatitis C" in box
    assert re.search(r'<details class="override" open>\s*<summary>Override rule <code>liver</code>', box)
    assert "No preview" in page.text and 'value="save"' not in page.text
    accepted = post_plan(client, conditions="multiple sclerosis\nhepatitis C", override_liver="hepatologist agrees")
    assert accepted.status_code == 200
    assert "Override" in accepted.text and "hepatologist agrees" in accepted.text
    assert store.patients() == []


def test_every_overridable_rule_has_its_reason_box_beside_a_field():
    assert set(forms.OVERRIDE_BESIDE) == set(OVERRIDABLE) == set(forms.OVERRIDE_EXAMPLES)
    assert set(forms.OVERRIDE_BESIDE.values()) <= set(forms.FIELDS)


def test_a_full_dose_antagonist_is_refused_beside_the_medications_until_overridden(client):
    page = post_plan(client, medications="Revia 50 mg")
    assert page.status_code == 422
    box = field_box(page.text, "medications")
    assert "Refused by rule <code>antagonist</code>" in box
    assert re.search(r'<details class="override" open>\s*<summary>Override rule <code>antagonist</code>', box)
    assert post_plan(client, medications="Revia 50 mg", override_antagonist="switching to LDN").status_code == 200


def test_a_refusal_that_cannot_be_overridden_offers_no_reason_box(client):
    page = post_plan(client, medications="Avonex\nTylenol with codeine #3")
    assert page.status_code == 422
    box = field_box(page.text, "medications")
    assert "Refused by rule <code>opioid</code>" in box
    assert "override_opioid" not in box and '<details class="override" open>' not in box


@pytest.mark.parametrize("changes, field", [
    ({"start": "2026-02-30"}, "start"),
    ({"start": ""}, "start"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"dose_time": "25:00"}, "dose_time"),
    ({"every": "3"}, "step"),  # rule gradual: held under 7 days
    ({"target": "6"}, "target"),  # rule ceiling
    ({"form": "capsule", "concentration": "1"}, "concentration"),
    ({"label": ""}, "label"),
    ({"supply_days": "many"}, "supply_days"),
])
def test_an_input_error_appears_beside_its_field(client, changes, field):
    page = post_plan(client, **changes)
    assert page.status_code == 422
    assert "has-error" in field_box(page.text, field), field
    assert 'role="alert"' in field_box(page.text, field)


def test_a_patient_file_is_read_and_kept_across_previews(client):
    text = 'label = "File Patient"\nmedications = ["Copaxone"]\ntime_zone = "America/New_York"\n'
    page = post_plan(client, label=None, time_zone=None, files={"patient_file": ("p.toml", text.encode())})
    assert page.status_code == 200, page.text
    assert "File Patient" in page.text and "Copaxone" in page.text and "America/New_York" in page.text
    assert "A file is loaded" in field_box(page.text, "patient_file")
    kept = re.search(r'<textarea name="patient_file_text" hidden>(.*?)</textarea>', page.text, re.S).group(1)
    assert "Copaxone" in kept
    bad = post_plan(client, files={"patient_file": ("p.toml", b"colour = 'blue'\n")})
    assert bad.status_code == 422 and "has-error" in field_box(bad.text, "patient_file")


def test_a_plan_id_already_saved_is_refused_beside_the_plan_id(client):
    saved_plan_url(client, plan_id="jane-2026")
    again = save_after_preview(client, plan_id="jane-2026", label="Other Person")
    assert again.status_code == 422
    assert "already saved" in field_box(again.text, "plan_id")


def test_user_text_is_escaped_on_every_page(client, store):
    label = '<script>alert("x")</script> & Co'
    url = saved_plan_url(client, label=label, medications='<img src=x onerror=alert(1)>')
    (patient,) = store.patients()
    for path in ("/", f"/patients/{patient.id}", url, f"{url}/history", f"/patients/{patient.id}/plans/new"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;" in page, path


def test_downloads_are_named_safely_after_the_patient_and_revision(client):
    url = saved_plan_url(client, label='Jöhn "O\'Brien" ../../etc')
    for name, _, extension in download_formats():
        response = client.get(f"{url}/revisions/1/files/{name}")
        assert response.status_code == 200, name
        disposition = response.headers["content-disposition"]
        filename = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+)"', disposition).group(1)
        assert filename.startswith("john-o-brien-etc_") and "_r1" in filename
        assert filename.endswith("." + extension)
        assert ".." not in filename and "/" not in filename
    names = [client.get(f"{url}/revisions/1/files/{name}").headers["content-disposition"]
             for name, _, _ in download_formats()]
    assert len(set(names)) == len(names)  # table, order and explain are all .txt: each is named apart


def test_the_calendar_download_parses_to_the_plans_days(client, store):
    url = saved_plan_url(client)
    response = client.get(f"{url}/revisions/1/files/ics")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = parse(response.text)
    doses = sorted(event.dtstart.date() for event in calendar.events if isinstance(event.dtstart, datetime))
    plan = read_plan(store.revision(url.rsplit("/", 1)[1]).plan_json)
    assert doses == [day.date for day in plan.days]
    assert doses[0] == date(2026, 12, 1) and doses[-1] - doses[0] == timedelta(days=len(plan.days) - 1)


def test_an_unknown_format_or_missing_thing_is_a_clear_error(client):
    url = saved_plan_url(client)
    assert client.get(f"{url}/revisions/1/files/exe").status_code == 400
    assert client.get(f"{url}/revisions/2").status_code == 404
    assert client.get("/plans/nope").status_code == 404
    assert client.get("/patients/99").status_code == 404
    assert client.get("/patients/99/plans/new").status_code == 404
    missing = client.get("/plans/nope/history")
    assert missing.status_code == 404 and "Traceback" not in missing.text and "Not found" in missing.text


def test_every_format_the_service_renders_is_offered():
    from titrate.web.views import importable

    offered = [name for name, _, _ in download_formats()]
    assert offered == [name for name in FORMATS if name != "pdf" or importable("weasyprint")]
    # the list is the registry's, labels and all: only a format whose extra is missing is left out
    assert download_formats() == [(name, spec.about, spec.extension) for name, spec in FORMATS.items()
                                  if spec.extra is None or importable(spec.extra.module)]
    assert {"ics", "html", "fhir", "json", "csv", "md"} <= set(offered)


def test_pdf_is_offered_only_where_weasyprint_imports(monkeypatch):
    from titrate.web import views

    assert views.importable("no_such_module_here") is False and views.importable("json") is True
    for works in (False, True):
        monkeypatch.setattr(views, "importable", lambda module, works=works: module == "weasyprint" and works)
        assert ("pdf" in [name for name, _, _ in download_formats()]) == works


def test_the_history_lists_every_revision(client, store):
    url = saved_plan_url(client)
    page = client.get(f"{url}/history")
    assert page.status_code == 200 and "Revision 1" in page.text and "created" in page.text


def test_a_washout_sets_the_earliest_start_and_a_refusal_sits_beside_the_start(client):
    washout = {"last_opioid_dose": "2026-11-28", "opioid": "tramadol", "washout_days": "10"}
    early = post_plan(client, **washout)
    assert early.status_code == 422
    assert "Refused by rule <code>washout</code>" in field_box(early.text, "start") and "2026-12-08" in early.text
    page = post_plan(client, **washout, start="2026-12-08")
    assert page.status_code == 200 and "tramadol" in page.text


def test_the_review_can_be_moved_or_left_out(client):
    assert "review with the clinician on 2027-02-27" in post_plan(client).text  # 60 days at 4.5 mg from 12-29
    assert "review with the clinician on 2027-01-28" in post_plan(client, review_after="30").text
    assert "review with the clinician" not in post_plan(client, no_review="on").text


def test_custom_steps_come_from_a_protocol_file(client):
    steps = b'name = "slow-ms"\nnote = "slower"\n[[steps]]\ndose_mg = 1.5\ndays = 10\n[[steps]]\ndose_mg = 3\n'
    page = post_plan(client, files={"protocol_file": ("slow.toml", steps)})
    assert page.status_code == 200, page.text
    levels = page.text[page.text.index('class="levels"'):]
    assert re.search(r"1\.5 mg.*?2026-12-01.*?2026-12-10.*?3 mg.*?2026-12-11", levels, re.S)
    assert "A file is loaded" in field_box(page.text, "protocol_file")
    tuned = post_plan(client, step="0.5", files={"protocol_file": ("slow.toml", steps)})
    assert tuned.status_code == 422 and "has-error" in field_box(tuned.text, "protocol_file")


@pytest.mark.parametrize("until, last", [("+3m", "2027-02-28"), ("+12w", "2027-02-22"), ("+90", "2027-02-28"),
                                         ("2027-03-15", "2027-03-15")])
def test_until_takes_a_date_or_a_length_from_the_start_as_the_cli_does(client, store, until, last):
    """Issue 19, point 4: `+3m` from every door; a date picker could not take it, so the field is text."""
    box = field_box(client.get("/patients/new").text, "until")
    assert 'type="text"' in box and "+3m" in box
    assert saved_plan_url(client, until=until)
    (row,) = store.revisions(store.plans_of(1)[0].plan_id)
    assert str(read_plan(row.plan_json).days[-1].date) == last  # 2026-12-01 + 3 months is 2027-03-01, exclusive


def test_an_until_that_is_neither_a_date_nor_a_length_is_shown_beside_it(client):
    page = post_plan(client, until="+3x")
    assert page.status_code == 422 and "has-error" in field_box(page.text, "until")
    assert "a length from the start like +3w or +3m (got &#39;+3x&#39;)" in field_box(page.text, "until")


def test_a_new_plan_form_cannot_save_a_later_revision(client, store):
    """A later revision saved as a new plan would be a calendar update that cancels nothing the phone holds."""
    response = save_after_preview(client, revision="3")
    assert response.status_code == 422
    assert "Refused by rule <code>revision</code>" in field_box(response.text, "revision")
    assert store.patients() == []
