"""What every human-readable format says besides the days: the facts line by line, findings, disclaimer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from titrate.core.model import DoseDay, Event, EventKind, Finding, Plan
from titrate.core.refills import Refill
from titrate.core.screen import patient_words
from titrate.core.units import format_mg
from titrate.core.wallclock import format_hhmm, format_instant

DISCLAIMER = ("titrate supports a clinician's decision and does not replace it: check every plan before "
              "a patient follows it.")


#: Bidirectional controls, which can make a terminal show text in another order than it is stored
#: ("Trojan Source"): embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def terminal_safe(text: str) -> str:
    """Text for a terminal, with what could move the cursor, break a line, reorder what is shown or fail
    to encode (control characters, line separators, bidirectional controls, lone surrogates from
    undecodable bytes) shown as escapes."""
    if text.isprintable():
        return text  # every character escaped below is unprintable (Cc, Cf, Cs, Zl, Zp): most text is done
    import unicodedata  # only for the rare text that needs it

    return "".join(
        char.encode("unicode_escape", "backslashreplace").decode("ascii")
        if char in BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Zl", "Zp", "Cs"} else char
        for char in text
    )


def title(plan: Plan) -> str:
    return "LDN titration plan" + (f": {plan.patient.label}" if plan.patient.label else "")


def facts(plan: Plan) -> list[tuple[str, str]]:
    """(label, value) pairs describing the plan; values may hold user text, which the caller escapes."""
    pairs: list[tuple[str, str]] = [("Patient", plan.patient.label)] if plan.patient.label else []
    if plan.patient.conditions:
        pairs.append(("Conditions", ", ".join(plan.patient.conditions)))
    if plan.patient.medications:
        pairs.append(("Medications", ", ".join(plan.patient.medications)))
    revision = f"revision {plan.revision}" + (f" (supersedes {plan.supersedes})" if plan.supersedes else "")
    pairs += [
        ("Plan", f"{plan.plan_id}, {revision}, generated {format_instant(plan.generated_at)}"),
        ("Protocol", f"{plan.protocol.name}: {plan.protocol.summary or plan.protocol.describe()}"),
        ("Target", f"{format_mg(plan.target_mg)} mg" + (" (spasticity)" if plan.patient.spasticity else "")),
        ("Dose time", dose_times_text(plan)),
        ("Dates", f"{plan.start} to {plan.end} ({len(plan.days)} days)"),
        ("Form", plan.formulation.describe()),
        ("Supply", f"{plan.supply.days_per_fill(plan.formulation.form)} days a fill, re-ordered "
                   f"{plan.supply.lead_days} days ahead"),
    ]
    washout, review = plan.event(EventKind.WASHOUT_END), plan.event(EventKind.REVIEW)
    if washout:
        pairs.append(("Washout", f"opioid-free from {washout.date}"))
    if review:
        pairs.append(("Review", f"{review.date}, with the clinician"))
    pairs += [(f"Change {a.revision}", f"{a.describe()}: {a.reason}") for a in plan.adjustments]
    return pairs


def dose_times_text(plan: Plan) -> str:
    """The dose time in force on each day, with its window: '22:00 Europe/London, window 21:00-24:00',
    then '; from 2027-02-15: 08:00, window 08:00-11:00' for each retime."""
    first, *later = plan.dose_times
    return "; ".join([f"{format_hhmm(first.time)} {plan.time_zone}, window {first.window}",
                      *(f"from {span.first}: {format_hhmm(span.time)}, window {span.window}" for span in later)])


def finding_entries(plan: Plan) -> list[tuple[str, str, str]]:
    """(kind, rule id, text) for every warning, override and note, in the order every format shows them."""
    return ([("Warning", f.rule, f.message) for f in plan.warnings]
            + [("Override", o.rule, o.reason) for o in plan.overrides]
            + [("Note", f.rule, f.message) for f in plan.notes])


def findings(plan: Plan) -> list[str]:
    """Every warning, override and note as a line naming its rule; user text in them is the caller's to
    escape."""
    return [f"{kind} ({rule}): {text}" for kind, rule, text in finding_entries(plan)]


#: Plain words for the findings the engine raises; the screen's rules have theirs in data/screen.toml
#: (reviewed with the vocabulary). None where the sheet says it elsewhere: the review under "Dates to
#: remember", a revision's changes at the top. A rule with no words anywhere gets GENERAL_WORDS.
ENGINE_WORDS = {
    "supply": "Order your first supply straight away: the pharmacy makes LDN to order, and it may not be "
              "ready by your start date. If it is not, start on the day it arrives and tell your clinician.",
    "gradual": "This plan ends before you reach your target dose. Your clinician will tell you what comes "
               "next.",
    "washout": "You stopped taking an opioid not long ago. Do not start LDN before the opioid-free date under "
               "\"Dates to remember\", and take no opioid while you take LDN.",
    "start": "Your plan starts on a day that has already passed: the days before today are history. Start "
             "with today's dose, and ask your clinician whether to start again from the first dose.",
    "review": None,
    "revision": None,
}
GENERAL_WORDS = "Your clinician has a note about this plan. Ask them about it at your next visit."


def patient_lines(plan: Plan) -> list[str]:
    """What the patient's own copies (calendar, handout) say about the findings: the warnings, then the
    notes, in plain words, each sentence once; never a clinician's note or an override's reason (those
    stay in the clinician's formats)."""
    sentences = (_plain(finding) for finding in (*plan.warnings, *plan.notes))
    return list(dict.fromkeys(sentence for sentence in sentences if sentence is not None))


def _plain(finding: Finding) -> str | None:
    """The engine's own rules are looked up first, so a plan that found nothing to screen never reads
    the vocabulary (the two sets of rules are apart: a test checks it)."""
    if finding.rule in ENGINE_WORDS:
        return ENGINE_WORDS[finding.rule]
    words = patient_words(finding.rule)
    return words if words is not None else GENERAL_WORDS


def dose_text(day: DoseDay) -> str:
    return f"{format_mg(day.dose_mg)} mg"


def refill_text(plan: Plan, refill: Refill) -> str:
    quantities = ", ".join(plan.formulation.quantity_text(portion) for portion in refill.quantities)
    return (f"Fill {refill.number}: order by {refill.reorder_on}, for {refill.start} to {refill.end} "
            f"({refill.days} days): {quantities}")


def days_with_notes(plan: Plan) -> Iterator[tuple[DoseDay, list[str]]]:
    """Each day with its notes: its own, then the plan's events on it (re-order dates, washout end,
    review, stop), with the events dated before (after) the plan on its first (last) day. One pass over
    the events, not one per day: a long plan has hundreds of days and a dozen events."""
    first, last = plan.days[0].date, plan.days[-1].date
    events: dict[date, list[Event]] = {}
    for event in plan.events:
        events.setdefault(min(max(event.date, first), last), []).append(event)
    for day in plan.days:
        yield day, [*day.notes, *(event.text if event.date == day.date else f"{event.text} (on {event.date})"
                                  for event in events.get(day.date, ()))]
