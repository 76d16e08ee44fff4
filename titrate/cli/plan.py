"""`titrate plan`: make a day-by-day plan from the options (and a patient or protocol file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from titrate.cli.inputs import build_from_inputs, plan_inputs
from titrate.cli.output import output_options
from titrate.formats import render

if TYPE_CHECKING:
    from titrate.cli.output import Output


@click.command()
@plan_inputs
@output_options
def plan(out: Output, **inputs: Any) -> None:
    """Make a day-by-day plan."""
    out.refuse_clobber()
    out.emit(render(build_from_inputs(**inputs), out.fmt, **out.options))
