"""The supply rule's plan check reads each fill's own days: a fill that holds a neighbour's is refused."""

from datetime import UTC, date, datetime

import pytest

from titrate.core.record import replace
from titrate.core.refills import total_quantities
from titrate.core.rules import enforce_plan
from titrate.errors import RefusedError
from titrate.service.plans import PlanRequest, make_plan

# Classic, fills of 20 days: fill 2 (days 21-40) holds 3 mg and 4.5 mg capsules, so a window one day off
# holds a different count of each.
PLAN = make_plan(PlanRequest(start=date(2026, 12, 1), time_zone="UTC", supply_days=20, days=56),
                 generated_at=datetime(2026, 11, 1, tzinfo=UTC))


@pytest.mark.parametrize("shift", [-1, 1])
def test_a_fill_holding_the_days_next_to_its_own_is_refused(shift):
    assert len(PLAN.refills) == 3
    first = 20 + shift
    wrong = replace(PLAN.refills[1], quantities=total_quantities(d.dispense for d in PLAN.days[first:first + 20]))
    assert wrong.quantities != PLAN.refills[1].quantities
    with pytest.raises(RefusedError, match="fill 2 does not hold what its days take") as refused:
        enforce_plan(replace(PLAN, refills=(PLAN.refills[0], wrong, PLAN.refills[2])))
    assert refused.value.rule == "supply"


def test_the_last_fill_may_end_with_the_plan():
    enforce_plan(PLAN)
    assert PLAN.refills[-1].end == PLAN.end and PLAN.refills[-1].days == 16
