"""The JSON API under /api/v1: the same use cases as the pages, with a typed, versioned contract.

Every request and response body is a pydantic model below, so the OpenAPI document (/api/v1/openapi.json)
states the whole contract: field types, units, limits, enums and examples the service accepts. A body that
does not match the schema is a 400; a body that matches it but that the service cannot plan from (a field
the service refuses in context, such as a start more than a year back, or a clinical rule) is a 422 naming
the field or the rule. The models turn typed values back into the service's raw text fields, so the
service parses and checks them exactly as it does for the CLI. Writes must be sent as application/json,
which a cross-site HTML form cannot do (CSRF).
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints
from starlette.exceptions import HTTPException

from titrate.core.formulations import FORMS
from titrate.core.model import MAX_DAYS, MAX_REVISION, AdjustmentKind
from titrate.core.protocols import PROTOCOLS
from titrate.core.rules import OVERRIDABLE
from titrate.formats.diff import diff_to_dict
from titrate.service.plans import diff_plans, render_plan
from titrate.web import plans
from titrate.web.deps import MAX_ROW, ContextDep, RowNumber
from titrate.web.views import download_formats

__all__ = ["ErrorBody", "PlanFields", "AdjustmentFields", "router"]


class ErrorBody(BaseModel):
    """Every error the API answers with: what kind, the field or rule at fault, and a message for people."""

    error: Literal["input", "refused", "not-found", "conflict", "http", "store"] = Field(
        description="input: a field is wrong (400: not as the schema says; 422: as the schema says, but not "
                    "plannable); refused: a clinical rule refuses the plan (422), or the guard refused the "
                    "request (400 Host, 403 secret, 411, 413); not-found (404); conflict (409); http: another "
                    "HTTP error (404 no such path, 405, 415); store: the database cannot be used (503)")
    field: str | None = Field(None, description="The input at fault, by its name in the request")
    rule: str | None = Field(None, description="The rule that refused the plan (see the README's rules)")
    overridable: StrictBool | None = Field(None, description="Whether a clinician may override `rule`, with a reason")
    latest: int | None = Field(None, description="On a 409 from a stale `based_on`: the latest revision")
    message: str = Field(description="What went wrong, in one line")


_ABOUT = {400: "The request does not match the schema (or its Host is refused); `field` names the input",
          403: "The request lacks the app's secret (send Authorization: Bearer SECRET)",
          404: "No such patient, plan, revision or path",
          409: "Nothing saved: the plan id is taken, or `based_on` is no longer the latest revision (`latest`)",
          411: "A write without a Content-Length",
          413: "The body is larger than 1 MB",
          415: "The body is not sent as application/json",
          422: "The request matches the schema, but the service cannot plan from it: `field` names the input "
               "(error input) or `rule` the clinical rule (error refused)",
          503: "The patient database cannot be used"}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give, each with the error body: 400, 403 and 503 can come from any."""
    return {status: {"model": ErrorBody, "description": _ABOUT[status]} for status in sorted({400, 403, 503, *statuses})}


_WRITE_ERRORS = (404, 411, 413, 415, 422)


def _json_only(request: Request) -> None:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "send the body as application/json")


router = APIRouter(tags=["plans"])


def _media_types() -> list[tuple[str, str]]:
    from titrate.formats import FORMATS

    return [(name, FORMATS[name].media_type) for name, _, _ in download_formats()]

# The value kinds of the contract, each with its unit and its limits -----------------------------------


def _calendar_date(text: str) -> str:
    date.fromisoformat(text)  # ValueError (a 400) for a day the calendar lacks, such as 2026-02-30
    return text


#: Milligrams as a decimal string with up to two places (never a float): "1.5", "4.50".
Mg = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$"),
               Field(description="Milligrams, a decimal string with up to two places", examples=["1.5"])]
#: A calendar date as YYYY-MM-DD (checked here to be a real date; the service checks its range).
Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_calendar_date),
                Field(json_schema_extra={"format": "date"}, examples=["2026-12-01"])]
#: A patient id or revision in a body: a JSON integer the store can hold (RowNumber, which a path's text
#: converts to, without taking "5" for 5).
BodyRow = Annotated[StrictInt, Field(ge=1, le=MAX_ROW)]
#: A count of days.
Days = Annotated[StrictInt, Field(ge=1, le=MAX_DAYS, description="Days")]
#: A length in days (a number), or weeks or calendar months as text: "3w", "2m".
CalendarLength = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,3}(d|w|m)$")]
WeeksLength = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,3}(d|w)$")]
#: A wall-clock time, local to the plan's zone.
HHMM = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
                 Field(description="Local time as HH:MM (24-hour)", examples=["22:00"])]
#: Text a clinician types: one line, not blank.
Text = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"\S")]

_NOT_PLACES = {"localtime", "Factory", "posixrules"}
ZONES = sorted(name for name in available_timezones() if name not in _NOT_PLACES and not name.startswith("right/"))


def _known_zone(name: str) -> str:
    if name not in ZONES:
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/London'")
    return name


Zone = Annotated[str, AfterValidator(_known_zone),
                 Field(json_schema_extra={"enum": ZONES}, description="An IANA time zone", examples=["Europe/London"])]

Protocol = Enum("Protocol", {name.upper().replace("-", "_"): name for name in PROTOCOLS}, type=str)  # type: ignore[misc]
Form = Enum("Form", {name.upper(): name for name in FORMS}, type=str)  # type: ignore[misc]
OverridableRule = Enum("OverridableRule", {name.upper(): name for name in OVERRIDABLE}, type=str)  # type: ignore[misc]
Kind = Enum("Kind", {kind.name: kind.value for kind in AdjustmentKind}, type=str)  # type: ignore[misc]


class OverrideField(BaseModel):
    """A rule the clinician goes past, with the reason kept in the plan."""

    model_config = ConfigDict(extra="forbid")
    rule: OverridableRule
    reason: Text


def _text(value: object) -> str:
    """A typed value as the service's raw text field."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


class PlanFields(BaseModel):
    """Everything a clinician can say about a plan (the options of `titrate plan`); omitted fields take
    the defaults. Each field goes to the service's PlanRequest field of the same name."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "start": "2026-12-01", "time_zone": "Europe/London", "label": "Jane Doe", "protocol": "gentle",
        "conditions": ["multiple sclerosis"], "medications": ["Avonex"], "dose_time": "21:30"}]})
    start: Day | None = Field(None, description="Date of the first dose; with a washout, defaults to its end")
    protocol: Protocol | None = Field(None, description="A built-in protocol (default classic)")
    protocol_file_text: str | None = Field(None, max_length=100_000,
                                           description="A protocol file's TOML text (custom steps), instead of protocol")
    patient_file_text: str | None = Field(None, max_length=100_000, description="A patient file's TOML text")
    spasticity: StrictBool | None = Field(None, description="The patient has spasticity (at most 3 mg)")
    conditions: list[Text] = Field([], max_length=50, description="The patient's conditions, screened")
    medications: list[Text] = Field([], max_length=50, description="The patient's medications, screened")
    overrides: list[OverrideField] = Field([], max_length=4, description="Rules gone past, each with a reason")
    target: Mg | None = Field(None, description="Target dose, mg (at most 4.5; 3 with spasticity)")
    first_dose: Mg | None = Field(None, description="First dose, mg (at most 1.5)")
    step: Mg | None = Field(None, description="Rise per level, mg (at most 1.5)")
    every: Days | WeeksLength | None = Field(None, description="Days per level (at least 7), or weeks as '2w'")
    dose_time: HHMM | None = Field(None, description="Daily dose time, 21:00-23:59 unless window is overridden")
    time_zone: Zone | None = Field(None, description="The patient's IANA time zone (default: the server's)")
    days: Days | CalendarLength | None = Field(None, description="Plan length: days, or '3w', '2m'")
    until: Day | Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{0,3}(d|w|m)$")] | None = Field(
        None, description="Last day of the plan, or a length from the start as '+3m'")
    label: Annotated[str, StringConstraints(max_length=500)] | None = Field(None, description="Names the patient (a name or record number); required for a "
                                                 "new patient")
    form: Form | None = Field(None, description="What the patient measures (default capsule)")
    strengths: list[Mg] = Field([], max_length=10, description="Capsule strengths, mg")
    concentration: Mg | None = Field(None, description="mg per mL (liquid, cream) or mg per drop (drops)")
    supply_days: Days | WeeksLength | None = Field(None, description="Days per pharmacy fill (default 30)")
    lead_days: Annotated[StrictInt, Field(ge=0, le=MAX_DAYS)] | None = Field(
        None, description="Days ahead to re-order (default 7)")
    shelf_life_days: Days | None = Field(None, description="A liquid's shelf life, days (default 30)")
    plan_id: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")] | None = (
        Field(None, description="The plan's id (default: derived from the label and start)"))
    revision: Annotated[StrictInt, Field(ge=1, le=MAX_REVISION)] | None = Field(
        None, description="Revision number: 1 for a new plan, the next one for a re-plan")
    last_opioid_dose: Day | None = Field(None, description="Date of the last opioid dose (with opioid)")
    opioid: Text | None = Field(None, description="The opioid stopped (with last_opioid_dose)")
    washout_days: Annotated[StrictInt, Field(ge=7, le=14)] | None = Field(None, description="Opioid-free days (default 7)")
    review_after: Days | CalendarLength | None = Field(None, description="Review after this long at the target")
    no_review: StrictBool | None = Field(None, description="No review with the clinician")

    def raw(self) -> dict[str, str | list[str]]:
        """The service's raw text fields (parse_request's), for the fields given."""
        fields: dict[str, str | list[str]] = {}
        for name, value in self:
            if name == "overrides":
                fields[name] = [f"{item.rule.value}: {item.reason}" for item in value]
            elif isinstance(value, list):
                fields[name] = [_text(item) for item in value]
            elif value is not None:
                fields[name] = _text(value)
        return {name: value for name, value in fields.items() if value != []}


class NewPlan(BaseModel):
    """A new plan, and whose it is."""

    model_config = ConfigDict(extra="forbid")
    inputs: PlanFields
    patient_id: BodyRow | None = Field(None, description="An existing patient; omit to add a new patient")


class Summary(BaseModel):
    patient_id: int | None = Field(description="The patient's id; none for a preview of a new patient")
    plan_id: str
    revision: int
    plan: dict[str, Any] = Field(description="The plan in the service's JSON plan format (schema titrate.plan/2)")


class RevisionInfo(BaseModel):
    revision: int
    change: str
    reason: str
    saved_at: str = Field(description="When it was saved, ISO 8601 UTC")


class PatientInfo(BaseModel):
    id: int
    label: str
    created_at: str = Field(description="When the patient was added, ISO 8601 UTC")
    plans: list[str] = Field(default=[], description="The patient's plan ids (in the answer for one patient)")


class FormatInfo(BaseModel):
    name: str
    about: str
    extension: str


FormatName = Enum("FormatName", {name.upper(): name for name, _, _ in download_formats()}, type=str)  # type: ignore[misc]


@router.get("/patients", response_model=list[PatientInfo], responses=_errors())
def list_patients(ctx: ContextDep, q: Annotated[str, Query(max_length=200)] = "") -> list[PatientInfo]:
    """The patients whose label holds `q`."""
    return [PatientInfo(id=row.id, label=row.label, created_at=row.created_at) for row in ctx.store.patients(q.strip())]


@router.get("/patients/{patient_id}", response_model=PatientInfo, responses=_errors(404))
def get_patient(ctx: ContextDep, patient_id: RowNumber) -> PatientInfo:
    """One patient and their plans."""
    row = ctx.store.patient(patient_id)
    return PatientInfo(id=row.id, label=row.label, created_at=row.created_at,
                       plans=[plan.plan_id for plan in ctx.store.plans_of(patient_id)])


@router.post("/previews", response_model=Summary, dependencies=[Depends(_json_only)], responses=_errors(*_WRITE_ERRORS))
def preview_plan(ctx: ContextDep, body: NewPlan) -> Summary:
    """The plan the inputs make, without saving it."""
    label = ctx.store.patient(body.patient_id).label if body.patient_id is not None else None
    plan = plans.preview(ctx, body.inputs.raw(), patient_label=label)
    return Summary(patient_id=body.patient_id, plan_id=plan.plan_id, revision=plan.revision,
                   plan=json.loads(render_plan(plan, "json").content))


@router.post("/plans", status_code=201, response_model=Summary, dependencies=[Depends(_json_only)],
             responses=_errors(409, *_WRITE_ERRORS))
def create_plan(ctx: ContextDep, body: NewPlan) -> Summary:
    """Make a plan from the inputs and save it as revision 1 of a new plan (a revision above 1 is a 422, rule
    revision, or a 409 when the plan is saved: re-plan or adjust it instead)."""
    saved = plans.save_new(ctx, body.inputs.raw(), patient_id=body.patient_id)
    return Summary(patient_id=saved.patient_id, plan_id=saved.plan.plan_id, revision=saved.plan.revision,
                   plan=json.loads(render_plan(saved.plan, "json").content))


@router.get("/plans/{plan_id}/revisions", response_model=list[RevisionInfo], responses=_errors(404))
def list_revisions(ctx: ContextDep, plan_id: str) -> list[RevisionInfo]:
    """Every revision of the plan, with its change and reason."""
    return [RevisionInfo(revision=row.revision, change=row.change, reason=row.reason, saved_at=row.saved_at)
            for row in ctx.store.revisions(plan_id)]


@router.get("/plans/{plan_id}/revisions/{revision}", responses={
    200: {"description": "The revision in the format asked for",
          "content": {media: {} for media in sorted({media for _, media in _media_types()})}}, **_errors(404, 422)})
def get_revision(ctx: ContextDep, plan_id: str, revision: RowNumber,
                 format: FormatName = FormatName("json")) -> Response:  # noqa: B008
    """One revision, rendered in any format the service offers here (default json); 422 if the saved plan
    breaks a rule as the rules now read."""
    _, plan = plans.load(ctx, plan_id, revision)
    rendered = render_plan(plan, format.value)
    return Response(rendered.content, media_type=rendered.media_type)


class AdjustmentFields(BaseModel):
    """One change in flight (the options of `titrate adjust`), from a date on, with a reason. Each field goes
    to the service's adjustment field of the same name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, json_schema_extra={
        "examples": [{"kind": "step-back", "from": "2026-12-20", "days": 14, "reason": "flare of fatigue"}]})
    kind: Kind
    effective: Day = Field(alias="from", description="The first day the change applies to")
    reason: Text = Field(description="Why: kept in the plan")
    days: Days | CalendarLength | None = Field(
        None, description="hold: days longer (or '2m'); step-back: days at the lower dose (at least 7); pause: days")
    to: Mg | None = Field(None, description="step-back: the lower dose, mg (default one level down)")
    time: HHMM | None = Field(None, description="retime: the new dose time")
    target: Mg | None = Field(None, description="target: the new target dose, mg")
    override: OverridableRule | None = Field(
        None, description="A rule the change goes past, for the same reason (a morning retime: window)")
    until: Day | None = Field(None, description="pause: the day doses start again")
    restart: StrictBool | None = Field(None, description="pause: climb again from the first dose")
    opioid: Text | None = Field(None, description="pause: an opioid taken meanwhile")
    last_opioid_dose: Day | None = Field(None, description="pause: the date of its last dose")
    washout_days: Annotated[StrictInt, Field(ge=7, le=14)] | None = Field(None, description="pause: opioid-free days")

    def raw(self) -> dict[str, str]:
        """The service's raw text fields (parse_adjustment's), for the fields given."""
        return {name: _text(value) for name, value in self.model_dump(by_alias=True).items() if value is not None}


class NewAdjustment(BaseModel):
    """A change in flight to the revision the client last read (`based_on`): a stale one is a 409."""

    model_config = ConfigDict(extra="forbid")
    based_on: BodyRow = Field(description="The revision this change was made from; it must still be the latest")
    adjustment: AdjustmentFields


class Adjusted(BaseModel):
    plan_id: str
    revision: int
    diff: dict[str, Any] = Field(description="What changed from `based_on`, in the service's diff format "
                                             "(titrate.diff/1)")
    plan: dict[str, Any] = Field(description="The new revision (schema titrate.plan/2)")


@router.post("/plans/{plan_id}/adjustments", status_code=201, response_model=Adjusted,
             dependencies=[Depends(_json_only)], responses=_errors(409, *_WRITE_ERRORS))
def adjust_plan(ctx: ContextDep, plan_id: str, body: NewAdjustment) -> Adjusted:
    """Save the adjustment as the next revision of the plan."""
    old, new = plans.adjust(ctx, plan_id, body.based_on, body.adjustment.raw())
    return Adjusted(plan_id=plan_id, revision=new.revision, diff=diff_to_dict(diff_plans(old, new)),
                    plan=json.loads(render_plan(new, "json").content))


class NewReplan(BaseModel):
    """A re-plan of the revision the client last read (`based_on`), made afresh from new inputs (the
    patient's label is kept; a plan_id or revision given must be this plan's id and the next revision)."""

    model_config = ConfigDict(extra="forbid")
    based_on: BodyRow = Field(description="The revision re-planned; it must still be the latest")
    inputs: PlanFields


@router.post("/plans/{plan_id}/replans", status_code=201, response_model=Adjusted,
             dependencies=[Depends(_json_only)], responses=_errors(409, *_WRITE_ERRORS))
def replan_plan(ctx: ContextDep, plan_id: str, body: NewReplan) -> Adjusted:
    """Save the plan the inputs make as the next revision of the plan (as `titrate plan --revises`): its
    calendar cancels every dose and event of the earlier revisions that it lacks."""
    old, new = plans.replan(ctx, plan_id, body.based_on, body.inputs.raw())
    return Adjusted(plan_id=plan_id, revision=new.revision, diff=diff_to_dict(diff_plans(old, new)),
                    plan=json.loads(render_plan(new, "json").content))


@router.get("/plans/{plan_id}/diff", responses=_errors(404, 422))
def diff_revisions(ctx: ContextDep, plan_id: str, old: RowNumber, new: RowNumber) -> dict[str, Any]:
    """What changed between two revisions of the plan, by date and event key (titrate.diff/1)."""
    return diff_to_dict(plans.changes(ctx, plan_id, old, new))


@router.get("/formats", response_model=list[FormatInfo], responses=_errors())
def list_formats() -> list[FormatInfo]:
    """The formats a revision can be rendered in here."""
    return [FormatInfo(name=name, about=about, extension=extension) for name, about, extension in download_formats()]
