"""Every hypothesis strategy the tests use, in one place.

Protocols, patients, targets and dose times are drawn inside the rules (for "every plan keeps the rules")
or just outside one rule (for "a breach is refused, naming the rule"). Dates span 2000-2100 and zones
span the IANA database, which brings in northern and southern DST, half-hour offsets and odd gaps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import assume
from hypothesis import strategies as st

from titrate.core.engine import build_plan
from titrate.core.model import Patient, Protocol, Step
from titrate.core.protocols import Linear, linear
from titrate.core.record import replace
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.errors import InputError, RefusedError

#: Whole local days that a zone skipped (Samoa crossed the date line): no dose time exists on them.
SKIPPED_DAYS = {("Pacific/Apia", date(2011, 12, 30))}

FIXED_ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
               "Australia/Adelaide", "America/Nuuk", "America/Santiago", "Europe/Dublin", "Asia/Kathmandu",
               "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns"]


def hundredths(low: str, high: str) -> st.SearchStrategy[Decimal]:
    """Milligrams with two places between low and high inclusive."""
    lo, hi = int(Decimal(low) * 100), int(Decimal(high) * 100)
    return st.integers(lo, hi).map(lambda n: Decimal(n) / 100)


start_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
#: Starts a new plan may have when made on 2026-11-01 or later (the service refuses a start more than a
#: year before the plan is made).
request_start_dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2100, 12, 31))
#: In the zone database but not a place: titrate refuses them (tests/cli covers that).
NOT_PLACES = {"localtime", "Factory", "posixrules"}
zones = st.one_of(st.sampled_from(FIXED_ZONES),
                  st.timezones().map(lambda zone: zone.key).filter(
                      lambda key: key not in NOT_PLACES and not key.startswith("right/")))
dose_times = st.times(min_value=time(21, 0), max_value=time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0))
labels = st.none() | st.text(max_size=40)
patients = st.builds(Patient, label=labels, spasticity=st.booleans())


@st.composite
def schedules(draw: st.DrawFn) -> Linear:
    """A linear schedule inside the rules: starts at or under 1.5 mg, steps of at most 1.5 mg, 7+ days a level."""
    first = draw(hundredths("0.25", "1.5"))
    return Linear(first, draw(hundredths("0.25", "1.5")), draw(st.integers(7, 21)), draw(hundredths(str(first), "4.5")))


@st.composite
def step_lists(draw: st.DrawFn) -> Protocol:
    """A custom step list inside the rules: uneven rises of at most 1.5 mg (or falls), each level held
    7+ days before a rise, the last step held to the end or for a while."""
    doses = [draw(hundredths("0.25", "1.5"))]
    for _ in range(draw(st.integers(0, 5))):
        doses.append(min(max(doses[-1] + draw(hundredths("-1", "1.5")), Decimal("0.25")), Decimal("4.5")))
    days = [draw(st.integers(7, 30)) for _ in doses]
    last = draw(st.none() | st.integers(1, 30))
    return Protocol("custom", tuple(Step(dose, held) for dose, held in zip(doses[:-1], days))
                    + (Step(doses[-1], last),), "drawn steps")


def protocols() -> st.SearchStrategy[Protocol]:
    """Any protocol inside the rules: a linear one (like the built-ins) or a custom step list."""
    return st.one_of(schedules().map(lambda schedule: linear("drawn", schedule)), step_lists())


def avoids_skipped_days(zone: str, start: date, days: int) -> bool:
    return not any(name == zone and start <= day < start + timedelta(days=days) for name, day in SKIPPED_DAYS)


#: Medications whose findings reach every event's description (warn, note, unscreened), never a refusal.
SCREENED_NAMES = ["Avonex", "Copaxone", "vitamin D", "Rebif; metformin", "baclofen"]


@st.composite
def plan_requests(draw: st.DrawFn):
    """What a shell asks the service for: a built-in protocol, any label, zone, start and time, some
    medications that bring warnings and notes, sometimes a morning dose with its override."""
    from titrate.service.plans import PlanRequest

    start, zone, days = draw(request_start_dates), draw(zones), draw(st.integers(1, 120))
    assume(avoids_skipped_days(zone, start, days))
    morning = draw(st.booleans())
    return PlanRequest(
        start=start, protocol=draw(st.sampled_from(["classic", "gentle", "low-start"])), time_zone=zone,
        label=draw(labels), days=days, spasticity=draw(st.booleans()),
        medications=tuple(draw(st.lists(st.sampled_from(SCREENED_NAMES), max_size=2, unique=True))),
        dose_time=time(7, 30) if morning else draw(dose_times),
        overrides=(("window", draw(st.text(min_size=1, max_size=30).filter(str.strip))),) if morning else (),
        revision=draw(st.integers(1, 3)), supply_days=draw(st.integers(7, 60)))


@st.composite
def adjustment_steps(draw: st.DrawFn, plan) -> dict:
    """One adjustment for `plan`, as keyword arguments for revise.adjust(): a date from the last
    adjustment's on, and values a clinician might give (some of which the rules will refuse)."""
    from titrate.core.model import AdjustmentKind, Override

    first = plan.adjustments[-1].effective if plan.adjustments else plan.start
    first = min(first, plan.end)
    effective = draw(st.dates(first, plan.end))
    kind = draw(st.sampled_from(list(AdjustmentKind)))
    step = {"kind": kind, "effective": effective, "reason": draw(st.sampled_from(["flare", "vivid dreams", "trip"]))}
    if kind is AdjustmentKind.HOLD:
        step["days"] = draw(st.integers(1, 40))
    elif kind is AdjustmentKind.STEP_BACK:
        step["days"] = draw(st.integers(1, 60))
        step["dose_mg"] = draw(st.none() | hundredths("0.25", "4.5"))
    elif kind is AdjustmentKind.RETIME:
        step["time"] = draw(dose_times | st.times().map(lambda t: t.replace(second=0, microsecond=0)))
        if step["time"].hour < 21:
            step["overrides"] = (Override("window", "morning dose for sleep problems"),)
    elif kind is AdjustmentKind.TARGET:
        step["dose_mg"] = draw(hundredths("0.25", "4.5"))
    return step


@st.composite
def adjusted_plans(draw: st.DrawFn):
    """A plan as a clinician leaves it after changing it in flight: built by the engine, revised by real
    adjustments (adjustment_steps; any the rules refuse are skipped), then maybe reshaped by hand with more
    step-backs (a run of days at a dose taken earlier) and retimes. Reshaped days may break rules the
    engine keeps: for renderers, which must follow whatever days a plan holds."""
    protocol, patient = draw(protocols()), draw(patients)
    start, zone, length = draw(start_dates), draw(st.sampled_from(FIXED_ZONES)), draw(st.integers(1, 120))
    assume(avoids_skipped_days(zone, start, length))
    made = datetime(2026, 1, 1, tzinfo=UTC)
    plan = build_plan(protocol, patient, start, zone=load_zone(zone), days=length, dose_time=draw(dose_times),
                      generated_at=made)
    for _ in range(draw(st.integers(0, 3))):
        try:
            plan = adjust(plan, generated_at=made, **draw(adjustment_steps(plan)))
        except (InputError, RefusedError):
            continue
    days = list(plan.days)
    for _ in range(draw(st.integers(0, 3))):
        first = draw(st.integers(0, len(days) - 1))
        last = draw(st.integers(first, min(first + 30, len(days) - 1)))
        if draw(st.booleans()):
            earlier = days[draw(st.integers(0, first))]
            days[first:last + 1] = [replace(day, dose_mg=earlier.dose_mg, amount=earlier.amount,
                                            dispense=earlier.dispense) for day in days[first:last + 1]]
        else:
            moved = draw(dose_times)
            days[first:last + 1] = [replace(day, time=moved) for day in days[first:last + 1]]
    return replace(plan, days=tuple(days))


# --- The safety screen --------------------------------------------------------------------------------

def _screen_names():
    from titrate.core.screen.vocabulary import vocabulary

    names = vocabulary().drugs.values()
    return (sorted({name.text for name in names if name.drug_class.rule == "opioid"}),
            sorted({name.text for name in names if name.drug_class.action in ("warn", "note", "none")}))


OPIOID_NAMES, OTHER_KNOWN_NAMES = _screen_names()
#: What the normaliser ignores inside a name: spaces, hyphens, soft hyphens, zero-width characters.
INVISIBLE_BREAKS = [" ", "-", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2066"]
strengths = st.builds(lambda n, unit, tail: f" {n}{unit}{tail}", st.integers(1, 500),
                      st.sampled_from([" mg", "mg", " mcg", " mg/mL", ""]).filter(bool),
                      st.sampled_from(["", " BID", " daily", " at night", " PRN", " (stopped 2026-10-01)"]))


@st.composite
def spelling_variants(draw: st.DrawFn, name: str) -> str:
    """`name` as people type it: the normaliser's inverse (random case, breaks between letters, a
    strength and a frequency appended)."""
    out = []
    for char in name:
        out.append(char.upper() if draw(st.booleans()) else char.lower())
        if char.isalnum() and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE_BREAKS)))
    return "".join(out).strip(" -") + (draw(strengths) if draw(st.booleans()) else "")


opioid_spellings = st.sampled_from(OPIOID_NAMES).flatmap(spelling_variants)
#: Medication names the screen does not know: letters only, too far from any opioid to be a near miss.
unknown_medications = st.text(st.characters(categories=["Ll", "Lu"], max_codepoint=0x24F), min_size=1,
                              max_size=12)
list_separators = st.sampled_from([", ", "; ", " and ", " + ", "\n", " / ", ",", ";"])


@st.composite
def medication_lists_with_an_opioid(draw: st.DrawFn) -> str:
    """One medication entry holding a list, an opioid somewhere in it."""
    others = draw(st.lists(st.one_of(st.sampled_from(OTHER_KNOWN_NAMES), unknown_medications), max_size=4))
    others.insert(draw(st.integers(0, len(others))), draw(opioid_spellings))
    text = others[0]
    for item in others[1:]:
        text += draw(list_separators) + item
    return text


@st.composite
def clock_changes(draw: st.DrawFn) -> tuple[str, date, time]:
    """(zone, date, wall time) near a clock change of the zone: the time is inside the hour the change
    repeats or skips, or next to it, so it lands inside the dose window or outside it."""
    from titrate.core.wallclock import observances

    zone = draw(st.one_of(st.sampled_from(HARD_ZONES), zones))
    year = draw(st.integers(2000, 2040))
    changes = observances(load_zone(zone), date(year, 1, 1), date(year, 12, 31))[1:]
    if not changes:
        return zone, draw(st.dates(date(year, 1, 1), date(year, 12, 31))), draw(any_times)
    change = draw(st.sampled_from(changes))
    jump = change.offset_to - change.offset_from
    earliest = change.onset + min(jump, timedelta(0)) - timedelta(minutes=30)
    moment = earliest + timedelta(minutes=draw(st.integers(0, int(abs(jump).total_seconds() // 60) + 60)))
    return zone, moment.date(), moment.time().replace(second=0, microsecond=0)


#: Zones whose clock changes land in or near the evening window, or that skipped a day.
HARD_ZONES = ["America/Santiago", "America/Asuncion", "America/Nuuk", "America/Havana", "Asia/Tehran",
              "Africa/Casablanca", "Pacific/Apia", "Australia/Lord_Howe", "Europe/London", "America/New_York"]
any_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


# --- Plan files edited by hand ---------------------------------------------------------------------------

#: Values a hand edit might leave in a plan file: wrong types, empty and odd text, dates and times at the
#: calendar's edges, numbers too large, and the words the file itself uses.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=12),
              st.sampled_from(["", "0", "-1", "1e9", "NaN", "2027-02-30", "0001-01-01", "9999-12-31", "1900-01-01",
                               "2999-12-31", "24:00", "00:00", "99:99", "1.50", "4.50", "6.00", "Pacific/Apia",
                               "reorder", "review", "stop", "dose", "hold", "step-back", "titration", "maintenance"])),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5)


def _paths(node, prefix=()):
    """Every place in parsed JSON, as a path of keys and indexes (the first and last few of each list)."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index in sorted({*range(min(len(node), 3)), *range(max(len(node) - 2, 0), len(node))}):
            yield from _paths(node[index], (*prefix, index))


@st.composite
def hand_edited(draw: st.DrawFn, text: str) -> str:
    """The plan file `text` with one to three of its values replaced by json_values, or keys deleted."""
    import json

    data = json.loads(text)
    places = list(_paths(data))[1:]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if isinstance(parent, dict) and draw(st.booleans()):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this place
    return json.dumps(data)


#: A length in weeks as a person writes it: a count and one of the ways to say "weeks", spaced or not.
week_texts = st.builds(lambda n, space, word: (n, f"{n}{space}{word}"), st.integers(1, 520),
                       st.sampled_from(["", " ", "  "]),
                       st.sampled_from(["w", "W", "wk", "wks", "week", "weeks", "Weeks"]))
