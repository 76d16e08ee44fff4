"""Speed of the patient handout: a 180-day plan's HTML (goal: under 200 ms in process) and its PDF (goal:
under 2 s), with the Markdown render of the same plan as the baseline measured in the same run.

Run: python benchmarks/handout.py   (figures go in the README; tests never time anything)
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime

from titrate.core.engine import build_plan
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.wallclock import load_zone
from titrate.formats import render

GOALS = {"html": 0.200, "pdf": 2.0, "fhir": 0.200}


def timed(action, runs: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(runs):
        began = clock()
        action()
        times.append(clock() - began)
    return times


def main() -> None:
    plan = build_plan(PROTOCOLS["gentle"], Patient(label="Benchmark"), date(2027, 1, 1),
                      zone=load_zone("America/New_York"), generated_at=datetime(2026, 12, 1, tzinfo=UTC),
                      days=180)
    for fmt in ("md", "html", "fhir", "pdf"):
        render(plan, fmt)  # warm: import the renderer (and WeasyPrint) once
    baseline = statistics.median(timed(lambda: render(plan, "md"), 20))
    print(f"180-day plan; baseline: Markdown render, median {baseline * 1000:.1f} ms")
    for fmt, runs in (("html", 20), ("fhir", 20), ("pdf", 3)):
        median = statistics.median(timed(lambda: render(plan, fmt), runs))
        # CPU time as well: on a shared machine, wall time also counts the other processes' turns.
        cpu = statistics.median(timed(lambda: render(plan, fmt), runs, time.process_time))
        print(f"{fmt:<5} median {median * 1000:7.1f} ms wall, {cpu * 1000:7.1f} ms CPU = "
              f"{median / baseline:6.1f} x baseline; {median / GOALS[fmt]:.2f} of the {GOALS[fmt] * 1000:.0f} ms goal")


if __name__ == "__main__":
    main()
