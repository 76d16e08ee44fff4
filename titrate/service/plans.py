"""The use cases every shell calls: make a plan from raw inputs, read and write plan files, render.

The CLI, the web app and batch all come through here, so a plan request is validated one way whatever
the shell. This module reads nothing itself: the caller hands it the clock (`generated_at`), the
machine's zone and the text of any file. Errors carry fields (InputError.field, RefusedError.rule) so
each shell can word its own hint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from titrate.core import screen
from titrate.core.engine import build, last_day
from titrate.core.formulations import DEFAULT_CONCENTRATION, FORMS, Formulation
from titrate.core.lengths import Length, Unit, parse_length
from titrate.core.model import (
    DEFAULT_DOSE_TIME,
    MAX_DAYS,
    MAX_REVISION,
    AdjustmentKind,
    Finding,
    Override,
    Patient,
    Plan,
    PlanInputs,
    Protocol,
    Washout,
)
from titrate.core.protocols import DEFAULT_PROTOCOL, parse_protocol_file, tune
from titrate.core.record import Record, fields, replace
from titrate.core.refills import Supply
from titrate.core.units import parse_mg
from titrate.core.values import check_text, parse_whole
from titrate.core.wallclock import check_date_range, load_zone, parse_hhmm
from titrate.errors import InputError
from titrate.formats.patient_toml import PatientFile, parse_patient_file

if TYPE_CHECKING:
    from titrate.core.diff import PlanDiff

__all__ = ["AdjustmentRequest", "PlanRequest", "Rendered", "adjust_plan", "diff_plans", "make_plan", "parse_adjustment",
           "parse_request", "read_plan", "render_plan", "write_plan"]


class PlanRequest(Record):
    """Everything a clinician can say about a plan, as typed values; None means the default.

    Lists add up with a patient file's (so no medication is ever dropped from the screen); single
    values given here win over the file's.
    """

    start: date | None = None
    protocol: str = DEFAULT_PROTOCOL
    spasticity: bool = False
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    overrides: tuple[tuple[str, str], ...] = ()
    patient_file_text: str | None = None
    target: Decimal | None = None
    first_dose: Decimal | None = None
    step: Decimal | None = None
    every: int | None = None  # days (the shells read weeks: 3w)
    dose_time: time | None = None
    time_zone: str | None = None
    days: int | Length | None = None  # a Length in months counts from the start
    until: date | Length | None = None  # a Length: the plan's length from the start (+3m)
    label: str | None = None
    form: str = "capsule"
    strengths: tuple[Decimal, ...] = ()
    concentration: Decimal | None = None
    supply_days: int = 30
    lead_days: int = 7
    shelf_life_days: int = 30
    plan_id: str | None = None
    revision: int = 1
    protocol_file_text: str | None = None
    last_opioid_dose: date | None = None
    opioid: str | None = None
    washout_days: int = 7
    review_after: int | Length | None = 60  # a Length in months counts from the day the target is reached
    no_review: bool = False


def make_plan(request: PlanRequest, *, generated_at: datetime, default_zone: str | None = None,
              previous: Plan | None = None) -> Plan:
    """The plan `request` describes, or InputError (field) / RefusedError (rule).

    `default_zone` is the shell's idea of the patient's zone (the machine's, for the CLI), used when
    neither the request nor its patient file names one. With `previous`, the plan re-plans it: revision
    N+1 of the same id, superseding it and cancelling every day and event of it the new plan lacks (a
    `plan_id` or `revision` in the request that says otherwise is an InputError).
    """
    _check_texts(request)
    if previous is not None:
        _check_replan(request, previous)
    facts = _patient_file(request.patient_file_text)
    screen.check_conditions(request.conditions)
    washout = _washout(request)
    start = request.start or (washout.earliest_start if washout else None)
    if start is None:
        raise InputError("the start date is required", field="start")
    given = {rule.strip(): Override(rule.strip(), reason) for rule, reason in request.overrides}
    if len(given) != len(request.overrides):
        repeated = next(rule for rule, _ in request.overrides
                        if sum(r.strip() == rule.strip() for r, _ in request.overrides) > 1)
        raise InputError(f"rule '{repeated.strip()}' is overridden twice; give one reason", field="override",
                         value=repeated)
    kept = tuple(o for o in facts.overrides if o.rule not in given)
    patient = Patient(label=request.label if request.label is not None else facts.label,
                      spasticity=request.spasticity, conditions=facts.conditions + request.conditions,
                      medications=facts.medications + request.medications)
    zone_name = request.time_zone or facts.time_zone or default_zone
    if zone_name is None:
        raise InputError("the patient's time zone is required, e.g. Europe/London", field="time_zone")
    zone = load_zone(zone_name)  # resolved once, here: the core takes the zone, never its name
    days, until, length_asked = _plan_length(request, start)
    review_days, review_asked = _review(request, start)
    inputs = PlanInputs(
        patient=patient, protocol=_protocol(request), start=start, zone=zone,
        dose_time=request.dose_time or facts.dose_time or DEFAULT_DOSE_TIME,
        formulation=_formulation(request.form, request.strengths, request.concentration),
        supply=Supply(request.supply_days, request.lead_days, request.shelf_life_days),
        end=last_day(start, days, until, zone), target_mg=request.target,
        overrides=kept + tuple(given.values()), washout=washout, review_after_days=review_days,
        length_asked=length_asked, review_asked=review_asked)
    history = _past_start(start, generated_at.astimezone(zone).date())
    if previous is not None:
        from titrate.core.revise import replan  # only when a plan is re-planned

        plan = replan(previous, inputs, generated_at=generated_at)
    else:
        plan = build(inputs, generated_at=generated_at, plan_id=request.plan_id, revision=request.revision)
    return replace(plan, warnings=(*plan.warnings, *history)) if history else plan


def _check_texts(request: PlanRequest) -> None:
    """InputError naming the field when any text a clinician typed is not text a format can write."""
    for name in ("label", "plan_id", "opioid", "protocol", "form"):
        value = getattr(request, name)
        if value is not None:
            check_text(value, field=name)
    # A protocol file's error names its line, not all of it; the patient file's reader names the key too.
    for number, line in enumerate((request.protocol_file_text or "").splitlines(), start=1):
        try:
            check_text(line, field=f"line {number}")
        except InputError as error:
            raise InputError(f"protocol file: {error}", field="protocol_file_text", value=error.value) from None
    for name in ("conditions", "medications"):
        for item in getattr(request, name):
            check_text(item, field=name)
    for rule, reason in request.overrides:
        check_text(rule, field="override")
        check_text(reason, field="reason")


#: A start further back than this before the plan is made is taken for a typo (a wrong year), not history.
MAX_DAYS_BACK = 365


def _past_start(start: date, today: date) -> tuple[Finding, ...]:
    """A warning for a new plan that starts before the day it is made (its first days are history, not
    doses to take); InputError on `start` when that is more than a year back. A revision rebuilds an
    earlier plan and is not a new start, so this is checked here, not by the engine."""
    if start >= today:
        return ()
    back = (today - start).days
    if back > MAX_DAYS_BACK:
        raise InputError(f"the start date {start} is {back} days before today ({today}); a start more than "
                         f"{MAX_DAYS_BACK} days back is likely a typo", field="start", value=str(start))
    return (Finding("start", f"the plan starts on {start}, {back} day{'s' if back != 1 else ''} before today "
                             f"({today}): the days before today are history, not doses still to take"),)


def _plan_length(request: PlanRequest, start: date) -> tuple[int | None, date | None, Length | None]:
    """The plan's length in days or its end date, and the length as asked when it was not in days: a
    length in months is calendar months from the start (31 January + 1 month ends on 28 February)."""
    days, until = request.days, request.until
    if days is not None and until is not None:
        raise InputError("give the plan's length as days or as an end date, not both", field="days")
    asked = days if isinstance(days, Length) else until if isinstance(until, Length) else None
    if asked is None:
        return days if not isinstance(days, Length) else None, until if isinstance(until, date) else None, None
    field = "days" if isinstance(days, Length) else "until"
    try:
        counted = asked.days_from(start)
    except InputError as error:
        raise InputError(str(error), field=field, value=str(asked)) from None
    return counted, None, None if asked.unit is Unit.DAYS else asked


def _review(request: PlanRequest, start: date) -> tuple[int | None, Length | None]:
    """The review's days and the length as asked when not in days. A review in months is counted by the
    engine from the day the target is reached; the days given here until then are from the start."""
    after = request.review_after
    if request.no_review or after is None:
        return None, None
    if not isinstance(after, Length):
        return after, None
    try:
        days = after.days_from(start)
    except InputError as error:
        raise InputError(str(error), field="review_after", value=str(after)) from None
    return days, None if after.unit is Unit.DAYS else after


def _check_replan(request: PlanRequest, previous: Plan) -> None:
    """A re-plan keeps the previous plan's id and is its next revision: a request naming others conflicts."""
    if request.plan_id is not None and request.plan_id != previous.plan_id:
        raise InputError(f"a re-plan keeps the plan id {previous.plan_id!r} (got {request.plan_id!r})",
                         field="plan_id", value=request.plan_id)
    if request.revision not in (1, previous.revision + 1):
        raise InputError(f"a re-plan of revision {previous.revision} is revision {previous.revision + 1} "
                         f"(got {request.revision})", field="revision", value=request.revision)
    if previous.revision >= MAX_REVISION:
        raise InputError(f"revision {previous.revision} is the last a calendar can number", field="revision")


def _protocol(request: PlanRequest) -> Protocol:
    """The custom step list of a protocol file, or a built-in protocol, tuned."""
    if request.protocol_file_text is None:
        return tune(request.protocol, first_dose_mg=request.first_dose, step_mg=request.step,
                    every_days=request.every)
    if any(value is not None for value in (request.first_dose, request.step, request.every)):
        raise InputError("a protocol file lists its own steps: edit the file instead of tuning it",
                         field="protocol_file")
    return parse_protocol_file(request.protocol_file_text)


def _washout(request: PlanRequest | AdjustmentRequest) -> Washout | None:
    """The washout a plan's start, or a pause's resume, waits for (rule: washout), if an opioid is named."""
    if request.last_opioid_dose is None:
        if request.opioid is not None:
            raise InputError("a stopped opioid needs the date of its last dose", field="last_opioid_dose")
        return None
    if request.opioid is None:
        raise InputError("name the opioid whose last dose this was", field="opioid")
    return Washout(request.opioid, request.last_opioid_dose, request.washout_days)


def _patient_file(text: str | None) -> PatientFile:
    if text is None:
        return PatientFile()
    try:
        return parse_patient_file(text)
    except InputError as error:
        raise InputError(str(error), field="patient_file") from None


def _formulation(form: str, strengths: tuple[Decimal, ...], concentration: Decimal | None) -> Formulation | None:
    """The formulation named; None for the default capsules (one of each level's dose)."""
    if form not in FORMS:
        raise InputError(f"unknown form {form!r}; choose one of: {', '.join(FORMS)}", field="form", value=form)
    if form == "capsule":
        if concentration is not None:
            raise InputError("capsules take strengths, not a concentration", field="concentration")
        return Formulation("capsule", strengths_mg=strengths) if strengths else None
    if strengths:
        raise InputError(f"capsule strengths do not apply to {form}; give its concentration", field="strengths")
    if concentration is None and form not in DEFAULT_CONCENTRATION:
        raise InputError(f"{form} needs a concentration (mg per drop, from the pharmacy's label)",
                         field="concentration")
    return Formulation(form, concentration_mg=concentration or DEFAULT_CONCENTRATION[form])


# Raw text inputs (a web form, a batch row) -----------------------------------------------------------

#: Fields that take a length: `21`, `3w` / `3 weeks`, and for the calendar ones `2m` / `2 months`.
_CALENDAR_LENGTHS = {"days", "review_after"}
_FIXED_LENGTHS = {"every", "supply_days"}
#: Fields that take a whole number of days or a count.
_WHOLE = {"lead_days", "shelf_life_days", "revision", "washout_days"}
#: Fields that hold lists: in text, items are separated by new lines or semicolons.
_LIST_FIELDS = {"conditions", "medications", "strengths"}
_FLAG_WORDS = {"": False, "0": False, "false": False, "no": False, "off": False,
               "1": True, "true": True, "yes": True, "on": True}


def parse_request(raw: Mapping[str, str | Sequence[str]]) -> PlanRequest:
    """A PlanRequest from text fields named as PlanRequest's fields (a web form, a CSV row).

    Empty values mean the default. List fields take a sequence or text with one item a line (or items
    separated by semicolons); `overrides` takes lines of `rule: reason`. Unknown names are an InputError,
    so that a misspelt column is never silently ignored. Every value goes through the same parser the
    command line uses.
    """
    known = set(fields(PlanRequest))
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known:
            raise InputError(f"unknown field {name!r}; known fields: {', '.join(sorted(known))}", field=name)
        items = _items(value) if name in _LIST_FIELDS or name == "overrides" else None
        text = value.strip() if isinstance(value, str) else None
        if items is None and text is None:
            raise InputError(f"{name} takes one value", field=name)
        if items == [] or text == "":
            continue
        try:
            values[name] = _parse_field(name, text, items)
        except InputError as error:
            raise InputError(str(error), field=name, value=text if text is not None else value) from None
    return PlanRequest(**values)


def _items(value: str | Sequence[str]) -> list[str]:
    parts = re.split(r"[\n;]", value) if isinstance(value, str) else list(value)
    return [part.strip() for part in parts if part.strip()]


def _parse_field(name: str, text: str | None, items: list[str] | None) -> Any:
    if items is not None:  # a list field (parse_request splits those)
        return _parse_items(name, items)
    assert text is not None

    if name in ("start", "until", "last_opioid_dose"):  # until may be a length from the start: +3m
        return parse_until(text, field=name) if name == "until" else parse_date(text, field=name)
    if name in ("target", "first_dose", "step", "concentration"):
        return parse_mg(text, field=name.replace("_", " "))
    if name in _CALENDAR_LENGTHS or name in _FIXED_LENGTHS or name in _WHOLE:
        return _count(name, text)
    if name == "dose_time":
        return parse_hhmm(text, field="the dose time")
    if name == "time_zone":
        return load_zone(text).key
    if name in ("spasticity", "no_review"):
        if text.casefold() not in _FLAG_WORDS:
            raise InputError(f"{name.replace('_', ' ')} must be yes or no (got {text!r})")
        return _FLAG_WORDS[text.casefold()]
    return text  # protocol, form, label, plan_id, opioid, file texts: checked where they are used


def _count(name: str, text: str) -> Length | int:
    """A calendar length (months counted from the date it starts on), a fixed one as its number of days, or
    a whole number."""
    field = name.replace("_", " ")
    if name in _WHOLE:
        return parse_whole(text, field=field)
    if name in _CALENDAR_LENGTHS:  # kept as asked, unless in days
        length = parse_length(text, field=field, months_allowed=True)
        return length.days if length.unit is Unit.DAYS else length
    return parse_length(text, field=field, months_allowed=False).days


def _parse_items(name: str, items: list[str]) -> tuple[Any, ...]:
    if name == "strengths":
        return tuple(parse_mg(item, field="a capsule strength") for item in items)
    if name == "overrides":
        return tuple(_override(item) for item in items)
    return tuple(items)  # conditions, medications


def _override(item: str) -> tuple[str, str]:
    rule, colon, reason = item.partition(":")
    if not colon or not reason.strip():
        raise InputError(f"an override is 'rule: reason' (got {item!r})")
    return rule.strip(), reason.strip()


def parse_date(text: str, *, field: str) -> date:
    """YYYY-MM-DD in ASCII digits, within the dates a plan may use (wallclock.FIRST_DATE..LAST_DATE), or
    InputError."""
    given = text.strip()
    digits = given[:4] + given[5:7] + given[8:]
    # str methods, not a regular expression: compiling one would cost start-up time on every plan
    if len(given) == 10 and given[4] + given[7] == "--" and digits.isascii() and digits.isdigit():
        try:
            day = date.fromisoformat(given)
        except ValueError:
            raise InputError(f"{text!r} is not a date in the calendar", field=field, value=text) from None
        return check_date_range(day, field=field)
    raise InputError(f"{text!r} is not a date as YYYY-MM-DD", field=field, value=text)


def parse_until(text: str, *, field: str) -> date | Length:
    """An end date as YYYY-MM-DD, or a length from the start as +21, +3w or +3m (calendar months)."""
    given = text.strip()
    if given.startswith("+"):
        try:
            return parse_length(given[1:], field=field, months_allowed=True)
        except InputError:
            raise InputError(f"{field} must be a date as YYYY-MM-DD, or a length from the start like +3w or +3m "
                             f"(got {text!r})", field=field, value=text) from None
    return parse_date(text, field=field)


# Adjustments and diffs ------------------------------------------------------------------------------


class AdjustmentRequest(Record):
    """One change in flight, as a clinician asks for it; `overrides` are (rule, reason) pairs the
    change goes past (a retime into the morning: window)."""

    kind: AdjustmentKind
    effective: date
    reason: str
    days: int | None = None
    dose_mg: Decimal | None = None
    time: time | None = None
    overrides: tuple[tuple[str, str], ...] = ()
    #: A pause: the day doses start again, whether to climb again from the first dose, and an opioid
    #: taken meanwhile, whose washout the resume waits for (rules: pause, washout).
    until: date | None = None
    restart: bool = False
    opioid: str | None = None
    last_opioid_dose: date | None = None
    washout_days: int = 7


def adjust_plan(plan: Plan, request: AdjustmentRequest, *, generated_at: datetime) -> Plan:
    """Revision N+1 of `plan` with the adjustment; the days before its date stay exactly as they were."""
    from titrate.core.revise import adjust  # only when a plan is revised

    check_text(request.reason, field="reason")
    if request.opioid is not None:
        check_text(request.opioid, field="opioid")
    for rule, reason in request.overrides:
        check_text(rule, field="override")
        check_text(reason, field="reason")
    return adjust(plan, request.kind, request.effective, request.reason, generated_at=generated_at,
                  days=request.days, dose_mg=request.dose_mg, time=request.time,
                  overrides=tuple(Override(rule.strip(), reason) for rule, reason in request.overrides),
                  until=request.until, restart=request.restart, washout=_washout(request))


def parse_adjustment(raw: Mapping[str, str]) -> AdjustmentRequest:
    """An AdjustmentRequest from text fields: kind, from, reason, days, to (mg), time, target (mg),
    override (a rule the change goes past, for the same reason); for a pause, until (the day doses start
    again), restart (yes or no), opioid, last_opioid_dose and washout_days."""
    known = {"kind", "from", "reason", "days", "to", "time", "target", "override", *_PAUSE_FIELDS}
    unknown = set(raw) - known
    if unknown:
        name = sorted(unknown)[0]
        raise InputError(f"unknown field {name!r}; known fields: {', '.join(sorted(known))}", field=name)
    text = {name: value.strip() for name, value in raw.items() if value and value.strip()}
    kinds = [kind.value for kind in AdjustmentKind]
    if text.get("kind") not in kinds:
        raise InputError(f"the kind of adjustment is one of {', '.join(kinds)} (got {text.get('kind')!r})",
                         field="kind", value=text.get("kind"))
    if "from" not in text:
        raise InputError("the date the adjustment takes effect is required", field="from")
    reason = text.get("reason", "")
    dose = text.get("to") or text.get("target")
    effective = parse_date(text["from"], field="from")
    return AdjustmentRequest(
        AdjustmentKind(text["kind"]), effective, reason,
        days=_adjustment_days(text, effective) if "days" in text else None,
        dose_mg=_field(lambda: parse_mg(dose, field="the dose"), "to" if "to" in text else "target") if dose else None,
        time=_field(lambda: parse_hhmm(text["time"], field="the dose time"), "time") if "time" in text else None,
        overrides=((text["override"], reason),) if "override" in text else (),
        **{name: _parse_pause_field(name, text[name]) for name in _PAUSE_FIELDS if name in text})


#: The text fields of a pause, as parse_adjustment takes them (AdjustmentRequest's names).
_PAUSE_FIELDS = ("until", "restart", "opioid", "last_opioid_dose", "washout_days")


def _parse_pause_field(name: str, text: str) -> Any:
    if name in ("until", "last_opioid_dose"):
        return parse_date(text, field=name)
    if name == "washout_days":
        return parse_whole(text, field="washout_days", low=1, high=MAX_DAYS)
    if name == "restart":
        if text.casefold() not in _FLAG_WORDS:
            raise InputError(f"restart must be yes or no (got {text!r})", field="restart", value=text)
        return _FLAG_WORDS[text.casefold()]
    return text  # the opioid's name: checked by Washout


def _adjustment_days(text: Mapping[str, str], effective: date) -> int:
    """An adjustment's length in days: a hold (a pause) may be calendar months from its date, a step-back
    days or weeks."""
    length = parse_length(text["days"], field="days", months_allowed=text["kind"] == AdjustmentKind.HOLD.value)
    days = length.days_from(effective)
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"days must be 1 to {MAX_DAYS} (got {text['days']!r})", field="days", value=text["days"])
    return days


def _field(parse: Any, field: str) -> Any:
    """`parse()`, with `field` on any InputError it raises."""
    try:
        return parse()
    except InputError as error:
        raise InputError(str(error), field=field, value=error.value) from None


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """What changed from `old` to `new` (two revisions of one plan): days by date, events by key."""
    from titrate.core.diff import diff  # only when revisions are compared

    return diff(old, new)


# Plan files and renderings -------------------------------------------------------------------------


def read_plan(text: str) -> Plan:
    """A plan from its JSON text: InputError if malformed, RefusedError if it breaks a rule."""
    from titrate.formats.plan_json import loads  # plan files are read and written apart from making a plan

    return loads(text)


def write_plan(plan: Plan) -> str:
    """The plan as JSON text, the source of truth every other format renders from."""
    from titrate.formats.plan_json import dumps

    return dumps(plan)


class Rendered(Record):
    """A rendering, ready for a shell to write: the bytes, their media type and a file extension."""

    content: bytes
    media_type: str
    extension: str


def render_plan(plan: Plan, fmt: str, **options: Any) -> Rendered:
    """The plan in format `fmt` with the options it takes (see titrate.formats.FORMATS), as bytes for a file
    or a response, with the format's media type and extension; InputError for an unknown format or option."""
    from titrate.formats import FORMATS, render  # renderers load on first use, never with the core

    content = render(plan, fmt, **options)
    spec = FORMATS[fmt]
    return Rendered(content.encode("utf-8") if isinstance(content, str) else content, spec.media_type,
                    spec.extension)
