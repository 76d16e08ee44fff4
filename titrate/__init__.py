"""titrate: plans low-dose naltrexone (LDN) titration, day by day, and renders the plan.

The core is pure: build_plan() takes a protocol, a patient and a start date and returns a Plan, or
refuses with RefusedError naming the rule. Renderers turn a Plan into text; the CLI does the I/O.
"""

from .engine import build_plan
from .errors import InputError, RefusedError, TitrateError
from .model import DoseDay, Finding, Patient, Phase, Plan, Protocol
from .protocols import PROTOCOLS, get_protocol
from .rules import RULES

__version__ = "0.1.0"

__all__ = [
    "PROTOCOLS", "RULES", "DoseDay", "Finding", "InputError", "Patient", "Phase", "Plan", "Protocol",
    "RefusedError", "TitrateError", "__version__", "build_plan", "get_protocol",
]
