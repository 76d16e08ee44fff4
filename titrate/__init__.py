"""titrate: plans low-dose naltrexone (LDN) titration, day by day, and renders the plan.

The library's calls are the service layer's, the same ones the command line and the web app use:

    >>> from datetime import date, datetime, timezone
    >>> import titrate
    >>> made = datetime(2026, 12, 1, tzinfo=timezone.utc)
    >>> plan = titrate.make_plan(titrate.PlanRequest(start=date(2027, 1, 4), time_zone="Europe/London"),
    ...                          generated_at=made)
    >>> plan.days[0].dose_mg
    Decimal('1.5')

A refusal raises RefusedError naming the rule; bad input raises InputError naming the field. The names load
on first use (PEP 562), not with the package: every command imports this package first, and most need
only a part of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from titrate.version import __version__

if TYPE_CHECKING:
    from titrate.core.model import AdjustmentKind, Plan
    from titrate.errors import InputError, RefusedError, TitrateError
    from titrate.service.plans import (
        AdjustmentRequest,
        PlanRequest,
        Rendered,
        adjust_plan,
        diff_plans,
        make_plan,
        read_plan,
        render_plan,
        write_plan,
    )

#: Each public name and the module that defines it.
_HOMES = {
    "PlanRequest": "service.plans", "make_plan": "service.plans", "AdjustmentRequest": "service.plans",
    "adjust_plan": "service.plans", "read_plan": "service.plans", "write_plan": "service.plans",
    "render_plan": "service.plans", "Rendered": "service.plans", "diff_plans": "service.plans",
    "AdjustmentKind": "core.model", "Plan": "core.model",
    "InputError": "errors", "RefusedError": "errors", "TitrateError": "errors",
}

__all__ = [
    "AdjustmentKind", "AdjustmentRequest", "InputError", "Plan", "PlanRequest", "RefusedError", "Rendered",
    "TitrateError", "__version__", "adjust_plan", "diff_plans", "make_plan", "read_plan", "render_plan",
    "write_plan",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'titrate' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"titrate.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
