"""`titrate plan`: make a day-by-day plan from the options (and a patient or protocol file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from titrate.cli.inputs import build_from_inputs, plan_inputs
from titrate.cli.output import emit, output_options, refuse_clobber, render_options
from titrate.formats import render

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@plan_inputs
@output_options
def plan(fmt: str, output: Path | None, force: bool, alarm_minutes: int | None, no_alarm: bool, paper: str | None,
         **inputs: Any) -> None:
    """Make a day-by-day plan."""
    options = render_options(fmt, alarm_minutes, no_alarm, paper)
    refuse_clobber(output, force)
    emit(render(build_from_inputs(**inputs), fmt, **options), output, force)
