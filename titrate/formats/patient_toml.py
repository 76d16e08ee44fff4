"""A patient file (TOML): the same facts as the command-line flags, for a patient seen more than once.

    label = "Jane Doe"
    conditions = ["multiple sclerosis", "spasticity"]
    medications = ["Copaxone", "vitamin D"]
    time_zone = "Europe/London"
    dose_time = "22:00"

    [[overrides]]
    rule = "window"
    reason = "persistent insomnia on evening doses"

Errors name the line. This module parses text; the CLI reads the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import time
from typing import Any

from titrate.core.model import Override
from titrate.core.record import Record
from titrate.core.screen import check_conditions
from titrate.core.values import check_text
from titrate.core.wallclock import load_zone, parse_hhmm
from titrate.errors import InputError

KEYS = ("label", "conditions", "medications", "time_zone", "dose_time", "overrides")


class PatientFile(Record):
    label: str | None = None
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    time_zone: str | None = None
    dose_time: time | None = None
    overrides: tuple[Override, ...] = ()


def parse_patient_file(text: str) -> PatientFile:
    """The facts in a patient file's text, or InputError naming the line of what is wrong."""
    import tomllib  # only when there is a patient file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{_key_on_line(text, str(error))}not valid TOML: {error}") from None
    except RecursionError:
        raise InputError("not a patient file: nested too deeply") from None
    lines = text.splitlines()
    for key in data:
        if key not in KEYS:
            raise InputError(f"{_where(lines, key)}unknown key {key!r}; a patient file takes: {', '.join(KEYS)}")
    _check_texts(data, lines)
    zone, clock = _text(data, "time_zone", lines), _text(data, "dose_time", lines)
    return PatientFile(
        label=_text(data, "label", lines),
        conditions=_at(lines, "conditions", lambda: _known_conditions(_texts(data, "conditions", lines))),
        medications=_texts(data, "medications", lines),
        time_zone=_at(lines, "time_zone", lambda: load_zone(zone).key) if zone is not None else None,
        dose_time=_at(lines, "dose_time", lambda: parse_hhmm(clock, field="dose_time")) if clock else None,
        overrides=_at(lines, "overrides", lambda: _overrides(data, lines)),
    )


def _at(lines: list[str], key: str, read: Callable[[], Any]) -> Any:
    """`read()`, with the line of `key` put before any InputError it raises."""
    try:
        return read()
    except InputError as error:
        if str(error).startswith("line "):
            raise
        raise InputError(f"{_where(lines, key)}{error}") from None


def _key_on_line(text: str, message: str) -> str:
    """'label: ', the key on the line a TOML error names ('... (at line 3, column 9)'), so that an escape
    that is no character ('\\ud800') is refused naming the field; '' when the line holds no key."""
    found = re.search(r"at line (\d+)", message)
    lines = text.splitlines()
    if found is None or not 1 <= int(found.group(1)) <= len(lines):
        return ""
    key = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", lines[int(found.group(1)) - 1])
    return f"{key.group(1)}: " if key else ""


def _check_texts(data: dict[str, Any], lines: list[str]) -> None:
    """InputError naming the key (and its line) of a text no format can write: a lone surrogate, which
    tomllib passes through from text that holds one (a web form's upload, a library caller)."""
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            for text in item.values() if isinstance(item, dict) else [item]:
                if isinstance(text, str):
                    _at(lines, key, functools.partial(check_text, text, field=key))


def _known_conditions(conditions: tuple[str, ...]) -> tuple[str, ...]:
    check_conditions(conditions)
    return conditions


def _where(lines: list[str], key: str) -> str:
    pattern = re.compile(rf"^\s*(\[\[\s*)?{re.escape(key)}\b")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return f"line {number}: "
    return ""


def _text(data: dict[str, Any], key: str, lines: list[str]) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{_where(lines, key)}{key} must be text in quotes")
    return value


def _texts(data: dict[str, Any], key: str, lines: list[str]) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(f'{_where(lines, key)}{key} must be a list of text, e.g. {key} = ["..."]')
    return tuple(value)


def _overrides(data: dict[str, Any], lines: list[str]) -> tuple[Override, ...]:
    value = data.get("overrides", [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InputError(f"{_where(lines, 'overrides')}overrides must be [[overrides]] tables with rule and reason")
    found = []
    for item in value:
        if set(item) != {"rule", "reason"} or not all(isinstance(v, str) for v in item.values()):
            raise InputError(f"{_where(lines, 'overrides')}each [[overrides]] has exactly rule = \"...\" and "
                             "reason = \"...\"")
        found.append(Override(item["rule"].strip(), item["reason"]))
    return tuple(found)
