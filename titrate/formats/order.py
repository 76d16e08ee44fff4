"""The pharmacy summary (`--format order`): each fill's dates and quantities, and the totals."""

from __future__ import annotations

from titrate.core.model import Plan
from titrate.core.refills import total_quantities
from titrate.core.wallclock import format_instant
from titrate.formats.common import DISCLAIMER, findings, terminal_safe, title


def render_order(plan: Plan) -> str:
    formulation = plan.formulation
    lines = [
        terminal_safe(f"Pharmacy order: {title(plan)}"),
        f"Naltrexone, compounded: {formulation.describe()}",
        f"Plan {plan.plan_id}, revision {plan.revision}, generated {format_instant(plan.generated_at)}",
        f"Fills of {plan.supply.days_per_fill(formulation.form)} days, each ordered {plan.supply.lead_days} days "
        "before it is needed (made to order)",
        "",
    ]
    rows = [("Fill", "Order by", "From", "To", "Days", "Quantity")]
    rows += [(str(r.number), str(r.reorder_on), str(r.start), str(r.end), str(r.days),
              ", ".join(formulation.quantity_text(portion) for portion in r.quantities)) for r in plan.refills]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    total = total_quantities(refill.quantities for refill in plan.refills)
    lines += ["", "Total: " + ", ".join(formulation.quantity_text(portion) for portion in total)]
    if formulation.form == "liquid":
        lines.append(f"Keep refrigerated. Shelf life {plan.supply.shelf_life_days} days: no fill covers more.")
    if plan.warnings or plan.notes or plan.overrides:
        lines += ["", "Warnings, overrides and notes (check before dispensing):"]
        lines += [terminal_safe(line) for line in findings(plan)]
    lines += ["", DISCLAIMER]
    return "\n".join(lines) + "\n"
