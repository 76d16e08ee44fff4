"""What the pages show of a plan besides the service's own renderings: its levels, the formats offered
for download, and safe download file names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import import_module

from ..doses import format_mg
from ..model import Plan

__all__ = ["Level", "download_formats", "download_name", "levels"]


@dataclass(frozen=True, slots=True)
class Level:
    """A run of days at one dose: how the clinician reads the titration at a glance."""

    dose: str
    amount: str
    start: date
    end: date
    days: int
    phase: str


def levels(plan: Plan) -> list[Level]:
    runs: list[list] = []
    for day in plan.days:
        if runs and runs[-1][0].dose_mg == day.dose_mg and runs[-1][0].amount == day.amount:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [Level(f"{format_mg(run[0].dose_mg)} mg", run[0].amount, run[0].date, run[-1].date, len(run),
                  run[0].phase.value) for run in runs]


#: Formats whose renderer needs an optional package, and that package.
_NEEDS = {"pdf": "weasyprint"}


def download_formats() -> list[tuple[str, str, str]]:
    """(name, about, extension) of every format the service renders here; pdf only where WeasyPrint is
    installed. Read from the renderer registry, so a new format appears without touching the app."""
    from ..render import FORMATS

    return [(name, spec.about, spec.extension) for name, spec in FORMATS.items()
            if name not in _NEEDS or importable(_NEEDS[name])]


@cache
def importable(module: str) -> bool:
    """Whether `module` imports here: WeasyPrint can be installed yet fail to load its system libraries."""
    try:
        import_module(module)
    except (ImportError, OSError):
        return False
    return True


def download_name(label: str | None, plan_id: str, revision: int, fmt: str, extension: str) -> str:
    """A file name safe on every system and in a Content-Disposition header: ASCII letters, digits, '.',
    '_' and '-', after the patient, the plan and its revision (e.g. jane-doe_ldn-3152_r2.ics)."""
    def safe(text: str, limit: int) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:limit].strip("-")

    patient = safe(label or "", 40) or "patient"
    suffix = "" if fmt == extension else f"-{safe(fmt, 16)}"
    return f"{patient}_{safe(plan_id, 64) or 'plan'}_r{revision}{suffix}.{safe(extension, 8) or 'txt'}"
