"""`titrate sync` against a real CalDAV server (Radicale), read back by plain HTTP and the `ical` parser.

A plan in America/Santiago crosses the night the clocks go back (2026-04-04: 23:00-24:00 comes twice);
revision 4 of it is retimed into that hour, stepped back and stopped early, so the server must end up
with updated, cancelled-and-deleted and untouched events, and one event given in UTC.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from datetime import UTC, date, datetime, time

import pytest
from caldav_server import Radicale, calendars, events, put
from click.testing import CliRunner

from titrate.cli import cli
from titrate.core.engine import build_plan
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.revise import adjust
from titrate.core.wallclock import first_instant, load_zone
from titrate.formats.plan_json import dumps
from titrate.service import sync

GENERATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SANTIAGO = load_zone("America/Santiago")
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) deleted, (\d+) unchanged")


def revisions(label):
    first = build_plan(PROTOCOLS["classic"], Patient(label=label), date(2026, 3, 28),
                       zone=load_zone("America/Santiago"), generated_at=GENERATED, days=30, dose_time=time(23, 0))
    retimed = adjust(first, "retime", date(2026, 4, 3), "sleeps better later", generated_at=GENERATED,
                     time=time(23, 30))
    stepped = adjust(retimed, "step-back", date(2026, 4, 13), "headaches", generated_at=GENERATED, days=7)
    return first, adjust(stepped, "stop", date(2026, 4, 20), "stopping early", generated_at=GENERATED)


def live_uids(plan):
    return ({f"{plan.plan_id}-{day.key}@titrate" for day in plan.days}
            | {f"{plan.plan_id}-{event.key}@titrate" for event in plan.events})


def assert_server_holds(server, user, plan):
    """The plan's calendar holds exactly the plan's live events, each at the plan's instant."""
    (url,) = [url for name, url in calendars(server, user).items() if name == f"LDN plan: {plan.patient.label}"]
    found = events(server, user, url)
    ours = {uid: event for uid, event in found.items() if uid.endswith("@titrate")}
    assert set(ours) == live_uids(plan)
    for day in plan.days:
        event = ours[f"{plan.plan_id}-{day.key}@titrate"]
        assert event.dtstart.astimezone(UTC) == first_instant(datetime.combine(day.date, day.time), SANTIAGO)
        assert event.summary == f"LDN {day.dose_mg.normalize():f} mg"
        assert event.sequence >= plan.revision - 1
        assert event.status is None or event.status.value != "CANCELLED"
    return url, found


def run_sync(plan_file, server, user, password, *extra):
    return CliRunner().invoke(cli, ["sync", str(plan_file), "--url", server.url, "--user", user, *extra],
                              env={"TITRATE_CALDAV_PASSWORD": password}, catch_exceptions=False)


def counts(result):
    return tuple(int(n) for n in SUMMARY.search(result.stdout).groups())


def test_sync_makes_the_server_equal_to_each_revision_and_leaves_other_events_alone(account, tmp_path):
    server, user, password = account
    first, last = revisions("Ana Sync")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    (tmp_path / "r4.json").write_text(dumps(last), encoding="utf-8")

    result = run_sync(tmp_path / "r1.json", server, user, password)
    assert result.exit_code == 0, result.output
    assert counts(result) == (len(live_uids(first)), 0, 0, 0)
    url, _ = assert_server_holds(server, user, first)
    foreign = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\nBEGIN:VEVENT\r\n"
               "UID:dentist-1@example.com\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:20260401T150000Z\r\n"
               "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    put(server, user, f"{url.rstrip('/')}/dentist.ics", foreign)

    result = run_sync(tmp_path / "r4.json", server, user, password)
    assert result.exit_code == 0, result.output
    created, updated, deleted, unchanged = counts(result)
    stopped = {f"{first.plan_id}-{key}@titrate" for key in live_uids(first)} - live_uids(last)
    assert deleted == len(live_uids(first) - live_uids(last)) == 7
    assert created == len(live_uids(last) - live_uids(first)) == 1  # the stop event
    assert updated + unchanged == len(live_uids(first) & live_uids(last))
    _, found = assert_server_holds(server, user, last)
    assert found["dentist-1@example.com"].summary == "Dentist"
    assert not stopped & set(found)
    # the dose at 23:30 on the night the clocks go back is the first 23:30 (UTC-3), whatever the reader
    assert found[f"{last.plan_id}-20260404@titrate"].dtstart == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)

    again = run_sync(tmp_path / "r4.json", server, user, password)
    assert counts(again) == (0, 0, 0, len(live_uids(last)))


def test_an_updated_event_keeps_its_uid_and_raises_its_sequence(account, tmp_path):
    server, user, password = account
    first, last = revisions("Ben Sequence")
    for name, plan in (("r1.json", first), ("r4.json", last)):
        (tmp_path / name).write_text(dumps(plan), encoding="utf-8")
        assert run_sync(tmp_path / name, server, user, password).exit_code == 0
    (url,) = calendars(server, user).values()
    found = events(server, user, url)
    retimed = found[f"{last.plan_id}-20260410@titrate"]
    assert retimed.sequence == last.revision - 1 and retimed.dtstart.time() == time(23, 30)


def test_dry_run_lists_the_changes_and_changes_nothing(account, tmp_path):
    server, user, password = account
    first, _ = revisions("Cleo Dry")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    result = run_sync(tmp_path / "r1.json", server, user, password, "--dry-run")
    assert result.exit_code == 0
    assert "would create 2026-03-28 23:00 LDN 1.5 mg" in result.stdout
    assert counts(result) == (len(live_uids(first)), 0, 0, 0)
    assert calendars(server, user) == {}


def test_a_wrong_password_is_one_line_and_exit_1(account, tmp_path):
    server, user, _ = account
    first, _ = revisions("Dan Wrong")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    result = run_sync(tmp_path / "r1.json", server, user, "not-the-password")
    assert result.exit_code == 1
    assert result.stderr == f"titrate: the server at {server.url} refused the user name or password\n"
    assert "not-the-password" not in result.output


def test_the_password_comes_from_a_file_or_a_prompt_never_an_option(account, tmp_path):
    server, user, password = account
    first, _ = revisions("Eve Secret")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    (tmp_path / "password").write_text(password + "\n", encoding="utf-8")
    args = ["sync", str(tmp_path / "r1.json"), "--url", server.url, "--user", user]
    from_file = CliRunner().invoke(cli, [*args, "--password-file", str(tmp_path / "password")], env={})
    prompted = CliRunner().invoke(cli, args, input=password + "\n", env={})
    assert (from_file.exit_code, prompted.exit_code) == (0, 0)
    assert password not in from_file.output + prompted.stdout
    assert CliRunner().invoke(cli, [*args, "--password", password]).exit_code == 2


def test_unreachable_server_is_one_line_and_exit_1(tmp_path):
    first, _ = revisions("Fay Away")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    nobody = Radicale(tmp_path)  # a free port with nothing listening
    result = run_sync(tmp_path / "r1.json", nobody, "user1", "x")
    assert result.exit_code == 1
    assert result.stderr == f"titrate: cannot reach {nobody.url}: Connection refused\n"


def test_a_server_that_goes_away_mid_sync_is_consistent_and_a_rerun_finishes(tmp_path):
    server = Radicale(tmp_path / "server")
    (tmp_path / "server").mkdir()
    server.start()
    try:
        first, last = revisions("Gus Gone")
        password = "password-1"
        sync.sync(first, server.url, "user1", password)
        written = []

        def stop_after_five(change):
            written.append(change)
            if len(written) == 6:  # five changes are on the server; the sixth write finds no server
                server.stop()

        with pytest.raises(sync.SyncError, match="cannot reach"):
            sync.sync(last, server.url, "user1", password, on_change=stop_after_five)
        server.start()
        (url,) = calendars(server, "user1").values()
        for event in events(server, "user1", url).values():  # each event whole: one revision or the other
            assert event.sequence in (0, last.revision - 1)
        (tmp_path / "r4.json").write_text(dumps(last), encoding="utf-8")
        rerun = run_sync(tmp_path / "r4.json", server, "user1", password)
        assert rerun.exit_code == 0
        created, updated, deleted, unchanged = counts(rerun)
        assert unchanged >= 5 and created + updated + deleted > 0
        assert_server_holds(server, "user1", last)
    finally:
        server.stop()


def test_the_sync_objects_are_one_event_each_with_its_time_zone():
    _, last = revisions("Hal Objects")
    wanted, cancelled = sync.wanted_objects(last)
    assert len(wanted) == len(live_uids(last)) and len(cancelled) == len(last.cancelled)
    for item in wanted:
        text = item.component.to_ical().decode()
        assert text.count("BEGIN:VEVENT") == 1 and text.count("BEGIN:VTIMEZONE") == 1
        assert "METHOD" not in text  # RFC 4791 4.1: no METHOD in a calendar object resource
    assert json.loads(dumps(last))["plan_id"] == last.plan_id


def test_caldav_is_imported_only_by_the_sync_command():
    import subprocess
    import sys

    probe = ("import sys, titrate.cli; "
             "print(sorted(m for m in sys.modules if m.startswith(('caldav', 'titrate.service.sync', 'radicale'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_calendar_url_is_used_as_it_is(account, tmp_path):
    server, user, password = account
    first, _ = revisions("Ida Own Calendar")
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    mine = f"{server.url}{user}/my-ldn/"
    mkcalendar = urllib.request.Request(mine, method="MKCALENDAR", headers={
        "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
    urllib.request.urlopen(mkcalendar, timeout=30).close()
    result = CliRunner().invoke(cli, ["sync", str(tmp_path / "r1.json"), "--url", mine, "--user", user],
                                env={"TITRATE_CALDAV_PASSWORD": password})
    assert result.exit_code == 0, result.output
    assert set(events(server, user, mine)) == live_uids(first)
    assert list(calendars(server, user).values()) == [mine]


def test_sync_has_help():
    result = CliRunner().invoke(cli, ["sync", "--help"])
    assert result.exit_code == 0 and "--password-file" in result.stdout and "--password " not in result.stdout


def test_sync_warns_of_days_that_newer_zone_rules_move(account, tmp_path):
    from datetime import timedelta

    from titrate.core.record import replace

    server, user, password = account
    plan = build_plan(PROTOCOLS["classic"], Patient(label="Jo Casablanca"), date(2026, 9, 17),
                      zone=load_zone("Africa/Casablanca"), generated_at=GENERATED, days=5)
    # as made with tzdata 2025b, which kept Morocco at UTC+1 through the autumn of 2026
    older = replace(plan, tzdata="2025b", utc_offsets=((datetime(2026, 9, 15, tzinfo=UTC),
                                                        timedelta(hours=1)),))
    (tmp_path / "plan.json").write_text(dumps(older), encoding="utf-8")
    result = run_sync(tmp_path / "plan.json", server, user, password, "--dry-run")
    assert result.exit_code == 0
    assert ("warning: this titrate's time-zone rules put the dose elsewhere on 2026-09-20, 2026-09-21"
            in result.stderr)


def test_a_plan_never_touches_another_plans_events_in_the_same_calendar(account, tmp_path):
    server, user, password = account
    make = lambda plan_id, days: build_plan(  # noqa: E731
        PROTOCOLS["classic"], Patient(label="Kim Shared"), date(2026, 5, 1), zone=load_zone("America/Santiago"),
        generated_at=GENERATED, days=days, plan_id=plan_id)
    other, mine = make("kim-2", 3), make("kim", 4)  # "kim-2-..." UIDs start with "kim-"
    for name, plan in (("other.json", other), ("mine.json", mine)):
        (tmp_path / name).write_text(dumps(plan), encoding="utf-8")
        assert run_sync(tmp_path / name, server, user, password).exit_code == 0
    (url,) = calendars(server, user).values()
    imported = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand//import//EN\r\nBEGIN:VEVENT\r\n"
                "UID:kim-20260509@titrate\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:20260509T020000Z\r\n"
                "SUMMARY:imported by hand\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    put(server, user, f"{url.rstrip('/')}/by-hand.ics", imported)
    again = run_sync(tmp_path / "mine.json", server, user, password)
    assert counts(again) == (0, 0, 0, len(live_uids(mine)))
    found = events(server, user, url)
    assert live_uids(other) | live_uids(mine) | {"kim-20260509@titrate"} == set(found)
