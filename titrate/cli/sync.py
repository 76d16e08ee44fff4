"""`titrate sync`: write a plan to the CalDAV calendar a phone syncs with. The password comes from a
file, the environment or a prompt, never from the command line (which other users and shell histories
see), and is never printed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from titrate.cli.inputs import read_plan
from titrate.cli.options import PathType, Whole
from titrate.core.diff import moved_days
from titrate.errors import InputError
from titrate.service.machine import read_text

if TYPE_CHECKING:
    from pathlib import Path

PASSWORD_VARIABLE = "TITRATE_CALDAV_PASSWORD"


@click.command(name="sync")
@click.argument("plan_file", type=PathType(dir_okay=False), metavar="PLAN.json")
@click.option("--url", required=True, metavar="URL",
              help="The CalDAV server, your principal or a calendar, e.g. https://caldav.fastmail.com/.")
@click.option("--user", required=True, metavar="NAME", help="The account's user name.")
@click.option("--password-file", type=PathType(dir_okay=False), metavar="FILE",
              help=f"Read the (app) password from FILE's first line [default: ${PASSWORD_VARIABLE}, else ask].")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
@click.option("--alarm-minutes", type=Whole(0, 1440), default=0, show_default=True, metavar="N",
              help="Remind N minutes before each dose.")
@click.option("--no-alarm", is_flag=True, help="Leave the reminders out.")
def sync_command(plan_file: Path, url: str, user: str, password_file: Path | None, dry_run: bool,
                 alarm_minutes: int, no_alarm: bool) -> None:
    """Make a CalDAV calendar hold exactly the plan's events.

    Creates (or reuses) a calendar named after the plan, adds missing events, updates changed ones,
    deletes those of days the plan no longer has, and touches nothing titrate did not write. Run it
    again after every revision; a second run changes nothing.
    """
    try:
        from titrate.service import sync
    except ImportError:
        raise click.ClickException("sync needs the caldav library: pip install 'titrate[sync]'") from None
    plan = read_plan(plan_file)
    moved = moved_days(plan)
    if moved:
        click.echo(f"titrate: warning: this titrate's time-zone rules put the dose elsewhere on "
                   f"{', '.join(map(str, moved))}: make the plan again before syncing it", err=True)
    if no_alarm and alarm_minutes:
        raise click.UsageError("--alarm-minutes and --no-alarm contradict each other; give one")
    password = _password(password_file)
    summary = sync.sync(plan, url, user, password, dry_run=dry_run,  # a SyncError: the group maps it
                        alarm_minutes=None if no_alarm else alarm_minutes,
                        on_change=lambda change: click.echo(f"would {change}") if dry_run else None)
    click.echo(f"{'Dry run: ' if dry_run else ''}plan {plan.plan_id}, revision {plan.revision}: {summary}")


def _password(path: Path | None) -> str:
    if path is not None:
        lines = read_text(path).splitlines()
        if not lines or not lines[0]:
            raise InputError(f"{path}: the first line must hold the password")
        return lines[0]
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    return click.prompt("CalDAV password", hide_input=True, err=True)
