"""The dose chart on the preview, plan and adjust pages: the handout's SVG step chart (titrate.render.chart),
with the re-order dates, the washout's end, the review and a stop marked.

Inline SVG needs no script and no external file, so it passes the strict Content-Security-Policy; the
handout's chart uses presentation attributes only and escapes its text, and the labels given here are
dates, doses and fixed words, never user text.
"""

from __future__ import annotations

from ..doses import format_mg
from ..model import EventKind, Plan
from ..render.chart import Marker, render_chart, short_date
from ..render.course import levels

__all__ = ["dose_chart"]

#: The events a clinician plans around, as the chart labels them.
EVENT_LABELS = {EventKind.WASHOUT_END: "opioid-free", EventKind.REVIEW: "review", EventKind.STOP: "stop"}


def markers(plan: Plan) -> list[Marker]:
    """Every pharmacy re-order date and every planned event the chart marks."""
    return ([Marker(refill.reorder_on, f"order {refill.number}", "reorder") for refill in plan.refills]
            + [Marker(event.date, EVENT_LABELS[event.kind], event.kind.value) for event in plan.events
               if event.kind in EVENT_LABELS])


def dose_chart(plan: Plan) -> str:
    """The SVG of the plan's dose over its days, its target and the dates to remember."""
    plan_levels = levels(plan)
    description = (f"Daily dose from {short_date(plan.start)} to {short_date(plan.end)}: "
                   + ", then ".join(f"{format_mg(level.dose_mg)} mg from {short_date(level.first)}"
                                    for level in plan_levels)
                   + f". Target {format_mg(plan.target_mg)} mg.")
    return render_chart(plan_levels, plan.target_mg, markers(plan), title="Daily dose", description=description)
