"""The service layer: one way from raw inputs to a plan, whatever the shell."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from titrate.core.record import fields
from titrate.errors import InputError, RefusedError
from titrate.service.plans import (
    PlanRequest,
    make_plan,
    parse_date,
    parse_request,
    read_plan,
    render_plan,
    write_plan,
)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [" 2026-12-01 ", "2026-12-01\n"])
def test_a_date_is_yyyy_mm_dd_around_spaces(text):
    assert parse_date(text, field="start") == date(2026, 12, 1)


@pytest.mark.parametrize("text", ["20261201", "2026-1-01", "2026-12-1", "2026/12/01", "2026-12-01T00", "+2026-12-01",
                                  "2026-W49-2", "2026-12-0\u0661", "２０２６-１２-０１", "2026-12-01 1", ""])
def test_a_date_in_any_other_shape_is_refused(text):
    """date.fromisoformat alone would take some of these (20261201, 2026-W49-2)."""
    with pytest.raises(InputError, match="not a date as YYYY-MM-DD"):
        parse_date(text, field="start")


def test_text_fields_parse_like_the_command_line():
    request = parse_request({
        "start": "2026-12-01", "time_zone": "Europe/London", "dose_time": "21:30", "target": "3",
        "conditions": "multiple sclerosis", "medications": ["Copaxone", "vitamin D"], "strengths": "1.5; 3",
        "overrides": "window: vivid dreams", "every": "10", "spasticity": "no", "label": "", "days": "40",
    })
    assert request == PlanRequest(
        start=date(2026, 12, 1), time_zone="Europe/London", dose_time=time(21, 30), target=Decimal("3"),
        conditions=("multiple sclerosis",), medications=("Copaxone", "vitamin D"),
        strengths=(Decimal("1.5"), Decimal("3")), overrides=(("window", "vivid dreams"),), every=10,
        spasticity=False, days=40)


@pytest.mark.parametrize("raw, field", [
    ({"start": "2026-02-30"}, "start"),
    ({"start": "２０２６-12-01"}, "start"),
    ({"dose_time": "25:00"}, "dose_time"),
    ({"every": "-3"}, "every"),
    ({"every": "1e3"}, "every"),
    ({"target": "4,5"}, "target"),
    ({"overrides": "liver"}, "overrides"),
    ({"spasticity": "maybe"}, "spasticity"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"colour": "blue"}, "colour"),
])
def test_a_bad_field_is_named(raw, field):
    with pytest.raises(InputError) as caught:
        parse_request(raw)
    assert caught.value.field == field


def test_make_plan_needs_a_start_and_a_zone():
    with pytest.raises(InputError) as caught:
        make_plan(PlanRequest(time_zone="UTC"), generated_at=NOW)
    assert caught.value.field == "start"
    with pytest.raises(InputError) as caught:
        make_plan(PlanRequest(start=date(2026, 12, 1)), generated_at=NOW)
    assert caught.value.field == "time_zone"
    plan = make_plan(PlanRequest(start=date(2026, 12, 1)), generated_at=NOW, default_zone="Asia/Tokyo")
    assert plan.time_zone == "Asia/Tokyo"


def test_a_refusal_names_the_rule_and_whether_it_can_be_overridden():
    base = PlanRequest(start=date(2026, 12, 1), time_zone="UTC")
    with pytest.raises(RefusedError) as caught:
        make_plan(PlanRequest(**{**_fields(base), "dose_time": time(8, 0)}), generated_at=NOW)
    assert (caught.value.rule, caught.value.overridable) == ("window", True)
    assert "--" not in caught.value.detail  # the core never names a command-line flag
    with pytest.raises(RefusedError) as caught:
        make_plan(PlanRequest(**{**_fields(base), "medications": ("tramadol",)}), generated_at=NOW)
    assert (caught.value.rule, caught.value.overridable) == ("opioid", False)


def test_a_rule_overridden_twice_is_refused():
    request = PlanRequest(start=date(2026, 12, 1), time_zone="UTC",
                          overrides=(("window", "a"), (" window", "b")), dose_time=time(8, 0))
    with pytest.raises(InputError) as caught:
        make_plan(request, generated_at=NOW)
    assert caught.value.field == "override"


def test_render_and_read_back():
    plan = make_plan(PlanRequest(start=date(2026, 12, 1), time_zone="UTC", days=3), generated_at=NOW)
    assert read_plan(write_plan(plan)) == plan
    rendered = render_plan(plan, "ics")
    assert rendered.media_type.startswith("text/calendar") and rendered.extension == "ics"
    assert rendered.content.startswith(b"BEGIN:VCALENDAR\r\n")
    with pytest.raises(InputError) as caught:
        render_plan(plan, "docx")
    assert caught.value.field == "format"


def _fields(request: PlanRequest) -> dict:
    return {name: getattr(request, name) for name in fields(PlanRequest)}


def test_make_plan_with_a_previous_plan_re_plans_it_and_refuses_a_conflicting_id_or_revision():
    old = make_plan(PlanRequest(start=date(2026, 12, 1), time_zone="Europe/London"), generated_at=NOW)
    later = PlanRequest(start=date(2026, 12, 15), time_zone="Europe/London")
    new = make_plan(later, generated_at=NOW, previous=old)
    assert (new.plan_id, new.revision, new.supersedes) == (old.plan_id, 2, 1)
    assert {c.key for c in new.cancelled} == {d.key for d in old.days if d.date < date(2026, 12, 15)} | {
        e.key for e in old.events if e.key not in {n.key for n in new.events}}
    with pytest.raises(InputError) as caught:
        make_plan(PlanRequest(**{**_fields(later), "plan_id": "other"}), generated_at=NOW, previous=old)
    assert caught.value.field == "plan_id"
    with pytest.raises(InputError) as caught:
        make_plan(PlanRequest(**{**_fields(later), "revision": 5}), generated_at=NOW, previous=old)
    assert caught.value.field == "revision"
