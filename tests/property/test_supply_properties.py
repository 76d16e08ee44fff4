"""Formulations and refills as properties: exact amounts, every day covered, re-orders in time, and
liquid fills within their shelf life."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from math import gcd

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import hundredths, protocols, start_dates

from titrate.core.engine import build_plan
from titrate.core.formulations import Formulation
from titrate.core.model import Patient
from titrate.core.refills import Supply
from titrate.core.wallclock import load_zone
from titrate.errors import RefusedError

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)

supplies = st.builds(Supply, supply_days=st.integers(1, 90), lead_days=st.integers(0, 21),
                     shelf_life_days=st.integers(1, 60))
CONCENTRATIONS = [Decimal(x) for x in ("2", "1", "0.5", "0.25", "0.1", "0.05", "0.01")]


def common_strength(doses) -> Decimal:
    hundredths_ = [int(dose * 100) for dose in doses]
    return Decimal(gcd(*hundredths_)) / 100


@st.composite
def measurable_formulations(draw: st.DrawFn, doses) -> Formulation | None:
    """A formulation that can measure every one of `doses`: capsules that include a common strength,
    or a concentration that divides them all; or None, titrate's default."""
    form = draw(st.sampled_from(["default", "capsule", "liquid", "cream", "drops"]))
    if form == "default":
        return None
    if form == "capsule":
        extra = draw(st.lists(hundredths("0.25", "4.5"), max_size=2))
        return Formulation("capsule", (common_strength(doses), *extra))
    working = [mg for mg in CONCENTRATIONS
               if all(Formulation(form, concentration_mg=mg).measure(dose) for dose in doses)]
    return Formulation(form, concentration_mg=draw(st.sampled_from(working)))


@st.composite
def plans(draw: st.DrawFn):
    protocol = draw(protocols())
    formulation = draw(measurable_formulations(list(protocol.levels())))
    return build_plan(protocol, Patient(), draw(start_dates), zone=load_zone("UTC"), generated_at=GENERATED,
                      days=draw(st.integers(1, 200)), formulation=formulation, supply=draw(supplies))


@given(protocols(), st.lists(hundredths("0.25", "4.5"), min_size=1, max_size=3), start_dates)
def test_strengths_that_cannot_make_a_dose_are_refused_with_one_that_would(protocol, strengths, start):
    levels = list(protocol.levels())
    chosen = Formulation("capsule", tuple(strengths))
    assume(any(chosen.measure(dose) is None for dose in levels))
    with pytest.raises(RefusedError) as refused:
        build_plan(protocol, Patient(), start, zone=load_zone("UTC"), generated_at=GENERATED, formulation=chosen)
    assert refused.value.rule_id == "amount"
    suggested = Decimal(re.search(r"adding (\S+) mg capsules", str(refused.value)).group(1))
    fixed = Formulation("capsule", (*strengths, suggested))
    assert all(fixed.measure(dose) is not None for dose in levels)


@given(plans())
def test_units_always_add_up_exactly_to_the_dose(plan):
    quantum = {"capsule": 1, "drops": 1, "liquid": Decimal("0.1"), "cream": Decimal("0.1")}[plan.formulation.form]
    for day in plan.days:
        assert sum(portion.mg for portion in day.dispense) == day.dose_mg
        assert all(portion.quantity > 0 and portion.quantity % quantum == 0 for portion in day.dispense)
        assert day.amount == plan.formulation.amount_text(day.dispense)


@given(plans())
def test_every_day_is_covered_by_a_fill_that_started_on_or_before_it(plan):
    for day in plan.days:
        (fill,) = [refill for refill in plan.refills if refill.start <= day.date <= refill.end]
        assert fill.start <= day.date


@given(plans())
def test_every_reorder_is_at_least_lead_days_before_the_previous_fill_runs_out(plan):
    lead = timedelta(days=plan.supply.lead_days)
    assert plan.refills[0].reorder_on <= plan.start - lead
    for previous, refill in zip(plan.refills, plan.refills[1:]):
        runs_out = previous.end + timedelta(days=1)  # the first day without supply
        assert refill.reorder_on <= runs_out - lead


@given(plans())
def test_liquid_fills_never_outlive_the_shelf_life(plan):
    if plan.formulation.form == "liquid":
        assert all(refill.days <= plan.supply.shelf_life_days for refill in plan.refills)
    assert all(refill.days <= plan.supply.supply_days for refill in plan.refills)


@given(plans())
def test_fills_hold_exactly_what_their_days_take(plan):
    total = {}
    for day in plan.days:
        for portion in day.dispense:
            total[portion.mg_per_unit] = total.get(portion.mg_per_unit, 0) + portion.quantity
    filled = {}
    for refill in plan.refills:
        for portion in refill.quantities:
            filled[portion.mg_per_unit] = filled.get(portion.mg_per_unit, 0) + portion.quantity
    assert filled == total
