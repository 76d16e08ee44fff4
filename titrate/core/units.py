"""Milligrams as exact decimals: 0.5 + 0.1 + 0.1 + 0.1 must equal 0.8, which floats do not promise."""

from decimal import Decimal

from titrate.errors import InputError

#: Doses are planned to a hundredth of a milligram; no formulation measures finer.
MG_QUANTUM = Decimal("0.01")
#: The top of naltrexone's approved range; anything larger is a typo, not a low dose.
MG_MAX = Decimal("100")


def parse_mg(value: object, *, field: str) -> Decimal:
    """Read a positive amount of milligrams written as a plain decimal in ASCII digits ('1.5', '0.25', '3'),
    with at most two decimal places, or raise InputError naming `field`."""
    text = str(value).strip()
    whole, point, fraction = text.removeprefix("-").partition(".")
    if not text.isascii() and any(char.isdigit() for char in text):
        raise InputError(f"{field} must be a number of milligrams: use the digits 0-9 (got {text!r})")
    # Only plain decimals: Decimal() also reads 'NaN', 'Infinity', '-0', '1e2' and '1_0', none of which a
    # person means as an amount of milligrams (and '1e999999' would take long to quantize).
    if not ((whole.isdigit() or (point and not whole)) and (fraction.isdigit() or not fraction)
            and text.isascii() and (whole or fraction)):
        raise InputError(f"{field} must be a number of milligrams such as 1.5 (got {text!r})")
    if len(fraction.rstrip("0")) > 2:
        raise InputError(f"{field} takes at most two decimal places (got {text!r})")
    mg = Decimal(text)
    if mg <= 0 or text.startswith("-"):  # '-0' is not more than 0 either
        raise InputError(f"{field} must be more than 0 mg (got {text!r})")
    if mg > MG_MAX:
        raise InputError(f"{field} must be at most {MG_MAX} mg (got {text!r})")
    if mg != mg.quantize(MG_QUANTUM):
        raise InputError(f"{field} takes at most two decimal places (got {text!r})")
    return mg.quantize(MG_QUANTUM)


def format_mg(mg: Decimal) -> str:
    """'1.5', '3', '0.25': the shortest exact text, with no exponent."""
    return f"{mg.normalize():f}"
