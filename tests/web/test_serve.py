"""`titrate serve` for real: a subprocess on 127.0.0.1, stopped with SIGTERM like a service manager does."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError

import pytest
from click.testing import CliRunner
from server import served

from titrate.cli import cli
from titrate.cli.serve import allowed_hosts, default_db
from titrate.service.plans import read_plan
from titrate.service.store import Store

INPUTS = {"start": "2026-12-01", "time_zone": "Europe/London", "label": "Ann Lee"}


def call(server, path, body=None):
    request = urllib.request.Request(server.base + path, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"authorization": f"Bearer {server.secret}",
                                              "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.read()


def test_serve_listens_on_loopback_on_a_free_port_and_opens_no_browser(tmp_path):
    marker = tmp_path / "browser-opened"
    browser = tmp_path / "browser.sh"
    browser.write_text(f"#!/bin/sh\necho \"$1\" > {marker}\n")
    browser.chmod(0o755)
    with served(tmp_path / "t.db", env={"BROWSER": str(browser)}) as server:
        assert server.base.startswith("http://127.0.0.1:") and int(server.base.rsplit(":", 1)[1]) > 0
        assert len(server.secret) >= 24
        status, body = call(server, "/api/v1/patients")
        assert (status, json.loads(body)) == (200, [])
        browser_like = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser_like.open(server.url, timeout=20) as response:  # the printed URL works as given
            assert response.status == 200 and response.url == server.base + "/"
    assert not marker.exists()
    with served(tmp_path / "t.db", "--open", env={"BROWSER": str(browser)}) as server:
        call(server, "/api/v1/patients")
        assert marker.read_text().strip() == server.url


def test_a_chosen_port_is_used_and_a_busy_one_refused(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with served(tmp_path / "t.db", "--port", str(port)) as server:
        assert server.base == f"http://127.0.0.1:{port}"
        busy = CliRunner().invoke(cli, ["serve", "--port", str(port), "--db", str(tmp_path / "t.db")])
        assert busy.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.output


@pytest.mark.parametrize("stop, status", [
    (signal.SIGINT, 0),  # Ctrl-C
    # uvicorn shuts down cleanly, then re-raises SIGTERM so a service manager sees the usual status
    (signal.SIGTERM, -signal.SIGTERM),
])
def test_stopping_the_server_loses_no_saved_plan(tmp_path, stop, status):
    with served(tmp_path / "t.db") as server:
        status_code, body = call(server, "/api/v1/plans", {"inputs": INPUTS})
        assert status_code == 201
        plan_id = json.loads(body)["plan_id"]
        server.process.send_signal(stop)
        stdout, stderr = server.process.communicate(timeout=20)
        assert server.process.returncode == status and "Traceback" not in stderr
    saved = Store(tmp_path / "t.db").revision(plan_id)
    assert read_plan(saved.plan_json).patient.label == "Ann Lee"


def test_a_host_other_machines_can_reach_needs_allow_remote_and_warns(tmp_path):
    refused = subprocess.run([sys.executable, "-m", "titrate", "serve", "--host", "0.0.0.0", "--db",
                              str(tmp_path / "t.db")], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr and refused.stdout == ""
    with served(tmp_path / "t.db", "--host", "0.0.0.0", "--allow-remote") as server:
        server.process.terminate()
        _, stderr = server.process.communicate(timeout=20)
        assert "Warning" in stderr and "other machines" in stderr


def test_the_default_database_is_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db() == tmp_path / "titrate" / "titrate.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_db() == Path.home() / ".local" / "share" / "titrate" / "titrate.db"


def test_the_hosts_served_are_this_address_and_for_a_wildcard_this_machine():
    assert set(allowed_hosts("127.0.0.1", 8123)) == {"127.0.0.1:8123", "localhost:8123", "[::1]:8123"}
    assert allowed_hosts("192.0.2.7", 8123) == ["192.0.2.7:8123"]
    everywhere = allowed_hosts("0.0.0.0", 8123)
    assert f"{socket.gethostname()}:8123" in everywhere and "127.0.0.1:8123" in everywhere
    assert "evil.example:8123" not in everywhere


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 1 and 'pip install "titrate[web]"' in result.output
    assert not (tmp_path / "t.db").exists()


def test_serve_refuses_a_file_that_is_not_its_database_in_one_line(tmp_path):
    (tmp_path / "other.db").write_text("not a database\n" * 100)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "other.db")])
    assert result.exit_code == 1 and "not a titrate database" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_titrate_plan_never_imports_the_web_stack():
    code = ("import sys\nfrom titrate.cli import main\nsys.argv = ['titrate', 'plan', '--start', '2026-12-01', "
            "'--tz', 'UTC', '--days', '3']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "web = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'starlette', 'uvicorn', 'jinja2', 'multipart', 'pydantic') or m.startswith('titrate.web'))\n"
            "print('WEB', web)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LDN titration plan" in result.stdout and "WEB []" in result.stdout, result.stdout + result.stderr


def test_twenty_clinicians_adjusting_one_revision_at_once_save_exactly_one(tmp_path):
    with served(tmp_path / "t.db") as server:
        plan_id = json.loads(call(server, "/api/v1/plans", {"inputs": INPUTS})[1])["plan_id"]

        def adjust(number):
            body = {"based_on": 1, "adjustment": {"kind": "hold", "from": "2026-12-10", "days": 7 + number,
                                                  "reason": f"clinician {number}"}}
            try:
                return call(server, f"/api/v1/plans/{plan_id}/adjustments", body)[0]
            except HTTPError as error:
                return error.code

        with ThreadPoolExecutor(20) as pool:
            statuses = sorted(pool.map(adjust, range(20)))
    assert statuses == [201] + [409] * 19
    assert [row.revision for row in Store(tmp_path / "t.db").revisions(plan_id)] == [1, 2]
