"""`titrate plan`: make a day-by-day plan from the options (and a patient or protocol file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from titrate.cli.inputs import build_with_previous, plan_inputs
from titrate.cli.output import output_options
from titrate.cli.output import show_diff as show_diff_of
from titrate.formats import render

if TYPE_CHECKING:
    from titrate.cli.output import Output


@click.command()
@plan_inputs
@output_options
@click.option("--show-diff", is_flag=True, help="With --revises: also print what changed from OLD.json (on stderr "
                                                "when the plan goes to standard output).")
def plan(out: Output, show_diff: bool, **inputs: Any) -> None:
    """Make a day-by-day plan."""
    if show_diff and inputs["revises"] is None:
        raise click.UsageError("--show-diff shows what changed from the plan --revises OLD.json names; give it")
    out.refuse_clobber()
    made, previous = build_with_previous(**inputs)
    out.emit(render(made, out.fmt, **out.options))
    if previous is not None and show_diff:
        show_diff_of(previous, made, out.path)
