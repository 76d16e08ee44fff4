"""Golden files: each renderer's exact bytes for two plans, read by eye whenever they change.

Run with UPDATE_GOLDEN=1 to rewrite them, then read the diff before committing.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from titrate.core.engine import build_plan
from titrate.core.formulations import Formulation
from titrate.core.model import Override, Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.refills import Supply
from titrate.core.wallclock import load_zone
from titrate.formats import render

GOLDEN = Path(__file__).parent / "golden"
GENERATED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
HOSTILE_LABEL = '=HYPERLINK("http://x") | *Ann* <b>O\'Neil</b>, "Jr"\nline two'

PLANS = {
    "classic-london": build_plan(PROTOCOLS["classic"], Patient(label="Jane Doe"), date(2026, 12, 1),
                                 zone=load_zone("Europe/London"), generated_at=GENERATED),
    "nuuk-hostile": build_plan(PROTOCOLS["gentle"], Patient(label=HOSTILE_LABEL, spasticity=True),
                               date(2026, 3, 20), zone=load_zone("America/Nuuk"), dose_time=time(23, 30),
                               generated_at=GENERATED, days=16),
    "berlin-morning-overrides": build_plan(
        PROTOCOLS["classic"],
        Patient(label="K. Müller", conditions=("Hepatitis C", "multiple sclerosis"),
                medications=("Rebif", "Copaxone", "=1+1 | *zorblaxin*")),
        date(2027, 3, 20), zone=load_zone("Europe/Berlin"), dose_time=time(8, 0), generated_at=GENERATED, days=40,
        formulation=Formulation("liquid", concentration_mg=Decimal("1")), supply=Supply(supply_days=30, lead_days=10,
                                                                                        shelf_life_days=14),
        overrides=(Override("liver", "hepatologist agrees; LFTs normal, 2027-03-01"),
                   Override("window", "persistent vivid dreams on evening doses")),
    ),
}
EXTENSIONS = {"table": "txt", "csv": "csv", "json": "json", "md": "md", "ics": "ics", "explain": "explain.txt",
              "order": "order.txt", "html": "html", "fhir": "fhir.json"}
CASES = [(name, fmt) for name in PLANS for fmt in EXTENSIONS]


@pytest.mark.parametrize("name, fmt", CASES)
def test_renderer_matches_its_golden_file(name, fmt):
    path = GOLDEN / f"{name}.{EXTENSIONS[fmt]}"
    rendered = render(PLANS[name], fmt).encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(rendered)
    assert rendered == path.read_bytes()


@pytest.mark.parametrize("fmt", EXTENSIONS)
def test_rendering_twice_gives_the_same_bytes(fmt):
    plan = PLANS["nuuk-hostile"]
    assert render(plan, fmt) == render(plan, fmt)


def _course():
    """A short course: a step back after a flare, then a stop, so the calendar cancels the dropped days."""
    from titrate.core.revise import adjust

    first = build_plan(PROTOCOLS["classic"], Patient(label="Jane Doe"), date(2026, 12, 1),
                       zone=load_zone("Europe/London"), generated_at=GENERATED, days=40)
    back = adjust(first, "step-back", date(2026, 12, 20), "flare: leg stiffness", generated_at=GENERATED, days=7)
    return back, adjust(back, "stop", date(2027, 1, 5), "patient's choice", generated_at=GENERATED)


def test_the_diff_and_the_cancelled_calendar_match_their_golden_files():
    from titrate.core.diff import diff
    from titrate.formats.diff import render_diff_json, render_diff_text

    back, stopped = _course()
    for name, rendered in (("course-stopped.ics", render(stopped, "ics")),
                           ("course-stopped.diff.txt", render_diff_text(diff(back, stopped))),
                           ("course-stopped.diff.json", render_diff_json(diff(back, stopped)))):
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_bytes(rendered.encode("utf-8"))
        assert rendered.encode("utf-8") == path.read_bytes(), name
