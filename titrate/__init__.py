"""titrate: plans low-dose naltrexone (LDN) titration, day by day, and renders the plan.

The core is pure: build_plan() takes a protocol, a patient and a start date and returns a Plan, or
refuses with RefusedError naming the rule. Renderers turn a Plan into text; the CLI does the I/O.

The names below load on first use (PEP 562), not with the package: every command imports this package
first, and most need only a part of the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from titrate.core.engine import build_plan
    from titrate.core.model import DoseDay, Finding, Patient, Phase, Plan, Protocol
    from titrate.core.protocols import PROTOCOLS, get_protocol
    from titrate.core.rules import RULES
    from titrate.errors import InputError, RefusedError, TitrateError

from titrate.version import __version__

#: Each public name and the module that defines it.
_HOMES = {"build_plan": "core.engine", "InputError": "errors", "RefusedError": "errors", "TitrateError": "errors",
          "DoseDay": "core.model", "Finding": "core.model", "Patient": "core.model", "Phase": "core.model", "Plan": "core.model",
          "Protocol": "core.model", "PROTOCOLS": "core.protocols", "get_protocol": "core.protocols", "RULES": "core.rules"}

__all__ = [
    "PROTOCOLS", "RULES", "DoseDay", "Finding", "InputError", "Patient", "Phase", "Plan", "Protocol",
    "RefusedError", "TitrateError", "__version__", "build_plan", "get_protocol",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'titrate' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"titrate.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
