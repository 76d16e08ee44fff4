"""Adjustments in flight: a revision is the previous plan's inputs plus one adjustment, rebuilt by the
same pure engine. The past is never rewritten: every day before the adjustment's date stays as it was,
and an adjustment may not start before the last one. Days and events the new revision drops are kept
as cancelled, so calendars remove them (and sync deletes them).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from titrate.core.engine import build
from titrate.core.model import (
    Adjustment,
    AdjustmentKind,
    Cancelled,
    Finding,
    Override,
    Plan,
    PlanInputs,
    Washout,
    adjustment_kind,
)
from titrate.core.record import replace
from titrate.errors import InputError, RefusedError

__all__ = ["adjust", "cancelled_before", "replan"]


def adjust(plan: Plan, kind: AdjustmentKind | str, effective: date, reason: str, *, generated_at: datetime,
           days: int | None = None, dose_mg: Decimal | None = None, time: time | None = None,
           overrides: tuple[Override, ...] = (), until: date | None = None, restart: bool = False,
           washout: Washout | None = None) -> Plan:
    """Revision N+1 of `plan` with one adjustment from `effective` on; `overrides` are rules the
    adjustment goes past (a morning dose: window), each with its reason. A pause takes `until` (the day
    doses start again), `restart` (climb again from the first dose) and `washout` (an opioid taken during
    it). InputError for a malformed adjustment, RefusedError naming the rule the new revision would break."""
    adjustment = Adjustment(adjustment_kind(kind), effective, reason, plan.revision + 1, days, dose_mg, time,
                            until, restart, washout)
    if not plan.start <= effective <= plan.end:
        raise InputError(f"an adjustment takes effect between the plan's first and last days, {plan.start} and "
                         f"{plan.end} (got {effective})", field="from", value=effective)
    last = plan.adjustments[-1].settled_from if plan.adjustments else plan.start
    if adjustment.kind is AdjustmentKind.RESUME and plan.adjustments and plan.adjustments[-1].paused:
        last = plan.adjustments[-1].effective  # a resume ends the pause in force early (the engine checks the date)
    if effective < last:
        raise RefusedError("revision", f"an adjustment from {effective} would rewrite days before the last "
                                       f"adjustment, from {last}")
    kept = tuple(o for o in plan.overrides if o.rule not in {override.rule for override in overrides})
    inputs = replace(plan.inputs, adjustments=(*plan.adjustments, adjustment), overrides=kept + overrides)
    revised = build(inputs, generated_at=generated_at, plan_id=plan.plan_id, revision=plan.revision + 1,
                    supersedes=plan.revision, cancelled=plan.cancelled + _dropped_from(plan))
    before = [day for day in plan.days if day.date < effective]
    if tuple(before) != revised.days[:len(before)]:  # a guard on the engine: the past stays as it was
        raise RefusedError("revision", f"the adjustment would change days before {effective}")
    return replace(revised, warnings=revised.warnings + _fills_already_ordered(plan, revised))


def _fills_already_ordered(old: Plan, new: Plan) -> tuple[Finding, ...]:
    """A warning for each fill that was due to be ordered before the revision was made and now holds
    other doses: the pharmacy may have made it as the old revision planned (rule: supply)."""
    made_on = new.generated_at.astimezone(new.zone).date()
    planned = {refill.start: refill for refill in old.refills}
    warnings = []
    for refill in new.refills:
        was = planned.get(refill.start)
        if refill.reorder_on >= made_on or (was is not None and set(was.quantities) == set(refill.quantities)):
            continue
        holds = ", ".join(new.formulation.quantity_text(portion) for portion in refill.quantities)
        held = "" if was is None else " instead of " + ", ".join(old.formulation.quantity_text(portion)
                                                                  for portion in was.quantities)
        warnings.append(Finding("supply", f"fill {refill.number} ({refill.start} to {refill.end}) was to be ordered "
                                          f"by {refill.reorder_on}, before this revision: it now holds {holds}{held}; "
                                          "check with the pharmacy what it has made"))
    return tuple(warnings)


def cancelled_before(inputs: PlanInputs, *, generated_at: datetime) -> tuple[Cancelled, ...]:
    """What the revisions before the one `inputs` make had and adjust() cancelled: each earlier revision
    rebuilt from the same inputs with fewer adjustments, its dropped days and events carried forward as
    adjust() carries them. A plan file's `cancelled` must be this (filtered by build()), so a hand edit
    cannot leave a stopped dose on the patient's phone. A re-plan's carried set (`inputs.replanned`) is
    where the first revision of these inputs starts: no earlier inputs rebuild it."""
    cancelled: tuple[Cancelled, ...] = inputs.replanned
    for count in range(len(inputs.adjustments)):
        kept = inputs.adjustments[:count]
        earlier = build(replace(inputs, adjustments=kept), generated_at=generated_at, cancelled=cancelled,
                        revision=max((adjustment.revision for adjustment in kept), default=1))
        cancelled = earlier.cancelled + _dropped_from(earlier)
    return cancelled


def replan(previous: Plan, inputs: PlanInputs, *, generated_at: datetime) -> Plan:
    """Revision N+1 of `previous` made afresh from `inputs` (another start, zone or protocol): the same id,
    superseding it, cancelling every day and event of `previous` (and of what it cancelled) that the new
    plan lacks, by the same keys adjust() uses. The carried set is kept in the inputs (`replanned`), so
    the plan file reads back."""
    carried = previous.cancelled + _dropped_from(previous)
    plan = build(replace(inputs, replanned=carried), generated_at=generated_at, plan_id=previous.plan_id,
                 revision=previous.revision + 1, supersedes=previous.revision, cancelled=carried)
    # Keep only what is cancelled (build() dropped what the new plan has), so the file stays small.
    return replace(plan, inputs=replace(plan.inputs, replanned=plan.cancelled))


def _dropped_from(plan: Plan) -> tuple[Cancelled, ...]:
    """Every live day and event of `plan`, as what to cancel if the revision no longer has it
    (build() keeps only those the revision lacks)."""
    return (tuple(Cancelled(day.key, "dose", day.date, day.time) for day in plan.days)
            + tuple(Cancelled(event.key, event.kind.value, event.date) for event in plan.events))
