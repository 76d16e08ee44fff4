"""The formats offered for download, and safe download file names."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import import_module

__all__ = ["download_formats", "download_name"]


def download_formats() -> list[tuple[str, str, str]]:
    """(name, about, extension) of every format the service renders here: one whose extra is missing (pdf
    without WeasyPrint) is left out. Read from the format registry, so a new format appears without
    touching the app."""
    from titrate.formats import FORMATS

    return [(name, spec.about, spec.extension) for name, spec in FORMATS.items()
            if spec.extra is None or importable(spec.extra.module)]


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
    suffix = "" if extension.split(".", maxsplit=1)[0] == fmt else f"-{safe(fmt, 16)}"  # e.g. the three .txt formats
    extension = ".".join(filter(None, (safe(part, 8) for part in extension.split(".")))) or "txt"
    return f"{patient}_{safe(plan_id, 64) or 'plan'}_r{revision}{suffix}.{extension}"
