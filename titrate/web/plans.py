"""The app's use cases, shared by the pages and the API: preview and save a plan from raw text fields,
and load a saved revision. Plans are made only by the service layer; this module stores its JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from titrate.core.diff import PlanDiff
from titrate.core.model import Plan
from titrate.core.record import Record
from titrate.errors import ConflictError, InputError, NotFoundError, RefusedError
from titrate.service.plans import (
    adjust_plan,
    diff_plans,
    make_plan,
    parse_adjustment,
    parse_request,
    read_plan,
    write_plan,
)
from titrate.service.store import RevisionRow
from titrate.web.deps import Context

__all__ = ["Saved", "adjust", "changes", "load", "preview", "preview_replan", "replan", "save_new"]

Raw = Mapping[str, str | Sequence[str]]


def preview(context: Context, raw: Raw, *, patient_label: str | None = None, previous: Plan | None = None) -> Plan:
    """The plan the raw fields describe, not saved (with `previous`, re-planning it); InputError (field) or
    RefusedError (rule)."""
    fields = dict(raw)
    if patient_label is not None:
        fields["label"] = patient_label  # a plan for a known patient keeps the patient's label
    plan = make_plan(parse_request(fields), generated_at=context.clock(), default_zone=context.default_zone,
                     previous=previous)
    if not plan.patient.label:
        raise InputError("name the patient (a name or record number) so the plan can be found again", field="label")
    return plan


class Saved(Record):
    patient_id: int
    plan: Plan


def save_new(context: Context, raw: Raw, *, patient_id: int | None = None) -> Saved:
    """Make the plan and save it as a new plan (of a new patient when `patient_id` is None), in one
    transaction."""
    label = context.store.patient(patient_id).label if patient_id is not None else None
    plan = preview(context, raw, patient_label=label)
    assert plan.patient.label is not None
    if plan.revision != 1:
        _refuse_later_revision(context, plan)
    saved_patient, _ = context.store.create_plan(patient_id=patient_id, label=plan.patient.label,
                                                 plan_id=plan.plan_id, revision=plan.revision,
                                                 plan_json=write_plan(plan))
    return Saved(saved_patient, plan)


def _refuse_later_revision(context: Context, plan: Plan) -> None:
    """A new plan is revision 1: a later one saved without the revisions before it would be a calendar
    update that cancels nothing the phone holds. ConflictError when the plan is saved (its next revision is
    a re-plan or an adjustment), else RefusedError (rule revision)."""
    try:
        latest = context.store.plan(plan.plan_id).latest
    except NotFoundError:
        raise RefusedError("revision", f"a new plan is revision 1 (got {plan.revision}); a later revision is made by "
                                       "re-planning or adjusting a saved plan") from None
    raise ConflictError(f"plan {plan.plan_id!r} is saved up to revision {latest}: re-plan or adjust it to make "
                        f"revision {latest + 1} (got revision {plan.revision})", latest=latest)


def preview_replan(context: Context, plan_id: str, based_on: int, raw: Raw) -> tuple[Plan, Plan]:
    """Saved revision `based_on` and the plan the raw fields describe as its re-plan (the service's, as
    `titrate plan --revises`: the same id, the next revision, cancelling what the old one had and the new
    lacks), not saved. The patient's label is kept."""
    _, old = load(context, plan_id, based_on)
    label = context.store.patient(context.store.plan(plan_id).patient_id).label
    return old, preview(context, raw, patient_label=label, previous=old)


def replan(context: Context, plan_id: str, based_on: int, raw: Raw) -> tuple[Plan, Plan]:
    """Re-plan saved revision `based_on`, the one the clinician saw, and save the result as the next revision.
    A ConflictError, saving nothing, if another revision was saved since `based_on`."""
    old, new = preview_replan(context, plan_id, based_on, raw)
    context.store.add_revision(plan_id=plan_id, based_on=based_on, revision=new.revision, plan_json=write_plan(new),
                               change=f"re-planned: from {new.start}, {new.time_zone}, {new.protocol.name}",
                               reason="")
    return old, new


def load(context: Context, plan_id: str, revision: int | None = None) -> tuple[RevisionRow, Plan]:
    """A saved revision (the latest when `revision` is None) and its plan, read back through the service."""
    row = context.store.revision(plan_id, revision)
    return row, read_plan(row.plan_json)


def adjust(context: Context, plan_id: str, based_on: int, raw: Mapping[str, str]) -> tuple[Plan, Plan]:
    """Apply the adjustment the raw fields describe (the service's: kind, from, reason, days, to, time,
    target, override) to revision `based_on`, the one the clinician saw, and save the result as the next
    revision. A ConflictError, saving nothing, if another revision was saved since `based_on`."""
    _, old = load(context, plan_id, based_on)
    new = adjust_plan(old, parse_adjustment(raw), generated_at=context.clock())
    change = new.inputs.adjustments[-1]
    context.store.add_revision(plan_id=plan_id, based_on=based_on, revision=new.revision,
                               plan_json=write_plan(new), change=change.describe(), reason=change.reason)
    return old, new


def changes(context: Context, plan_id: str, old: int, new: int) -> PlanDiff:
    """What changed between two saved revisions of a plan."""
    return changes_to(context, plan_id, old, load(context, plan_id, new)[1])


def changes_to(context: Context, plan_id: str, old: int, new: Plan) -> PlanDiff:
    """What changed from saved revision `old` to `new`, a revision already read."""
    return diff_plans(load(context, plan_id, old)[1], new)
