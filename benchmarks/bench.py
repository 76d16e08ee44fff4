"""Speed where people wait: a year-long calendar render, and CLI start-up without icalendar.

Run: python benchmarks/bench.py   (figures go in the README; tests never time anything)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timezone

from titrate.engine import build_plan
from titrate.model import Patient
from titrate.protocols import PROTOCOLS
from titrate.render import render

PLAN_ARGS = ["plan", "--start", "2027-01-01", "--tz", "America/New_York", "--days", "365"]


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return times


def import_times(fmt: str) -> dict[str, int]:
    """Cumulative import time in microseconds of each top-level module, from python -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "titrate", *PLAN_ARGS, "--format", fmt],
                          capture_output=True, text=True, check=True)
    totals = {}
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if not name.startswith("  ") and cumulative.strip().isdigit():
                totals[name.strip()] = int(cumulative)
    return totals


def main() -> None:
    plan = build_plan(PROTOCOLS["gentle"], Patient(label="Benchmark"), date(2027, 1, 1),
                      time_zone="America/New_York", generated_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                      days=365)
    render(plan, "ics")  # warm: import icalendar once
    ics = timed(lambda: render(plan, "ics"), 10)
    print(f"render 365-day plan to .ics: median {statistics.median(ics) * 1000:.0f} ms, "
          f"best {min(ics) * 1000:.0f} ms")
    for fmt in ("table", "ics"):
        cli = timed(lambda: subprocess.run([sys.executable, "-m", "titrate", *PLAN_ARGS, "--format", fmt],
                                           capture_output=True, check=True), 5)
        totals = import_times(fmt)
        icalendar = totals.get("icalendar", 0)
        print(f"titrate plan --format {fmt} (365 days): median {statistics.median(cli) * 1000:.0f} ms wall; "
              f"imports: titrate.cli {totals.get('titrate.cli', 0) / 1000:.0f} ms, "
              f"icalendar {icalendar / 1000:.0f} ms" + ("" if icalendar else " (not imported)"))


if __name__ == "__main__":
    main()
