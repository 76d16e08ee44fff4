"""Re-planning is a revision (issue 19): `titrate plan --revises OLD.json` is revision N+1 of OLD, and its
calendar cancels what OLD had and the new plan lacks, so the phone shows exactly the new plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ics_reading import merged_view

from titrate.formats import render
from titrate.service.plans import diff_plans, read_plan, write_plan

OLD = ["plan", "--start", "2027-01-04", "--tz", "Europe/London", "--patient", "J D"]

RE_PLANS = {
    "a later start": ["--start", "2027-01-18", "--tz", "Europe/London"],
    "an earlier start": ["--start", "2026-12-28", "--tz", "Europe/London"],
    "another zone": ["--start", "2027-01-04", "--tz", "America/Santiago"],
    "another protocol": ["--start", "2027-01-04", "--tz", "Europe/London", "--protocol", "gentle"],
    "a UTC zone, shorter": ["--start", "2027-01-04", "--tz", "UTC", "--days", "20"],
}


def _local(moment: datetime, zone: str) -> datetime:
    """A start as the patient's wall clock: a TZID time as written, a UTC one in the zone."""
    if moment.tzinfo is not None and moment.utcoffset() == timedelta(0) and zone not in ("UTC", "Etc/UTC"):
        return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return moment.replace(tzinfo=None)


def _saved(run, tmp_path, name, *args):
    path = tmp_path / name
    result = run(*args, "--format", "json", "--output", str(path))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.mark.parametrize("change", RE_PLANS)
def test_a_re_plan_leaves_the_phone_showing_exactly_the_new_plan(run, tmp_path, change):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    new_file = _saved(run, tmp_path, "new.json", "plan", "--patient", "J D", *RE_PLANS[change],
                      "--revises", str(old_file))
    old, new = read_plan(old_file.read_text()), read_plan(new_file.read_text())
    assert (new.plan_id, new.revision, new.supersedes) == (old.plan_id, 2, 1)
    held = merged_view(render(old, "ics"), render(new, "ics"))
    local = [_local(e.dtstart, new.time_zone) for e in held.values() if isinstance(e.dtstart, datetime)]
    assert sorted((moment.date(), moment.time()) for moment in local) == [(d.date, d.time) for d in new.days]
    all_day = sorted((e.uid, e.dtstart) for e in held.values() if not isinstance(e.dtstart, datetime))
    assert all_day == sorted((f"{new.plan_id}-{e.key}@titrate", e.date) for e in new.events)
    assert not diff_plans(old, new).empty


def test_a_re_plan_of_a_re_plan_cancels_what_either_had(run, tmp_path):
    first = _saved(run, tmp_path, "1.json", *OLD)
    second = _saved(run, tmp_path, "2.json", "plan", "--start", "2027-02-01", "--tz", "Europe/London",
                    "--revises", str(first))
    third = _saved(run, tmp_path, "3.json", "plan", "--start", "2027-01-11", "--tz", "Asia/Tokyo",
                   "--revises", str(second))
    plans = [read_plan(path.read_text()) for path in (first, second, third)]
    assert [p.revision for p in plans] == [1, 2, 3] and plans[2].supersedes == 2
    for texts in ([render(p, "ics") for p in plans], [render(plans[0], "ics"), render(plans[2], "ics")]):
        held = merged_view(*texts)
        local = [_local(e.dtstart, "Asia/Tokyo") for e in held.values() if isinstance(e.dtstart, datetime)]
        assert sorted((m.date(), m.time()) for m in local) == [(d.date, d.time) for d in plans[2].days]


def test_the_re_planned_file_reads_back_and_can_be_adjusted(run, tmp_path):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    new_file = _saved(run, tmp_path, "new.json", "plan", "--start", "2027-01-18", "--tz", "Europe/London",
                      "--revises", str(old_file))
    new = read_plan(new_file.read_text())
    assert new.cancelled and new.inputs.replanned == new.cancelled
    assert read_plan(write_plan(new)) == new
    assert write_plan(new) == new_file.read_text()
    adjusted = tmp_path / "adjusted.json"
    result = run("adjust", str(new_file), "--from", "2027-01-25", "--hold", "7",
                 "--reason", "nausea", "--output", str(adjusted))
    assert result.exit_code == 0, result.stderr
    third = read_plan(adjusted.read_text())
    assert (third.revision, third.supersedes) == (3, 2)
    assert {c.key for c in new.cancelled} <= {c.key for c in third.cancelled}


def test_a_hand_edit_of_the_cancelled_days_of_a_re_plan_is_caught(run, tmp_path):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    new_file = _saved(run, tmp_path, "new.json", "plan", "--start", "2027-01-18", "--tz", "Europe/London",
                      "--revises", str(old_file))
    import json

    data = json.loads(new_file.read_text())
    data["cancelled"] = data["cancelled"][1:]
    result = run("render", _write(tmp_path / "edited.json", json.dumps(data)), "--format", "ics")
    assert result.exit_code != 0 and "cancelled" in result.stderr


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_a_revision_above_1_without_revises_is_refused(run):
    result = run(*OLD, "--revision", "2")
    assert result.exit_code == 2
    assert "--revises OLD.json" in result.stderr and "titrate adjust" in result.stderr


def test_an_id_or_revision_that_conflicts_with_revises_is_refused(run, tmp_path):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    for extra, says in ((["--plan-id", "other"], "--plan-id other"), (["--revision", "3"], "--revision 3")):
        result = run(*OLD, "--revises", str(old_file), *extra)
        assert result.exit_code == 2 and says in result.stderr
    result = run(*OLD, "--revises", str(old_file), "--revision", "2", "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_old_files_and_first_revisions_hold_no_replanned_key(run):
    assert '"replanned"' not in run(*OLD, "--format", "json").stdout


def test_plan_show_diff_prints_what_changed_from_the_revised_plan(run, tmp_path):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    new_file = tmp_path / "new.json"
    result = run("plan", "--start", "2027-01-18", "--tz", "Europe/London", "--patient", "J D",
                 "--revises", str(old_file), "--show-diff", "-o", str(new_file))
    assert result.exit_code == 0, result.stderr
    plan_id = read_plan(new_file.read_text()).plan_id
    assert result.stdout.startswith(f"Plan {plan_id}: revision 1 -> revision 2\n")
    assert "2027-01-04 to 2027-01-17 (14 days): removed (was 1.5 mg at 22:00)" in result.stdout
    to_stdout = run("plan", "--start", "2027-01-18", "--tz", "Europe/London", "--patient", "J D",
                    "--revises", str(old_file), "--show-diff", "--format", "json")
    assert to_stdout.exit_code == 0, to_stdout.stderr
    assert read_plan(to_stdout.stdout) == read_plan(new_file.read_text())  # the plan stays whole on stdout
    assert to_stdout.stderr == result.stdout


def test_plan_show_diff_without_revises_is_refused(run):
    result = run(*OLD, "--show-diff")
    assert result.exit_code == 2 and "--revises" in result.stderr


ZONE_ONLY = ["plan", "--start", "2027-01-04", "--tz", "America/New_York", "--patient", "J D"]


def test_a_zone_only_re_plan_shows_the_zone_change_in_every_diff_format(run, tmp_path):
    old_file = _saved(run, tmp_path, "old.json", *OLD)
    new_file = _saved(run, tmp_path, "new.json", *ZONE_ONLY, "--revises", str(old_file))
    changes = diff_plans(read_plan(old_file.read_text()), read_plan(new_file.read_text()))
    assert not changes.days and not changes.events and changes.zone == ("Europe/London", "America/New_York")
    text = run("diff", str(old_file), str(new_file))
    assert text.exit_code == 0, text.stderr
    assert "Time zone: Europe/London -> America/New_York" in text.stdout and "No changes." not in text.stdout
    as_json = run("diff", str(old_file), str(new_file), "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    import json

    assert json.loads(as_json.stdout)["time_zone"] == {"before": "Europe/London", "after": "America/New_York"}
    same = run("diff", str(old_file), str(old_file), "--format", "json")
    assert "time_zone" not in json.loads(same.stdout) and run("diff", str(old_file), str(old_file)).stdout.endswith(
        "No changes.\n")
