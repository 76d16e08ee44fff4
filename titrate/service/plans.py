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
from titrate.core.model import (
    DEFAULT_DOSE_TIME,
    MAX_DAYS,
    MAX_REVISION,
    AdjustmentKind,
    Override,
    Patient,
    Plan,
    PlanInputs,
    Protocol,
    Washout,
)
from titrate.core.protocols import DEFAULT_PROTOCOL, parse_protocol_file, tune
from titrate.core.record import Record, fields
from titrate.core.refills import Supply
from titrate.core.units import parse_mg
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
    every: int | None = None
    dose_time: time | None = None
    time_zone: str | None = None
    days: int | None = None
    until: date | None = None
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
    review_after: int | None = 60
    no_review: bool = False


def make_plan(request: PlanRequest, *, generated_at: datetime, default_zone: str | None = None,
              previous: Plan | None = None) -> Plan:
    """The plan `request` describes, or InputError (field) / RefusedError (rule).

    `default_zone` is the shell's idea of the patient's zone (the machine's, for the CLI), used when
    neither the request nor its patient file names one. With `previous`, the plan re-plans it: revision
    N+1 of the same id, superseding it and cancelling every day and event of it the new plan lacks (a
    `plan_id` or `revision` in the request that says otherwise is an InputError).
    """
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
    inputs = PlanInputs(
        patient=patient, protocol=_protocol(request), start=start, zone=zone,
        dose_time=request.dose_time or facts.dose_time or DEFAULT_DOSE_TIME,
        formulation=_formulation(request.form, request.strengths, request.concentration),
        supply=Supply(request.supply_days, request.lead_days, request.shelf_life_days),
        end=last_day(start, request.days, request.until, zone), target_mg=request.target,
        overrides=kept + tuple(given.values()), washout=washout,
        review_after_days=None if request.no_review else request.review_after)
    if previous is not None:
        from titrate.core.revise import replan  # only when a plan is re-planned

        return replan(previous, inputs, generated_at=generated_at)
    return build(inputs, generated_at=generated_at, plan_id=request.plan_id, revision=request.revision)


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

    if name in ("start", "until", "last_opioid_dose"):
        return parse_date(text, field=name)
    if name in ("target", "first_dose", "step", "concentration"):
        return parse_mg(text, field=name.replace("_", " "))
    if name in ("every", "days", "supply_days", "lead_days", "shelf_life_days", "revision", "washout_days",
                "review_after"):
        return parse_whole(text, field=name.replace("_", " "))
    if name == "dose_time":
        return parse_hhmm(text, field="the dose time")
    if name == "time_zone":
        return load_zone(text).key
    if name in ("spasticity", "no_review"):
        if text.casefold() not in _FLAG_WORDS:
            raise InputError(f"{name.replace('_', ' ')} must be yes or no (got {text!r})")
        return _FLAG_WORDS[text.casefold()]
    return text  # protocol, form, label, plan_id, opioid, file texts: checked where they are used


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


def parse_whole(text: str, *, field: str, low: int = 0, high: int = 10**6) -> int:
    """A whole number in ASCII digits from `low` to `high`, or InputError."""
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()) or not low <= int(text) <= high:
        raise InputError(f"{field} must be a whole number from {low} to {high} (got {text!r})", field=field,
                         value=text)
    return int(text)


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
    return AdjustmentRequest(
        AdjustmentKind(text["kind"]), parse_date(text["from"], field="from"), reason,
        days=parse_whole(text["days"], field="days", low=1, high=MAX_DAYS) if "days" in text else None,
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
