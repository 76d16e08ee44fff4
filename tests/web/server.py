"""`titrate serve` started for real in a subprocess, for the tests that need a real server (the browser
test, stopping without loss)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    url: str  # as printed, with the token
    base: str  # scheme, host and port
    secret: str
    process: subprocess.Popen


@contextmanager
def served(db: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A running `titrate serve --db DB`; stopped with SIGTERM on exit."""
    process = subprocess.Popen([sys.executable, "-m", "titrate", "serve", "--db", str(db), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"titrate is running: ((http://[^/]+)/\?token=(\S+))\n", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        yield Server(match.group(1), match.group(2), match.group(3), process)
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=20)
