"""Protocols as step lists: the published schedules titrate ships (shared/domain.md), the linear helper
that generates them, tuning, a new target, and custom protocol files (TOML).

A protocol file: FILE_EXAMPLE below, which `titrate protocols --help` shows.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from titrate.core.lengths import parse_length
from titrate.core.model import Protocol, Step
from titrate.core.record import Record, replace
from titrate.core.rules import HOLD_MIN_DAYS, STEP_MAX_MG
from titrate.core.units import format_mg, parse_mg
from titrate.errors import InputError

#: A protocol file, as `titrate protocols --help` shows it (a test reads it back).
FILE_EXAMPLE = """\
name = "slow-ms"
note = "1.5 mg for 10 days, then 3 mg for 21, then 4.5 mg"

[[steps]]
dose_mg = 1.5
days = 10

[[steps]]
dose_mg = 3
days = "3w"          # days, or weeks as text: "3w", "3 weeks" (no months: a step's date is not known)

[[steps]]
dose_mg = 4.5        # no days: held until the plan ends
"""


class Linear(Record):
    """A linear schedule: start at `first_dose_mg`, add `step_mg` every `every_days` up to `target_mg`."""

    first_dose_mg: Decimal
    step_mg: Decimal
    every_days: int
    target_mg: Decimal

    def describe(self) -> str:
        return (f"{format_mg(self.first_dose_mg)} mg, +{format_mg(self.step_mg)} mg every "
                f"{self.every_days} days to {format_mg(self.target_mg)} mg")


def linear(name: str, schedule: Linear, summary: str = "") -> Protocol:
    """The steps of a linear schedule: one per level, each `every_days` long, the target held."""
    for label, mg in (("first dose", schedule.first_dose_mg), ("step", schedule.step_mg),
                      ("target", schedule.target_mg)):
        if mg <= 0:
            raise InputError(f"protocol {name!r}: the {label} must be more than 0 mg (got {mg})")
    if schedule.every_days < 1:
        raise InputError(f"protocol {name!r}: days per level must be at least 1 (got {schedule.every_days})")
    levels = [min(schedule.first_dose_mg, schedule.target_mg)]
    while levels[-1] < schedule.target_mg:
        levels.append(min(levels[-1] + schedule.step_mg, schedule.target_mg))
    steps = (*tuple(Step(mg, schedule.every_days) for mg in levels[:-1]), Step(levels[-1], None))
    return Protocol(name, steps, summary or schedule.describe())


BUILT_IN: dict[str, tuple[Linear, str]] = {
    "classic": (Linear(Decimal("1.5"), Decimal("1.5"), 14, Decimal("4.5")),
                "1.5, 3 then 4.5 mg, 14 days per level (pharmacy dosing summaries)"),
    "gentle": (Linear(Decimal("1.5"), Decimal("0.5"), 7, Decimal("4.5")), "1.5 mg, then +0.5 mg every 7 days"),
    "low-start": (Linear(Decimal("0.5"), Decimal("0.5"), 7, Decimal("4.5")),
                  "0.5 mg, then +0.5 mg every 7 days, for sensitive patients"),
}
PROTOCOLS: dict[str, Protocol] = {name: linear(name, schedule, summary)
                                  for name, (schedule, summary) in BUILT_IN.items()}
DEFAULT_PROTOCOL = "classic"


def get_protocol(name: str) -> Protocol:
    """The built-in protocol called `name`, or InputError listing the known ones."""
    try:
        return PROTOCOLS[name.strip().lower()]
    except KeyError:
        raise InputError(f"unknown protocol {name!r}; choose one of: {', '.join(PROTOCOLS)}", field="protocol",
                         value=name) from None


def tune(name: str, *, first_dose_mg: Decimal | None = None, step_mg: Decimal | None = None,
         every_days: int | None = None) -> Protocol:
    """The built-in protocol `name` with linear parameters changed; its summary says it was customised."""
    protocol = get_protocol(name)
    changes = {key: value for key, value in
               (("first_dose_mg", first_dose_mg), ("step_mg", step_mg), ("every_days", every_days))
               if value is not None}
    if not changes:
        return protocol
    schedule = replace(BUILT_IN[protocol.name][0], **changes)
    return linear(protocol.name, schedule, f"{protocol.name}, customised: {schedule.describe()}")


def with_target(protocol: Protocol, target_mg: Decimal) -> Protocol:
    """The protocol ending at `target_mg`, held to the end. The protocol's own target keeps every step;
    a lower one keeps the steps before the first that reaches it; a higher one climbs on from the last
    step by the protocol's last rise (at most 1.5 mg), each as long as its last hold."""
    last = protocol.steps[-1]
    if target_mg == protocol.target_mg:
        return replace(protocol, steps=(*protocol.steps[:-1], Step(last.dose_mg, None)))
    if target_mg > protocol.target_mg and all(step.dose_mg < target_mg for step in protocol.steps):
        kept = [*protocol.steps[:-1], Step(last.dose_mg, last.days or hold_days(protocol))]
        kept += climb(last.dose_mg, target_mg, rise=_last_rise(protocol), days=hold_days(protocol))
        return replace(protocol, steps=(*kept, Step(target_mg, None)))
    reached = next(index for index, step in enumerate(protocol.steps) if step.dose_mg >= target_mg)
    return replace(protocol, steps=(*protocol.steps[:reached], Step(target_mg, None)))


def capped(protocol: Protocol, limit_mg: Decimal) -> Protocol:
    """The protocol with every step above `limit_mg` lowered to it (rule: spasticity)."""
    return replace(protocol, steps=tuple(Step(min(step.dose_mg, limit_mg), step.days) for step in protocol.steps))


def climb(low: Decimal, high: Decimal, *, rise: Decimal, days: int) -> list[Step]:
    """Steps strictly between `low` and `high`, `rise` apart (at most 1.5 mg), each `days` long."""
    rise = min(rise, STEP_MAX_MG)
    steps, dose = [], low + rise
    while dose < high:
        steps.append(Step(dose, days))
        dose += rise
    return steps


def _last_rise(protocol: Protocol) -> Decimal:
    levels = protocol.levels()
    rises = [b - a for a, b in itertools.pairwise(levels) if b > a]
    return rises[-1] if rises else STEP_MAX_MG


def hold_days(protocol: Protocol) -> int:
    """How long each level titrate adds to a climb is held, planned (with_target) or adjusted in flight: the
    protocol's last hold, at least 7 days (rule: gradual); 14, the classic pace, if no step has a length."""
    finite = [step.days for step in protocol.steps if step.days is not None]
    return max(finite[-1] if finite else 14, HOLD_MIN_DAYS)


def parse_protocol_file(text: str) -> Protocol:
    """A custom protocol from TOML text (see the module docstring), or InputError naming what is wrong.
    The rules are checked when a plan is built from it, naming the step."""
    import tomllib  # only when there is a protocol file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML: {error}", field="protocol_file") from None
    unknown = set(data) - {"name", "note", "steps"}
    if unknown:
        raise InputError(f"unknown key {sorted(unknown)[0]!r}; a protocol file takes name, note and [[steps]]",
                         field="protocol_file")
    name, note, items = data.get("name"), data.get("note", ""), data.get("steps")
    if not isinstance(name, str) or not name.strip() or not isinstance(note, str):
        raise InputError('a protocol file needs name = "..." (and note = "..." if any) as text',
                         field="protocol_file")
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise InputError("a protocol file needs [[steps]] tables, each with dose_mg and days", field="protocol_file")
    steps = []
    for number, item in enumerate(items, start=1):
        steps.append(_step(item, number, last=number == len(items)))
    return Protocol(" ".join(name.split()), tuple(steps), " ".join(note.split()))


def _step(item: dict[str, Any], number: int, *, last: bool) -> Step:
    where = f"step {number}"
    if set(item) - {"dose_mg", "days"} or "dose_mg" not in item:
        raise InputError(f"{where}: a step has dose_mg and days (days may be left out on the last step only)",
                         field="protocol_file")
    dose, days = item["dose_mg"], item.get("days")
    if isinstance(dose, bool) or not isinstance(dose, (int, float, str)):
        raise InputError(f"{where}: dose_mg must be a number", field="protocol_file")
    if days is None and not last:
        raise InputError(f"{where}: only the last step may leave out days", field="protocol_file")
    if isinstance(days, str):  # "2w", "14 days": the lengths every shell reads
        days = parse_length(days, field=f"{where}: days", months_allowed=False).days if days.strip() else days
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        raise InputError(f"{where}: days must be a whole number, or weeks like \"2w\"", field="protocol_file")
    # TOML floats go through their shortest text, so 1.5 reads as exactly 1.5.
    try:
        return Step(parse_mg(repr(dose) if isinstance(dose, float) else dose, field=f"{where}: dose_mg"), days)
    except InputError as error:
        raise InputError(f"{where}: {error}" if not str(error).startswith(where) else str(error),
                         field="protocol_file") from None


def protocol_file_text(protocol: Protocol) -> str:
    """The protocol as a protocol file, so any protocol (a built-in too) can be saved and edited."""
    lines = [f"name = {_toml_string(protocol.name)}", f"note = {_toml_string(protocol.summary)}"]
    for step in protocol.steps:
        lines += ["", "[[steps]]", f"dose_mg = {format_mg(step.dose_mg)}"]
        if step.days is not None:
            lines.append(f"days = {step.days}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'
