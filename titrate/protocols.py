"""The published schedules titrate ships (shared/domain.md), and tuning one of them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .errors import InputError
from .model import Protocol

PROTOCOLS: dict[str, Protocol] = {
    protocol.name: protocol
    for protocol in (
        Protocol("classic", Decimal("1.5"), Decimal("1.5"), 14, Decimal("4.5"),
                 "1.5, 3 then 4.5 mg, 14 days per level (pharmacy dosing summaries)"),
        Protocol("gentle", Decimal("1.5"), Decimal("0.5"), 7, Decimal("4.5"),
                 "1.5 mg, then +0.5 mg every 7 days"),
        Protocol("low-start", Decimal("0.5"), Decimal("0.5"), 7, Decimal("4.5"),
                 "0.5 mg, then +0.5 mg every 7 days, for sensitive patients"),
    )
}

DEFAULT_PROTOCOL = "classic"


def get_protocol(name: str) -> Protocol:
    """The built-in protocol called `name`, or InputError listing the known ones."""
    try:
        return PROTOCOLS[name.strip().lower()]
    except KeyError:
        known = ", ".join(PROTOCOLS)
        raise InputError(f"unknown protocol {name!r}; choose one of: {known}") from None


def tune(protocol: Protocol, *, first_dose_mg: Decimal | None = None, step_mg: Decimal | None = None,
         every_days: int | None = None) -> Protocol:
    """The protocol with the given parameters changed; the summary then says it was customised."""
    changes = {key: value for key, value in
               (("first_dose_mg", first_dose_mg), ("step_mg", step_mg), ("every_days", every_days))
               if value is not None}
    if not changes:
        return protocol
    tuned = replace(protocol, **changes)
    return replace(tuned, summary=f"{protocol.name}, customised: {tuned.describe()}")
