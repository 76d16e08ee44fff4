"""One validator per kind of value a person types, reused by every door (command-line options, plan and
patient files, batch rows, the web form and the API), so that each door refuses the same values with
the same one-line message naming the field and the value."""

from __future__ import annotations

from titrate.errors import InputError

__all__ = ["check_text", "parse_whole"]


def parse_whole(text: str, *, field: str, low: int = 0, high: int = 10**6) -> int:
    """A whole number written with the ASCII digits 0-9, from `low` to `high`, or InputError naming `field`.

    int() reads Arabic-Indic and full-width digits, and '1_000' as 1000: a value a person did not mean
    to type is refused, never guessed. Leading and trailing spaces are ignored, a sign is not a digit.
    """
    given = text.strip()
    if given and not given.isascii() and any(char.isdigit() for char in given):
        raise InputError(f"{field} must be a whole number: use the digits 0-9 (got {text!r})",
                         field=field, value=text)
    # at most 9 digits: int() of a long run of digits is slow, and no count a plan takes is that large
    if not (given.isascii() and given.isdigit() and len(given.lstrip("0")) <= 10) or not low <= int(given) <= high:
        raise InputError(f"{field} must be a whole number from {low} to {high} (got {text!r})", field=field,
                         value=text)
    return int(given)


def check_text(text: str, *, field: str) -> str:
    """`text` unchanged if it is text every format can write (UTF-8 encodable), or InputError naming
    `field` with the text escaped: a lone surrogate ('\\ud800', from JSON or undecodable bytes) would
    make the first renderer that encodes it fail."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise InputError(f"{field} is not valid text: it holds a lone surrogate at character {error.start + 1} "
                         f"({shown})", field=field, value=shown) from None
    return text
