"""The rules as data: an id, a one-line statement, a published source (an article, the label, a study
that a clinician can look up), and checks.

Each rule checks a request (protocol, target, patient, dose time, overrides) before a plan is built, so
that a bad protocol is refused even when the plan is too short to show it, and checks every finished or
loaded plan, so that no plan that breaks a rule is ever emitted. A check yields one message per breach,
saying where. Screen rules that only warn check that their warning is in the plan.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from functools import partial

from titrate.core import screen
from titrate.core.formulations import QUANTUM, Formulation, Portion
from titrate.core.model import (
    Adjustment,
    AdjustmentKind,
    DoseDay,
    EventKind,
    Override,
    Patient,
    Plan,
    Protocol,
    Washout,
    pause_spans,
)
from titrate.core.record import Record
from titrate.core.refills import total_quantities
from titrate.core.units import format_mg
from titrate.core.wallclock import EVENING_WINDOW, format_hhmm
from titrate.errors import InputError, RefusedError

FIRST_DOSE_MAX_MG = Decimal("1.5")
CEILING_MG = Decimal("4.5")
SPASTICITY_MAX_MG = Decimal("3")
STEP_MAX_MG = Decimal("1.5")
HOLD_MIN_DAYS = 7

# The published references the rules rest on, as a clinician can look them up (explain cites them).
VERYWELL = "Verywell Health, 'Low-Dose Naltrexone for Treating MS Symptoms', 2020"
LDNRT_TITRATION = "LDN Research Trust, titration guidance"
LDNRT_TYPES = "LDN Research Trust, 'Types of LDN'"
LABEL = "naltrexone prescribing information (Revia/Vivitrol label)"
FAWCETT = "Fawcett et al. 1997, stability of naltrexone 1 mg/mL solution"
ATC = "WHO ATC classification"


class Request(Record):
    """What a plan is built from, as far as the rules care: the protocol as given (its steps are
    checked and named) and as planned (cut or extended to the target)."""

    protocol: Protocol
    planned: Protocol
    target_mg: Decimal
    target_is_explicit: bool
    patient: Patient
    dose_time: time
    formulation: Formulation | None
    overridden: frozenset[str] = frozenset()
    start: date | None = None
    washout: Washout | None = None
    adjustments: tuple[Adjustment, ...] = ()


def _new_targets(request: Request) -> Iterator[tuple[Decimal, str]]:
    """Each target an adjustment sets, with where it comes from: checked like the plan's own target, since
    a plan that ends before reaching it never shows the breach in its days."""
    for adjustment in request.adjustments:
        if adjustment.kind is AdjustmentKind.TARGET and adjustment.dose_mg is not None:
            yield adjustment.dose_mg, f"the target {format_mg(adjustment.dose_mg)} mg from {adjustment.effective}"


class Rule(Record):
    id: str
    statement: str
    source: str
    check_request: Callable[[Request], Iterator[str]]
    check_plan: Callable[[Plan], Iterator[str]]
    overridable: bool = False


def _nothing(_: object) -> Iterator[str]:
    return iter(())


def _step_name(protocol: Protocol, number: int) -> str:
    """'step 2 (3 mg for 14 days) of protocol classic': how a breach names the step at fault."""
    return f"step {number} ({protocol.steps[number - 1].describe()}) of protocol {protocol.name!r}"


def _start_request(request: Request) -> Iterator[str]:
    for protocol in dict.fromkeys((request.protocol, request.planned)):
        if protocol.first_dose_mg > FIRST_DOSE_MAX_MG:
            yield f"{_step_name(protocol, 1)} starts above {format_mg(FIRST_DOSE_MAX_MG)} mg, the most a first dose is"
            return


def _start_plan(plan: Plan) -> Iterator[str]:
    first = plan.days[0]
    if first.dose_mg > FIRST_DOSE_MAX_MG:
        yield (f"{first.date} (day 1) is {format_mg(first.dose_mg)} mg; the first dose is at most "
               f"{format_mg(FIRST_DOSE_MAX_MG)} mg")


def _ceiling_request(request: Request) -> Iterator[str]:
    for number, step in enumerate(request.protocol.steps, start=1):
        if step.dose_mg > CEILING_MG:
            yield f"{_step_name(request.protocol, number)} is above the {format_mg(CEILING_MG)} mg ceiling"
    if request.target_mg > CEILING_MG:
        yield f"the target {format_mg(request.target_mg)} mg is above the {format_mg(CEILING_MG)} mg ceiling"
    for target, what in _new_targets(request):
        if target > CEILING_MG:
            yield f"{what} is above the {format_mg(CEILING_MG)} mg ceiling"


def _ceiling_plan(plan: Plan) -> Iterator[str]:
    for day in plan.days:
        if day.dose_mg > CEILING_MG:
            yield (f"{day.date} (day {day.day}) is {format_mg(day.dose_mg)} mg, above the "
                   f"{format_mg(CEILING_MG)} mg ceiling")


def _spasticity_request(request: Request) -> Iterator[str]:
    if "spasticity" in request.overridden:
        return
    if request.patient.spasticity and request.target_is_explicit and request.target_mg > SPASTICITY_MAX_MG:
        yield (f"the target {format_mg(request.target_mg)} mg is above the {format_mg(SPASTICITY_MAX_MG)} mg "
               "limit for a patient with spasticity")
    if request.patient.spasticity:
        for target, what in _new_targets(request):
            if target > SPASTICITY_MAX_MG:
                yield f"{what} is above the {format_mg(SPASTICITY_MAX_MG)} mg limit for a patient with spasticity"


def spasticity_capped(patient: Patient, overridden: frozenset[str]) -> bool:
    """Whether the patient's dose stops at SPASTICITY_MAX_MG: spasticity (flagged, or a condition the screen
    reads as spasticity, so that no patient escapes the cap however it was made), and no override."""
    return ((patient.spasticity or screen.implies_spasticity(patient.conditions))
            and "spasticity" not in overridden)


def _spasticity_plan(plan: Plan) -> Iterator[str]:
    if spasticity_capped(plan.patient, plan.overridden):
        for day in plan.days:
            if day.dose_mg > SPASTICITY_MAX_MG:
                yield (f"{day.date} (day {day.day}) is {format_mg(day.dose_mg)} mg, above the "
                       f"{format_mg(SPASTICITY_MAX_MG)} mg limit for a patient with spasticity")


def _gradual_request(request: Request) -> Iterator[str]:
    for protocol in dict.fromkeys((request.protocol, request.planned)):
        yield from _gradual_steps(protocol)


def _gradual_steps(protocol: Protocol) -> Iterator[str]:
    for number, (before, step) in enumerate(zip(protocol.steps, protocol.steps[1:]), start=2):
        if step.dose_mg > before.dose_mg:
            if step.dose_mg - before.dose_mg > STEP_MAX_MG:
                yield (f"{_step_name(protocol, number)} rises {format_mg(step.dose_mg - before.dose_mg)} mg at "
                       f"once; at most {format_mg(STEP_MAX_MG)} mg")
            if before.days is not None and before.days < HOLD_MIN_DAYS:  # only the last step may be open
                yield (f"{_step_name(protocol, number - 1)} is held {before.days} days before a rise; each level "
                       f"is held at least {HOLD_MIN_DAYS} days")


def _gradual_plan(plan: Plan) -> Iterator[str]:
    # Every rise, a resume after a step-back included ("resuming climbs again under gradual"), comes
    # after at least 7 days at the dose before it, and is at most 1.5 mg.
    level_began = plan.days[0].day
    for before, day in zip(plan.days, plan.days[1:]):
        if day.dose_mg == before.dose_mg:
            continue
        if day.dose_mg > before.dose_mg:
            rise = day.dose_mg - before.dose_mg
            if rise > STEP_MAX_MG:
                yield (f"{day.date} (day {day.day}) rises {format_mg(rise)} mg at once "
                       f"(from {format_mg(before.dose_mg)} to {format_mg(day.dose_mg)} mg); at most "
                       f"{format_mg(STEP_MAX_MG)} mg")
            held = day.day - level_began
            if held < HOLD_MIN_DAYS:
                yield (f"{day.date} (day {day.day}) rises to {format_mg(day.dose_mg)} mg after "
                       f"{format_mg(before.dose_mg)} mg was held {held} days; each level is held at least "
                       f"{HOLD_MIN_DAYS} days")
        level_began = day.day


def _window_request(request: Request) -> Iterator[str]:
    if "window" not in request.overridden and not EVENING_WINDOW.contains(request.dose_time):
        yield (f"the dose time {format_hhmm(request.dose_time)} is outside {EVENING_WINDOW}, the patient's "
               "local time (a clinician may move it, e.g. to the morning for persistent sleep problems)")


def _window_plan(plan: Plan) -> Iterator[str]:
    if "window" in plan.overridden:
        return  # the clinician chose the time (rule timing-exception); clock changes may move it
    if plan.window != EVENING_WINDOW:
        yield f"the plan's window {plan.window} is not the rule's {EVENING_WINDOW}"
    for day in plan.days:
        if not EVENING_WINDOW.contains(day.time):
            yield f"{day.date} (day {day.day}) is at {format_hhmm(day.time)}, outside {EVENING_WINDOW}"
        elif day.window is not EVENING_WINDOW and day.window != EVENING_WINDOW:  # most days hold the rule's own
            yield f"{day.date} (day {day.day}) has the window {day.window}, not {EVENING_WINDOW}"


def _amount_plan(plan: Plan) -> Iterator[str]:
    formulation = plan.formulation
    allowed: set[Decimal | None] = (set(formulation.strengths_mg) if formulation.form == "capsule"
                                    else {formulation.concentration_mg})
    last_shape, breach = None, None
    for day in plan.days:
        shape = (day.dose_mg, day.amount, day.dispense)
        if shape != last_shape:  # alike days come in runs: each run is judged once, each day's breach named
            last_shape, breach = shape, _amount_breach(day, formulation, allowed)
        if breach is not None:
            yield f"{day.date} (day {day.day}): {breach}"


def _amount_breach(day: DoseDay, formulation: Formulation, allowed: set[Decimal | None]) -> str | None:
    """What is wrong with a day's amount, or None: whole units of the formulation's strengths, adding up to
    the dose, described as the formulation describes them."""
    whole = all(p.quantity > 0 and p.quantity % QUANTUM[formulation.form] == 0 for p in day.dispense)
    if (not day.dispense or not whole or {p.mg_per_unit for p in day.dispense} - allowed
            or sum(p.mg for p in day.dispense) != day.dose_mg):
        return f"{day.amount!r} is not {format_mg(day.dose_mg)} mg in whole units of {formulation.describe()}"
    if day.amount != formulation.amount_text(day.dispense):
        return f"the amount {day.amount!r} does not match what is dispensed"
    return None


def _supply_plan(plan: Plan) -> Iterator[str]:
    expected_start = plan.start
    per_fill = plan.supply.days_per_fill(plan.formulation.form)
    dates = [day.date for day in plan.days]  # in order (the plan checks): each fill's days by bisection
    for refill in plan.refills:
        if refill.start != expected_start or refill.end < refill.start:
            yield f"fill {refill.number} starts on {refill.start}, but the supply runs out on {expected_start}"
            return
        if refill.reorder_on > refill.start - timedelta(days=plan.supply.lead_days):
            yield (f"fill {refill.number} is re-ordered on {refill.reorder_on}, less than {plan.supply.lead_days} "
                   f"days before it is needed on {refill.start}")
        # count the plan's days, not the calendar's: a date the zone skipped is no day (wallclock)
        first, after = bisect_left(dates, refill.start), bisect_right(dates, refill.end)
        days = plan.days[first:after]
        if len(days) > per_fill:
            liquid_limited = plan.formulation.form == "liquid" and per_fill < plan.supply.supply_days
            limit = "shelf life" if liquid_limited else "supply"
            yield f"fill {refill.number} covers {len(days)} days, more than its {per_fill}-day {limit}"
        if refill.quantities != total_quantities(day.dispense for day in days):
            yield f"fill {refill.number} does not hold what its days take"
        expected_start = dates[after] if after < len(dates) else refill.end + timedelta(days=1)
    if expected_start != plan.end + timedelta(days=1):
        yield f"the fills end on {expected_start - timedelta(days=1)}, not on the plan's last day {plan.end}"


def _washout_request(request: Request) -> Iterator[str]:
    if request.washout is not None and request.start is not None and request.start < request.washout.earliest_start:
        yield _washout_breach(request.start, request.washout)
    yield from _pause_washouts(request.adjustments, None)


def _pause_washouts(adjustments: Sequence[Adjustment], days: Sequence[DoseDay] | None) -> Iterator[str]:
    """A pause for opioids resumes no earlier than the washout after the last opioid dose (rules: pause,
    washout); with the plan's `days`, no dose between the pause and that date either."""
    for adjustment, first, until in pause_spans(adjustments):  # an early resume's date included
        washout = adjustment.washout
        if washout is None:
            continue
        resume = until if days is None else next((d.date for d in days if d.date >= first), None)
        if resume is not None and resume < washout.earliest_start:
            yield (f"the pause from {first} resumes on {resume}, {(washout.earliest_start - resume).days} days "
                   f"too early: the last dose of {washout.opioid} was on {washout.last_dose}, so the earliest "
                   f"date to resume is {washout.earliest_start} ({washout.days} days opioid-free)")


def _washout_plan(plan: Plan) -> Iterator[str]:
    yield from _pause_washouts(plan.adjustments, plan.days)
    washout = plan.inputs.washout
    if washout is None:
        return
    if plan.start < washout.earliest_start:
        yield _washout_breach(plan.start, washout)
    event = plan.event(EventKind.WASHOUT_END)
    if event is None or event.date != washout.earliest_start:
        yield f"the plan has no 'opioid-free from' event on {washout.earliest_start}"


def _washout_breach(start: date, washout: Washout) -> str:
    return (f"the start {start} is {(washout.earliest_start - start).days} days too early: the last dose of "
            f"{washout.opioid} was on {washout.last_dose}, so the earliest safe start is {washout.earliest_start} "
            f"({washout.days} days opioid-free)")


def _review_plan(plan: Plan) -> Iterator[str]:
    after = plan.inputs.review_after_days
    event = plan.event(EventKind.REVIEW)
    if after is None:
        if event is not None:
            yield "the plan has a review although none was asked for"
        return
    on_target = target_reached(plan.days, plan.target_mg)
    due = on_target + timedelta(days=after) if on_target is not None else None
    expected = due if due is not None and due <= plan.end else plan.end + timedelta(days=1)
    if event is None or event.date != expected:
        yield (f"the review is on {event.date if event else 'no date'}; it belongs on {expected}, {after} days at "
               "the target or the day after the plan ends, whichever comes first")


def target_reached(days: Sequence[DoseDay], target: Decimal) -> date | None:
    """The first day of the last run of days at `target` (None if the plan never takes it): time at the
    target counts from there (rule: review), not from a day the climb or a step-back passed through it."""
    reached = None
    for before, day in zip((None, *days), days):
        if day.dose_mg == target and (before is None or before.dose_mg != target):
            reached = day.date
    return reached


def _revision_plan(plan: Plan) -> Iterator[str]:
    previous = min(plan.start, plan.inputs.start)  # a pause from the first day postpones the first dose
    spans = {id(adjustment): (first, until) for adjustment, first, until in pause_spans(plan.adjustments)}
    for adjustment in plan.adjustments:
        if adjustment.effective < previous:
            yield (f"the adjustment from {adjustment.effective} comes before {previous}: an adjustment never "
                   "rewrites days before the last one")
        paused = spans.get(id(adjustment))
        # a later change waits for the pause's end: its own, or the early resume right after it
        previous = adjustment.effective if paused is None else paused[1]
        if paused is not None:  # no dose while the course is paused (rule: pause)
            inside = [day.date for day in plan.days if paused[0] <= day.date < paused[1]]
            if inside:
                yield (f"{inside[0]} has a dose, but the plan is paused from {paused[0]} until {paused[1]}")
    made = [adjustment.revision for adjustment in plan.adjustments]
    if made and (made[-1] != plan.revision or any(after != before + 1 for before, after in itertools.pairwise(made))):
        yield (f"the adjustments made revisions {', '.join(map(str, made))}; each adjustment makes the next "
               f"revision, and the last one makes this plan, revision {plan.revision}")
    if plan.supersedes is not None and plan.supersedes != plan.revision - 1:
        yield f"revision {plan.revision} supersedes revision {plan.supersedes}, not the one before it"


def _screen_request(rule_id: str, request: Request) -> Iterator[str]:
    """The screen's refusals of `rule_id` for the request's patient (an opioid, a liver condition)."""
    yield from screen.refusals(request.patient, rule_id, request.overridden)


def _screen_plan(rule_id: str, plan: Plan) -> Iterator[str]:
    """The screen's refusals of `rule_id` for the plan's patient, and every warning and note of it that
    the screen gives missing from the plan."""
    yield from screen.refusals(plan.patient, rule_id, plan.overridden)
    warnings, notes = screen.findings(plan.patient)
    for finding in warnings:
        if finding.rule == rule_id and finding not in plan.warnings:
            yield f"the warning is missing: {finding.message}"
    for finding in notes:
        if finding.rule == rule_id and finding not in plan.notes:
            yield f"the note is missing: {finding.message}"


# The screen's checks are partials, not closures made by a helper: what a check runs is looked up when
# it is called (mutation testing relies on that).
RULES: tuple[Rule, ...] = (
    Rule("opioid", "A patient taking any opioid, or a name one letter from one, is not given LDN; this cannot be "
                   "overridden.", f"{LABEL}: contraindicated in patients taking opioids",
         partial(_screen_request, "opioid"), partial(_screen_plan, "opioid")),
    Rule("liver", "Liver disease, hepatitis or cirrhosis refuses the plan unless a clinician overrides it with a "
                  "reason; signs of it (raised liver tests, fatty liver) give a warning.",
         f"{LABEL}: hepatotoxicity, acute hepatitis and liver failure",
         partial(_screen_request, "liver"), partial(_screen_plan, "liver"), overridable=True),
    Rule("start", "The first dose is at most 1.5 mg; a protocol may start lower, never higher.",
         f"{VERYWELL}; {LDNRT_TITRATION}", _start_request, _start_plan),
    Rule("ceiling", "The daily dose never exceeds 4.5 mg.",
         f"{VERYWELL}: the usual ceiling, 4.5 mg", _ceiling_request, _ceiling_plan),
    Rule("spasticity", "A patient with any form of spasticity takes at most 3 mg a day.",
         f"{VERYWELL}: at most 3 mg with spasticity", _spasticity_request, _spasticity_plan, overridable=True),
    Rule("gradual", "Each increase is at most 1.5 mg, and each level is held at least 7 days.",
         f"{LDNRT_TITRATION}; {VERYWELL}", _gradual_request, _gradual_plan),
    Rule("window", "The dose is taken once a day between 21:00 and midnight, the patient's local time; "
                   "a clinician may move it (timing-exception) with a reason.",
         f"{VERYWELL}: a bedtime dose, or a morning one for persistent sleep problems", _window_request, _window_plan,
         overridable=True),
    Rule("amount", "Each dose is measured exactly: whole capsules, whole drops, or liquid and cream to 0.1 mL.",
         f"{LDNRT_TYPES}: capsules, liquid, sublingual drops, cream", _nothing, _amount_plan),
    Rule("supply", "Each fill is re-ordered at least the lead time before it is needed, fills cover every day, "
                   "and a liquid fill never outlasts its shelf life.",
         f"{LDNRT_TYPES}: made to order by compounding pharmacies; {FAWCETT}", _nothing, _supply_plan),
    Rule("washout", "A patient coming off opioids starts only after being opioid-free for the washout days (7 by "
                    "default, up to 14) after the last dose.",
         f"{LABEL}: opioid-free 7-10 days before the first dose", _washout_request, _washout_plan),
    Rule("review", "Every plan ends with a review with the clinician: after 60 days at the target by default, or "
                   "the day after the plan ends if that comes first.",
         f"{VERYWELL}: response judged after 2-3 months at the target dose", _nothing, _review_plan),
    Rule("revision", "A plan changes only by an adjustment with a reason, from a date on; the days before it and "
                     "before any earlier adjustment are never rewritten.",
         f"{VERYWELL}: a lower dose during a flare, a morning dose for sleep problems", _nothing, _revision_plan),
    Rule("antagonist", "A patient already taking an opioid antagonist at full dose (naltrexone 50 mg, nalmefene) "
                       "is refused unless a clinician overrides it with a reason; naltrexone at another dose gives a "
                       "warning.",
         f"{LABEL}: the full dose, 50 mg a day",
         partial(_screen_request, "antagonist"), partial(_screen_plan, "antagonist"),
         overridable=True),
    Rule("opioid-implied", "A drug taken alongside opioids (peripheral antagonists, naloxone) gives a warning to "
                           "ask about opioid use.",
         f"{LABEL}: contraindicated in patients taking opioids",
         partial(_screen_request, "opioid-implied"), partial(_screen_plan, "opioid-implied")),
    Rule("peripheral-opioid", "An opioid that acts in the gut only (loperamide) is not refused: plan, with a note.",
         f"{LABEL}: contraindicated in patients taking opioids; {ATC}: A07DA",
         partial(_screen_request, "peripheral-opioid"), partial(_screen_plan, "peripheral-opioid")),
    Rule("antispasticity", "An antispasticity drug gives a warning that the patient may have spasticity, which "
                           "caps the dose at 3 mg.",
         f"{VERYWELL}: at most 3 mg with spasticity",
         partial(_screen_request, "antispasticity"), partial(_screen_plan, "antispasticity")),
    Rule("interferon", "Interferon beta may interact with LDN: plan, with a warning.",
         f"{VERYWELL}: interferon beta may interact",
         partial(_screen_request, "interferon"), partial(_screen_plan, "interferon")),
    Rule("glatiramer", "Glatiramer has no known conflict with LDN: plan, with a note.",
         f"{VERYWELL}: no known conflict with glatiramer",
         partial(_screen_request, "glatiramer"), partial(_screen_plan, "glatiramer")),
    Rule("pregnancy", "Pregnancy or breastfeeding: little data; plan, with a warning to discuss it with the "
                      "doctor.",
         f"{LABEL}: pregnancy and lactation",
         partial(_screen_request, "pregnancy"), partial(_screen_plan, "pregnancy")),
    Rule("unscreened", "A medication titrate does not know is never passed silently: plan, with a warning.",
         f"{LABEL}: drug interactions (titrate warns on any name it cannot screen)",
         partial(_screen_request, "unscreened"), partial(_screen_plan, "unscreened")),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}
OVERRIDABLE = tuple(rule.id for rule in RULES if rule.overridable)


def check_overrides(overrides: tuple[Override, ...]) -> None:
    """InputError for an unknown rule or a repeated one; RefusedError for a rule that allows none."""
    seen = set()
    for override in overrides:
        rule = RULES_BY_ID.get(override.rule)
        if rule is None:
            raise InputError(f"no rule {override.rule!r} to override; these can be overridden: "
                             f"{', '.join(OVERRIDABLE)}", field="override", value=override.rule)
        if not rule.overridable:
            raise RefusedError(rule.id, f"rule '{rule.id}' cannot be overridden; these can: "
                                        f"{', '.join(OVERRIDABLE)}")
        if rule.id in seen:
            raise InputError(f"rule '{rule.id}' is overridden twice; give one reason", field="override",
                             value=rule.id)
        seen.add(rule.id)


def enforce_request(request: Request) -> None:
    """Raise RefusedError naming the first rule the request breaks."""
    for rule in RULES:
        _refuse_if_any(rule, list(rule.check_request(request)))


def enforce_formulation(formulation: Formulation, doses: list[Decimal]) -> dict[Decimal, tuple[Portion, ...]]:
    """What the patient measures for each of `doses`, or RefusedError (rule: amount) if the formulation
    cannot measure one of them exactly."""
    measured = {}
    for dose in doses:
        portions = formulation.measure(dose)
        if portions is None:
            _refuse_if_any(RULES_BY_ID["amount"], [
                f"{format_mg(dose)} mg cannot be measured exactly as {formulation.describe()}; "
                f"{formulation.what_would_work(doses)}"])
        else:
            measured[dose] = portions
    return measured


def enforce_plan(plan: Plan) -> None:
    """Raise RefusedError naming the first rule the plan breaks, and where."""
    check_overrides(plan.overrides)
    for rule in RULES:
        _refuse_if_any(rule, list(rule.check_plan(plan)))


def _refuse_if_any(rule: Rule, breaches: list[str]) -> None:
    if breaches:
        more = f" (and {len(breaches) - 1} more)" if len(breaches) > 1 else ""
        raise RefusedError(rule.id, f"{breaches[0]}{more}. Rule: {rule.statement}", overridable=rule.overridable)
