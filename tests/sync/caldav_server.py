"""A real Radicale CalDAV server for the tests, and a reader that checks it without titrate or caldav.

The server runs as `python -m radicale` on 127.0.0.1, on a free port, with its storage and a plain
htpasswd file in a temporary folder. The reader speaks plain HTTP (PROPFIND, REPORT) through urllib
and parses each calendar object with the `ical` package.
"""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

DAV, CALDAV = "DAV:", "urn:ietf:params:xml:ns:caldav"
USERS = {f"user{n}": f"password-{n}" for n in range(1, 41)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Radicale:
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> Radicale:
        users = self.folder / "users"
        users.write_text("".join(f"{name}:{password}\n" for name, password in USERS.items()), encoding="utf-8")
        config = self.folder / "config"
        config.write_text(f"[server]\nhosts = 127.0.0.1:{self.port}\n"
                          f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n"
                          f"[storage]\nfilesystem_folder = {self.folder / 'storage'}\n"
                          "[logging]\nlevel = error\n", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("radicale exited at start") from None
                time.sleep(0.1)
        raise RuntimeError("radicale did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _request(url: str, method: str, user: str, body: str = "", depth: str = "1") -> ET.Element:
    token = base64.b64encode(f"{user}:{USERS[user]}".encode()).decode()
    request = urllib.request.Request(url, data=body.encode(), method=method, headers={
        "Authorization": f"Basic {token}", "Depth": depth, "Content-Type": "application/xml; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return ET.fromstring(response.read())


def calendars(server: Radicale, user: str) -> dict[str, str]:
    """The user's calendar collections: display name -> URL."""
    body = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:resourcetype/>'
            '</d:prop></d:propfind>')
    found = {}
    for response in _request(f"{server.url}{user}/", "PROPFIND", user, body).iter(f"{{{DAV}}}response"):
        if response.find(f".//{{{CALDAV}}}calendar") is not None:
            name = response.findtext(f".//{{{DAV}}}displayname")
            found[name] = server.url.rstrip("/") + response.findtext(f"{{{DAV}}}href")
    return found


def events(server: Radicale, user: str, calendar_url: str) -> dict[str, object]:
    """Every event in the calendar as `ical` reads it, by UID (REPORT calendar-query, RFC 4791 7.8)."""
    body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            '<d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR">'
            '<c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>')
    found = {}
    for data in _request(calendar_url, "REPORT", user, body).iter(f"{{{CALDAV}}}calendar-data"):
        calendar = IcsCalendarStream.calendar_from_ics(data.text)
        (event,) = calendar.events
        assert event.uid not in found, f"two objects hold {event.uid}"
        found[event.uid] = event
    return found


def put(server: Radicale, user: str, url: str, text: str) -> None:
    """Write a calendar object the way another app would (for events titrate must not touch)."""
    token = base64.b64encode(f"{user}:{USERS[user]}".encode()).decode()
    request = urllib.request.Request(url, data=text.encode(), method="PUT", headers={
        "Authorization": f"Basic {token}", "Content-Type": "text/calendar; charset=utf-8"})
    urllib.request.urlopen(request, timeout=30).close()
