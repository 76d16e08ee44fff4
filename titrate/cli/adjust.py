"""`titrate adjust` and `titrate diff`: revise a saved plan in flight and show what changed."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING

import click

from titrate.cli.inputs import read_plan
from titrate.cli.options import DATE, MG, TIME, LengthType, PathType, Whole
from titrate.cli.output import emit, refuse_clobber
from titrate.cli.output import show_diff as print_diff
from titrate.core.lengths import Length
from titrate.core.model import MAX_STEP_DAYS, AdjustmentKind
from titrate.core.rules import HOLD_MIN_DAYS
from titrate.errors import InputError, RefusedError
from titrate.service.machine import generated_now
from titrate.service.plans import AdjustmentRequest, adjust_plan, diff_plans, write_plan

if TYPE_CHECKING:
    from pathlib import Path

_PLAN_FILE = PathType(dir_okay=False)


@click.command()
@click.argument("plan_file", type=_PLAN_FILE, metavar="PLAN.json")
@click.option("--from", "effective", type=DATE, required=True, help="First day the change applies to.")
@click.option("--hold", "hold_for", type=LengthType(months=True, high=MAX_STEP_DAYS), metavar="DAYS",
              help="Stay at the current dose DAYS longer (or weeks like 2w, or calendar months from --from like "
                   "1m); later steps shift.")
@click.option("--step-back", is_flag=True, help="Lower the dose for a while (--for DAYS), then climb again.")
@click.option("--to", "to_mg", type=MG, help="With --step-back: the lower dose [default: one level down].")
@click.option("--for", "for_days", type=LengthType(months=False, low=HOLD_MIN_DAYS, high=MAX_STEP_DAYS),
              metavar="DAYS", help=f"With --step-back: how long to stay lower, at least {HOLD_MIN_DAYS} days "
                                   "(rule: gradual), or weeks like 2w.")
@click.option("--retime", type=TIME, metavar="HH:MM", help="Take the dose at HH:MM from then on.")
@click.option("--target", type=MG, help="Settle at this dose, lower or higher, within the rules.")
@click.option("--stop", is_flag=True, help="Stop: the last dose is the day before --from.")
@click.option("--pause-until", type=DATE, metavar="DATE",
              help="Pause: no dose from --from through the day before DATE; on DATE the interrupted step starts "
                   "again, its full length at the dose held before.")
@click.option("--resume", is_flag=True,
              help="End the pause the plan is in early: doses start again on --from (a day inside the pause), as the "
                   "pause had them: the interrupted step at the held dose, or climbing again after --restart.")
@click.option("--restart", is_flag=True, help="With --pause-until: start again at the protocol's first dose and "
                                              "climb again [default: the dose held before the pause].")
@click.option("--opioid", metavar="NAME", help="With --pause-until: the opioid taken during the pause.")
@click.option("--last-opioid-dose", type=DATE, metavar="DATE",
              help="With --opioid: its last dose; the pause ends no earlier than the washout after it.")
@click.option("--washout-days", type=Whole(7, 14), default=7, show_default=True, metavar="DAYS",
              help="With --opioid: days opioid-free before LDN starts again (7 to 14).")
@click.option("--reason", required=True, metavar="TEXT", help="Why (kept in the plan and shown in the diff).")
@click.option("--override", "override_rules", multiple=True, metavar="RULE",
              help="A rule the change goes past (window, for a morning dose), for the same reason.")
@click.option("-o", "--output", type=_PLAN_FILE, metavar="FILE", help="Write the new revision to FILE.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--show-diff", is_flag=True, help="Also print what changed (on stderr when the plan goes to "
                                                "standard output).")
def adjust(plan_file: Path, effective: date, hold_for: int | Length | None, step_back: bool, to_mg: Decimal | None,
           for_days: int | None, retime: time | None, target: Decimal | None, stop: bool, pause_until: date | None,
           resume: bool, restart: bool, opioid: str | None, last_opioid_dose: date | None, washout_days: int, reason: str,
           override_rules: tuple[str, ...], output: Path | None, force: bool, show_diff: bool) -> None:
    """Revise a plan from a date on: hold, step back, retime, change the target, stop, pause or resume.

    Writes revision N+1 (JSON) with the same plan id; every day before --from stays as it was.
    """
    try:  # a hold in months is calendar months from the day it starts
        hold_days = hold_for.days_from(effective) if isinstance(hold_for, Length) else hold_for
    except InputError as error:
        raise InputError(str(error), field="hold") from None
    kind = _one_kind(hold_days, step_back, retime, target, stop, pause_until, resume)
    if (to_mg is not None or for_days is not None) and kind is not AdjustmentKind.STEP_BACK:
        raise click.UsageError("--to and --for go with --step-back")
    if (restart or opioid is not None or last_opioid_dose is not None) and kind is not AdjustmentKind.PAUSE:
        raise click.UsageError("--restart, --opioid and --last-opioid-dose go with --pause-until")
    if kind is AdjustmentKind.STEP_BACK and for_days is None:
        raise click.UsageError("--step-back needs --for DAYS")
    refuse_clobber(output, force)
    old = read_plan(plan_file)
    request = AdjustmentRequest(
        kind, effective, reason, days=hold_days if kind is AdjustmentKind.HOLD else for_days,
        dose_mg=to_mg if kind is AdjustmentKind.STEP_BACK else target, time=retime,
        overrides=tuple((rule, reason) for rule in override_rules), until=pause_until, restart=restart,
        opioid=opioid, last_opioid_dose=last_opioid_dose, washout_days=washout_days)
    try:
        new = adjust_plan(old, request, generated_at=generated_now())
    except InputError as error:
        raise InputError(str(error), field=_own_field(error.field, kind), value=error.value) from None
    except RefusedError as error:
        if not error.overridable:
            raise
        # the change's one --reason goes with its override too, so the hint asks for no other
        raise RefusedError(error.rule_id, f"{error.detail} To go ahead, add --override {error.rule_id} (for the "
                                          "same --reason).") from None
    emit(write_plan(new), output, force)
    if show_diff:
        print_diff(old, new, output)


@click.command()
@click.argument("old_file", type=_PLAN_FILE, metavar="OLD.json")
@click.argument("new_file", type=_PLAN_FILE, metavar="NEW.json")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old_file: Path, new_file: Path, fmt: str) -> None:
    """Show what changed between two revisions of a plan: days by date, events by key."""
    from titrate.formats.diff import render_diff_json, render_diff_text

    changes = diff_plans(read_plan(old_file), read_plan(new_file))
    click.echo((render_diff_json if fmt == "json" else render_diff_text)(changes), nl=False)


def _own_field(field: str | None, kind: AdjustmentKind) -> str | None:
    """The core's field as adjust's options name it: adjust has no --days or --start, so a plan the change
    makes too long is the change's own length (--hold or --for), and a field adjust cannot set is left unnamed."""
    if field == "days":
        return {AdjustmentKind.HOLD: "hold", AdjustmentKind.STEP_BACK: "for"}.get(kind)
    if field == "until":
        return "pause_until"
    return field if field in {"from", "to", "time", "reason", "override", "restart", "opioid", "last_opioid_dose",
                              "washout_days"} else None


def _one_kind(hold_days: int | None, step_back: bool, retime: time | None, target: Decimal | None,
              stop: bool, pause_until: date | None, resume: bool) -> AdjustmentKind:
    chosen = [kind for kind, given in ((AdjustmentKind.HOLD, hold_days is not None),
                                       (AdjustmentKind.STEP_BACK, step_back),
                                       (AdjustmentKind.RETIME, retime is not None),
                                       (AdjustmentKind.TARGET, target is not None), (AdjustmentKind.STOP, stop),
                                       (AdjustmentKind.PAUSE, pause_until is not None),
                                       (AdjustmentKind.RESUME, resume))
              if given]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --hold, --step-back, --retime, --target, --stop, "
                               "--pause-until or --resume")
    return chosen[0]
