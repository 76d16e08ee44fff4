"""A length in weeks is seven days a week, however it is written."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from strategies import week_texts

from titrate.core.lengths import Unit, parse_length


@given(week_texts, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_weeks_are_seven_times_the_count(written, start):
    count, text = written
    length = parse_length(text, field="every", months_allowed=False)
    assert length.unit is Unit.WEEKS and length.days == 7 * count == length.days_from(start)
