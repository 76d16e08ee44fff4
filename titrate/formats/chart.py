"""The handout's dose chart: an inline SVG step chart of milligrams over the dates, with the target line
and markers for the dates to remember. Every label is SVG text, so it stays text when printed, copied or
read aloud; the chart draws nothing it does not also say elsewhere on the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from math import ceil

from titrate.core.model import EventKind, Plan
from titrate.core.record import Record
from titrate.core.units import format_mg
from titrate.formats.course import Level

__all__ = ["Marker", "plan_markers", "render_chart", "short_date"]

WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 34, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MARKER_LABEL_GAP = 46  # px: closer marker labels would overlap, so the later one is left to the line alone
#: Presentation attributes, not CSS classes: an inline SVG keeps its look in every browser and in WeasyPrint
#: without the page's stylesheet. Dashes tell the lines apart in black and white.
STYLE = {
    "grid": 'stroke="#d9d9d9" stroke-width="1"',
    "axis": 'stroke="#333" stroke-width="1"',
    "tick": 'font-size="11" fill="#333"',
    "axis-title": 'font-size="11" fill="#333"',
    "target": 'stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="8 4"',
    "target-label": 'font-size="11" fill="#2e7d32"',
    "dose": 'fill="none" stroke="#0b3d91" stroke-width="3" stroke-linejoin="round"',
    "dose-label": 'font-size="12" font-weight="bold" fill="#0b3d91"',
    "marker reorder": 'stroke="#a35200" stroke-width="1.5" stroke-dasharray="2 3"',
    "marker review": 'stroke="#6a1b9a" stroke-width="2" stroke-dasharray="6 3"',
    "marker-label reorder": 'font-size="10.5" fill="#a35200"',
    "marker-label review": 'font-size="10.5" font-weight="bold" fill="#6a1b9a"',
    "marker washout-end": 'stroke="#2e7d32" stroke-width="2" stroke-dasharray="6 3"',
    "marker-label washout-end": 'font-size="10.5" font-weight="bold" fill="#2e7d32"',
    "marker stop": 'stroke="#b00020" stroke-width="2" stroke-dasharray="6 3"',
    "marker-label stop": 'font-size="10.5" font-weight="bold" fill="#b00020"',
    "pause": 'fill="#9e9e9e" fill-opacity="0.25" stroke="none"',
    "pause-label": 'font-size="11" font-style="italic" fill="#424242"',
}
LABEL_ORDER = ("stop", "washout-end", "review", "reorder")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Marker(Record):
    """A date to mark on the chart with a vertical line of its `kind` ("reorder", "review", "washout-end",
    "stop")."""

    date: date
    label: str
    kind: str


#: Chart labels of a plan's events other than re-orders (which are labelled with their fill number).
EVENT_LABELS = {EventKind.WASHOUT_END: "opioid-free", EventKind.REVIEW: "review", EventKind.STOP: "stop"}


def plan_markers(plan: Plan) -> list[Marker]:
    """Every pharmacy re-order date and every event of the plan the chart marks."""
    return ([Marker(refill.reorder_on, f"order {refill.number}", "reorder") for refill in plan.refills]
            + [Marker(event.date, EVENT_LABELS[event.kind], event.kind.value) for event in plan.events
               if event.kind in EVENT_LABELS])


def short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def render_chart(levels: tuple[Level, ...], target_mg: Decimal, markers: list[Marker], *, title: str,
                 description: str, pauses: Sequence[tuple[date, date]] = ()) -> str:
    """The SVG markup: the levels as one stepped line, the target as a dashed line, each marker as a
    vertical line labelled above the plot, and each pause (its first day without a dose, the day doses
    start again: Plan.pauses) as a shaded band labelled "paused", the line at 0 mg across it. `title` and
    `description` name it for screen readers."""
    first = min([levels[0].first, *(m.date for m in markers), *(begun for begun, _ in pauses)])
    after = max([levels[-1].last + timedelta(days=1), *(m.date + timedelta(days=1) for m in markers)])
    span = (after - first).days
    top = Decimal(ceil(max([target_mg, *(level.dose_mg for level in levels)]) * 2) + 1) / 2

    def x(day: date) -> float:
        return LEFT + (day - first).days / span * PLOT_W

    def y(mg: Decimal) -> float:
        return TOP + PLOT_H - float(mg / top) * PLOT_H

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             'aria-labelledby="chart-title chart-desc" class="chart">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">{escape(description)}</desc>']
    parts += _y_axis(top, y)
    parts += _x_axis(first, after, x)
    parts.append(_line("target", LEFT, LEFT + PLOT_W, y(target_mg), y(target_mg)))
    parts.append(_text("target-label", LEFT + 4, y(target_mg) - 4, f"target {format_mg(target_mg)} mg"))
    parts += _pauses(pauses, x)
    parts += _markers(markers, x)
    parts += _steps(levels, x, y, pauses)
    parts.append("</svg>")
    return "\n".join(parts)


def _line(style: str, x1: float, x2: float, y1: float, y2: float) -> str:
    return f'<line {STYLE[style]} x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}"/>'


def _text(style: str, x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text {STYLE[style]} x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _y_axis(top: Decimal, y: Callable[[Decimal], float]) -> list[str]:
    middle = TOP + PLOT_H / 2
    parts = [f'<text {STYLE["axis-title"]} x="14" y="{middle:.1f}" text-anchor="middle" '
             f'transform="rotate(-90 14 {middle:.1f})">mg a day</text>']
    tick = Decimal("0.5") if top <= 5 else Decimal(1)
    mg = Decimal(0)
    while mg <= top:
        parts.append(_line("grid", LEFT, LEFT + PLOT_W, y(mg), y(mg)))
        parts.append(_text("tick", LEFT - 6, y(mg) + 4, format_mg(mg), "end"))
        mg += tick
    return parts


def _x_axis(first: date, after: date, x: Callable[[date], float]) -> list[str]:
    """Ticks weekly on a short plan, else on the first of each month (every few months on a long one)."""
    span = (after - first).days
    if span <= 62:
        ticks = [first + timedelta(days=n) for n in range(0, span + 1, 7)]
        labels = [short_date(day) for day in ticks]
    else:
        from dateutil.relativedelta import relativedelta  # months only: a short plan never loads it

        every = max(1, ceil(span / 31 / 10))
        month = date(first.year, first.month, 1)
        ticks = []
        while month <= after:
            if month >= first and (month.month - 1) % every == 0:
                ticks.append(month)
            month += relativedelta(months=1)
        labels = [MONTHS[day.month - 1] + (f" {day.year}" if day.month == 1 or day == ticks[0] else "")
                  for day in ticks]
    parts = [_line("axis", LEFT, LEFT + PLOT_W, TOP + PLOT_H, TOP + PLOT_H)]
    for day, label in zip(ticks, labels):
        parts.append(_line("axis", x(day), x(day), TOP + PLOT_H, TOP + PLOT_H + 5))
        parts.append(_text("tick", x(day), TOP + PLOT_H + 18, label, "middle"))
    return parts


def _markers(markers: list[Marker], x: Callable[[date], float]) -> list[str]:
    """A line for every marker; a label where it does not crowd another, placed in LABEL_ORDER: a stop
    first, the re-orders (many, and all listed on the page) last."""
    lines = [_line(f"marker {m.kind}", x(m.date), x(m.date), TOP - 8, TOP + PLOT_H)
             for m in sorted(markers, key=lambda m: m.date)]
    placed: list[float] = []
    labels = []
    for marker in sorted(markers, key=lambda m: (LABEL_ORDER.index(m.kind), m.date)):
        at = x(marker.date)
        if all(abs(at - other) >= MARKER_LABEL_GAP for other in placed):
            labels.append(_text(f"marker-label {marker.kind}", at, TOP - 12, marker.label, "middle"))
            placed.append(at)
    return lines + labels


def _pauses(pauses: Sequence[tuple[date, date]], x: Callable[[date], float]) -> list[str]:
    """A shaded band over each pause's days without a dose, labelled inside the plot, near its top."""
    parts = []
    for first, until in pauses:
        left, right = x(first), x(until)
        parts.append(f'<rect {STYLE["pause"]} x="{left:.1f}" y="{TOP:.1f}" width="{right - left:.1f}" '
                     f'height="{PLOT_H:.1f}"/>')
        parts.append(_text("pause-label", (left + right) / 2, TOP + 14, "paused", "middle"))
    return parts


def _steps(levels: tuple[Level, ...], x: Callable[[date], float], y: Callable[[Decimal], float],
           pauses: Sequence[tuple[date, date]] = ()) -> list[str]:
    """The dose as one stepped line, at 0 mg across a pause (no dose then), each wide level labelled."""
    path = [f"M{x(levels[0].first):.1f},{y(levels[0].dose_mg):.1f}"]
    labels = []
    resumes = {until for _, until in pauses}
    for level in levels:
        if len(path) > 1 and level.first in resumes:
            path.append(f"V{y(Decimal(0)):.1f}H{x(level.first):.1f}")
        if len(path) > 1:
            path.append(f"V{y(level.dose_mg):.1f}")
        start, end = x(level.first), x(level.last + timedelta(days=1))
        path.append(f"H{end:.1f}")
        if end - start >= 40:  # px: a shorter level is too narrow for its label; the tables carry it
            labels.append(_text("dose-label", (start + end) / 2, y(level.dose_mg) - 6,
                                f"{format_mg(level.dose_mg)} mg", "middle"))
    return [f'<path {STYLE["dose"]} d="{"".join(path)}"/>', *labels]
