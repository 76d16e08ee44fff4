"""Every rule check against plans and requests the engine would never build: days, fills, events,
findings, overrides and request fields tampered with `titrate.core.record.replace`. Each check is tried just
inside and just outside its limit, so that moving a limit, flipping a comparison or deleting a check
fails a test (tests/mutation/run.sh shows which changes no test notices)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from titrate.core.engine import build_plan
from titrate.core.formulations import Formulation, Portion
from titrate.core.model import (
    Adjustment,
    AdjustmentKind,
    Event,
    EventKind,
    Finding,
    Override,
    Patient,
    Protocol,
    Step,
    Washout,
)
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.refills import plan_refills
from titrate.core.rules import (
    CEILING_MG,
    FIRST_DOSE_MAX_MG,
    HOLD_MIN_DAYS,
    OVERRIDABLE,
    RULES_BY_ID,
    SPASTICITY_MAX_MG,
    STEP_MAX_MG,
    Request,
    check_overrides,
    enforce_formulation,
    enforce_plan,
    enforce_request,
)
from titrate.core.wallclock import EVENING_WINDOW, Window, load_zone
from titrate.errors import InputError, RefusedError

GENERATED = datetime(2026, 11, 25, tzinfo=UTC)
START = date(2026, 12, 1)
PLAN = build_plan(PROTOCOLS["classic"], Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED)
CLASSIC = PROTOCOLS["classic"]
MG = Decimal


def breaches(rule_id, plan):
    return list(RULES_BY_ID[rule_id].check_plan(plan))


def request_breaches(rule_id, **changes):
    return list(RULES_BY_ID[rule_id].check_request(request(**changes)))


def request(**changes):
    base = Request(protocol=CLASSIC, planned=CLASSIC, target_mg=MG("4.5"), target_is_explicit=False,
                   patient=Patient(), dose_time=time(22), formulation=None)
    return replace(base, **changes)


def consistent(plan, days):
    """`plan` with `days`, amounts and fills remade to match, so only the rule under test objects."""
    formulation = Formulation("capsule", strengths_mg=(MG("0.01"),))
    measured = [replace(day, dispense=formulation.measure(day.dose_mg) or day.dispense) for day in days]
    measured = [replace(day, amount=formulation.amount_text(day.dispense)) for day in measured]
    refills = plan_refills([(day.date, day.dispense) for day in measured], plan.supply, formulation.form)
    return replace(plan, days=tuple(measured), refills=refills, formulation=formulation)


def with_doses(plan, changes):
    days = list(plan.days)
    for index, dose in changes.items():
        days[index] = replace(days[index], dose_mg=MG(dose))
    return consistent(plan, days)


def with_patient(plan, **facts):
    return replace(plan, inputs=replace(plan.inputs, patient=Patient(**facts)))


def with_overrides(plan, *rules):
    return replace(plan, inputs=replace(plan.inputs, overrides=tuple(Override(rule, "why") for rule in rules)))


def test_the_engine_built_plan_breaks_no_rule_and_the_helpers_keep_it_so():
    enforce_plan(PLAN)
    enforce_plan(consistent(PLAN, PLAN.days))


# --- start ---------------------------------------------------------------------------------------------

def test_start_allows_exactly_1_5_mg_on_day_one_and_refuses_more():
    assert breaches("start", with_doses(PLAN, {0: "1.5"})) == []
    assert breaches("start", with_doses(PLAN, {0: "1.51"})) == ["2026-12-01 (day 1) is 1.51 mg; the first dose is at "
                                                                 "most 1.5 mg"]
    assert breaches("start", with_doses(PLAN, {1: "1.51"})) == []  # only day 1 is the first dose


@pytest.mark.parametrize("first, refused", [("1.5", False), ("1.51", True), ("0.5", False)])
def test_start_checks_the_protocol_as_given_and_as_planned(first, refused):
    protocol = Protocol("p", (Step(MG(first), 14), Step(MG("3"), None)))
    for changes in ({"protocol": protocol}, {"planned": protocol}):
        found = request_breaches("start", **changes)
        assert bool(found) == refused
        if refused:
            assert found == [f"step 1 ({first} mg for 14 days) of protocol 'p' starts above 1.5 mg, the most a first "
                             "dose is"]


# --- ceiling -------------------------------------------------------------------------------------------

def test_ceiling_allows_4_5_mg_and_refuses_any_day_above():
    assert breaches("ceiling", with_doses(PLAN, {40: "4.5"})) == []
    assert breaches("ceiling", with_doses(PLAN, {40: "4.51", 41: "5"})) == [
        "2027-01-10 (day 41) is 4.51 mg, above the 4.5 mg ceiling", "2027-01-11 (day 42) is 5 mg, above the 4.5 mg "
                                                                   "ceiling"]


def test_ceiling_checks_the_target_and_every_step_of_a_request():
    assert request_breaches("ceiling", target_mg=CEILING_MG) == []
    assert request_breaches("ceiling", target_mg=MG("4.51")) == ["the target 4.51 mg is above the 4.5 mg ceiling"]
    high_step = Protocol("p", (Step(MG("1.5"), 7), Step(MG("4.51"), 7), Step(MG("4.5"), None)))
    assert request_breaches("ceiling", protocol=high_step) == [
        "step 2 (4.51 mg for 7 days) of protocol 'p' is above the 4.5 mg ceiling"]


# --- spasticity ----------------------------------------------------------------------------------------

def test_spasticity_caps_every_day_at_3_mg_for_a_patient_with_it():
    capped = with_patient(with_doses(PLAN, {i: "3" for i in range(28, len(PLAN.days))}), spasticity=True)
    assert breaches("spasticity", capped) == []
    over = with_patient(with_doses(PLAN, {i: "3" for i in range(28, len(PLAN.days))} | {50: "3.01"}),
                        spasticity=True)
    assert breaches("spasticity", over) == ["2027-01-20 (day 51) is 3.01 mg, above the 3 mg limit for a patient with "
                                            "spasticity"]
    assert breaches("spasticity", with_overrides(over, "spasticity")) == []
    assert breaches("spasticity", PLAN) == []  # 4.5 mg is fine without spasticity
    assert len(breaches("spasticity", with_patient(PLAN, conditions=("spastic paraparesis",)))) == len(PLAN.days) - 28


def test_spasticity_refuses_an_explicit_target_above_3_mg_unless_overridden():
    patient = Patient(spasticity=True)
    assert request_breaches("spasticity", patient=patient, target_mg=SPASTICITY_MAX_MG, target_is_explicit=True) == []
    assert request_breaches("spasticity", patient=patient, target_mg=MG("3.01"), target_is_explicit=True) == [
        "the target 3.01 mg is above the 3 mg limit for a patient with spasticity"]
    assert request_breaches("spasticity", patient=patient, target_mg=MG("4.5"), target_is_explicit=False) == []
    assert request_breaches("spasticity", patient=Patient(), target_mg=MG("4.5"), target_is_explicit=True) == []
    assert request_breaches("spasticity", patient=patient, target_mg=MG("4.5"), target_is_explicit=True,
                            overridden=frozenset({"spasticity"})) == []


# --- gradual -------------------------------------------------------------------------------------------

def test_gradual_allows_a_rise_of_exactly_1_5_mg_after_exactly_7_days():
    doses = {i: "1.5" for i in range(7)} | {i: "3" for i in range(7, 14)} | {i: "4.5" for i in range(14, 118)}
    assert breaches("gradual", with_doses(PLAN, doses)) == []


def test_gradual_refuses_a_rise_of_more_than_1_5_mg():
    assert breaches("gradual", with_doses(PLAN, {i: "3.01" for i in range(14, 28)})) == [
        "2026-12-15 (day 15) rises 1.51 mg at once (from 1.5 to 3.01 mg); at most 1.5 mg"]


def test_gradual_refuses_a_level_held_fewer_than_7_days():
    doses = {i: "3" for i in range(6, 14)}
    assert breaches("gradual", with_doses(PLAN, doses)) == [
        "2026-12-07 (day 7) rises to 3 mg after 1.5 mg was held 6 days; each level is held at least 7 days"]


def test_gradual_counts_the_hold_from_the_dose_before_each_rise_a_resume_included():
    # 1.5 (14 days), 3 (3 days), back to 1.5 for 7 days, then 3 again for 7 days, then 4.5
    doses = {i: "3" for i in range(14, 17)} | {i: "1.5" for i in range(17, 24)} | {i: "3" for i in range(24, 31)}
    doses |= {i: "4.5" for i in range(31, 118)}
    assert breaches("gradual", with_doses(PLAN, doses)) == []
    # back up to 3 mg after 6 days at 1.5 mg: a resume climbs again under gradual
    assert breaches("gradual", with_doses(PLAN, doses | {23: "3"})) == [
        "2026-12-24 (day 24) rises to 3 mg after 1.5 mg was held 6 days; each level is held at least 7 days"]
    assert breaches("gradual", with_doses(PLAN, doses | {30: "4.5"})) == [
        "2026-12-31 (day 31) rises to 4.5 mg after 3 mg was held 6 days; each level is held at least 7 days"]


def test_gradual_checks_each_step_of_a_request():
    ok = Protocol("p", (Step(MG("1.5"), HOLD_MIN_DAYS), Step(MG("1.5") + STEP_MAX_MG, None)))
    assert request_breaches("gradual", protocol=ok) == []
    steep = Protocol("p", (Step(MG("1.5"), 7), Step(MG("3.01"), None)))
    short = Protocol("p", (Step(MG("1.5"), 6), Step(MG("3"), None)))
    down = Protocol("p", (Step(MG("1.5"), 1), Step(MG("1"), None)))
    assert request_breaches("gradual", protocol=steep) == ["step 2 (3.01 mg from then on) of protocol 'p' rises "
                                                           "1.51 mg at once; at most 1.5 mg"]
    assert request_breaches("gradual", planned=short) == ["step 1 (1.5 mg for 6 days) of protocol 'p' is held 6 days "
                                                          "before a rise; each level is held at least 7 days"]
    assert request_breaches("gradual", protocol=down) == []
    level = Protocol("p", (Step(MG("1.5"), 3), Step(MG("1.5"), None)))  # the same dose again is no rise
    assert request_breaches("gradual", protocol=level) == []


# --- window --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clock, inside", [(time(21, 0), True), (time(23, 59), True), (time(20, 59), False),
                                           (time(0, 0), False), (time(8, 0), False)])
def test_window_takes_21_00_to_midnight(clock, inside):
    assert (request_breaches("window", dose_time=clock) == []) == inside
    days = list(PLAN.days)
    days[5] = replace(days[5], time=clock)
    found = breaches("window", replace(PLAN, days=tuple(days)))
    assert (found == []) == inside
    if not inside:
        assert found == [f"2026-12-06 (day 6) is at {clock:%H:%M}, outside 21:00-24:00"]
        assert request_breaches("window", dose_time=clock) == [
            f"the dose time {clock:%H:%M} is outside 21:00-24:00, the patient's local time (a clinician may move "
            "it, e.g. to the morning for persistent sleep problems)"]


def test_window_refuses_a_moved_window_on_a_day_or_the_plan_unless_overridden():
    days = list(PLAN.days)
    days[2] = replace(days[2], window=Window(21 * 60, 23 * 60))
    assert breaches("window", replace(PLAN, days=tuple(days))) == [
        "2026-12-03 (day 3) has the window 21:00-23:00, not 21:00-24:00"]
    assert breaches("window", replace(PLAN, window=Window(8 * 60, 11 * 60))) == [
        "the plan's window 08:00-11:00 is not the rule's 21:00-24:00"]
    assert breaches("window", with_overrides(replace(PLAN, window=Window(8 * 60, 11 * 60)), "window")) == []
    assert request_breaches("window", dose_time=time(8), overridden=frozenset({"window"})) == []


# --- amount --------------------------------------------------------------------------------------------

def day_with(index=3, **changes):
    days = list(PLAN.days)
    days[index] = replace(days[index], **changes)
    return replace(PLAN, days=tuple(days))


@pytest.mark.parametrize("dispense", [
    (), (Portion(MG("1.5"), MG("0.5")),), (Portion(MG("1.5"), MG("0")),), (Portion(MG("0.75"), MG("2")),),
    (Portion(MG("1.5"), MG("2")),),
])
def test_amount_refuses_what_is_not_the_dose_in_whole_units_of_the_formulation(dispense):
    assert breaches("amount", day_with(dispense=dispense)) == [
        "2026-12-04 (day 4): '1 x 1.5 mg capsule' is not 1.5 mg in whole units of capsules of 1.5 mg, 3 mg, 4.5 mg"]


@pytest.mark.parametrize("dispense", [(Portion(MG("3"), MG("0.5")),),  # half a capsule: adds up, but not whole
                                      (Portion(MG("1.5"), MG("1")), Portion(MG("3"), MG("0")))])  # none of one
def test_amount_refuses_parts_of_units_even_when_they_add_up(dispense):
    assert len(breaches("amount", day_with(dispense=dispense))) == 1


def test_amount_refuses_a_text_that_does_not_say_what_is_dispensed():
    assert breaches("amount", day_with(amount="1 x 1.5 mg capsules")) == [
        "2026-12-04 (day 4): the amount '1 x 1.5 mg capsules' does not match what is dispensed"]
    assert breaches("amount", PLAN) == []


def test_amount_measures_liquids_against_their_concentration():
    liquid = build_plan(CLASSIC, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED, days=20,
                        formulation=Formulation("liquid", concentration_mg=MG("1")))
    assert breaches("amount", liquid) == []
    days = list(liquid.days)
    days[0] = replace(days[0], dispense=(Portion(MG("1.5"), MG("1")),))
    assert len(breaches("amount", replace(liquid, days=tuple(days)))) == 1


def test_enforce_formulation_refuses_a_dose_it_cannot_measure_naming_what_would_work():
    enforce_formulation(Formulation("capsule", strengths_mg=(MG("1.5"),)), [MG("1.5"), MG("3")])
    with pytest.raises(RefusedError, match="3.5 mg cannot be measured exactly as capsules of 1.5 mg") as refused:
        enforce_formulation(Formulation("capsule", strengths_mg=(MG("1.5"),)), [MG("1.5"), MG("3.5")])
    assert refused.value.rule_id == "amount"


# --- supply --------------------------------------------------------------------------------------------

def with_refill(index, **changes):
    refills = list(PLAN.refills)
    refills[index] = replace(refills[index], **changes)
    return replace(PLAN, refills=tuple(refills))


def test_supply_allows_a_reorder_exactly_the_lead_time_ahead_and_refuses_a_day_later():
    first = PLAN.refills[1]
    assert breaches("supply", with_refill(1, reorder_on=first.start - timedelta(days=7))) == []
    assert breaches("supply", with_refill(1, reorder_on=first.start - timedelta(days=6))) == [
        "fill 2 is re-ordered on 2026-12-25, less than 7 days before it is needed on 2026-12-31"]


def test_supply_refuses_a_fill_that_does_not_start_where_the_last_ended():
    assert breaches("supply", with_refill(1, start=PLAN.refills[1].start + timedelta(days=1))) == [
        "fill 2 starts on 2027-01-01, but the supply runs out on 2026-12-31"]
    assert breaches("supply", with_refill(0, end=PLAN.refills[0].start - timedelta(days=1))) == [
        "fill 1 starts on 2026-12-01, but the supply runs out on 2026-12-01"]


def test_supply_refuses_a_fill_longer_than_the_supply_or_holding_the_wrong_amount():
    merged = replace(PLAN.refills[0], end=PLAN.refills[1].end)
    longer = replace(PLAN, refills=(replace(merged, quantities=plan_refills(
        [(d.date, d.dispense) for d in PLAN.days[:60]], replace(PLAN.supply, supply_days=60), "capsule")[0].quantities),
        *PLAN.refills[2:]))
    assert breaches("supply", longer) == ["fill 1 covers 60 days, more than its 30-day supply"]
    short = with_refill(0, quantities=PLAN.refills[0].quantities[1:])
    assert breaches("supply", short) == ["fill 1 does not hold what its days take"]


def test_supply_refuses_fills_that_stop_before_the_plan_does():
    assert breaches("supply", replace(PLAN, refills=PLAN.refills[:-1])) == [
        "the fills end on 2027-02-28, not on the plan's last day 2027-03-28"]


def test_supply_names_the_supply_for_a_liquid_whose_shelf_life_is_longer():
    from titrate.core.refills import Supply

    liquid = build_plan(CLASSIC, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED, days=40,
                        formulation=Formulation("liquid", concentration_mg=MG("1")),
                        supply=Supply(supply_days=14, lead_days=7, shelf_life_days=30))
    days = [(d.date, d.dispense) for d in liquid.days[:15]]
    long = replace(liquid.refills[0], end=days[-1][0],
                   quantities=plan_refills(days, Supply(15, 7, 30), "liquid")[0].quantities)
    assert breaches("supply", replace(liquid, refills=(long, *liquid.refills[1:])))[0] == (
        "fill 1 covers 15 days, more than its 14-day supply")


def test_supply_names_the_shelf_life_of_a_liquid():
    from titrate.core.refills import Supply

    liquid = build_plan(CLASSIC, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED, days=40,
                        formulation=Formulation("liquid", concentration_mg=MG("1")),
                        supply=Supply(supply_days=30, lead_days=7, shelf_life_days=14))
    assert breaches("supply", liquid) == []
    days = [(d.date, d.dispense) for d in liquid.days[:15]]
    long = replace(liquid.refills[0], end=days[-1][0],
                   quantities=plan_refills(days, Supply(30, 7, 15), "liquid")[0].quantities)
    found = breaches("supply", replace(liquid, refills=(long, *liquid.refills[1:])))
    assert found[0] == "fill 1 covers 15 days, more than its 14-day shelf life"


# --- washout, review, revision ---------------------------------------------------------------------------

def test_washout_refuses_a_start_before_the_opioid_free_days_are_over():
    washout = Washout("tramadol", START - timedelta(days=7))
    assert request_breaches("washout", washout=washout, start=START) == []
    assert request_breaches("washout", washout=washout, start=START - timedelta(days=1)) == [
        "the start 2026-11-30 is 1 days too early: the last dose of tramadol was on 2026-11-24, so the earliest safe "
        "start is 2026-12-01 (7 days opioid-free)"]
    planned = build_plan(CLASSIC, Patient(), START, zone=load_zone("UTC"), generated_at=GENERATED, washout=washout)
    assert breaches("washout", planned) == []
    without_event = replace(planned, events=tuple(e for e in planned.events if e.kind != EventKind.WASHOUT_END))
    assert breaches("washout", without_event) == ["the plan has no 'opioid-free from' event on 2026-12-01"]
    later = replace(planned, inputs=replace(planned.inputs, washout=replace(washout, last_dose=START)))
    assert breaches("washout", later)[0].startswith("the start 2026-12-01 is 7 days too early")


def test_review_must_be_where_the_rule_puts_it():
    assert breaches("review", PLAN) == []
    moved = replace(PLAN, events=tuple(replace(e, date=e.date + timedelta(days=1)) if e.kind == EventKind.REVIEW
                                       else e for e in PLAN.events))
    assert breaches("review", moved) == ["the review is on 2027-02-28; it belongs on 2027-02-27, 60 days at the target "
                                         "or the day after the plan ends, whichever comes first"]
    none_asked = replace(PLAN, inputs=replace(PLAN.inputs, review_after_days=None))
    assert breaches("review", none_asked) == ["the plan has a review although none was asked for"]
    dropped = replace(none_asked, events=tuple(e for e in PLAN.events if e.kind != EventKind.REVIEW))
    assert breaches("review", dropped) == []


def test_review_on_the_last_day_or_missing():
    on_target = PLAN.days[28].date
    last_day = replace(PLAN, inputs=replace(PLAN.inputs, review_after_days=(PLAN.end - on_target).days),
                       events=tuple(replace(e, date=PLAN.end) if e.kind == EventKind.REVIEW else e
                                    for e in PLAN.events))
    assert breaches("review", last_day) == []
    missing = replace(PLAN, events=tuple(e for e in PLAN.events if e.kind != EventKind.REVIEW))
    assert breaches("review", missing) == ["the review is on no date; it belongs on 2027-02-27, 60 days at the target "
                                           "or the day after the plan ends, whichever comes first"]


def test_revision_allows_an_adjustment_from_the_first_day():
    adjust = Adjustment(AdjustmentKind.HOLD, START, "nausea", 2, days=7)
    plan = replace(PLAN, revision=2, supersedes=1, inputs=replace(PLAN.inputs, adjustments=(adjust,)))
    assert breaches("revision", plan) == []


def test_revision_refuses_adjustments_out_of_order_or_from_the_future():
    adjust = Adjustment(AdjustmentKind.HOLD, START + timedelta(days=20), "nausea", 2, days=7)
    plan = replace(PLAN, revision=2, supersedes=1, inputs=replace(PLAN.inputs, adjustments=(adjust,)))
    assert breaches("revision", plan) == []
    early = replace(adjust, effective=START - timedelta(days=1))
    assert breaches("revision", replace(plan, inputs=replace(plan.inputs, adjustments=(early,)))) == [
        "the adjustment from 2026-11-30 comes before 2026-12-01: an adjustment never rewrites days before the last one"]
    assert breaches("revision", replace(plan, revision=1, supersedes=None)) == [
        "the adjustments made revisions 2; each adjustment makes the next revision, and the last one makes this "
        "plan, revision 1"]
    assert breaches("revision", replace(plan, revision=3, supersedes=2)) == [
        "the adjustments made revisions 2; each adjustment makes the next revision, and the last one makes this "
        "plan, revision 3"]
    assert breaches("revision", replace(plan, revision=3)) == [
        "the adjustments made revisions 2; each adjustment makes the next revision, and the last one makes this "
        "plan, revision 3", "revision 3 supersedes revision 1, not the one before it"]
    twice = (adjust, replace(adjust, effective=START + timedelta(days=30)))
    assert breaches("revision", replace(plan, inputs=replace(plan.inputs, adjustments=twice))) == [
        "the adjustments made revisions 2, 2; each adjustment makes the next revision, and the last one makes this "
        "plan, revision 2"]


# --- the screen's rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("medication, rule", [("Percocet", "opioid"), ("oxycodne", "opioid"),
                                              ("Vivitrol", "antagonist"), ("tramadol (stopped 2026-10-01)", "opioid")])
def test_a_refused_drug_added_to_a_plan_by_hand_is_refused(medication, rule):
    tampered = with_patient(PLAN, medications=("vitamin D", medication))
    assert len(breaches(rule, tampered)) == 1 and breaches(rule, PLAN) == []
    with pytest.raises(RefusedError) as refused:
        enforce_plan(tampered)
    assert refused.value.rule_id == rule


def test_overridable_screen_refusals_lift_only_with_their_own_override():
    liver = with_patient(PLAN, conditions=("hepatitis C",))
    assert breaches("liver", liver) == ["'hepatitis C' is a liver condition: LDN is cleared through the liver; with "
                                        "liver disease or inflammation its levels and its effect on the liver are "
                                        "uncertain"]
    assert breaches("liver", with_overrides(liver, "liver")) == []
    assert len(breaches("liver", with_overrides(liver, "window"))) == 1
    antagonist = with_patient(PLAN, medications=("naltrexone 50 mg",))
    assert len(breaches("antagonist", antagonist)) == 1
    assert breaches("antagonist", with_overrides(antagonist, "antagonist")) == []
    assert len(request_breaches("antagonist", patient=antagonist.patient)) == 1
    assert request_breaches("antagonist", patient=antagonist.patient, overridden=frozenset({"antagonist"})) == []
    norco = Patient(medications=("Norco",))
    assert len(request_breaches("opioid", patient=norco, overridden=frozenset({"opioid"}))) == 1


@pytest.mark.parametrize("medication, condition, rule", [
    ("Avonex", None, "interferon"), ("Copaxone", None, "glatiramer"), ("Zorblaxin", None, "unscreened"),
    ("baclofen", None, "antispasticity"), ("Relistor", None, "opioid-implied"), ("Imodium", None, "peripheral-opioid"),
    ("LDN 4.5 mg", None, "antagonist"), (None, "pregnant", "pregnancy"), (None, "NAFLD", "liver"),
])
def test_a_warning_or_note_removed_from_a_plan_by_hand_is_refused(medication, condition, rule):
    facts = {"medications": (medication,)} if medication else {"conditions": (condition,)}
    plan = build_plan(CLASSIC, Patient(**facts), START, zone=load_zone("UTC"), generated_at=GENERATED, days=30)
    assert breaches(rule, plan) == []
    stripped = replace(plan, warnings=tuple(f for f in plan.warnings if f.rule != rule),
                       notes=tuple(f for f in plan.notes if f.rule != rule))
    found = breaches(rule, stripped)
    assert len(found) == 1 and found[0].startswith(("the warning is missing: ", "the note is missing: "))
    reworded = replace(plan, warnings=tuple(replace(f, message=f.message + ".") for f in plan.warnings),
                       notes=tuple(replace(f, message=f.message + ".") for f in plan.notes))
    assert len(breaches(rule, reworded)) == 1
    moved = replace(plan, warnings=plan.notes, notes=plan.warnings)
    assert len(breaches(rule, moved)) == 1


# --- overrides, and how a breach is reported -------------------------------------------------------------

def test_check_overrides_refuses_unknown_unoverridable_and_repeated_rules():
    check_overrides((Override("window", "a"), Override("liver", "b")))
    with pytest.raises(InputError, match="no rule 'bedtime' to override; these can be overridden: "
                                         + ", ".join(OVERRIDABLE)) as unknown:
        check_overrides((Override("bedtime", "x"),))
    assert (unknown.value.field, unknown.value.value) == ("override", "bedtime")
    with pytest.raises(RefusedError, match="rule 'ceiling' cannot be overridden") as fixed:
        check_overrides((Override("ceiling", "x"),))
    assert fixed.value.rule_id == "ceiling" and not fixed.value.overridable
    with pytest.raises(InputError, match="rule 'window' is overridden twice; give one reason") as twice:
        check_overrides((Override("window", "a"), Override("window", "b")))
    assert twice.value.field == "override"


def test_enforce_plan_checks_the_overrides_stored_in_a_plan():
    with pytest.raises(InputError, match="overridden twice"):
        enforce_plan(with_overrides(PLAN, "window", "window"))


def test_a_refusal_names_the_first_breach_counts_the_rest_and_says_the_rule():
    with pytest.raises(RefusedError) as refused:
        enforce_plan(with_doses(PLAN, {40: "5", 41: "5", 42: "5"}))
    assert refused.value.rule_id == "ceiling" and not refused.value.overridable
    assert refused.value.detail == ("2027-01-10 (day 41) is 5 mg, above the 4.5 mg ceiling (and 2 more). Rule: The "
                                    "daily dose never exceeds 4.5 mg.")
    with pytest.raises(RefusedError) as one:
        enforce_plan(with_doses(PLAN, {40: "5"}))
    assert "(and" not in one.value.detail
    with pytest.raises(RefusedError) as overridable:
        enforce_request(request(dose_time=time(8)))
    assert overridable.value.rule_id == "window" and overridable.value.overridable


def test_the_rules_run_in_order_so_an_opioid_is_named_before_anything_else():
    with pytest.raises(RefusedError) as refused:
        enforce_request(request(patient=Patient(medications=("Norco",), conditions=("cirrhosis",)),
                                target_mg=MG("6"), dose_time=time(8)))
    assert refused.value.rule_id == "opioid"


def test_findings_keep_their_rule_ids():
    assert {f.rule for f in PLAN.warnings + PLAN.notes} <= set(RULES_BY_ID)
    assert Finding("interferon", "x").rule == "interferon" and Window(1260, 1440) == EVENING_WINDOW
    assert MG("1.5") == FIRST_DOSE_MAX_MG and Event("k", EventKind.REVIEW, START, "t").key == "k"
