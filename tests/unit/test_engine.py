import re
import sys
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from titrate.core.engine import build_plan, derive_plan_id, sha256_hex
from titrate.core.model import Patient, Phase, is_plan_id
from titrate.core.protocols import PROTOCOLS, tune
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError

GENERATED = datetime(2026, 11, 25, 8, tzinfo=UTC)
START = date(2026, 12, 1)


def plan(protocol="classic", patient=Patient(), time_zone="Europe/London", **kwargs):
    return build_plan(PROTOCOLS[protocol], patient, START, zone=load_zone(time_zone), generated_at=GENERATED, **kwargs)


def doses(built):
    return [str(day.dose_mg) for day in built.days]


MAINTENANCE_DAYS = 90  # response is judged after 2-3 months at the target (domain.md, review)


def test_classic_is_14_days_each_of_1_5_3_and_4_5_then_90_at_target():
    built = plan()
    assert doses(built) == ["1.5"] * 14 + ["3.0"] * 14 + ["4.5"] * MAINTENANCE_DAYS
    assert built.days[-1].date == date(2027, 3, 28)  # day 118 = 28 + 90 days from 2026-12-01
    assert [day.phase for day in built.days].index(Phase.MAINTENANCE) == 28
    assert [day.cause for day in built.days[12:16]] == ["step 1", "step 1", "step 2", "step 2"]
    # the review: 60 days at the target (from 2026-12-29)
    assert [(e.key, e.date) for e in built.events if e.kind.value == "review"] == [("review", date(2027, 2, 27))]


def test_gentle_adds_half_a_milligram_a_week():
    levels = sorted({day.dose_mg for day in plan("gentle").days})
    assert levels == [Decimal(x) for x in ("1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5")]


def test_low_start_starts_at_half_a_milligram():
    built = plan("low-start")
    assert built.days[0].dose_mg == Decimal("0.5") and built.days[7].dose_mg == Decimal("1.0")
    assert len(built.days) == 8 * 7 + MAINTENANCE_DAYS


def test_spasticity_without_a_target_caps_at_3_mg_and_says_why():
    built = plan(patient=Patient(spasticity=True))
    assert max(day.dose_mg for day in built.days) == Decimal("3")
    assert built.target_mg == Decimal("3")
    assert [note.rule for note in built.notes] == ["spasticity", "review"]


def test_spasticity_with_an_explicit_target_above_3_is_refused():
    with pytest.raises(RefusedError, match="spasticity") as refused:
        plan(patient=Patient(spasticity=True), target_mg=Decimal("4.5"))
    assert refused.value.rule_id == "spasticity"


def test_spasticity_with_an_explicit_target_of_3_is_planned():
    assert plan(patient=Patient(spasticity=True), target_mg=Decimal("3")).target_mg == Decimal("3")


def test_a_target_below_the_first_dose_starts_at_the_target():
    assert doses(plan(target_mg=Decimal("1"), days=3)) == ["1"] * 3


def test_a_step_that_overshoots_the_target_stops_at_it():
    tuned = tune("classic", step_mg=Decimal("1"))
    built = build_plan(tuned, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED)
    assert sorted({str(day.dose_mg) for day in built.days}) == ["1.5", "2.5", "3.5", "4.5"]
    assert "customised" in tuned.summary


def test_until_and_days_set_the_length():
    assert len(plan(until=date(2026, 12, 10)).days) == 10
    assert len(plan(days=5).days) == 5


def test_a_short_plan_notes_that_it_ends_before_the_target():
    built = plan(days=10)
    assert any(note.rule == "gradual" and "before the target" in note.message for note in built.notes)


@pytest.mark.parametrize("kwargs, says", [
    ({"until": date(2026, 11, 30)}, "before the start date"),
    ({"days": 0}, "1 to 3660 days"),
    ({"days": 3661}, "1 to 3660 days"),
    ({"days": 3, "until": date(2026, 12, 9)}, "not both"),
    ({"time_zone": "Nowhere/City"}, "unknown time zone"),
    ({"plan_id": "bad id!"}, "plan id"),
])
def test_bad_requests_are_input_errors(kwargs, says):
    with pytest.raises(InputError, match=says):
        plan(**kwargs)


def test_plan_id_is_derived_from_label_and_start_and_stable():
    assert plan(patient=Patient(label="A")).plan_id == derive_plan_id("A", START)
    assert derive_plan_id("A", START) != derive_plan_id("B", START) != derive_plan_id("A", date(2026, 12, 2))


@pytest.mark.parametrize("data", [b"", b"Jane Doe\n2026-12-01", "Zoë\n2027-01-04".encode(), bytes(range(256)) * 9])
def test_the_plan_ids_sha256_is_sha256_whichever_implementation_loads(data, monkeypatch):
    """The id's digest comes from CPython's own SHA-256 module when there is one (hashlib loads OpenSSL,
    which costs start-up time), else from hashlib: both give hashlib's digest."""
    import hashlib

    expected = hashlib.sha256(data).hexdigest()
    assert sha256_hex(data) == expected
    for private in ("_sha256", "_sha2"):
        monkeypatch.setitem(sys.modules, private, None)  # as if the interpreter had no such module
    assert sha256_hex(data) == expected


def test_dose_time_is_kept_as_local_wall_clock_across_the_spring_change():
    built = build_plan(PROTOCOLS["classic"], Patient(), date(2027, 3, 20), zone=load_zone("Europe/Berlin"),
                       generated_at=GENERATED, dose_time=time(21, 30), days=20)
    assert {day.time for day in built.days} == {time(21, 30)}
    assert built.time_zone == "Europe/Berlin"


def test_an_ambiguous_dose_time_is_the_first_of_the_two():
    # America/Santiago went back from 24:00 to 23:00 on 2000-03-11: 23:00 happened twice.
    built = build_plan(PROTOCOLS["classic"], Patient(), date(2000, 3, 10), zone=load_zone("America/Santiago"),
                       generated_at=GENERATED, dose_time=time(23, 0, fold=1), days=3)
    assert all(day.time.fold == 0 for day in built.days) and built.dose_time.fold == 0


def test_a_dose_time_with_seconds_or_a_zone_is_bad_input():
    for bad in (time(22, 0, 30), time(22, tzinfo=UTC)):
        with pytest.raises(InputError, match="wall-clock hour and minute"):
            plan(dose_time=bad)


@given(st.text(alphabet=st.sampled_from(list("aZ09._- !/\n\u00e9\u0661\uff10")), max_size=70))
@example("a" * 64)
@example("a" * 65)
@example("-a")
@example("a\n")
def test_a_plan_id_is_what_its_pattern_says(text):
    """is_plan_id checks without a regular expression what this one says (fullmatch: a trailing new line
    does not pass either)."""
    assert is_plan_id(text) == bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", text))
