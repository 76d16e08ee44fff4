"""Speed of the web app where a clinician waits: a load run against `titrate serve` on 127.0.0.1, and
the plan preview (build + chart + steps table) in-process.

Run: python benchmarks/web_bench.py   (figures go in the README; nothing here is asserted as a time)

The load run sends 500 requests, 20 at a time, each worker on its own keep-alive connection: the
patient list, a saved plan's page and an API preview in turn. Its baseline, measured in the same run, is
the same number of requests for the stylesheet (the cheapest thing the app serves). The preview's
baseline is building the plan alone.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from titrate.formats.course import levels
from titrate.service.plans import make_plan, parse_request, render_plan
from titrate.web.chart import dose_chart

REQUESTS, CONCURRENCY = 500, 20
INPUTS = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Load Test", "protocol": "gentle",
          "medications": ["Avonex", "vitamin D"], "conditions": ["multiple sclerosis"]}


def serve(db: Path) -> tuple[subprocess.Popen, str, int, str]:
    process = subprocess.Popen([sys.executable, "-m", "titrate", "serve", "--db", str(db)], stdout=subprocess.PIPE,
                               text=True)
    match = re.search(r"http://([\d.]+):(\d+)/\?token=(\S+)", process.stdout.readline())
    assert match, "titrate serve did not print its address"
    return process, match.group(1), int(match.group(2)), match.group(3)


def load(host: str, port: int, secret: str, requests: list[tuple[str, str, bytes | None]]) -> tuple[list[float], int]:
    """Latencies in seconds, and the count of answers that were not 2xx, over CONCURRENCY workers."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = iter(requests)

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(host, port, timeout=30)
        headers = {"authorization": f"Bearer {secret}", "content-type": "application/json"}
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            method, path, body = item
            began = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                errors += not 200 <= response.status < 300
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def median_of(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def preview() -> None:
    plan = make_plan(parse_request(INPUTS), generated_at=datetime.now(UTC))
    dose_chart(plan)
    levels(plan)
    render_plan(plan, "table")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        process, host, port, secret = serve(Path(folder) / "bench.db")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=30)
            connection.request("POST", "/api/v1/plans", body=json.dumps({"inputs": INPUTS}),
                               headers={"authorization": f"Bearer {secret}", "content-type": "application/json"})
            plan_id = json.loads(connection.getresponse().read())["plan_id"]
            mix = [("GET", "/", None), ("GET", f"/plans/{plan_id}", None),
                   ("POST", "/api/v1/previews", json.dumps({"inputs": INPUTS}).encode())]
            baseline, base_errors = load(host, port, secret, [("GET", "/static/titrate.css", None)] * REQUESTS)
            latencies, errors = load(host, port, secret, [mix[i % len(mix)] for i in range(REQUESTS)])
        finally:
            process.terminate()
            process.wait(timeout=30)
    ms = 1000
    print(f"load: {REQUESTS} requests, {CONCURRENCY} at a time, on 127.0.0.1 (list, plan page, API preview)")
    print(f"  median {statistics.median(latencies) * ms:.1f} ms, p95 {p95(latencies) * ms:.1f} ms, "
          f"errors {errors}")
    ratio = statistics.median(latencies) / statistics.median(baseline)
    print(f"  baseline (stylesheet): median {statistics.median(baseline) * ms:.1f} ms, "
          f"p95 {p95(baseline) * ms:.1f} ms, errors {base_errors}; ratio of medians {ratio:.1f}x")
    build = median_of(lambda: make_plan(parse_request(INPUTS), generated_at=datetime.now(UTC)), 60)
    full = median_of(preview, 60)
    print(f"preview (build + chart + steps + table): median {full * ms:.1f} ms (goal: under 100 ms); "
          f"build alone {build * ms:.1f} ms; ratio {full / build:.2f}x")


if __name__ == "__main__":
    main()
