"""The dose chart: a step line through every level, the review marked, and no text but dates and doses."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone

from titrate.service import make_plan, parse_request
from titrate.web.chart import HEIGHT, dose_chart

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
SVG = "{http://www.w3.org/2000/svg}"


def chart_of(**fields):
    plan = make_plan(parse_request({"start": "2026-12-01", "time_zone": "UTC", **fields}), generated_at=NOW)
    return plan, ElementTree.fromstring(dose_chart(plan))


def test_the_line_climbs_through_every_level_and_ends_at_the_target():
    plan, svg = chart_of(label='<b>"Jane"</b>')
    points = [tuple(map(float, p.split(","))) for p in svg.find(f"{SVG}polyline").get("points").split()]
    heights = sorted({y for _, y in points}, reverse=True)  # lower on screen is a lower dose
    assert len(heights) == 3 and points[-1][1] == heights[-1]  # 1.5, 3 and 4.5 mg; ends at 4.5
    assert [x for x, _ in points] == sorted(x for x, _ in points)  # never runs backwards in time
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"1.5", "3", "4.5"} <= set(labels) and "review 27 Feb" in labels
    assert not any("Jane" in (label or "") for label in labels)
    assert all(0 <= y <= HEIGHT for _, y in points)


def test_no_review_draws_no_review_line():
    _, svg = chart_of(no_review="yes")
    assert not any(re.match(r"review", t.text or "") for t in svg.iter(f"{SVG}text"))
