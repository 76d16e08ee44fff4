"""Just enough of RFC 5545 to write titrate's calendars, as text, without building icalendar objects.

The classes take the calls the icalendar library takes (`Event().add("dtstart", value, parameters=...)`,
`add_component`, `to_ical`) and write the same bytes it writes: properties in its order (a component's
canonical ones first, the rest alphabetically), TEXT escaped as it escapes it, lines folded before the
75th octet on UTF-8 character boundaries and never right after a backslash, CRLF line endings. A test
builds every calendar both ways and compares the bytes. Importing icalendar and building its objects
costs more than a whole plan, which is why this exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

__all__ = ["Alarm", "Calendar", "Component", "Event", "Timezone", "TimezoneDaylight", "TimezoneStandard",
           "Written", "content_line", "escape_text", "fold", "folds", "line_head", "local_date_time", "vText"]

#: Properties a component writes first, in this order (icalendar's canonical_order); the rest follow
#: alphabetically.
_CANONICAL = {
    "VCALENDAR": ("VERSION", "PRODID", "CALSCALE", "METHOD", "DESCRIPTION", "X-WR-CALDESC", "NAME", "X-WR-CALNAME"),
    "VEVENT": ("SUMMARY", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "UID", "RECURRENCE-ID", "SEQUENCE", "RRULE",
               "RDATE", "EXDATE"),
    "VTIMEZONE": ("TZID",),
}
_OFFSETS = {"TZOFFSETFROM", "TZOFFSETTO"}
#: A parameter value with one of these is written in double quotes.
_QUOTABLE = frozenset(",;:\u2019")
_FOLD_AT = 74  # octets per line before the fold (the continuation's leading space makes 75)


class vText(str):
    """A TEXT value, escaped when written, whatever the property (icalendar leaves X- properties alone
    unless they are given as vText)."""

    __slots__ = ()


class Component:
    """A calendar component: properties (written in icalendar's order) and subcomponents."""

    name = ""
    __slots__ = ("properties", "subcomponents")

    def __init__(self) -> None:
        self.properties: list[tuple[str, object, dict[str, str] | None]] = []
        self.subcomponents: list[Component] = []

    def add(self, name: str, value: object, parameters: dict[str, str] | None = None) -> None:
        self.properties.append((name.upper(), value, parameters))

    def add_component(self, component: Component) -> None:
        self.subcomponents.append(component)

    def to_ical(self) -> bytes:
        lines: list[str] = []
        self._write(lines)
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    def _write(self, lines: list[str]) -> None:
        lines.append(f"BEGIN:{self.name}")
        first = _CANONICAL.get(self.name, ())
        for name, value, parameters in sorted(self.properties, key=lambda item: (
                (0, first.index(item[0]), "") if item[0] in first else (1, 0, item[0]))):
            lines.append(_folded_line(name, value, tuple(parameters.items()) if parameters else ()))
        for component in self.subcomponents:
            component._write(lines)
        lines.append(f"END:{self.name}")


class Calendar(Component):
    name = "VCALENDAR"
    __slots__ = ()


class Event(Component):
    name = "VEVENT"
    __slots__ = ()


class Alarm(Component):
    name = "VALARM"
    __slots__ = ()


class Timezone(Component):
    name = "VTIMEZONE"
    __slots__ = ()


class TimezoneStandard(Component):
    name = "STANDARD"
    __slots__ = ()


class TimezoneDaylight(Component):
    name = "DAYLIGHT"
    __slots__ = ()


class Written(Component):
    """A component given as its content lines, already written (CRLF between them): the calendar writes
    most dose days' events from templates made once per plan, and they go where the component would."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _write(self, lines: list[str]) -> None:
        lines.append(self.text)


def content_line(name: str, value: object, parameters: dict[str, str] | None = None) -> str:
    """One property as a component given `add(name, value, parameters)` writes it: escaped and folded."""
    return _folded_line(name.upper(), value, tuple(parameters.items()) if parameters else ())


def line_head(name: str, parameters: dict[str, str]) -> str:
    """What a property's line holds before its value ("DTSTART;TZID=Europe/London:"), for a writer that
    adds values to it by the thousand; fold the whole line once the value is in."""
    return _content_line(name.upper(), "", dict(parameters))


def folds(length: int) -> bool:
    """Whether an ASCII content line of `length` characters is folded."""
    return length > _FOLD_AT


def local_date_time(value: datetime) -> str:
    """A naive (local) date-time as a DATE-TIME value: YYYYMMDDTHHMMSS."""
    return _date_time("", value)


@lru_cache(maxsize=2048)
def _folded_line(name: str, value: object, parameters: tuple[tuple[str, str], ...]) -> str:
    # Cached: most lines of a calendar (DTSTAMP, SEQUENCE, CLASS, the alarm's) repeat in every event.
    return fold(_content_line(name, value, dict(parameters)))


def _content_line(name: str, value: object, parameters: dict[str, str]) -> str:
    if isinstance(value, str):
        text = escape_text(value)
    elif isinstance(value, bool):
        raise TypeError(f"{name}: no boolean values in titrate's calendars")
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, datetime):
        text = _date_time(name, value)
    elif isinstance(value, date):
        parameters["VALUE"] = "DATE"
        text = f"{value.year:04}{value.month:02}{value.day:02}"
    elif isinstance(value, timedelta):
        text = _utc_offset(value) if name in _OFFSETS else _duration(value)
    else:
        raise TypeError(f"{name}: cannot write a {type(value).__name__}")
    if not parameters:
        return f"{name}:{text}"
    written = ";".join(f"{key}={_parameter(value)}" for key, value in sorted(parameters.items()))
    return f"{name};{written}:{text}"


def escape_text(text: str) -> str:
    r"""A TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma escaped, every line break as \n.
    As icalendar does, a literal \N in the text is read as a line break first."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _parameter(value: str) -> str:
    if '"' in value or "^" in value or "\n" in value:
        raise ValueError(f"parameter value {value!r} needs RFC 6868 escaping, which titrate never needs")
    return value if _QUOTABLE.isdisjoint(value) else f'"{value}"'


def _date_time(name: str, value: datetime) -> str:
    # isoformat pads the year to 4 digits, as icalendar does; the fastest way to the digits
    text = value.replace(tzinfo=None).isoformat(timespec="seconds").replace("-", "").replace(":", "")
    if value.tzinfo is None:
        return text  # local time: the caller gives the TZID parameter, or it is a VTIMEZONE onset
    if value.utcoffset() != timedelta(0) or value.tzname() not in ("UTC", "GMT"):
        raise ValueError(f"{name}: an instant is written in UTC (got {value.isoformat()})")
    return text + "Z"


def _duration(value: timedelta) -> str:
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    clock = ""
    if value.seconds:
        hours, minutes, seconds = value.seconds // 3600, value.seconds % 3600 // 60, value.seconds % 60
        clock = "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or (hours and seconds) else "") \
            + (f"{seconds}S" if seconds else "")
    if value.days == 0 and clock:
        return f"{sign}P{clock}"
    return f"{sign}P{value.days}D{clock}"


def _utc_offset(value: timedelta) -> str:
    sign = "-" if value < timedelta(0) else "+"
    value = abs(value)
    hours, minutes, seconds = value.days * 24 + value.seconds // 3600, value.seconds % 3600 // 60, value.seconds % 60
    return f"{sign}{hours:02}{minutes:02}" + (f"{seconds:02}" if seconds else "")


def fold(line: str) -> str:
    """A content line folded (CRLF and a space) so that no line exceeds 75 octets: a fold falls between
    UTF-8 characters, never right after a backslash or caret (some clients misread an escape split there)."""
    if line.isascii():
        if len(line) <= _FOLD_AT:
            return line
        parts, start = [], 0
        while len(line) - start > _FOLD_AT:
            end = start + _FOLD_AT
            if line[end - 1] in "\\^":
                end -= 1
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return "\r\n ".join(parts)
    parts, size = [], 0
    current: list[str] = []
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width > _FOLD_AT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], 1
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
