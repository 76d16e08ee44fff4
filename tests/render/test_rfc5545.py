"""The calendar writer writes what the icalendar library writes: the same plan's calendar, built once,
is written by both and the bytes compared, over random plans, labels, zones and reminders."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from hypothesis import example, given
from hypothesis import strategies as st
from icalendar.parser import _foldline
from strategies import adjustment_steps, plan_requests

from titrate.core.record import replace
from titrate.core.revise import adjust
from titrate.errors import InputError, RefusedError
from titrate.formats import rfc5545
from titrate.formats.ics import calendar_of, render_ics
from titrate.service.plans import PlanRequest, make_plan

KINDS = {"VCALENDAR": icalendar.Calendar, "VEVENT": icalendar.Event, "VALARM": icalendar.Alarm,
         "VTIMEZONE": icalendar.Timezone, "STANDARD": icalendar.TimezoneStandard,
         "DAYLIGHT": icalendar.TimezoneDaylight}


def icalendar_bytes(plan, alarm_minutes=0) -> bytes:
    """The plan's calendar as render_ics writes it, checked against calendar_of's and icalendar's bytes."""
    calendar = calendar_of(plan, alarm_minutes=alarm_minutes)
    assert calendar.to_ical() == as_icalendar(calendar).to_ical()
    written = render_ics(plan, alarm_minutes=alarm_minutes).encode("utf-8")
    assert written == calendar.to_ical()
    return written


def as_icalendar(component: rfc5545.Component) -> icalendar.cal.Component:
    """The same component built with icalendar, from the same calls with the same values."""
    made = KINDS[component.name]()
    for name, value, parameters in component.properties:
        made.add(name.lower(), icalendar.vText(value) if isinstance(value, rfc5545.vText) else value,
                 parameters=parameters)
    for part in component.subcomponents:
        made.add_component(as_icalendar(part))
    return made


@given(plan_requests(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                                     timezones=st.just(UTC)), st.none() | st.integers(0, 1440), st.data())
def test_a_calendar_is_written_byte_for_byte_as_icalendar_writes_it(request, generated_at, alarm_minutes, data):
    # at most a year after the start: a new plan made later than that is refused as a likely typo
    latest = datetime.combine(request.start + timedelta(days=365), time(0, 0), tzinfo=UTC)
    plan = make_plan(request, generated_at=min(generated_at, latest).replace(microsecond=0))
    for _ in range(data.draw(st.integers(0, 2))):  # revisions: moved, held and cancelled days
        step = data.draw(adjustment_steps(plan))
        with contextlib.suppress(InputError, RefusedError):
            plan = adjust(plan, generated_at=plan.generated_at, **step)
    calendar = calendar_of(plan, alarm_minutes=alarm_minutes)
    assert calendar.to_ical() == as_icalendar(calendar).to_ical()
    assert render_ics(plan, alarm_minutes=alarm_minutes).encode("utf-8") == calendar.to_ical()


@given(plan_requests(), st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True))  # model.is_plan_id
@example(None, "a" * 64)
def test_long_plan_ids_and_zone_names_fold_the_same_either_way(request, plan_id):
    # render_ics folds a dose event's times and UID only when the plan's id or zone name makes them long
    request = request or PlanRequest(start=date(2027, 1, 4), time_zone="America/Argentina/ComodRivadavia", days=3)
    plan = make_plan(replace(request, plan_id=plan_id), generated_at=datetime(2026, 11, 1, tzinfo=UTC))
    assert f"UID:{plan_id}-".encode() in icalendar_bytes(plan).replace(b"\r\n ", b"")


#: Text made mostly of what escaping and folding care about.
TRICKY = st.text(alphabet=st.sampled_from(list("\\N;,:^\r\n\t ae\u00e9\u20ac\U0001f600")))


@example("C:\\Notes\\New; see\r\nline, two\rthree")
@given(st.text() | TRICKY)
def test_text_is_escaped_as_icalendar_escapes_it(text):
    assert rfc5545.escape_text(text) == icalendar.vText(text).to_ical().decode("utf-8")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=400)
       | TRICKY.map(rfc5545.escape_text).filter(lambda line: len(line) > 70))
@example("a" * 73 + "\\," + "b" * 100)  # a fold would fall right after the backslash
@example("a" * 73 + "^^" + "b" * 100)
@example("\u00e9" + "a" * 71 + "\\n" + "b" * 100)  # the same, on the path for non-ASCII lines
@example("\u20ac" * 30)
def test_lines_fold_as_icalendar_folds_them_and_unfold_to_the_line(line):
    folded = rfc5545.fold(line)
    assert folded == _foldline(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


@given(st.text(alphabet=st.sampled_from(list(",;:\u2019\u2018' aZ/_-.")), min_size=1, max_size=20))
@example("Europe/London")
@example("it\u2019s")
def test_parameter_values_are_quoted_as_icalendar_quotes_them(value):
    theirs = icalendar.Event()
    theirs.add("x-test", "v", parameters={"X-P": value})
    ours = rfc5545.Event()
    ours.add("x-test", rfc5545.vText("v"), {"X-P": value})
    assert ours.to_ical() == theirs.to_ical()
