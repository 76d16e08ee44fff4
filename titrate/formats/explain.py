"""`titrate explain`: level by level, which rule set each dose and the time, then every finding with the
rule's statement and its source, so a clinician can check the reasoning, not only the result."""

from __future__ import annotations

from itertools import groupby

from titrate.core.model import DoseDay, Plan
from titrate.core.rules import (
    CEILING_MG,
    FIRST_DOSE_MAX_MG,
    HOLD_MIN_DAYS,
    RULES,
    RULES_BY_ID,
    SPASTICITY_MAX_MG,
    STEP_MAX_MG,
)
from titrate.core.units import format_mg
from titrate.core.wallclock import EVENING_WINDOW, format_hhmm
from titrate.formats.common import DISCLAIMER, finding_entries, terminal_safe, title


def render_explain(plan: Plan) -> str:
    # Everything that can come from a plan file is escaped, as in the table.
    lines = [terminal_safe(title(plan)),
             terminal_safe(f"Plan {plan.plan_id}, revision {plan.revision}; protocol {plan.protocol.name}: "
                           f"{plan.protocol.summary or plan.protocol.describe()}"), "", "Dose, level by level:"]
    levels = [list(days) for _, days in groupby(plan.days, key=lambda day: day.dose_mg)]
    width = max(len(f"{format_mg(level[0].dose_mg)} mg") for level in levels)
    previous: list[DoseDay] | None = None
    for level in levels:
        first, last = level[0], level[-1]
        dose = f"{format_mg(first.dose_mg)} mg"
        lines.append(f"  {dose:<{width}}  {first.date} to {last.date} ({len(level)} days), "
                     f"{terminal_safe(first.amount)}: {terminal_safe(_why_level(plan, level, previous))}")
        previous = level
    lines.append(f"  Measured as {plan.formulation.describe()}, exactly [amount]; "
                 f"{len(plan.refills)} pharmacy fill{'s' if len(plan.refills) != 1 else ''}, each ordered "
                 f"{plan.supply.lead_days} days ahead [supply]")
    lines += ["", "Time:", *(f"  {line}" for line in _why_time(plan)), f"  {_zone_rules(plan)}"]
    lines += [f"  {day.date}: {terminal_safe(note)}" for day in plan.days for note in day.notes]
    lines += ["", "Warnings, overrides and notes:"]
    entries = finding_entries(plan)
    for kind, rule_id, text in entries:
        lines.append(f"  {kind} [{terminal_safe(rule_id)}]: {terminal_safe(text)}")
        rule = RULES_BY_ID.get(rule_id)
        if rule:
            lines.append(f"      Rule: {rule.statement} Source: {rule.source}.")
    if not entries:
        lines.append("  none")
    lines += ["", "Rules checked:"]
    lines += [f"  {rule.id}: {rule.statement} ({rule.source})" for rule in RULES if rule.id in plan.rules_applied]
    lines += ["", DISCLAIMER]
    return "\n".join(lines) + "\n"


def _why_level(plan: Plan, level: list[DoseDay], previous: list[DoseDay] | None) -> str:
    dose = level[0].dose_mg
    reasons = []
    if previous is None:
        reasons.append(f"the first dose, protocol {plan.protocol.name} (at most {format_mg(FIRST_DOSE_MAX_MG)} mg) "
                       "[start]")
    elif dose > previous[0].dose_mg:
        reasons.append(f"+{format_mg(dose - previous[0].dose_mg)} mg after {len(previous)} days "
                       f"(at most {format_mg(STEP_MAX_MG)} mg a step, each level held at least {HOLD_MIN_DAYS} days) "
                       "[gradual]")
    else:
        reasons.append(f"lowered by {format_mg(previous[0].dose_mg - dose)} mg (a step back)")
    if dose == plan.target_mg:
        reasons.append(f"the target, at or under the {format_mg(CEILING_MG)} mg ceiling [ceiling]")
        if plan.patient.spasticity:
            if "spasticity" in plan.overridden:
                reasons.append(f"above the {format_mg(SPASTICITY_MAX_MG)} mg spasticity limit by override "
                               "[spasticity]")
            else:
                reasons.append(f"at or under the {format_mg(SPASTICITY_MAX_MG)} mg limit for spasticity "
                               "[spasticity]")
    return "; ".join(reasons)


def _why_time(plan: Plan) -> list[str]:
    """The dose time in force on each day, and the rule behind it: inside the evening window, or moved
    out of it by the clinician's override (with its reason)."""
    spans = plan.dose_times
    lines = []
    for span in spans:
        since = f"from {span.first}: " if len(spans) > 1 else ""
        at = f"{since}{format_hhmm(span.time)} {plan.time_zone}, local wall-clock time"
        if EVENING_WINDOW.contains(span.time) and span.window == EVENING_WINDOW:
            lines.append(f"{at}, inside the window {span.window} [window]")
            continue
        reason = next((o.reason for o in plan.overrides if o.rule == "window"), "")
        lines.append(f"{at}, moved out of {EVENING_WINDOW} by the clinician's override [window]: "
                     f"{terminal_safe(reason)}; window {span.window}")
    return lines


def _zone_rules(plan: Plan) -> str:
    return f"Zone rules: tz database {plan.tzdata or 'not recorded'} (local times and clock changes)"
