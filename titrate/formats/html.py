"""The patient handout: one self-contained, printable HTML page (inline CSS, no scripts, no fonts or
images to fetch) that a patient understands at a glance: what to take tonight, when the dose changes,
what to do about side effects, when to re-order and when to see the clinician.

It speaks to the patient, so it shows the plan's warnings in plain words (never the clinician's notes
or override reasons), and every piece of text from outside the code is HTML-escaped.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from titrate.core.model import Adjustment, AdjustmentKind, DoseDay, DoseTime, EventKind, Plan
from titrate.core.units import format_mg
from titrate.core.wallclock import EVENING_WINDOW, Window, format_hhmm, format_instant, format_minutes
from titrate.formats.chart import plan_markers, render_chart, short_date
from titrate.formats.common import patient_lines
from titrate.formats.course import Level, levels

__all__ = ["render_html"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

CSS = """
:root { color-scheme: light; }
body { font-family: "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif; font-size: 11pt;
  line-height: 1.4; color: #111; background: #fff; margin: 0 auto; padding: 1.5rem; max-width: 48rem; }
h1 { font-size: 1.6em; margin: 0 0 0.2em; }
h2 { font-size: 1.2em; margin: 1.4em 0 0.4em; border-bottom: 2px solid #0b3d91; padding-bottom: 0.1em;
  break-after: avoid; }
p, ul { margin: 0.4em 0; }
.who { font-size: 1.15em; margin: 0 0 0.8em; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
.tonight { border: 2px solid #0b3d91; border-radius: 6px; padding: 0.6em 0.9em; margin: 1em 0;
  font-size: 1.1em; }
.revision { border-left: 5px solid #a35200; padding: 0.3em 0.8em; background: #fff6ec; break-inside: avoid; }
.chart { width: 100%; height: auto; }
figure { margin: 0.5em 0; }
table { border-collapse: separate; border-spacing: 0; width: 100%; border-top: 1px solid #999;
  border-left: 1px solid #999; }
th, td { border-right: 1px solid #999; border-bottom: 1px solid #999; padding: 0.25em 0.45em; text-align: left;
  vertical-align: top; }
th { background: #eef2f8; }
td.num, th.num { text-align: right; }
td.nw { white-space: nowrap; }
th.notes { width: 28%; }
tr, li, .keep { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
td.tick { width: 2.6em; }  /* the empty cell is the box to tick: a drawn box per row doubles the PDF's time */
.change { font-weight: bold; }
.blank { display: inline-block; min-width: 16em; border-bottom: 1px solid #111; }
.disclaimer { margin-top: 1.5em; font-size: 0.9em; color: #333; border-top: 1px solid #999; padding-top: 0.5em; }
#checklist { break-before: page; }
@page { margin: 15mm 14mm 18mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; color: #444;
    font-family: "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif; } }
@media screen {
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
    white-space: nowrap; }
}
@media print {
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  .sr-only { display: none; }
}
""".strip()


def render_html(plan: Plan) -> str:
    """The handout as one HTML document (UTF-8 text)."""
    plan_levels = levels(plan)
    label = _label(plan)
    title = "Your LDN plan" + (f": {_one_line(label)}" if label else "")
    made = format_instant(plan.generated_at)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="dcterms.created" content="{made}">',
        f'<meta name="dcterms.modified" content="{made}">',
        '<meta name="generator" content="titrate">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        *_header(plan, plan_levels),
        *_chart_section(plan, plan_levels),
        *_steps_section(plan, plan_levels),
        *_dates_section(plan),
        *_how_section(plan),
        *_side_effects_section(),
        *_warnings_section(plan),
        *_contact_section(),
        *_checklist_section(plan),
        *_disclaimer(),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: str) -> str:
    """Text as HTML character data or an attribute value: escaped, with control characters (which HTML
    forbids) shown as spaces."""
    return escape("".join(" " if unicodedata.category(char) == "Cc" and char not in "\t\n" else char
                          for char in text))


def _label(plan: Plan) -> str | None:
    """The patient's label, or None for none or a blank one."""
    return plan.patient.label if plan.patient.label and plan.patient.label.strip() else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _long_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _day_cell(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _mg(mg: Decimal) -> str:
    return f"{format_mg(mg)} mg"


def _timings(plan: Plan) -> tuple[DoseTime, ...]:
    """The dose times in force, each from its first day (a clock-change night is not one)."""
    return plan.dose_times


def _when_text(zone: str, day: DoseTime) -> str:
    time = format_hhmm(day.time)
    if day.window != EVENING_WINDOW:  # the clinician moved the dose out of the evening (timing-exception)
        return (f"once a day at {time} ({_e(zone)} time), the time your clinician chose; any time from "
                f"{format_minutes(day.window.start)} to {format_minutes(day.window.end)} is fine")
    return (f"once a day in the evening at {time} ({_e(zone)} time); any time from "
            f"{format_minutes(EVENING_WINDOW.start)} to midnight is fine")


def _when(plan: Plan) -> str:
    timings = _timings(plan)
    if len(timings) == 1:
        return _when_text(plan.time_zone, timings[0])
    return "; ".join(f"from {_long_date(day.first)}: {_when_text(plan.time_zone, day)}" for day in timings)


def _windows(plan: Plan) -> set[Window]:
    return {day.window for day in _timings(plan)}


def _change_text(adjustment: Adjustment, plan: Plan) -> str:
    """What an adjustment changes, for the patient (the clinician's reason stays in the clinician's formats)."""
    when = f"From {_long_date(adjustment.effective)}"
    if adjustment.kind == AdjustmentKind.RESUME:  # the pause it ends is the adjustment before it
        ended = plan.adjustments[plan.adjustments.index(adjustment) - 1]
        again = ("at your first dose, then up again step by step" if ended.restart
                 else "at the dose you took before the pause")
        return f"{when}: the pause ends early; start LDN again that day, {again}."
    if adjustment.kind == AdjustmentKind.HOLD:
        return f"{when}: stay on your dose {adjustment.days} days longer; the later steps move back."
    if adjustment.kind == AdjustmentKind.STEP_BACK:
        lower = f"a lower dose, {_mg(adjustment.dose_mg)}," if adjustment.dose_mg else "one step lower"
        return f"{when}: {lower} for {adjustment.days} days, then up again step by step."
    # Adjustment requires a retime's time and a target's dose; one without it is never worded as a stop.
    if adjustment.kind == AdjustmentKind.RETIME and adjustment.time is not None:
        return f"{when}: take your dose at {format_hhmm(adjustment.time)}."
    if adjustment.kind == AdjustmentKind.TARGET and adjustment.dose_mg is not None:
        return f"{when}: your target dose is now {_mg(adjustment.dose_mg)}."
    if adjustment.kind == AdjustmentKind.PAUSE and adjustment.paused is not None:
        until = adjustment.paused[1]
        again = ("at your first dose, then up again step by step" if adjustment.restart
                 else "at the dose you took before the pause")
        return (f"{when}: a pause, no LDN until {_long_date(until - timedelta(days=1))}; start again on "
                f"{_long_date(until)} {again}.")
    if adjustment.kind != AdjustmentKind.STOP:
        raise ValueError(f"a {adjustment.kind.value} adjustment without its value: {adjustment!r}")
    return f"{when}: stop taking LDN (your last dose is the day before)."


def _header(plan: Plan, plan_levels: tuple[Level, ...]) -> list[str]:
    first = plan_levels[0]
    parts = ["<header>", "<h1>Your low-dose naltrexone (LDN) plan</h1>"]
    label = _label(plan)
    if label:
        parts.append(f'<p class="who">For: <strong>{_e(label)}</strong></p>')
    parts += [
        '<dl class="facts">',
        f"<dt>Start</dt><dd>{_long_date(plan.start)}</dd>",
        f"<dt>Take it</dt><dd>{_when(plan)}</dd>",
        f"<dt>Your medicine</dt><dd>naltrexone, {_e(plan.formulation.describe())}, made by a compounding "
        "pharmacy</dd>",
        f"<dt>Target dose</dt><dd>{_mg(plan.target_mg)} a day</dd>",
        f"<dt>This plan</dt><dd>{_long_date(plan.start)} to {_long_date(plan.end)} ({len(plan.days)} days); "
        f"plan {_e(plan.plan_id)}, revision {plan.revision}, made {plan.generated_at.date().isoformat()}</dd>",
        "</dl>",
    ]
    if plan.supersedes is not None:
        changes = [adjustment for adjustment in plan.adjustments if adjustment.revision > plan.supersedes]
        parts += ['<div class="revision">',
                  f"<p><strong>This is revision {plan.revision} of your plan.</strong> It replaces revision "
                  f"{plan.supersedes}: follow this sheet from now on and throw the earlier one away. What "
                  "changed:</p>",
                  "<ul>", *(f"<li>{_e(_change_text(change, plan))}</li>" for change in changes), "</ul>", "</div>"]
    parts.append(_headline(plan, first))
    parts.append("</header>")
    return parts


def _headline(plan: Plan, first: Level) -> str:
    """The dose the sheet leads with: the first dose; on a revision, the dose from the day its changes
    take effect (or the last dose, when it stops the plan), at the time in force that day."""
    changed = [a.effective for a in plan.adjustments if plan.supersedes is not None and a.revision > plan.supersedes]
    if not changed:
        return (f'<p class="tonight">First dose, {_long_date(plan.start)}: <strong>{_mg(first.dose_mg)}'
                f"</strong> ({_e(first.amount)}) at {format_hhmm(first.time)}.</p>")
    since = min(changed)
    day = next((day for day in plan.days if day.date >= since), None)
    if day is None:  # a stop: the last dose is the plan's last day
        day = plan.days[-1]
        return (f'<p class="tonight">Last dose, {_long_date(day.date)}: <strong>{_mg(day.dose_mg)}'
                f"</strong> ({_e(day.amount)}) at {format_hhmm(day.time)}.</p>")
    return (f'<p class="tonight">From {_long_date(day.date)}: <strong>{_mg(day.dose_mg)}'
            f"</strong> ({_e(day.amount)}) at {format_hhmm(day.time)}.</p>")


def _chart_section(plan: Plan, plan_levels: tuple[Level, ...]) -> list[str]:
    description = (f"Your daily dose from {short_date(plan.start)} to {short_date(plan.end)}: "
                   + ", then ".join(f"{_mg(level.dose_mg)}{_at(plan, level)} from {short_date(level.first)}"
                                    for level in plan_levels)
                   + "".join(f"; no LDN from {short_date(first)} to {short_date(until - timedelta(days=1))} "
                             "(paused)" for first, until in plan.pauses)
                   + f". Target {_mg(plan.target_mg)}. Dotted lines: order dates; dashed lines: other dates.")
    markers = plan_markers(plan)
    chart = render_chart(plan_levels, plan.target_mg, markers, title="Your dose over time",
                         description=description, pauses=plan.pauses)
    rows = [f"<tr><td>{_day_cell(level.first)}</td><td>{_day_cell(level.last)}</td><td>{_mg(level.dose_mg)}"
            f"{_at(plan, level)}</td></tr>" for level in plan_levels]
    rows += [f"<tr><td>{_day_cell(first)}</td><td>{_day_cell(until - timedelta(days=1))}</td><td>paused: no "
             "LDN</td></tr>" for first, until in plan.pauses]
    rows += [f"<tr><td>{_day_cell(marker.date)}</td><td></td><td>{_e(marker.label)}</td></tr>"
             for marker in markers]
    return [
        '<section id="chart">',
        "<h2>Your dose over time</h2>",
        "<figure>",
        chart,
        "<figcaption>The solid line is your dose each day; the green dashed line is your target. Dotted "
        "lines mark the dates to order from the pharmacy; dashed lines the other dates to remember."
        + (" A grey band marked \"paused\" is a pause: no LDN on those days." if plan.pauses else "")
        + "</figcaption>",
        '<table class="sr-only"><caption>The chart as a table</caption>',
        "<thead><tr><th>From</th><th>To</th><th>Dose or date</th></tr></thead>",
        "<tbody>", *rows, "</tbody></table>",
        "</figure>",
        "</section>",
    ]


def _at(plan: Plan, level: Level) -> str:
    """' at HH:MM' for a level taken at another time than the plan's (a clock change, a retime)."""
    return "" if level.time == plan.dose_time else f" at {format_hhmm(level.time)}"


#: How the patient measures each form's amount (shared/domain.md, "Formulations").
HOW_TO_MEASURE = {
    "capsule": "Each capsule holds the strength shown; some doses take more than one.",
    "liquid": "Measure the millilitres (mL) with an oral syringe.",
    "drops": "Count the drops as they fall under your tongue.",
    "cream": "Measure the millilitres (mL) as the pharmacy showed you.",
}


def _steps_section(plan: Plan, plan_levels: tuple[Level, ...]) -> list[str]:
    rows = []
    for number, level in enumerate(plan_levels, start=1):
        rows.append(f'<tr><td class="num">{number}</td><td class="nw">{_day_cell(level.first)}</td>'
                    f'<td class="nw">{_day_cell(level.last)}</td><td class="num">{level.days}</td>'
                    f'<td class="nw"><strong>{_mg(level.dose_mg)}</strong></td><td>{_e(level.amount)}</td>'
                    f'<td class="nw">{format_hhmm(level.time)}</td></tr>')
    return [
        '<section id="steps">',
        "<h2>Your steps</h2>",
        "<p>Each row is one dose level. Take the same dose every day from the first date to the last. "
        f"{HOW_TO_MEASURE[plan.formulation.form]}</p>",
        "<table>",
        '<thead><tr><th class="num">Step</th><th>From</th><th>To</th><th class="num">Days</th><th>Dose</th>'
        "<th>What to take</th><th>Time</th></tr></thead>",
        "<tbody>", *rows, "</tbody>",
        "</table>",
        "</section>",
    ]


#: What the patient does on each event's date (re-orders are listed from the fills, with quantities).
EVENT_WORDS = {
    EventKind.WASHOUT_END: ("From", "you have been free of opioids long enough: LDN may start from this day."),
    EventKind.REVIEW: ("Around", "see your clinician to review how LDN is working for you. Book the appointment "
                                 "now."),
    EventKind.STOP: ("From", "stop taking LDN: no more doses."),
}


def _dates_section(plan: Plan) -> list[str]:
    items = []
    for refill in plan.refills:
        quantities = ", ".join(plan.formulation.quantity_text(portion) for portion in refill.quantities)
        items.append((refill.reorder_on, f"<li><strong>By {_long_date(refill.reorder_on)}:</strong> order fill "
                                         f"{refill.number} from the pharmacy, for {_day_cell(refill.start)} to "
                                         f"{_day_cell(refill.end)} ({refill.days} days: {_e(quantities)}).</li>"))
    for event in plan.events:
        if event.kind in EVENT_WORDS:
            lead, words = EVENT_WORDS[event.kind]
            items.append((event.date, f"<li><strong>{lead} {_long_date(event.date)}:</strong> {words}</li>"))
        elif event.kind is EventKind.PAUSE:  # the pause in plain words: from when, to when, why, and then
            items.append((event.date, f"<li><strong>From {_long_date(event.date)}:</strong> "
                                      f"{_e(event.text[:1].upper() + event.text[1:])}.</li>"))
    return ['<section id="dates">', "<h2>Dates to remember</h2>",
            "<p>The pharmacy makes LDN to order, so order each fill by its date.</p>",
            "<ul>", *(item for _, item in sorted(items, key=lambda pair: pair[0])), "</ul>", "</section>"]


def _how_section(plan: Plan) -> list[str]:
    form = plan.formulation.form
    items = [f"<li>Take your dose {_when(plan)}, with or without food.</li>"]
    items.append({
        "capsule": "<li>Swallow the capsules whole with water. The steps table says how many of which "
                   "strength make each dose.</li>",
        "liquid": "<li>Measure each dose with an oral syringe (not a kitchen spoon). Keep the liquid in the "
                  "refrigerator and use it before the date on the pharmacy label.</li>",
        "drops": "<li>Put the drops under your tongue and hold them there for a minute before swallowing. "
                 "Count every drop.</li>",
        "cream": "<li>Measure the cream as the pharmacy showed you and rub it into clean, dry skin.</li>",
    }[form])
    if _windows(plan) == {EVENING_WINDOW}:
        items.append("<li>The evening suits LDN best. If sleep problems go on, see the side effects below.</li>")
    items.append("<li><strong>Do not take any opioid</strong> (such as codeine, tramadol, oxycodone or "
                 "morphine, including cough medicines that contain them) while you take LDN: LDN blocks them "
                 "and can bring on withdrawal. Tell every doctor, dentist and pharmacist that you take LDN.</li>")
    return ['<section id="how">', "<h2>How to take LDN</h2>", "<ul>", *items, "</ul>", "</section>"]


def _side_effects_section() -> list[str]:
    return [
        '<section id="side-effects">',
        "<h2>Side effects and what to do</h2>",
        "<p>Side effects are uncommon at these low doses. The most common are vivid dreams, trouble "
        "sleeping, nausea, constipation or diarrhoea, headache, morning stiffness and a dry mouth.</p>",
        "<ul>",
        "<li><strong>Sleep problems</strong> (vivid dreams, waking up) that go on: talk to your clinician "
        "about taking the dose in the morning instead.</li>",
        "<li><strong>Nausea</strong> usually passes in about two weeks.</li>",
        "<li><strong>Your symptoms get worse for a while:</strong> call your clinician. The dose may be "
        "lowered for a while, then raised again.</li>",
        "<li><strong>Stomach or bowel problems that go on:</strong> ask about drops under the tongue or a "
        "cream, which skip the gut.</li>",
        "</ul>",
        "</section>",
    ]


def _warnings_section(plan: Plan) -> list[str]:
    sentences = patient_lines(plan)
    if not sentences:
        return []
    return ['<section id="warnings">', "<h2>Please note</h2>", "<ul>",
            *(f"<li>{_e(sentence)}</li>" for sentence in sentences), "</ul>", "</section>"]


def _contact_section() -> list[str]:
    return ['<section id="contact" class="keep">', "<h2>Your clinician</h2>",
            '<p>Name: <span class="blank"></span></p>', '<p>Phone: <span class="blank"></span></p>',
            '<p>Pharmacy: <span class="blank"></span></p>', "</section>"]


#: The checklist's note on the day of an event (re-orders are noted with their fill number).
EVENT_DAY_NOTES = {EventKind.REVIEW: "Review with your clinician", EventKind.STOP: "Stop: no more doses"}


def _checklist_section(plan: Plan) -> list[str]:
    reorders: dict[date, list[int]] = {}
    for refill in plan.refills:  # the first fill's date is usually before day 1: "Dates to remember" has it
        reorders.setdefault(refill.reorder_on, []).append(refill.number)
    events: dict[date, list[str]] = {}
    for event in plan.events:
        if event.kind in EVENT_DAY_NOTES:
            events.setdefault(event.date, []).append(EVENT_DAY_NOTES[event.kind])
    resumes = {until for _, until in plan.pauses}
    rows = []
    previous: DoseDay | None = None
    for day in plan.days:
        notes = [_e(note) for note in day.notes]
        if previous is not None and day.dose_mg != previous.dose_mg:
            notes.insert(0, '<span class="change">New dose: '
                            + ("up" if day.dose_mg > previous.dose_mg else "down") + "</span>")
        notes += [f"Order fill {number} today" for number in reorders.get(day.date, [])]
        notes += events.get(day.date, [])
        if day.date in resumes:
            notes.append("Start again today, after the pause")
        rows.append(f'<tr><td class="tick"></td><td class="nw">{_day_cell(day.date)}'
                    f'</td><td class="num">{day.day}</td><td class="nw"><strong>{_mg(day.dose_mg)}</strong></td>'
                    f'<td>{_e(day.amount)}</td><td class="nw">{format_hhmm(day.time)}</td><td>{"; ".join(notes)}</td>'
                    "</tr>")
        previous = day
    return [
        '<section id="checklist">',
        "<h2>Day-by-day checklist</h2>",
        "<p>Tick the day's box in the first column when you have taken your dose.</p>",
        "<table>",
        '<thead><tr><th>Taken</th><th>Date</th><th class="num">Day</th><th>Dose</th><th>What to take</th>'
        '<th>Time</th><th class="notes">Notes</th></tr></thead>',
        "<tbody>", *rows, "</tbody>",
        "</table>",
        "</section>",
    ]


def _disclaimer() -> list[str]:
    return ['<footer class="disclaimer">',
            "<p>This sheet was made with titrate from the plan your clinician wrote for you. It does not "
            "replace your clinician's advice: if anything here differs from what your clinician told you, "
            "follow your clinician and ask. titrate is a planning aid, not a medical device. In an emergency, "
            "call your local emergency number.</p>",
            "</footer>"]
