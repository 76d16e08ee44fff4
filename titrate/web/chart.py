"""The dose chart on the preview and plan pages: an inline SVG step line of the dose, day by day.

Inline SVG needs no script and no external file, so it passes the strict Content-Security-Policy; it
uses presentation attributes only (no style attributes). The only text in it is dates and doses, never
user text. Swappable for the handout's chart once that lands: one function, plan in, SVG text out.
"""

from __future__ import annotations

from decimal import Decimal

from ..doses import format_mg
from ..model import EventKind, Plan
from ..rules import CEILING_MG

__all__ = ["dose_chart"]

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


def dose_chart(plan: Plan) -> str:
    """An SVG of the plan's dose over its days, with a gridline every 1.5 mg, each new level's date, and the
    review (or stop) as a dashed line."""
    days = plan.days
    top_mg = max(CEILING_MG, max(day.dose_mg for day in days))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + inner_w * index / len(days)

    def y(mg: Decimal) -> float:
        return TOP + inner_h * float(1 - mg / top_mg)

    points: list[str] = []
    changes: list[int] = []
    for index, day in enumerate(days):
        if index == 0 or day.dose_mg != days[index - 1].dose_mg:
            if index:
                points.append(f"{x(index):.1f},{y(days[index - 1].dose_mg):.1f}")
            changes.append(index)
        points.append(f"{x(index):.1f},{y(day.dose_mg):.1f}")
    points.append(f"{x(len(days)):.1f},{y(days[-1].dose_mg):.1f}")

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="chart-title">',
             f'<title id="chart-title">Daily dose from {days[0].date} to {days[-1].date}</title>']
    grid = Decimal("1.5")
    level = Decimal(0)
    while level <= top_mg:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="#d5dbe3" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(level) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#4a5566">{format_mg(level)} mg</text>')
        level += grid
    fill = " ".join([f"{LEFT:.1f},{y(Decimal(0)):.1f}", *points, f"{x(len(days)):.1f},{y(Decimal(0)):.1f}"])
    parts.append(f'<polygon points="{fill}" fill="#1f6f8b" fill-opacity="0.12"/>')
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f6f8b" stroke-width="2.5" '
                 f'stroke-linejoin="round"/>')
    last_label = -1000.0
    for index in [*changes, len(days) - 1]:
        at = x(index)
        if at - last_label < 70:  # keep date labels from overlapping
            continue
        last_label = at
        parts.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 5}" '
                     f'stroke="#4a5566"/>')
        parts.append(f'<text x="{at:.1f}" y="{HEIGHT - BOTTOM + 19}" text-anchor="middle" font-size="12" '
                     f'fill="#4a5566">{days[index].date:%d %b}</text>')
    for event in plan.events:  # the review, and a stop, as dashed lines where they fall (rule: review)
        index = (event.date - days[0].date).days
        if event.kind in (EventKind.REVIEW, EventKind.STOP) and 0 <= index <= len(days):
            parts.append(f'<line x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                         f'stroke="#8a5a00" stroke-width="1.5" stroke-dasharray="5 4"/>')
            parts.append(f'<text x="{x(index) - 4:.1f}" y="{TOP + 28}" text-anchor="end" font-size="12" '
                         f'fill="#8a5a00">{event.kind.value} {event.date:%d %b}</text>')
    for index in changes:
        parts.append(f'<text x="{x(index) + 4:.1f}" y="{y(days[index].dose_mg) - 6:.1f}" font-size="12" '
                     f'font-weight="600" fill="#16475a">{format_mg(days[index].dose_mg)}</text>')
    parts.append(f'<text x="{LEFT + inner_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="12" '
                 f'fill="#4a5566">{len(days)} days from {days[0].date:%d %b %Y}</text>')
    parts.append("</svg>")
    return "".join(parts)
