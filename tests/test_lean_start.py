"""`titrate plan --format table` loads only what that path needs: the modules below cost start-up time
(tens of milliseconds together) and are used only by other commands, other formats or other inputs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

#: Imported on demand: files written (tempfile), package data read (importlib.resources; tzdata's
#: zones are opened from its folder), TOML read (tomllib: the screen's vocabulary, patient and protocol
#: files), plans saved or compared (json, titrate.core.diff), calendars made (icalendar, the calendar writer),
#: batches run, the web app served (webbrowser, socket, subprocess, secrets), a misspelt name suggested
#: (difflib), a path given (pathlib, which brings urllib.parse), a length in months (dateutil), or hashlib
#: (OpenSSL: the plan id's SHA-256 comes from CPython's own module).
HEAVY = ["tempfile", "importlib.resources", "tomllib", "difflib", "json", "icalendar", "titrate.formats.ics",
         "titrate.formats.rfc5545", "titrate.service.batch", "concurrent.futures", "multiprocessing", "csv",
         "titrate.core.diff", "webbrowser", "socket", "subprocess", "secrets", "pathlib", "urllib.parse", "hashlib",
         "_hashlib", "dateutil"]
#: Every module of titrate a table of a plan with nothing to screen loads: not the screen's matching code or
#: vocabulary, not the other commands (adjust, diff, sync, serve, batch), not plan files' reading and
#: writing (plan_io, revise). A module added to this path has to be added here, on purpose.
TABLE_PATH = {"titrate", "titrate.cli", "titrate.cli.group", "titrate.cli.inputs", "titrate.cli.options",
              "titrate.cli.output", "titrate.cli.plan", "titrate.core", "titrate.core.engine",
              "titrate.core.formulations", "titrate.core.lengths", "titrate.core.model", "titrate.core.packaged",
              "titrate.core.protocols", "titrate.core.record", "titrate.core.refills", "titrate.core.rules",
              "titrate.core.screen", "titrate.core.tzdb", "titrate.core.units", "titrate.core.values",
              "titrate.core.wallclock", "titrate.errors",
              "titrate.formats", "titrate.formats.common", "titrate.formats.patient_toml", "titrate.formats.table",
              "titrate.service", "titrate.service.machine", "titrate.service.plans", "titrate.version"}
#: Runs the command in a fresh interpreter and reports its exit status and every module loaded, without
#: loading any module itself. The interpreter starts without site's hooks (-S: an editable install's
#: finder imports pathlib before any command runs), with this repository and site-packages on its path.
PROBE = """
import sys
from titrate.cli import main
sys.argv = ["titrate", *{args!r}]
try:
    main()
except SystemExit as exit:
    sys.stderr.write("\\n" + repr([exit.code, sorted(sys.modules)]))
"""


REPO = Path(__file__).resolve().parents[1]


def modules_after(*args: str) -> tuple[int, set[str]]:
    path = dict.fromkeys([str(REPO), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    done = subprocess.run([sys.executable, "-S", "-c", PROBE.format(args=list(args))], capture_output=True,
                          text=True, env={"SOURCE_DATE_EPOCH": "1795000000", "PATH": "/usr/bin:/bin",
                                          "PYTHONPATH": os.pathsep.join(path)})
    code, modules = ast.literal_eval(done.stderr.splitlines()[-1])
    return code, set(modules)


def test_a_table_loads_none_of_the_heavy_modules_and_only_the_titrate_modules_it_uses():
    code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "Europe/London", "--days", "365")
    assert code == 0
    assert not {name for name in HEAVY if name in modules}
    assert {name for name in modules if name.split(".")[0] == "titrate"} == TABLE_PATH


def test_nothing_to_screen_loads_no_screen_and_something_to_screen_does():
    _, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC")
    assert not {"tomllib", "titrate.core.screen.screening", "titrate.core.screen.vocabulary"} & modules
    for given in (["--medication", "Copaxone"], ["--condition", "multiple sclerosis"]):
        code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC", *given)
        assert code == 0 and {"tomllib", "titrate.core.screen.screening", "titrate.core.screen.vocabulary"} <= modules
        assert "importlib.resources" not in modules


def test_a_command_loads_its_module_when_it_runs():
    code, modules = modules_after("diff", "--help")
    assert code == 0 and "titrate.cli.adjust" in modules
    assert not {"titrate.cli.sync", "titrate.cli.serve", "titrate.cli.batch"} & modules


def test_a_calendar_loads_the_writer_but_not_icalendar():
    code, modules = modules_after("plan", "--start", "2026-12-01", "--tz", "UTC", "--format", "ics")
    assert code == 0 and "titrate.formats.rfc5545" in modules
    assert not {"icalendar", "importlib.resources", "tempfile", "tomllib", "titrate.core.screen.vocabulary"} & modules
