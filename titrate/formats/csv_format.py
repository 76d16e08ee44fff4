"""CSV, one row a day, safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a formula by Excel, LibreOffice
and Google Sheets (CSV injection); such text cells get a leading apostrophe, as OWASP advises.
"""

from __future__ import annotations

import csv
import io

from titrate.core.model import Plan
from titrate.core.units import format_mg
from titrate.core.wallclock import format_hhmm, format_minutes
from titrate.formats.common import days_with_notes, findings

COLUMNS = ("plan_id", "patient", "date", "day", "dose_mg", "amount", "time", "time_zone", "window_start",
           "window_end", "phase", "notes")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    plan_findings = findings(plan)
    for day, day_notes in days_with_notes(plan):
        # Plan-wide warnings and notes ride on day 1, so that a sheet of days never loses them.
        notes = (plan_findings if day.day == 1 else []) + day_notes
        writer.writerow([
            plan.plan_id, spreadsheet_safe(plan.patient.label or ""), day.date.isoformat(), day.day,
            format_mg(day.dose_mg), day.amount, format_hhmm(day.time), plan.time_zone,
            format_minutes(day.window.start), format_minutes(day.window.end), day.phase.value,
            spreadsheet_safe(" | ".join(notes)),
        ])
    return out.getvalue()
