"""Each rule: its data, and its plan check on hand-made breaches (as a hand-edited plan file would be)."""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from titrate.core.engine import build_plan
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.refills import plan_refills
from titrate.core.rules import FAWCETT, LABEL, LDNRT_TITRATION, LDNRT_TYPES, RULES, VERYWELL, enforce_plan
from titrate.core.wallclock import Window, load_zone
from titrate.errors import RefusedError

PLAN = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 12, 1), zone=load_zone("UTC"),
                  generated_at=datetime(2026, 11, 25, tzinfo=UTC))


def consistent(plan, days):
    """`plan` with `days`, each dose's amount and the fills remade to match (as a careful hand edit would),
    so that only the rule under test can object."""
    measured = []
    for day in days:
        portions = plan.formulation.measure(day.dose_mg) or day.dispense
        measured.append(replace(day, dispense=portions, amount=plan.formulation.amount_text(portions)))
    refills = plan_refills([(day.date, day.dispense) for day in measured], plan.supply, plan.formulation.form)
    return replace(plan, days=tuple(measured), refills=refills)


def with_day(index, **changes):
    days = list(PLAN.days)
    days[index] = replace(days[index], **changes)
    return consistent(PLAN, days)


def test_every_rule_has_an_id_a_statement_and_a_published_source():
    assert [rule.id for rule in RULES] == ["opioid", "liver", "start", "ceiling", "spasticity", "gradual",
                                           "window", "amount", "supply", "washout", "review", "revision",
                                           "antagonist", "opioid-implied", "peripheral-opioid", "antispasticity",
                                           "interferon", "glatiramer", "pregnancy", "unscreened"]
    for rule in RULES:
        assert rule.statement.endswith(".")
        # a published reference first: the seed article, the LDN Research Trust, the label, a study
        assert rule.source.startswith((VERYWELL, LDNRT_TITRATION, LDNRT_TYPES, LABEL, FAWCETT)), rule.source
    assert [rule.id for rule in RULES if rule.overridable] == ["liver", "spasticity", "window", "antagonist"]


@pytest.mark.parametrize("edited, rule, where", [
    (with_day(0, dose_mg=Decimal("2")), "start", "2026-12-01 (day 1) is 2 mg"),
    (with_day(40, dose_mg=Decimal("6")), "ceiling", "2027-01-10 (day 41) is 6 mg"),
    (with_day(14, dose_mg=Decimal("3.5")), "gradual", "rises 2 mg at once"),
    (with_day(3, dose_mg=Decimal("3")), "gradual", "held 3 days"),
    (with_day(5, time=time(20)), "window", "2026-12-06 (day 6) is at 20:00"),
    (with_day(5, window=Window(20 * 60, 23 * 60)), "window",
     "2026-12-06 (day 6) has the window 20:00-23:00, not 21:00-24:00"),
    (replace(PLAN, window=Window(8 * 60, 9 * 60)), "window", "window 08:00-09:00"),
    (replace(PLAN, inputs=replace(PLAN.inputs, patient=Patient(spasticity=True))), "spasticity",
     "2026-12-29 (day 29) is 4.5 mg"),
])
def test_a_breaking_plan_is_refused_naming_the_rule_and_the_day(edited, rule, where):
    with pytest.raises(RefusedError) as refused:
        enforce_plan(edited)
    assert refused.value.rule_id == rule
    assert where in str(refused.value)


def test_the_built_plan_passes_every_rule():
    enforce_plan(PLAN)


def test_a_one_day_step_back_then_straight_back_up_is_a_gradual_breach():
    with pytest.raises(RefusedError, match="rises to 3 mg after 1.5 mg was held 1 days") as refused:
        enforce_plan(with_day(20, dose_mg=Decimal("1.5")))
    assert refused.value.rule_id == "gradual"


def test_a_rise_to_a_new_level_counts_the_hold_from_the_last_new_level():
    days = list(PLAN.days)
    days[20] = replace(days[20], dose_mg=Decimal("1.5"))
    days[21:28] = [replace(day, dose_mg=Decimal("4.5")) for day in days[21:28]]
    with pytest.raises(RefusedError, match="rises 3 mg at once"):
        enforce_plan(consistent(PLAN, days))


def test_an_amount_that_does_not_add_up_is_refused():
    days = list(PLAN.days)
    days[3] = replace(days[3], amount="2 x 1.5 mg capsules")
    says = r"2026-12-04 \(day 4\): the amount '2 x 1.5 mg capsules' does not match"
    with pytest.raises(RefusedError, match=says) as refused:
        enforce_plan(replace(PLAN, days=tuple(days)))
    assert refused.value.rule_id == "amount"


def test_a_late_reorder_or_a_gap_in_the_fills_is_refused():
    late = replace(PLAN.refills[1], reorder_on=PLAN.refills[1].start)
    with pytest.raises(RefusedError, match="fill 2 is re-ordered on 2026-12-31, less than 7 days") as refused:
        enforce_plan(replace(PLAN, refills=(PLAN.refills[0], late)))
    assert refused.value.rule_id == "supply"
    with pytest.raises(RefusedError, match="the fills end on 2026-12-30"):
        enforce_plan(replace(PLAN, refills=PLAN.refills[:1]))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_no_rule_cites_a_file_of_titrates_development(rule):
    # explain shows the source to a clinician: it must be something they can look up, not a repo file
    assert not re.search(r"domain|design|\.md\b|\.py\b|\.toml\b|shared/|titrate/|tests/|[A-Za-z0-9_]+/[A-Za-z0-9_]+\.",
                         rule.source, re.IGNORECASE), rule.source
