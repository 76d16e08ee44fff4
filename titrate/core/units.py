"""Milligrams as exact decimals: 0.5 + 0.1 + 0.1 + 0.1 must equal 0.8, which floats do not promise."""

from decimal import Decimal, InvalidOperation

from titrate.errors import InputError

#: Doses are planned to a hundredth of a milligram; no formulation measures finer.
MG_QUANTUM = Decimal("0.01")
#: The top of naltrexone's approved range; anything larger is a typo, not a low dose.
MG_MAX = Decimal("100")


def parse_mg(value: object, *, field: str) -> Decimal:
    """Read a positive amount of milligrams with at most two decimal places, or raise InputError."""
    text = str(value).strip()
    try:
        mg = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{field} must be a number of milligrams (got {text!r})") from None
    if not mg.is_finite():
        raise InputError(f"{field} must be a number of milligrams (got {text!r})")
    if mg <= 0:
        raise InputError(f"{field} must be more than 0 mg (got {text!r})")
    if mg > MG_MAX:
        raise InputError(f"{field} must be at most {MG_MAX} mg (got {text!r})")
    if mg != mg.quantize(MG_QUANTUM):
        raise InputError(f"{field} takes at most two decimal places (got {text!r})")
    return mg.quantize(MG_QUANTUM)


def format_mg(mg: Decimal) -> str:
    """'1.5', '3', '0.25': the shortest exact text, with no exponent."""
    return f"{mg.normalize():f}"
