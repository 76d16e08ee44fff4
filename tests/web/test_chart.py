"""The dose chart the pages show: the handout's chart, with the re-orders, the washout's end, the review
and a stop marked, and no text but dates, doses and fixed words."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

from titrate.formats.chart import plan_markers
from titrate.service.plans import adjust_plan, make_plan, parse_adjustment, parse_request
from titrate.web.chart import dose_chart

NOW = datetime(2026, 11, 20, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def plan_of(**fields):
    return make_plan(parse_request({"start": "2026-12-08", "time_zone": "UTC", **fields}), generated_at=NOW)


def labels(plan):
    return [text.text for text in ElementTree.fromstring(dose_chart(plan)).iter(f"{SVG}text")]


def test_the_chart_marks_the_review_the_washout_and_every_reorder():
    plan = plan_of(last_opioid_dose="2026-11-30", opioid="tramadol", label='<b>"Jane"</b>')
    marked = {(marker.kind, marker.date) for marker in plan_markers(plan)}
    assert {(event.kind.value, event.date) for event in plan.events if event.kind.value != "reorder"} <= marked
    assert {("reorder", refill.reorder_on) for refill in plan.refills} <= marked
    assert {"review", "opioid-free"} <= set(labels(plan))
    assert not any("Jane" in (label or "") for label in labels(plan))
    assert "1.5 mg" in labels(plan) and "target 4.5 mg" in labels(plan)


def test_a_stop_is_marked_and_no_review_is_not():
    plan = plan_of(no_review="yes")
    assert "review" not in labels(plan)
    stopped = adjust_plan(plan, parse_adjustment({"kind": "stop", "from": "2027-01-05", "reason": "moving"}),
                          generated_at=NOW)
    assert "stop" in labels(stopped)
