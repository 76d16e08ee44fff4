"""The plan as JSON (schema titrate.plan/1): the only serialiser and the only reader of plan files.

The JSON plan is the source of truth: every other format can be rendered from it. Reading checks the
shape first (exit 2, naming the field) and then every rule (exit 3, naming the rule and the day).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from . import rules
from .errors import InputError
from .formulations import Formulation, Portion
from .model import DoseDay, Finding, Override, Patient, Phase, Plan, Protocol
from .supply import Refill, Supply
from .wallclock import (Window, ZoneRecord, format_hhmm, format_minutes, format_offset, parse_hhmm, parse_minutes,
                        parse_offset)

SCHEMA = "titrate.plan/1"


def format_instant(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _mg(value: Decimal) -> float:
    # Doses have at most two places, so the float's shortest repr reads back to the same Decimal.
    return float(value)


def _window(window: Window) -> dict[str, str]:
    return {"start": format_minutes(window.start), "end": format_minutes(window.end)}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    window = _window(plan.window)
    return {
        "schema": SCHEMA,
        "plan_id": plan.plan_id,
        "revision": plan.revision,
        "generated_at": format_instant(plan.generated_at),
        "patient": {
            "label": plan.patient.label,
            "spasticity": plan.patient.spasticity,
            "conditions": list(plan.patient.conditions),
            "medications": list(plan.patient.medications),
        },
        "protocol": {
            "name": plan.protocol.name,
            "summary": plan.protocol.summary,
            "first_dose_mg": _mg(plan.protocol.first_dose_mg),
            "step_mg": _mg(plan.protocol.step_mg),
            "every_days": plan.protocol.every_days,
            "target_mg": _mg(plan.protocol.target_mg),
        },
        "target_mg": _mg(plan.target_mg),
        "time_zone": plan.time_zone,
        "dose_time": format_hhmm(plan.dose_time),
        "window": window,
        "formulation": {
            "form": plan.formulation.form,
            "strengths_mg": [_mg(mg) for mg in plan.formulation.strengths_mg],
            "concentration_mg": None if plan.formulation.concentration_mg is None
            else _mg(plan.formulation.concentration_mg),
            "description": plan.formulation.describe(),
        },
        "supply": {
            "supply_days": plan.supply.supply_days,
            "lead_days": plan.supply.lead_days,
            "shelf_life_days": plan.supply.shelf_life_days,
        },
        "rules_applied": list(plan.rules_applied),
        **({} if plan.tzdata is None else {"tzdata": _zone_record(plan.tzdata)}),
        "warnings": [{"rule": f.rule, "message": f.message} for f in plan.warnings],
        "notes": [{"rule": f.rule, "message": f.message} for f in plan.notes],
        "overrides": [{"rule": o.rule, "reason": o.reason} for o in plan.overrides],
        "days": [
            {
                "date": day.date.isoformat(),
                "day": day.day,
                "dose_mg": _mg(day.dose_mg),
                "time": format_hhmm(day.time),
                "window": window,
                "phase": day.phase.value,
                "amount": day.amount,
                "dispense": [_portion(portion) for portion in day.dispense],
                "notes": list(day.notes),
            }
            for day in plan.days
        ],
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
    }


def _zone_record(record: ZoneRecord) -> dict[str, Any]:
    return {"version": record.version,
            "offsets": [{"from": format_instant(onset), "utc_offset": format_offset(offset)}
                        for onset, offset in record.offsets]}


def _portion(portion: Portion) -> dict[str, float]:
    return {"mg_per_unit": _mg(portion.mg_per_unit), "quantity": _mg(portion.quantity)}


def dumps(plan: Plan) -> str:
    """The plan as JSON text, the same bytes for the same plan."""
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> Plan:
    """A plan from JSON text: InputError if malformed (saying where), RefusedError if it breaks a rule."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    plan = _plan(_Reader(data, "plan"))
    rules.enforce_plan(plan)
    return plan


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

    def text(self, key: str, *, optional: bool = False) -> str | None:
        field = self._field(key)
        if field.value is None and optional:
            return None
        if not isinstance(field.value, str):
            raise InputError(f"{field.path} must be text")
        return field.value

    def whole(self, key: str) -> int:
        field = self._field(key)
        if isinstance(field.value, bool) or not isinstance(field.value, int):
            raise InputError(f"{field.path} must be a whole number")
        return field.value

    def flag(self, key: str) -> bool:
        field = self._field(key)
        if not isinstance(field.value, bool):
            raise InputError(f"{field.path} must be true or false")
        return field.value

    def mg(self, key: str, *, optional: bool = False) -> Decimal | None:
        """A positive number (milligrams, or a quantity of units); with `optional`, null is None."""
        field = self._field(key)
        if field.value is None and optional:
            return None
        return field.number()

    def number(self) -> Decimal:
        """This value as a positive number."""
        if isinstance(self.value, bool) or not isinstance(self.value, (int, Decimal)):
            raise InputError(f"{self.path} must be a number")
        value = Decimal(self.value)
        if not value.is_finite() or value <= 0:
            raise InputError(f"{self.path} must be more than 0 (got {value})")
        return value

    def day(self, key: str) -> date:
        text = self.text(key)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InputError(f"{self.path}.{key} must be a date as YYYY-MM-DD (got {text!r})") from None

    def clock(self, key: str) -> time:
        return parse_hhmm(self.text(key), field=f"{self.path}.{key}")

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


def _plan(data: _Reader) -> Plan:
    schema = data.text("schema")
    if schema != SCHEMA:
        raise InputError(f"unknown plan schema {schema!r}; this titrate reads {SCHEMA!r}")
    generated = data.text("generated_at")
    try:
        generated_at = datetime.fromisoformat(generated)
    except ValueError:
        raise InputError(f"plan.generated_at must be a UTC time such as 2026-01-31T12:00:00Z "
                         f"(got {generated!r})") from None
    if generated_at.tzinfo is None:
        raise InputError(f"plan.generated_at must say its zone, e.g. a trailing Z (got {generated!r})")
    plan_window = data.window("window")
    protocol = data.obj("protocol")
    patient = data.obj("patient")
    formulation = data.obj("formulation")
    supply = data.obj("supply")
    days = []
    for item in data.items("days"):
        if item.window("window") != plan_window:
            raise InputError(f"{item.path}.window differs from the plan's window")
        phase = item.text("phase")
        if phase not in {p.value for p in Phase}:
            raise InputError(f"{item.path}.phase must be 'titration' or 'maintenance' (got {phase!r})")
        notes = tuple(note.value for note in item.items("notes"))
        if not all(isinstance(note, str) for note in notes):
            raise InputError(f"{item.path}.notes must be a list of text")
        days.append(DoseDay(item.day("date"), item.whole("day"), item.mg("dose_mg"), item.clock("time"),
                            Phase(phase), item.text("amount"), _portions(item, "dispense"), notes))
    return Plan(
        plan_id=data.text("plan_id"),
        revision=data.whole("revision"),
        generated_at=generated_at,
        patient=Patient(label=patient.text("label", optional=True), spasticity=patient.flag("spasticity"),
                        conditions=tuple(_texts(patient, "conditions")),
                        medications=tuple(_texts(patient, "medications"))),
        protocol=Protocol(protocol.text("name"), protocol.mg("first_dose_mg"), protocol.mg("step_mg"),
                          protocol.whole("every_days"), protocol.mg("target_mg"), protocol.text("summary")),
        target_mg=data.mg("target_mg"),
        time_zone=data.text("time_zone"),
        dose_time=data.clock("dose_time"),
        window=plan_window,
        formulation=Formulation(formulation.text("form"), tuple(_numbers(formulation, "strengths_mg")),
                                formulation.mg("concentration_mg", optional=True)),
        supply=Supply(supply.whole("supply_days"), supply.whole("lead_days"), supply.whole("shelf_life_days")),
        days=tuple(days),
        refills=tuple(Refill(item.whole("number"), item.day("reorder_on"), item.day("from"), item.day("to"),
                             _portions(item, "quantities")) for item in data.items("refills")),
        warnings=tuple(_findings(data, "warnings")),
        notes=tuple(_findings(data, "notes")),
        overrides=tuple(Override(item.text("rule"), item.text("reason")) for item in data.items("overrides")),
        rules_applied=tuple(_texts(data, "rules_applied")),
        tzdata=_read_zone_record(data.obj("tzdata")) if isinstance(data.value, dict) and "tzdata" in data.value
        else None,
    )


def _instant(item: _Reader, key: str) -> datetime:
    text = item.text(key)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() != timedelta(0):
        raise InputError(f"{item.path}.{key} must be a UTC time such as 2026-01-31T12:00:00Z (got {text!r})")
    return moment.astimezone(timezone.utc)


def _read_zone_record(record: _Reader) -> ZoneRecord:
    """The zone rules a plan records; plans made before titrate recorded them have none."""
    offsets = []
    for item in record.items("offsets"):
        onset = _instant(item, "from")
        offsets.append((onset, parse_offset(item.text("utc_offset"), field=f"{item.path}.utc_offset")))
    try:
        return ZoneRecord(record.text("version"), tuple(offsets))
    except InputError as error:
        raise InputError(f"{record.path}: {error}") from None


def _findings(data: _Reader, key: str) -> list[Finding]:
    return [Finding(item.text("rule"), item.text("message")) for item in data.items(key)]


def _portions(data: _Reader, key: str) -> tuple[Portion, ...]:
    return tuple(Portion(item.mg("mg_per_unit"), item.mg("quantity")) for item in data.items(key))


def _numbers(data: _Reader, key: str) -> list[Decimal]:
    return [item.number() for item in data.items(key)]


def _texts(data: _Reader, key: str) -> list[str]:
    values = [item.value for item in data.items(key)]
    if not all(isinstance(value, str) for value in values):
        raise InputError(f"{data.path}.{key} must be a list of text")
    return values
