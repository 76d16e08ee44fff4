"""The baseline for the batch benchmark: what a straightforward script would do with the same patients.

Same plans (titrate's service layer), same worker processes (spawn, --jobs), the JSON from titrate, and
the calendar the obvious way: one icalendar Event per day (and per re-order date), add_missing_timezones(),
then to_ical(). Run: python naive_batch.py PATIENTS.csv OUT_DIR JOBS (SOURCE_DATE_EPOCH sets the clock).
"""

from __future__ import annotations

import csv
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from titrate.errors import TitrateError
from titrate.formats import plan_json as plan_io
from titrate.service.plans import make_plan, parse_request


def calendar(plan) -> bytes:
    zone = ZoneInfo(plan.time_zone)
    cal = Calendar()
    cal.add("prodid", "-//naive//LDN//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"LDN plan: {plan.patient.label}")
    for day in plan.days:
        event = Event()
        event.add("uid", f"{plan.plan_id}-{day.date:%Y%m%d}@titrate")
        event.add("dtstamp", plan.generated_at)
        event.add("summary", f"LDN {day.dose_mg} mg")
        event.add("description", f"Take {day.amount}, once. Day {day.day} of {len(plan.days)}.")
        start = datetime.combine(day.date, day.time, zone)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Time for your LDN dose")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    for refill in plan.refills:
        event = Event()
        event.add("uid", f"{plan.plan_id}-refill-{refill.start:%Y%m%d}@titrate")
        event.add("dtstamp", plan.generated_at)
        event.add("summary", f"Re-order LDN (fill {refill.number})")
        event.add("dtstart", refill.reorder_on)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def one(job: tuple[dict[str, str], str, datetime]) -> str:
    row, out, generated_at = job
    try:
        plan = make_plan(parse_request({k: v for k, v in row.items() if v}), generated_at=generated_at)
    except TitrateError as error:
        return str(error)
    folder = Path(out) / plan.plan_id
    folder.mkdir(exist_ok=True)
    (folder / "plan.json").write_text(plan_io.dumps(plan), encoding="utf-8")
    (folder / "plan.ics").write_bytes(calendar(plan))
    return "planned"


def main() -> None:
    source, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    generated_at = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")), UTC)
    Path(out).mkdir(exist_ok=True)
    with open(source, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        done = list(pool.map(one, [(row, out, generated_at) for row in rows], chunksize=16))
    print(f"{done.count('planned')} planned of {len(done)}")


if __name__ == "__main__":
    main()
