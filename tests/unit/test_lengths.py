"""Lengths as a clinician writes them (core/lengths.py): days, weeks, calendar months."""

from __future__ import annotations

from datetime import date

import pytest

from titrate.core.lengths import Length, Unit, parse_length
from titrate.errors import InputError


@pytest.mark.parametrize(("text", "expected"), [
    ("21", Length(21)), ("21d", Length(21)), (" 21 days ", Length(21)), ("1 day", Length(1)),
    ("3w", Length(3, Unit.WEEKS)), ("3 weeks", Length(3, Unit.WEEKS)), ("1 Week", Length(1, Unit.WEEKS)),
    ("2m", Length(2, Unit.MONTHS)), ("2 months", Length(2, Unit.MONTHS)), ("1 MONTH", Length(1, Unit.MONTHS)),
])
def test_a_length_reads_days_weeks_and_months(text, expected):
    assert parse_length(text, field="--days", months_allowed=True) == expected


def test_weeks_are_seven_days_and_days_are_days():
    assert parse_length("3w", field="--every", months_allowed=False).days == 21
    assert parse_length("21", field="--every", months_allowed=False).days == 21
    assert Length(3, Unit.WEEKS).days_from(date(2027, 1, 31)) == 21


def test_a_month_is_a_calendar_month_from_its_start():
    month = Length(1, Unit.MONTHS)
    assert month.days_from(date(2027, 1, 31)) == 28  # 31 January + 1 month = 28 February
    assert month.days_from(date(2028, 1, 31)) == 29  # a leap year: 29 February
    assert month.days_from(date(2027, 3, 15)) == 31
    assert Length(2, Unit.MONTHS).days_from(date(2027, 1, 1)) == 59
    assert Length(12, Unit.MONTHS).days_from(date(2028, 2, 29)) == 365  # to 28 February 2029


def test_a_month_has_no_fixed_number_of_days():
    with pytest.raises(ValueError, match="days_from"):
        _ = Length(1, Unit.MONTHS).days


def test_months_past_the_last_date_are_refused():
    with pytest.raises(InputError, match="past the last date"):
        Length(2, Unit.MONTHS).days_from(date(9999, 12, 1))


def test_a_length_is_recorded_as_words():
    assert [str(Length(2, Unit.MONTHS)), str(Length(1, Unit.WEEKS)), str(Length(21))] == ["2 months", "1 week",
                                                                                          "21 days"]


@pytest.mark.parametrize(("text", "message"), [
    ("3x", "--days must be a number of days, or weeks like 3w (got '3x')"),
    ("", "--days must be a number of days, or weeks like 3w (got '')"),
    ("w", "--days must be a number of days, or weeks like 3w (got 'w')"),
    ("-3", "--days must be a number of days, or weeks like 3w (got '-3')"),
    ("3.5w", "--days must be a number of days, or weeks like 3w (got '3.5w')"),
    ("0", "--days must be 1 to 1000000 days (got '0')"),
    ("2m", "--days cannot be given in months, whose days vary: give days or weeks like 3w (got '2m')"),
    ("\u0663w", "--days must be a length: use the digits 0-9 (got '\u0663w')"),
    ("\uff13 weeks", "--days must be a length: use the digits 0-9 (got '\uff13 weeks')"),
])
def test_a_bad_length_is_one_line_naming_the_field_and_value(text, message):
    with pytest.raises(InputError) as caught:
        parse_length(text, field="--days", months_allowed=False)
    assert str(caught.value) == message
    assert caught.value.field == "--days" and caught.value.value == text


def test_where_months_are_allowed_the_message_says_so():
    with pytest.raises(InputError, match=r"or months like 2m \(got '3x'\)"):
        parse_length("3x", field="--days", months_allowed=True)


def test_text_fields_take_lengths_as_the_command_line_does():
    from titrate.service.plans import parse_adjustment, parse_request

    request = parse_request({"days": "3w", "every": "2w", "supply_days": "4 weeks", "review_after": "2m",
                             "until": ""})
    assert (request.days, request.every, request.supply_days) == (Length(3, Unit.WEEKS), 14, 28)
    assert request.review_after == Length(2, Unit.MONTHS)
    assert parse_request({"days": "21"}).days == 21
    assert parse_request({"until": "+3m"}).until == Length(3, Unit.MONTHS)
    with pytest.raises(InputError, match=r"every cannot be given in months"):
        parse_request({"every": "1m"})
    hold = parse_adjustment({"kind": "hold", "from": "2027-01-31", "days": "1m", "reason": "flare"})
    assert hold.days == 28
    with pytest.raises(InputError, match=r"days cannot be given in months"):
        parse_adjustment({"kind": "step-back", "from": "2027-01-31", "days": "1m", "reason": "flare"})


def test_a_plan_file_refuses_an_asked_length_it_cannot_read():
    import json
    from datetime import UTC, datetime

    from titrate.core.wallclock import load_zone
    from titrate.service.plans import PlanRequest, make_plan, read_plan, write_plan

    plan = make_plan(PlanRequest(start=date(2027, 1, 31), days=Length(2, Unit.MONTHS)),
                     generated_at=datetime(2027, 1, 1, tzinfo=UTC), default_zone=load_zone("UTC").key)
    text = write_plan(plan)
    assert read_plan(text) == plan
    data = json.loads(text)
    data["inputs"]["asked"]["length"] = "2 fortnights"
    with pytest.raises(InputError, match=r"plan.inputs.asked.length must be"):
        read_plan(json.dumps(data))
