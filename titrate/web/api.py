"""The JSON API under /api: the same use cases as the pages, from the same raw inputs as the CLI.

Inputs are the service's raw text fields (PlanRequest's field names: "start", "time_zone", "medications",
...), so a script gets exactly the CLI's validation and the same error fields. Errors are JSON with
`error`, and `field` or `rule`, and a message (see app.py); never a stack trace. Writes must be sent as
application/json, which a cross-site HTML form cannot do (CSRF).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from titrate.core.record import fields
from titrate.errors import InputError
from titrate.formats.diff import diff_to_dict
from titrate.service.plans import PlanRequest, diff_plans, render_plan
from titrate.web import plans
from titrate.web.deps import ContextDep, RowNumber
from titrate.web.views import download_formats

__all__ = ["router"]


def _json_only(request: Request) -> None:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "send the body as application/json")


router = APIRouter(tags=["plans"])


class PlanInputs(BaseModel):
    """A new plan: the CLI's inputs as text, by PlanRequest field name, and whose plan it is."""

    model_config = ConfigDict(extra="forbid")
    inputs: dict[str, str | list[str]] = Field(
        description="Raw text fields named as the service's PlanRequest: "
                    + ", ".join(fields(PlanRequest))
                    + ". Lists (conditions, medications, strengths, overrides as 'rule: reason') take a list.",
        examples=[{"start": "2026-12-01", "time_zone": "Europe/London", "label": "Jane Doe"}])
    patient_id: RowNumber | None = Field(None, description="An existing patient; omit to add a new patient.")


class Summary(BaseModel):
    patient_id: int | None = Field(description="The patient's id; none for a preview of a new patient.")
    plan_id: str
    revision: int
    plan: dict[str, Any] = Field(description="The plan in the service's JSON plan format.")


class RevisionInfo(BaseModel):
    revision: int
    change: str
    reason: str
    saved_at: str


class PatientInfo(BaseModel):
    id: int
    label: str
    created_at: str
    plans: list[str] = []


@router.get("/patients", response_model=list[PatientInfo])
def list_patients(ctx: ContextDep, q: str = "") -> list[PatientInfo]:
    store = ctx.store
    return [PatientInfo(id=row.id, label=row.label, created_at=row.created_at) for row in store.patients(q.strip())]


@router.get("/patients/{patient_id}", response_model=PatientInfo)
def get_patient(ctx: ContextDep, patient_id: RowNumber) -> PatientInfo:
    store = ctx.store
    row = store.patient(patient_id)
    return PatientInfo(id=row.id, label=row.label, created_at=row.created_at,
                       plans=[plan.plan_id for plan in store.plans_of(patient_id)])


@router.post("/previews", response_model=Summary, dependencies=[Depends(_json_only)])
def preview_plan(ctx: ContextDep, body: PlanInputs) -> Summary:
    """The plan the inputs make, without saving it."""
    label = ctx.store.patient(body.patient_id).label if body.patient_id is not None else None
    plan = plans.preview(ctx, body.inputs, patient_label=label)
    return Summary(patient_id=body.patient_id, plan_id=plan.plan_id, revision=plan.revision,
                   plan=json.loads(render_plan(plan, "json").content))


@router.post("/plans", status_code=201, response_model=Summary, dependencies=[Depends(_json_only)],
             responses={409: {"description": "The plan id is saved already; nothing saved"},
                        422: {"description": "A rule refuses the plan, or a revision above 1 is asked for "
                                             "(rule revision: re-plan or adjust a saved plan instead)"}})
def create_plan(ctx: ContextDep, body: PlanInputs) -> Summary:
    """Make a plan from the inputs and save it as revision 1 of a new plan."""
    saved = plans.save_new(ctx, body.inputs, patient_id=body.patient_id)
    return Summary(patient_id=saved.patient_id, plan_id=saved.plan.plan_id, revision=saved.plan.revision,
                   plan=json.loads(render_plan(saved.plan, "json").content))


@router.get("/plans/{plan_id}/revisions", response_model=list[RevisionInfo])
def list_revisions(ctx: ContextDep, plan_id: str) -> list[RevisionInfo]:
    return [RevisionInfo(revision=row.revision, change=row.change, reason=row.reason, saved_at=row.saved_at)
            for row in ctx.store.revisions(plan_id)]


@router.get("/plans/{plan_id}/revisions/{revision}", responses={200: {"content": {"*/*": {}}}})
def get_revision(ctx: ContextDep, plan_id: str, revision: RowNumber, format: str = "json") -> Response:
    """One revision, rendered in any format the service offers here (default json)."""
    _, plan = plans.load(ctx, plan_id, revision)
    offered = [name for name, _, _ in download_formats()]
    if format not in offered:
        raise InputError(f"unknown format {format!r}; choose one of: {', '.join(offered)}", field="format",
                         value=format)
    rendered = render_plan(plan, format)
    return Response(rendered.content, media_type=rendered.media_type)


class AdjustmentInputs(BaseModel):
    """A change in flight to the revision the client last read (`based_on`): a stale one is a 409."""

    model_config = ConfigDict(extra="forbid")
    based_on: RowNumber = Field(description="The revision this change was made from; it must still be the latest.")
    adjustment: dict[str, str] = Field(
        description="Raw text fields as the service takes them: kind (hold, step-back, retime, target, stop, "
                    "pause), from (YYYY-MM-DD), reason, and days, to (mg), time (HH:MM), target (mg) or override (a "
                    "rule the change goes past, for the same reason) as the kind needs; a pause takes until "
                    "(YYYY-MM-DD), restart (yes/no), opioid, last_opioid_dose and washout_days.",
        examples=[{"kind": "step-back", "from": "2026-12-20", "days": "14", "reason": "flare of fatigue"}])


class Adjusted(BaseModel):
    plan_id: str
    revision: int
    diff: dict[str, Any] = Field(description="What changed from `based_on`, in the service's diff format.")
    plan: dict[str, Any]


@router.post("/plans/{plan_id}/adjustments", status_code=201, response_model=Adjusted,
             dependencies=[Depends(_json_only)], responses={409: {"description": "`based_on` is no longer the "
                                                                                 "latest revision; nothing saved"}})
def adjust_plan(ctx: ContextDep, plan_id: str, body: AdjustmentInputs) -> Adjusted:
    """Save the adjustment as the next revision of the plan."""
    old, new = plans.adjust(ctx, plan_id, body.based_on, body.adjustment)
    return Adjusted(plan_id=plan_id, revision=new.revision, diff=diff_to_dict(diff_plans(old, new)),
                    plan=json.loads(render_plan(new, "json").content))


class ReplanInputs(BaseModel):
    """A re-plan of the revision the client last read (`based_on`), made afresh from new inputs: a stale
    one is a 409."""

    model_config = ConfigDict(extra="forbid")
    based_on: RowNumber = Field(description="The revision re-planned; it must still be the latest.")
    inputs: dict[str, str | list[str]] = Field(
        description="Raw text fields as for a new plan; the patient's label is kept, and a plan_id or revision "
                    "given must be this plan's id and the next revision.",
        examples=[{"start": "2027-01-18", "time_zone": "Europe/London", "protocol": "gentle"}])


@router.post("/plans/{plan_id}/replans", status_code=201, response_model=Adjusted,
             dependencies=[Depends(_json_only)], responses={409: {"description": "`based_on` is no longer the "
                                                                                 "latest revision; nothing saved"}})
def replan_plan(ctx: ContextDep, plan_id: str, body: ReplanInputs) -> Adjusted:
    """Save the plan the inputs make as the next revision of the plan (as `titrate plan --revises`): its
    calendar cancels every dose and event of the earlier revisions that it lacks."""
    old, new = plans.replan(ctx, plan_id, body.based_on, body.inputs)
    return Adjusted(plan_id=plan_id, revision=new.revision, diff=diff_to_dict(diff_plans(old, new)),
                    plan=json.loads(render_plan(new, "json").content))


@router.get("/plans/{plan_id}/diff")
def diff_revisions(ctx: ContextDep, plan_id: str, old: RowNumber, new: RowNumber) -> dict[str, Any]:
    """What changed between two revisions of the plan, by date and event key."""
    return diff_to_dict(plans.changes(ctx, plan_id, old, new))


@router.get("/formats")
def list_formats() -> list[dict[str, str]]:
    """The formats a revision can be rendered in here."""
    return [{"name": name, "about": about, "extension": extension} for name, about, extension in download_formats()]
