"""Speed and memory where people wait, each as a ratio against a baseline measured in the same run.

    python benchmarks/bench.py [--runs 10] [--patients 10000] [--batch-runs 3] [--jobs 2]

Installs this checkout into a fresh virtual environment (a regular install, not an editable one: that is
what users run), then measures, with the runs of each comparison interleaved and medians reported:
  (a) `titrate plan --format table` (the default plan, and 365 days) against `python -c "import click"`
  (b) `titrate plan --format ics` (365 days) against `python -c "import click, icalendar"`
  (c) `titrate batch` of generated patients (json and ics) against naive_batch.py, the obvious script with
      one icalendar Event per day, on the same patients with the same worker processes
  (d) peak memory (the largest process's maximum RSS): the batch at a tenth of the patients and at all of
      them, and a 3,660-day plan, against `python -c "import click, icalendar"`
  (e) `titrate plan` with 10 common medications (no opioid; screened, the general dictionary's compact
      form read from its cache, built once before timing) against the default plan, with none: goal 1.2x
Figures go in the README; tests never time anything.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1795000000"
#: Runs a command and prints the maximum RSS (kB) of its largest process, workers included.
MAXRSS = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if done.returncode in (0, 3) else -1)")
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Chicago",
         "Europe/Berlin", "America/Toronto", "Pacific/Auckland"]
MEDICATIONS = ["", "", "vitamin D", "Copaxone", "metformin; vitamin D", "Avonex"]
#: Ten medications a patient starting LDN may well take, none of them an opioid: (e).
TEN_MEDICATIONS = ["metformin 500 mg BID", "atorvastatin 20 mg", "sertraline 50 mg", "levothyroxine 75 mcg",
                   "vitamin D3 1000 IU", "amlodipine 5 mg", "omeprazole 20 mg", "Copaxone", "gabapentin 300 mg TID",
                   "cetirizine 10 mg"]


def install(venv: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(REPO)], check=True)
    return venv / "bin"


def interleaved(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time in seconds of each command, the commands taking turns run after run."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_kb(bin_dir: Path, command: list[str], env: dict[str, str]) -> int:
    done = subprocess.run([str(bin_dir / "python"), "-c", MAXRSS, *command], capture_output=True, text=True,
                          env=env, check=True)
    return int(done.stdout.strip())


def patients(path: Path, count: int, seed: int = 13) -> Path:
    """A patients file of `count` rows, varied in protocol, zone, start, time and medications."""
    chance = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["label", "start", "protocol", "time_zone", "dose_time", "medications"])
        for number in range(count):
            writer.writerow([f"Patient {number:06d}", date(2027, 1, 1) + timedelta(days=chance.randrange(365)),
                             chance.choice(["classic", "gentle", "low-start"]), chance.choice(ZONES),
                             f"{chance.randrange(21, 24)}:{chance.choice(['00', '15', '30', '45'])}",
                             chance.choice(MEDICATIONS)])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command start comparison")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--batch-runs", type=int, default=3, help="runs of each batch (a batch takes a while)")
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="titrate-bench-") as temp:
        work = Path(temp)
        env = {"SOURCE_DATE_EPOCH": EPOCH, "PATH": "/usr/bin:/bin", "TZ": "UTC", "TITRATE_CACHE_DIR": str(work / "cache")}
        bin_dir = install(work / "venv")
        python, titrate = str(bin_dir / "python"), str(bin_dir / "titrate")
        plan = [titrate, "plan", "--start", "2027-01-04", "--tz", "America/New_York"]
        medicated = [*plan, *(arg for name in TEN_MEDICATIONS for arg in ("--medication", name))]
        subprocess.run(medicated, check=True, stdout=subprocess.DEVNULL, env=env)  # builds the dictionary's cache
        starts = interleaved({
            "import click": [python, "-c", "import click"],
            "import click, icalendar": [python, "-c", "import click, icalendar"],
            "table, default plan": plan,
            "table, 365 days": [*plan, "--days", "365"],
            "ics, 365 days": [*plan, "--days", "365", "--format", "ics"],
            "table, 10 medications": medicated,
        }, options.runs, env)
        print(f"Start-up, medians of {options.runs} interleaved runs:")
        for name, seconds in starts.items():
            print(f"  {name:<24} {seconds * 1000:7.1f} ms")
        for label, name, baseline in (("(a)", "table, default plan", "import click"),
                                      ("(a)", "table, 365 days", "import click"),
                                      ("(b)", "ics, 365 days", "import click, icalendar"),
                                      ("(e)", "table, 10 medications", "table, default plan")):
            print(f"{label} {name} / {baseline}: {starts[name] / starts[baseline]:.2f}x")

        source = patients(work / "patients.csv", options.patients)
        small = patients(work / "small.csv", max(options.patients // 10, 1))
        batch_times: dict[str, list[float]] = {"titrate batch": [], "naive": []}
        for run in range(options.batch_runs):
            for name, command in (
                    ("titrate batch", [titrate, "batch", str(source), "--out", str(work / "out"), "--formats",
                                       "json,ics", "--jobs", str(options.jobs)]),
                    ("naive", [python, str(REPO / "benchmarks" / "naive_batch.py"), str(source),
                               str(work / "out"), str(options.jobs)])):
                began = time.perf_counter()
                done = subprocess.run(command, stdout=subprocess.DEVNULL, env=env)
                batch_times[name].append(time.perf_counter() - began)
                assert done.returncode in (0, 3), f"{name} failed"
                shutil.rmtree(work / "out")
        ours, naive = (statistics.median(batch_times[name]) for name in ("titrate batch", "naive"))
        print(f"(c) {options.patients} patients, json+ics, {options.jobs} jobs, medians of {options.batch_runs} "
              f"interleaved runs: titrate batch {ours:.1f} s, naive {naive:.1f} s: {naive / ours:.1f}x faster")

        baseline = peak_kb(bin_dir, [python, "-c", "import click, icalendar"], env)
        batch_command = [titrate, "batch", "--out", str(work / "mem"), "--formats", "json,ics", "--jobs",
                         str(options.jobs)]
        tenth = peak_kb(bin_dir, [*batch_command, str(small)], env)
        shutil.rmtree(work / "mem")
        whole = peak_kb(bin_dir, [*batch_command, str(source)], env)
        long_json = peak_kb(bin_dir, [*plan, "--days", "3660", "--format", "json"], env)
        long_ics = peak_kb(bin_dir, [*plan, "--days", "3660", "--format", "ics"], env)
        print(f"(d) peak RSS, largest process: import click, icalendar {baseline / 1024:.0f} MB; batch of "
              f"{max(options.patients // 10, 1)} {tenth / 1024:.0f} MB, of {options.patients} {whole / 1024:.0f} MB "
              f"({whole / tenth:.2f}x for 10x the rows); 3,660-day plan json {long_json / 1024:.0f} MB "
              f"({long_json / baseline:.2f}x), ics {long_ics / 1024:.0f} MB ({long_ics / baseline:.2f}x)")


if __name__ == "__main__":
    main()
