from decimal import Decimal

import pytest

from titrate.core.units import format_mg, parse_mg
from titrate.errors import InputError


@pytest.mark.parametrize("text, expected", [("1.5", Decimal("1.5")), (" 3 ", Decimal("3")), ("0.25", Decimal("0.25"))])
def test_parses_milligrams_exactly(text, expected):
    assert parse_mg(text, field="--target") == expected


@pytest.mark.parametrize("text, says", [
    ("0", "more than 0"), ("-1", "more than 0"), ("abc", "number of milligrams"), ("nan", "number of milligrams"),
    ("inf", "number of milligrams"), ("1.234", "two decimal places"), ("", "number of milligrams"),
    ("1e9", "such as 1.5"), ("100.01", "at most 100 mg"),
])
def test_rejects_bad_amounts_naming_the_field(text, says):
    with pytest.raises(InputError, match=says) as error:
        parse_mg(text, field="--target")
    assert "--target" in str(error.value)


@pytest.mark.parametrize("mg, text", [(Decimal("1.50"), "1.5"), (Decimal("3.00"), "3"), (Decimal("0.25"), "0.25"),
                                      (Decimal("10"), "10")])
def test_formats_the_shortest_exact_text(mg, text):
    assert format_mg(mg) == text
