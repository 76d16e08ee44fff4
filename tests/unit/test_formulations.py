from datetime import date
from decimal import Decimal as D

import pytest

from titrate.core.formulations import Formulation, Portion, default_capsules
from titrate.core.refills import Supply, plan_refills
from titrate.errors import InputError


def amounts(formulation, dose):
    portions = formulation.measure(D(dose))
    return None if portions is None else formulation.amount_text(portions)


@pytest.mark.parametrize("strengths, dose, text", [
    (("1.5",), "4.5", "3 x 1.5 mg capsules"),
    (("3", "1.5"), "4.5", "1 x 3 mg capsule + 1 x 1.5 mg capsule"),
    (("3", "2"), "4", "2 x 2 mg capsules"),           # greedy (3 + ?) fails; fewest is 2 x 2
    (("4.5", "3", "1.5"), "3", "1 x 3 mg capsule"),
    (("1", "0.5"), "2.5", "2 x 1 mg capsules + 1 x 0.5 mg capsule"),
    (("1",), "1.5", None),
])
def test_capsules_are_the_fewest_whole_units(strengths, dose, text):
    assert amounts(Formulation("capsule", tuple(D(s) for s in strengths)), dose) == text


@pytest.mark.parametrize("form, concentration, dose, text", [
    ("liquid", "1", "4.5", "4.5 mL of 1 mg/mL liquid"),
    ("liquid", "2", "3", "1.5 mL of 2 mg/mL liquid"),
    ("liquid", "2", "1.5", None),                     # 0.75 mL: not measurable to 0.1 mL
    ("drops", "0.25", "1.5", "6 sublingual drops (0.25 mg/drop)"),
    ("drops", "0.2", "1.5", None),
    ("cream", "0.5", "1.5", "3 mL of 0.5 mg/mL cream"),
])
def test_liquids_drops_and_creams_measure_to_their_quantum(form, concentration, dose, text):
    assert amounts(Formulation(form, concentration_mg=D(concentration)), dose) == text


def test_hints_name_a_strength_or_concentration_that_works():
    doses = [D("1.5"), D("2"), D("2.5")]
    assert "adding 0.5 mg capsules would make every dose" in Formulation("capsule", (D("1"),)).what_would_work(doses)
    assert "0.5 mg/mL" in Formulation("liquid", concentration_mg=D("2")).what_would_work([D("1.25"), D("1.5")])


def test_default_capsules_are_one_of_each_level():
    formulation = default_capsules([D("1.5"), D("3"), D("4.5"), D("3")])
    assert formulation.strengths_mg == (D("4.5"), D("3"), D("1.5"))
    assert amounts(formulation, "3") == "1 x 3 mg capsule"


@pytest.mark.parametrize("kwargs", [
    {"form": "patch", "concentration_mg": D(1)}, {"form": "capsule"}, {"form": "liquid"},
    {"form": "capsule", "strengths_mg": (D("0.001"),)}, {"form": "liquid", "strengths_mg": (D(1),)},
])
def test_bad_formulations_are_input_errors(kwargs):
    with pytest.raises(InputError):
        Formulation(**kwargs)


def test_refills_cut_the_plan_into_fills_reordered_ahead():
    days = [(date(2026, 12, 1).fromordinal(date(2026, 12, 1).toordinal() + i), (Portion(D("1.5"), D(1)),))
            for i in range(65)]
    fills = plan_refills(days, Supply(supply_days=30, lead_days=7), "capsule")
    assert [(f.reorder_on, f.start, f.end, f.quantities) for f in fills] == [
        (date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 30), (Portion(D("1.5"), D(30)),)),
        (date(2026, 12, 24), date(2026, 12, 31), date(2027, 1, 29), (Portion(D("1.5"), D(30)),)),
        (date(2027, 1, 23), date(2027, 1, 30), date(2027, 2, 3), (Portion(D("1.5"), D(5)),)),
    ]


def test_liquid_fills_never_outlast_the_shelf_life():
    days = [(date(2027, 1, 1).fromordinal(date(2027, 1, 1).toordinal() + i), (Portion(D(1), D("1.5")),))
            for i in range(40)]
    fills = plan_refills(days, Supply(supply_days=30, shelf_life_days=14), "liquid")
    assert [f.days for f in fills] == [14, 14, 12]
    assert fills[0].quantities == (Portion(D(1), D("21")),)


@pytest.mark.parametrize("kwargs", [{"supply_days": 0}, {"lead_days": -1}, {"shelf_life_days": 400}])
def test_bad_supply_settings_are_input_errors(kwargs):
    with pytest.raises(InputError):
        Supply(**kwargs)
