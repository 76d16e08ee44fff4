"""A plan file edited by hand reads back as a valid plan or is refused in one line (InputError or
RefusedError): never any other exception, whatever the edit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from hypothesis import given, settings
from strategies import hand_edited

from titrate.core.engine import build_plan
from titrate.core.model import Override, Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError
from titrate.formats import plan_json as plan_io

GENERATED = datetime(2026, 11, 1, tzinfo=UTC)
_FIRST = build_plan(PROTOCOLS["classic"], Patient(label="Ann", medications=("Avonex",)), date(2026, 12, 1),
                    zone=load_zone("Europe/London"), generated_at=GENERATED)
_BACK = adjust(_FIRST, "step-back", date(2027, 1, 5), "flare", generated_at=GENERATED, days=21)
_MORNING = adjust(_BACK, "retime", date(2027, 2, 1), "dreams", generated_at=GENERATED, time=time(8),
                  overrides=(Override("window", "dreams"),))
_LOWER = adjust(_MORNING, "target", date(2027, 3, 1), "doing well", generated_at=GENERATED, dose_mg=Decimal("3"))
#: The first revision, and the fourth: adjustments, an override, cancelled days and a stop's event.
FILES = [plan_io.dumps(_FIRST),
         plan_io.dumps(adjust(_LOWER, "stop", date(2027, 4, 1), "no benefit", generated_at=GENERATED))]


@settings(max_examples=40)
@given(hand_edited(FILES[0]))
def test_an_edited_first_revision_is_a_plan_or_refused_in_one_line(text):
    _reads_or_refuses(text)


@settings(max_examples=40)
@given(hand_edited(FILES[1]))
def test_an_edited_revision_is_a_plan_or_refused_in_one_line(text):
    _reads_or_refuses(text)


def _reads_or_refuses(text: str) -> None:
    try:
        plan = plan_io.loads(text)
    except (InputError, RefusedError) as error:
        assert "\n" not in str(error)
        return
    assert plan_io.loads(plan_io.dumps(plan)) == plan
