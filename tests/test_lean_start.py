"""`titrate plan --format table` loads only what that path needs: the modules below cost start-up time
(tens of milliseconds together) and are used only by other commands, other formats or other inputs."""

from __future__ import annotations

import ast
import subprocess
import sys

#: Imported on demand: files written (tempfile), package data read (importlib.resources; tzdata's
#: zones are opened from its folder), TOML read (tomllib: the screen's vocabulary, patient and protocol
#: files), plans saved or compared (json, titrate.diff), calendars made (icalendar, the calendar writer),
#: batches run, or a misspelt name suggested (difflib).
HEAVY = ["tempfile", "importlib.resources", "tomllib", "difflib", "json", "icalendar", "titrate.render.ics", "titrate.render.rfc5545", "titrate.batch",
         "concurrent.futures", "multiprocessing", "csv", "titrate.diff"]
#: Runs the command in a fresh interpreter and reports its exit status and every module loaded, without
#: loading any module itself.
PROBE = """
import sys
from titrate.cli import main
sys.argv = ["titrate", *{args!r}]
try:
    main()
except SystemExit as exit:
    sys.stderr.write("\\n" + repr([exit.code, sorted(sys.modules)]))
"""


def modules_after(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))], capture_output=True, text=True,
                          env={"SOURCE_DATE_EPOCH": "1795000000", "PATH": "/usr/bin:/bin"})
    code, modules = ast.literal_eval(done.stderr.splitlines()[-1])
    return code, set(modules)


def test_a_table_loads_none_of_the_heavy_modules():
    code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "Europe/London", "--days", "365")
    assert code == 0
    assert not {name for name in HEAVY if name in modules}


def test_nothing_to_screen_reads_no_vocabulary_and_something_to_screen_does():
    _, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC")
    assert "tomllib" not in modules
    code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC", "--medication", "Copaxone")
    assert code == 0 and "tomllib" in modules and "importlib.resources" not in modules


def test_a_calendar_loads_the_writer_but_not_icalendar():
    code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC", "--format", "ics")
    assert code == 0 and "titrate.render.rfc5545" in modules
    assert not {"icalendar", "importlib.resources", "tempfile"} & modules
