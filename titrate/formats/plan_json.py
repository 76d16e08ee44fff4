"""The plan as JSON (schema titrate.plan/2): the only serialiser and the only reader of plan files.

A plan file holds the inputs (protocol steps, patient facts, overrides, adjustments, washout, review)
and what the engine derived from them (days, events, fills). Reading checks the shape (InputError,
naming the field), rebuilds the plan from its inputs with the same engine, and refuses a file whose days,
events or fills do not follow from them, naming the first difference: a hand-edited dose, a moved time
or a changed zone is caught, and every rule is checked again. Today's safety screen runs again too: a
new finding is added (never hidden), a new refusal refuses the plan; findings the file holds are kept.
Files of schema titrate.plan/1 are migrated on read. Milligrams are written as decimal strings with two
places ("1.50"), never as floats.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Literal, TypeVar, overload
from zoneinfo import ZoneInfo

from titrate.core import rules
from titrate.core.diff import moved_days, recorded_instant
from titrate.core.engine import build
from titrate.core.formulations import Formulation, Portion
from titrate.core.lengths import Length, Unit, parse_length
from titrate.core.model import (
    Adjustment,
    AdjustmentKind,
    Cancelled,
    DoseDay,
    Event,
    EventKind,
    Finding,
    Override,
    Patient,
    Phase,
    Plan,
    PlanInputs,
    Protocol,
    Step,
    Washout,
)
from titrate.core.protocols import Linear, linear
from titrate.core.record import fields, replace
from titrate.core.refills import Refill, Supply
from titrate.core.revise import cancelled_before
from titrate.core.rules import SPASTICITY_MAX_MG, spasticity_capped
from titrate.core.units import parse_mg
from titrate.core.values import check_text
from titrate.core.wallclock import (
    Window,
    check_date_range,
    date_exists,
    first_instant,
    format_hhmm,
    format_instant,
    format_minutes,
    format_offset,
    load_zone,
    parse_hhmm,
    parse_minutes,
    parse_offset,
)
from titrate.errors import InputError

SCHEMA = "titrate.plan/2"
SCHEMA_V1 = "titrate.plan/1"
#: A plan file is about 1.5 MB at most (3,660 days); more is not a plan.
MAX_TEXT = 16 * 1024 * 1024

T = TypeVar("T")
K = TypeVar("K", bound=Enum)


def _mg(value: Decimal) -> str:
    return f"{value:.2f}"


def _quantity(value: Decimal) -> str:
    return f"{value:.1f}"


def _window(window: Window) -> dict[str, str]:
    return {"start": format_minutes(window.start), "end": format_minutes(window.end)}


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _clock(value: time | None) -> str | None:
    return None if value is None else format_hhmm(value)


def inputs_to_dict(inputs: PlanInputs) -> dict[str, Any]:
    """The inputs as the plan file's `inputs` object: everything a plan is rebuilt from on reading."""
    formulation = inputs.formulation
    return {
        "patient": {
            "label": inputs.patient.label,
            "spasticity": inputs.patient.spasticity,
            "conditions": list(inputs.patient.conditions),
            "medications": list(inputs.patient.medications),
        },
        "protocol": {
            "name": inputs.protocol.name,
            "summary": inputs.protocol.summary,
            "steps": [{"dose_mg": _mg(step.dose_mg), "days": step.days} for step in inputs.protocol.steps],
        },
        "start": inputs.start.isoformat(),
        "end": _day(inputs.end),
        "target_mg": None if inputs.target_mg is None else _mg(inputs.target_mg),
        "time_zone": inputs.time_zone,
        "dose_time": format_hhmm(inputs.dose_time),
        "formulation": None if formulation is None else _formulation(formulation),
        "supply": {
            "supply_days": inputs.supply.supply_days,
            "lead_days": inputs.supply.lead_days,
            "shelf_life_days": inputs.supply.shelf_life_days,
        },
        "overrides": [{"rule": o.rule, "reason": o.reason} for o in inputs.overrides],
        "adjustments": [
            {"kind": a.kind.value, "from": a.effective.isoformat(), "reason": a.reason, "revision": a.revision,
             "days": a.days, "dose_mg": None if a.dose_mg is None else _mg(a.dose_mg), "time": _clock(a.time),
             **_pause_dict(a)}
            for a in inputs.adjustments
        ],
        "washout": _washout_dict(inputs.washout),
        "review_after_days": inputs.review_after_days,
        "maintenance_days": inputs.maintenance_days,
        **_asked(inputs),
        **({"replanned": _cancelled_list(inputs.replanned)} if inputs.replanned else {}),
    }


def _cancelled_list(cancelled: tuple[Cancelled, ...]) -> list[dict[str, Any]]:
    """Cancelled days and events as the file holds them; a re-plan's carried set is written the same way,
    and only when there is one, so files of plans that re-plan nothing stay as they were."""
    return [{"key": c.key, "kind": c.kind, "date": c.date.isoformat(), "time": _clock(c.time)} for c in cancelled]


def _pause_dict(adjustment: Adjustment) -> dict[str, Any]:
    """A pause's own keys; other kinds write none, so files without a pause stay as they were."""
    if adjustment.kind is not AdjustmentKind.PAUSE:
        return {}
    return {"until": _day(adjustment.until), "restart": adjustment.restart,
            "washout": _washout_dict(adjustment.washout)}


def _washout_dict(washout: Washout | None) -> dict[str, Any] | None:
    if washout is None:
        return None
    return {"opioid": washout.opioid, "last_dose": washout.last_dose.isoformat(), "days": washout.days}


def _asked(inputs: PlanInputs) -> dict[str, Any]:
    """The lengths as asked ("2 months", "3 weeks") beside their resolved days (`end`, `review_after_days`),
    written only when one was not asked in days, so that a plan asked in days is the file it always was."""
    asked = {key: str(length) for key, length in (("length", inputs.length_asked),
                                                  ("review_after", inputs.review_asked)) if length is not None}
    return {"asked": asked} if asked else {}


def _formulation(formulation: Formulation) -> dict[str, Any]:
    return {
        "form": formulation.form,
        "strengths_mg": [_mg(mg) for mg in formulation.strengths_mg],
        "concentration_mg": None if formulation.concentration_mg is None else _mg(formulation.concentration_mg),
        "description": formulation.describe(),
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON object of schema titrate.plan/2: its inputs and what the engine derived."""
    return _plan_dict(plan, [_day_dict(day) for day in plan.days])


def _day_dict(day: DoseDay) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "day": day.day,
        "dose_mg": _mg(day.dose_mg),
        "time": format_hhmm(day.time),
        "window": _window(day.window),
        "phase": day.phase.value,
        "cause": day.cause,
        "amount": day.amount,
        "dispense": [_portion(portion) for portion in day.dispense],
        "notes": list(day.notes),
    }


def _plan_dict(plan: Plan, days: Any) -> dict[str, Any]:
    """plan_to_dict, with `days` as given: dumps writes the days its own faster way."""
    return {
        "schema": SCHEMA,
        "plan_id": plan.plan_id,
        "revision": plan.revision,
        "supersedes": plan.supersedes,
        "generated_at": format_instant(plan.generated_at),
        "tzdata": plan.tzdata,
        "time_zone": plan.time_zone,  # the zone the days were made in: a hand-edited inputs.time_zone differs
        **({"utc_offsets": [{"from": format_instant(onset), "offset": format_offset(offset)}
                            for onset, offset in plan.utc_offsets]} if plan.utc_offsets else {}),
        "inputs": inputs_to_dict(plan.inputs),
        "target_mg": _mg(plan.target_mg),
        "window": _window(plan.window),
        "formulation": _formulation(plan.formulation),
        "rules_applied": list(plan.rules_applied),
        "warnings": [{"rule": f.rule, "message": f.message} for f in plan.warnings],
        "notes": [{"rule": f.rule, "message": f.message} for f in plan.notes],
        "days": days,
        "events": [{"key": e.key, "kind": e.kind.value, "date": e.date.isoformat(), "text": e.text}
                   for e in plan.events],
        "refills": [
            {
                "number": refill.number,
                "reorder_on": refill.reorder_on.isoformat(),
                "from": refill.start.isoformat(),
                "to": refill.end.isoformat(),
                "quantities": [dict(_portion(portion), text=plan.formulation.quantity_text(portion))
                               for portion in refill.quantities],
            }
            for refill in plan.refills
        ],
        "cancelled": _cancelled_list(plan.cancelled),
    }


def _portion(portion: Portion) -> dict[str, str]:
    return {"mg_per_unit": _mg(portion.mg_per_unit), "quantity": _quantity(portion.quantity)}


def dumps(plan: Plan) -> str:
    """The plan as JSON text, the same bytes for the same plan: what json.dumps(indent=2,
    ensure_ascii=False) writes (a test compares them), written by _indented because with `indent` json
    falls back to its pure-Python encoder, which took half of a batch's time."""
    from json.encoder import encode_basestring  # only when a plan is saved: a table never needs json

    out: list[str] = []
    _indented(_plan_dict(plan, _Days(plan.days)), "\n", out, encode_basestring)
    out.append("\n")
    return "".join(out)


class _Days:
    """A plan's days in a plan_dict that dumps writes: each day's text from a template made once per run
    of days alike in dose, time, window, amount and the rest (only the date and day number differ)."""

    __slots__ = ("days",)

    def __init__(self, days: tuple[DoseDay, ...]) -> None:
        self.days = days

    def write(self, newline: str, out: list[str], text: Any) -> None:
        """The days as _indented writes _day_dict's of them, as a list at `newline`'s depth."""
        inner = newline + "  "
        fields = inner + "  "
        last_shape, rest = None, ""
        opening = "[" + inner
        for day in self.days:
            # alike days come in runs; comparing with the day before is cheaper than hashing their parts
            shape = (day.dose_mg, day.time, day.window, day.phase, day.cause, day.amount, day.dispense, day.notes)
            if shape != last_shape:
                last_shape, rest = shape, _day_rest(day, inner, text)
            out.append(f'{opening}{{{fields}"date": "{day.date.isoformat()}",{fields}"day": {int.__repr__(day.day)}')
            out.append(rest)
            opening = "," + inner
        out.append(newline + "]" if self.days else "[]")


def _day_rest(day: DoseDay, newline: str, text: Any) -> str:
    """A day's JSON object as _indented writes it at `newline`'s depth, after its date and day number
    (its first two fields, which the date's digits and a number need no escaping to write)."""
    written: list[str] = []
    _indented(_day_dict(day), newline, written, text)
    whole = "".join(written)
    head = f'{{{newline}  "date": "{day.date.isoformat()}",{newline}  "day": {int.__repr__(day.day)}'
    return whole[len(head):]


def _indented(value: Any, newline: str, out: list[str], text: Any) -> None:
    """`value` (dicts with text keys, lists, text, whole numbers, booleans, None) as indented JSON.
    Text items, most of a plan file, are written in their container's loop: a call each saved."""
    if isinstance(value, str):
        out.append(text(value))
    elif value is None or isinstance(value, bool):
        out.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        opening = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a plan file's keys are text (got {key!r})")
            if type(item) is str:
                out.append(f"{opening}{text(key)}: {text(item)}")
            else:
                out.append(f"{opening}{text(key)}: ")
                _indented(item, inner, out, text)
            opening = "," + inner
        out.append(newline + "}")
    elif isinstance(value, _Days):
        value.write(newline, out, text)
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        opening = "[" + inner
        for item in value:
            if type(item) is str:
                out.append(opening + text(item))
            else:
                out.append(opening)
                _indented(item, inner, out, text)
            opening = "," + inner
        out.append(newline + "]")
    else:
        raise TypeError(f"a plan file holds no {type(value).__name__} (got {value!r})")


def loads(text: str) -> Plan:
    """A plan from JSON text: InputError if malformed (saying where), RefusedError if it breaks a rule."""
    if len(text) > MAX_TEXT:
        raise InputError(f"a plan file is at most {MAX_TEXT // (1024 * 1024)} MiB; this is not a plan")
    import json

    try:
        data = json.loads(text, parse_float=_bounded_decimal, parse_int=_small_int, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:
        raise InputError("not a plan: nested too deeply") from None
    _check_texts(data)
    reader = _Reader(data, "plan")
    schema = reader.text("schema")
    if schema == SCHEMA_V1:
        stored = _v1_plan(reader)
    elif schema == SCHEMA:
        stored = _plan(reader)
    else:
        raise InputError(f"unknown plan schema {schema!r}; this titrate reads {SCHEMA!r} and {SCHEMA_V1!r}")
    return _checked(stored, reader.text("time_zone") if reader.has("time_zone") else None)


def _check_texts(data: Any) -> None:
    """InputError naming a text in the file (a key or a value) that no format could write: JSON's
    '\\ud800' escape reads as a lone surrogate."""
    stack: list[tuple[str, Any]] = [("plan", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            check_text(value, field=path)
        elif isinstance(value, dict):
            for key, item in value.items():
                check_text(key, field=f"{path} (a key)")
                stack.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


#: The largest whole number a plan holds: a revision, whose calendar SEQUENCE (one less) is a signed
#: 32-bit integer in RFC 5545.
MAX_WHOLE = 2**31


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > 12 or abs(int(text)) > MAX_WHOLE:
        raise InputError(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is too large for a plan "
                         f"(at most {MAX_WHOLE})")
    return int(text)


def _bounded_decimal(text: str) -> Decimal:
    """A number with a fraction or an exponent, as plan files hold milligrams: no more digits, and no
    larger or finer, than any dose or count needs (1e999999999 would take forever to print)."""
    value = Decimal(text)
    if len(text) > 24 or not -12 <= value.adjusted() <= 9:
        raise InputError(f"the number {text[:24]!r} is out of range for a plan")
    return value


def _no_constant(name: str) -> None:
    raise InputError(f"{name} is not a number a plan can hold")


def _checked(stored: Plan, made_in: str | None) -> Plan:
    """The plan rebuilt from its inputs (today's screen may refuse it), if the file's days, events and
    fills keep every rule (RefusedError naming the rule and the day) and follow from the inputs
    (InputError naming the first difference), and its inputs name the zone it was made in (`made_in`,
    None in files written before it was recorded); the file's findings kept and today's added."""
    rebuilt = build(stored.inputs, generated_at=stored.generated_at, plan_id=stored.plan_id,
                    revision=stored.revision, supersedes=stored.supersedes,
                    cancelled=cancelled_before(stored.inputs, generated_at=stored.generated_at))
    moved = moved_days(stored)
    if moved and stored.tzdata == rebuilt.tzdata:
        raise InputError(_zone_changed(stored, moved[0]))
    if made_in is not None and made_in != stored.time_zone:  # a zone with the same offsets passes the check above
        raise InputError(f"the plan was made in the time zone {made_in} but its inputs name {stored.time_zone}: "
                         "the zone was changed after the plan was made (plan.time_zone, plan.inputs.time_zone)")
    warnings = _union(stored.warnings, rebuilt.warnings) + ((_moved_warning(stored, rebuilt, moved),) if moved else ())
    merged = replace(rebuilt, tzdata=stored.tzdata or rebuilt.tzdata, utc_offsets=stored.utc_offsets,
                     warnings=warnings, notes=_union(stored.notes, rebuilt.notes))
    rules.enforce_plan(replace(stored, warnings=merged.warnings, notes=merged.notes))
    _same(stored, rebuilt, frozenset(moved))
    return merged


def _moved_warning(stored: Plan, rebuilt: Plan, moved: list[date]) -> Finding:
    """The days whose dose today's zone rules put at another moment than the rules the plan was made with."""
    shown = ", ".join(str(day) for day in moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")
    return Finding("window", f"the time-zone rules for {stored.time_zone} changed since this plan was made (tz "
                             f"database {stored.tzdata or 'unknown'}, now {rebuilt.tzdata}): the dose on {shown} now "
                             "falls at another moment; check those days with the patient, or adjust the plan")


def _zone_changed(stored: Plan, first: date) -> str:
    """Why a file whose zone rules are today's puts a dose at another moment than they do: its zone (or
    its recorded offsets) was changed after it was made."""
    day = next(d for d in stored.days if d.date == first)
    local = datetime.combine(day.date, day.time)
    then = recorded_instant(stored.utc_offsets, local)
    now = first_instant(local, stored.zone) if date_exists(day.date, stored.zone) else None
    return (f"the time zone is {stored.time_zone} but the dose on {day.date} at {format_hhmm(day.time)} was "
            f"planned for {_utc(then)} and falls at {_utc(now)} in {stored.time_zone}, by the same tz database "
            f"({stored.tzdata}): the zone or the recorded UTC offsets were changed after the plan was made "
            "(plan.inputs.time_zone, plan.utc_offsets)")


def _utc(instant: datetime | None) -> str:
    return "no moment" if instant is None else f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _union(kept: tuple[Finding, ...], found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(dict.fromkeys((*kept, *found)))


def _same(stored: Plan, rebuilt: Plan, moved: frozenset[date] = frozenset()) -> None:
    """InputError naming the first part of the file that does not follow from its inputs, by what a person
    reads (the date and the field: `the dose on 2027-02-12 is 6 mg but the plan's inputs give 3 mg`), the
    JSON path after it; on the `moved` days (new zone rules) the time and its note may differ, and the
    rebuilt day is taken."""
    for name in ("target_mg", "window", "formulation"):
        if getattr(stored, name) != getattr(rebuilt, name):
            raise InputError(f"the plan's {_LABELS.get(name, name)} is {_shown(getattr(stored, name))} but the "
                             f"plan's inputs give {_shown(getattr(rebuilt, name))} (plan.{name})")
    for what, mine, theirs in (("days", stored.days, rebuilt.days), ("events", stored.events, rebuilt.events),
                               ("refills", stored.refills, rebuilt.refills),
                               ("cancelled", stored.cancelled, rebuilt.cancelled)):
        for index, (a, b) in enumerate(zip(mine, theirs)):
            if isinstance(a, DoseDay) and isinstance(b, DoseDay) and a.date in moved:
                a = replace(a, time=b.time, notes=b.notes)
            if a != b:
                field = next(name for name in fields(a) if getattr(a, name) != getattr(b, name))
                raise InputError(f"{_subject(a, field)} is {_shown(getattr(a, field))} but the plan's inputs give "
                                 f"{_shown(getattr(b, field))} (plan.{what}[{index}].{field})")
        if len(mine) != len(theirs):
            more = len(mine) > len(theirs)
            extra = (f"the file has {_entry(mine[len(theirs)])} the plan's inputs do not give" if more
                     else f"the plan's inputs give {_entry(theirs[len(mine)])} the file lacks")
            raise InputError(f"{extra}: plan.{what} has {len(mine)} entries; the plan's inputs give {len(theirs)}")


#: How a person calls a field of the plan, a day, an event, a fill or a cancelled entry.
_LABELS = {
    "target_mg": "target dose", "window": "dose window", "formulation": "formulation",
    "dose_mg": "dose", "time": "dose time", "day": "day number", "phase": "phase", "amount": "amount",
    "dispense": "amount dispensed", "notes": "note", "cause": "cause", "text": "text", "kind": "kind",
    "key": "key", "reorder_on": "re-order date", "start": "first day", "end": "last day",
    "quantities": "quantity", "number": "number",
}


def _subject(entry: Any, field: str) -> str:
    """`entry`'s `field` as a person names it, with the entry's date: 'the dose on 2027-02-12'."""
    label = _LABELS.get(field, field)
    if isinstance(entry, DoseDay):
        return f"the date of day {entry.day}" if field == "date" else f"the {label} on {entry.date}"
    if isinstance(entry, Event):
        what = f"the {entry.kind.value} event {entry.key}"
        return f"the date of {what}" if field == "date" else f"the {label} of {what} on {entry.date}"
    if isinstance(entry, Refill):
        return f"the {label} of fill {entry.number} (from {entry.start})"
    if isinstance(entry, Cancelled):
        return f"the {label} of the cancelled {entry.kind} {entry.key} (on {entry.date})"
    return f"the {label}"


def _entry(entry: Any) -> str:
    """An entry of a plan's list as a person names it, for one too many or too few."""
    if isinstance(entry, DoseDay):
        return f"a dose on {entry.date}"
    if isinstance(entry, Event):
        return f"a {entry.kind.value} event on {entry.date}"
    if isinstance(entry, Refill):
        return f"fill {entry.number} (from {entry.start})"
    if isinstance(entry, Cancelled):
        return f"a cancelled {entry.kind} on {entry.date}"
    return str(entry)


#: How a value of a plan is shown in a message, by its type (first match wins: an Enum before text).
_SHOWN: tuple[tuple[type, Callable[[Any], str]], ...] = (
    (Decimal, lambda value: f"{value.normalize():f} mg"),
    (time, format_hhmm),
    (Window, lambda value: f"{format_minutes(value.start)}-{format_minutes(value.end)}"),
    (tuple, lambda value: "[" + ", ".join(_shown(item) for item in value) + "]"),
    (Formulation, lambda value: value.describe()),
    (Portion, lambda value: f"{_quantity(value.quantity)} x {value.mg_per_unit.normalize():f} mg"),
    (Enum, lambda value: str(value.value)),
    (str, repr),
)


def _shown(value: Any) -> str:
    return next((show(value) for kind, show in _SHOWN if isinstance(value, kind)), str(value))


class _Reader:
    """Typed access into parsed JSON that names the path of whatever is wrong."""

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def _field(self, key: str) -> _Reader:
        if not isinstance(self.value, dict):
            raise InputError(f"{self.path} must be an object")
        if key not in self.value:
            raise InputError(f"{self.path}.{key} is missing")
        return _Reader(self.value[key], f"{self.path}.{key}")

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(key) is not None

    @overload
    def text(self, key: str, *, optional: Literal[False] = ...) -> str: ...

    @overload
    def text(self, key: str, *, optional: bool) -> str | None: ...

    def text(self, key: str, *, optional: bool = False) -> str | None:
        field = self._field(key)
        if field.value is None and optional:
            return None
        if not isinstance(field.value, str):
            raise InputError(f"{field.path} must be text")
        return field.value

    @overload
    def whole(self, key: str, *, optional: Literal[False] = ...) -> int: ...

    @overload
    def whole(self, key: str, *, optional: bool) -> int | None: ...

    def whole(self, key: str, *, optional: bool = False) -> int | None:
        field = self._field(key)
        if field.value is None and optional:
            return None
        if isinstance(field.value, bool) or not isinstance(field.value, int):
            raise InputError(f"{field.path} must be a whole number")
        return field.value

    def flag(self, key: str) -> bool:
        field = self._field(key)
        if not isinstance(field.value, bool):
            raise InputError(f"{field.path} must be true or false")
        return field.value

    @overload
    def mg(self, key: str, *, optional: Literal[False] = ...) -> Decimal: ...

    @overload
    def mg(self, key: str, *, optional: bool) -> Decimal | None: ...

    def mg(self, key: str, *, optional: bool = False) -> Decimal | None:
        """Milligrams, as a decimal string or a number; with `optional`, null is None."""
        field = self._field(key)
        if field.value is None and optional:
            return None
        return field.milligrams()

    def milligrams(self) -> Decimal:
        """This value as milligrams, read by the one mg validator every door uses (units.parse_mg), so a
        file holds no amount the command line would refuse: "1e1", "NaN", "-0", "1.505"."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise InputError(f"{self.path} must be milligrams as a decimal string such as \"1.50\" (got {value!r})")
        return parse_mg(value, field=self.path)

    def amount(self, key: str) -> Decimal:
        """The positive number at `key`: a count of capsules or drops, or mL, which may exceed any dose."""
        return self._field(key).number()

    def number(self) -> Decimal:
        """This value as a positive number of at most a few digits."""
        value = self.value
        if isinstance(value, str):
            try:
                value = Decimal(value.strip()) if len(value) <= 20 else None
            except InvalidOperation:
                value = None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise InputError(f"{self.path} must be a number")
        number = Decimal(value)
        if not number.is_finite() or number <= 0 or number.adjusted() > 6:
            raise InputError(f"{self.path} must be more than 0 and less than a million (got {self.value})")
        return number

    @overload
    def day(self, key: str, *, optional: Literal[False] = ...) -> date: ...

    @overload
    def day(self, key: str, *, optional: bool) -> date | None: ...

    def day(self, key: str, *, optional: bool = False) -> date | None:
        text = self.text(key, optional=optional)
        if text is None:
            return None
        try:
            if not text.isascii():
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise InputError(f"{self.path}.{key} must be a date as YYYY-MM-DD (got {text!r})") from None
        return check_date_range(day, field=f"{self.path}.{key}")

    @overload
    def clock(self, key: str, *, optional: Literal[False] = ...) -> time: ...

    @overload
    def clock(self, key: str, *, optional: bool) -> time | None: ...

    def clock(self, key: str, *, optional: bool = False) -> time | None:
        text = self.text(key, optional=optional)
        return None if text is None else parse_hhmm(text, field=f"{self.path}.{key}")

    def zone(self, key: str) -> ZoneInfo:
        """The zone the file names at `key`, resolved here, once: the plan carries it from then on."""
        name = self.text(key)
        return load_zone(name)

    def window(self, key: str) -> Window:
        field = self._field(key)
        start = parse_minutes(field.text("start"), field=f"{field.path}.start")
        end = parse_minutes(field.text("end"), field=f"{field.path}.end")
        try:
            return Window(start, end)
        except InputError:
            raise InputError(f"{field.path} must run forward within one day") from None

    def items(self, key: str) -> list[_Reader]:
        field = self._field(key)
        if not isinstance(field.value, list):
            raise InputError(f"{field.path} must be a list")
        return [_Reader(item, f"{field.path}[{index}]") for index, item in enumerate(field.value)]

    def obj(self, key: str) -> _Reader:
        field = self._field(key)
        if not isinstance(field.value, dict):
            raise InputError(f"{field.path} must be an object")
        return field

    def texts(self, key: str) -> tuple[str, ...]:
        values = [item.value for item in self.items(key)]
        if not all(isinstance(value, str) for value in values):
            raise InputError(f"{self.path}.{key} must be a list of text")
        return tuple(values)

    def at(self, read: Callable[[], T]) -> T:
        """`read()`, with this reader's path before any InputError it raises."""
        try:
            return read()
        except InputError as error:
            if str(error).startswith(self.path):
                raise
            raise InputError(f"{self.path}: {error}") from None


def _generated_at(data: _Reader) -> datetime:
    generated = data.text("generated_at")
    try:
        generated_at = datetime.fromisoformat(generated)
    except ValueError:
        raise InputError(f"plan.generated_at must be a UTC time such as 2026-01-31T12:00:00Z "
                         f"(got {generated!r})") from None
    if generated_at.tzinfo is None:
        raise InputError(f"plan.generated_at must say its zone, e.g. a trailing Z (got {generated!r})")
    return generated_at


def _utc_offsets(data: _Reader) -> tuple[tuple[datetime, timedelta], ...]:
    """The zone's UTC offsets by the rules the plan was made with: (UTC instant, offset) in order."""
    offsets: list[tuple[datetime, timedelta]] = []
    for item in data.items("utc_offsets"):
        text = item.text("from")
        try:
            onset = datetime.fromisoformat(text) if text.isascii() else None
        except ValueError:
            onset = None
        if onset is None or onset.utcoffset() != timedelta(0) or (offsets and onset <= offsets[-1][0]):
            raise InputError(f"{item.path}.from must be a UTC time such as 2026-01-31T12:00:00Z, later than the "
                             f"one before (got {text!r})")
        offsets.append((onset.astimezone(UTC), parse_offset(item.text("offset"), field=f"{item.path}.offset")))
    return tuple(offsets)


def _patient(data: _Reader) -> Patient:
    return data.at(lambda: Patient(label=data.text("label", optional=True), spasticity=data.flag("spasticity"),
                                   conditions=data.texts("conditions"), medications=data.texts("medications")))


def _formulation_of(data: _Reader) -> Formulation:
    return data.at(lambda: Formulation(data.text("form"), tuple(item.milligrams() for item in data.items("strengths_mg")),
                                       data.mg("concentration_mg", optional=True)))


def _supply(data: _Reader) -> Supply:
    return data.at(lambda: Supply(data.whole("supply_days"), data.whole("lead_days"), data.whole("shelf_life_days")))


def _overrides(data: _Reader) -> tuple[Override, ...]:
    return tuple(item.at(lambda: Override(item.text("rule"), item.text("reason")))
                 for item in data.items("overrides"))


def _findings(data: _Reader, key: str) -> tuple[Finding, ...]:
    return tuple(Finding(item.text("rule"), item.text("message")) for item in data.items(key))


def _inputs(data: _Reader) -> PlanInputs:
    protocol = data.obj("protocol")
    steps = tuple(item.at(lambda: Step(item.mg("dose_mg"), item.whole("days", optional=True)))
                  for item in protocol.items("steps"))
    formulation = data.obj("formulation") if data.has("formulation") else None
    washout = data.obj("washout") if data.has("washout") else None
    return data.at(lambda: PlanInputs(
        patient=_patient(data.obj("patient")),
        protocol=protocol.at(lambda: Protocol(protocol.text("name"), steps, protocol.text("summary"))),
        start=data.day("start"),
        zone=data.zone("time_zone"),
        dose_time=data.clock("dose_time"),
        formulation=None if formulation is None else _formulation_of(formulation),
        supply=_supply(data.obj("supply")),
        end=data.day("end", optional=True),
        target_mg=data.mg("target_mg", optional=True),
        overrides=_overrides(data),
        adjustments=tuple(_adjustment(item) for item in data.items("adjustments")),
        washout=None if washout is None else _washout_of(washout),
        review_after_days=data.whole("review_after_days", optional=True),
        maintenance_days=data.whole("maintenance_days"),
        length_asked=_asked_length(data, "length"),
        review_asked=_asked_length(data, "review_after"),
        replanned=_cancelled_of(data, "replanned") if data.has("replanned") else (),
    ))


def _adjustment(item: _Reader) -> Adjustment:
    """An adjustment; a pause's keys (until, restart, washout) are read only where the file has them, so
    files written before pauses existed still read."""
    washout = item.obj("washout") if item.has("washout") else None
    return item.at(lambda: Adjustment(
        _enum(item, "kind", AdjustmentKind), item.day("from"), item.text("reason"), item.whole("revision"),
        item.whole("days", optional=True), item.mg("dose_mg", optional=True), item.clock("time", optional=True),
        until=item.day("until", optional=True) if item.has("until") else None,
        restart=item.flag("restart") if item.has("restart") else False,
        washout=None if washout is None else _washout_of(washout)))


def _washout_of(washout: _Reader) -> Washout:
    return washout.at(lambda: Washout(washout.text("opioid"), washout.day("last_dose"), washout.whole("days")))


def _asked_length(data: _Reader, key: str) -> Length | None:
    """inputs.asked.`key`, a length as asked ("2 months"), or None: files before lengths had no `asked`."""
    if not data.has("asked"):
        return None
    asked = data.obj("asked")
    unknown = set(asked.value) - {"length", "review_after"}
    if unknown:
        raise InputError(f"{asked.path} takes length and review_after (got {sorted(unknown)[0]!r})")
    text = asked.text(key) if asked.has(key) else None
    if text is None:
        return None
    length = asked.at(lambda: parse_length(text, field=f"{asked.path}.{key}", months_allowed=True))
    if length.unit is Unit.DAYS:
        raise InputError(f"{asked.path}.{key} records a length in weeks or months (got {text!r})")
    return length


def _plan(data: _Reader) -> Plan:
    inputs = _inputs(data.obj("inputs"))
    days = []
    for item in data.items("days"):
        days.append(item.at(lambda: DoseDay(
            item.day("date"), item.whole("day"), item.mg("dose_mg"), item.clock("time"), _phase(item),
            item.text("amount"), _portions(item, "dispense"), item.texts("notes"), item.window("window"),
            item.text("cause"))))
    return data.at(lambda: Plan(
        plan_id=data.text("plan_id"),
        revision=data.whole("revision"),
        supersedes=data.whole("supersedes", optional=True),
        generated_at=_generated_at(data),
        tzdata=data.text("tzdata"),
        utc_offsets=_utc_offsets(data) if data.has("utc_offsets") else (),
        inputs=inputs,
        target_mg=data.mg("target_mg"),
        window=data.window("window"),
        formulation=_formulation_of(data.obj("formulation")),
        days=tuple(days),
        events=tuple(item.at(lambda: Event(item.text("key"), _enum(item, "kind", EventKind), item.day("date"),
                                                     item.text("text"))) for item in data.items("events")),
        refills=_refills(data),
        cancelled=_cancelled_of(data, "cancelled"),
        warnings=_findings(data, "warnings"),
        notes=_findings(data, "notes"),
        rules_applied=data.texts("rules_applied"),
    ))


def _cancelled_of(data: _Reader, key: str) -> tuple[Cancelled, ...]:
    return tuple(item.at(lambda: Cancelled(item.text("key"), item.text("kind"), item.day("date"),
                                           item.clock("time", optional=True)))
                 for item in data.items(key))


def _phase(item: _Reader) -> Phase:
    phase = item.text("phase")
    if phase not in {p.value for p in Phase}:
        raise InputError(f"{item.path}.phase must be 'titration' or 'maintenance' (got {phase!r})")
    return Phase(phase)


def _enum(item: _Reader, key: str, kinds: type[K]) -> K:
    kind = item.text(key)
    if kind not in {k.value for k in kinds}:
        raise InputError(f"{item.path}.{key} must be one of {', '.join(k.value for k in kinds)} (got {kind!r})")
    return kinds(kind)


def _portions(data: _Reader, key: str) -> tuple[Portion, ...]:
    return tuple(Portion(item.mg("mg_per_unit"), item.amount("quantity")) for item in data.items(key))


def _v1_plan(data: _Reader) -> Plan:
    """A titrate.plan/1 file as a v2 plan: a linear protocol becomes its steps, the plan's dates become an
    explicit end (v1's default length differs), and no review is invented. The days are then rebuilt and
    compared like any plan's."""
    protocol = data.obj("protocol")
    schedule = protocol.at(lambda: Linear(protocol.mg("first_dose_mg"), protocol.mg("step_mg"),
                                          protocol.whole("every_days"), protocol.mg("target_mg")))
    steps = protocol.at(lambda: linear(protocol.text("name"), schedule, protocol.text("summary")))
    patient = _patient(data.obj("patient"))
    target = data.mg("target_mg")
    day_items = data.items("days")
    if not day_items:
        raise InputError("a plan needs at least one day")
    window = data.window("window")
    for item in day_items:
        if item.window("window") != window:
            raise InputError(f"{item.path}.window differs from the plan's window")
    stored_days = tuple(item.at(lambda: DoseDay(
        item.day("date"), item.whole("day"), item.mg("dose_mg"), item.clock("time"), _phase(item),
        item.text("amount"), _portions(item, "dispense"), item.texts("notes"), window))
        for item in day_items)
    inputs = data.at(lambda: PlanInputs(
        patient=patient, protocol=steps, start=stored_days[0].date, zone=data.zone("time_zone"),
        dose_time=data.clock("dose_time"), formulation=_formulation_of(data.obj("formulation")),
        supply=_supply(data.obj("supply")), end=stored_days[-1].date,
        target_mg=None if target == _v1_default_target(steps, patient, _overrides(data)) else target,
        overrides=_overrides(data), review_after_days=None))
    rebuilt = build(inputs, generated_at=_generated_at(data), plan_id=data.text("plan_id"),
                    revision=data.whole("revision"))
    if len(stored_days) != len(rebuilt.days):  # a stray day after the last would otherwise cut the plan there
        raise InputError(f"plan.days has {len(stored_days)} entries; the plan's inputs give {len(rebuilt.days)}")
    # The file's days (v1 had no cause: the engine's is taken) and fills, for loads() to check like a v2 file's.
    return replace(rebuilt, days=tuple(replace(mine, cause=theirs.cause) for mine, theirs in zip(stored_days,
                                                                                                  rebuilt.days)),
                   refills=_refills(data), warnings=_union(_findings(data, "warnings"), rebuilt.warnings),
                   notes=_union(_findings(data, "notes"), rebuilt.notes))


def _refills(data: _Reader) -> tuple[Refill, ...]:
    return tuple(Refill(item.whole("number"), item.day("reorder_on"), item.day("from"), item.day("to"),
                        _portions(item, "quantities")) for item in data.items("refills"))


def _v1_default_target(protocol: Protocol, patient: Patient, overrides: tuple[Override, ...]) -> Decimal:
    capped = spasticity_capped(patient, frozenset(o.rule for o in overrides))
    return min(protocol.target_mg, SPASTICITY_MAX_MG) if capped else protocol.target_mg
