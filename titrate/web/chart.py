"""The dose chart on the preview, plan and adjust pages: the handout's SVG step chart (titrate.formats.chart),
with the re-order dates, the washout's end, the review and a stop marked.

Inline SVG needs no script and no external file, so it passes the strict Content-Security-Policy; the
handout's chart uses presentation attributes only and escapes its text, and the labels given here are
dates, doses and fixed words, never user text.
"""

from __future__ import annotations

from titrate.core.model import Plan
from titrate.core.units import format_mg
from titrate.formats.chart import plan_markers, render_chart, short_date
from titrate.formats.course import levels

__all__ = ["dose_chart"]

def dose_chart(plan: Plan) -> str:
    """The SVG of the plan's dose over its days, its target and the dates to remember."""
    plan_levels = levels(plan)
    description = (f"Daily dose from {short_date(plan.start)} to {short_date(plan.end)}: "
                   + ", then ".join(f"{format_mg(level.dose_mg)} mg from {short_date(level.first)}"
                                    for level in plan_levels)
                   + f". Target {format_mg(plan.target_mg)} mg.")
    return render_chart(plan_levels, plan.target_mg, plan_markers(plan), title="Daily dose", description=description)
