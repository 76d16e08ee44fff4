"""`titrate explain` and `titrate render`: a plan explained, or a plan file rendered in any format. Apart
from `plan` (they share its options and output), so that a plan starts without building theirs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from titrate.cli.inputs import build_from_inputs, plan_inputs, read_plan
from titrate.cli.options import PathType
from titrate.cli.output import emit, output_options
from titrate.formats import render

if TYPE_CHECKING:
    from pathlib import Path

    from titrate.cli.output import Output


@click.command()
@click.argument("plan_file", required=False, type=PathType(dir_okay=False), metavar="[PLAN.json]")
@plan_inputs
def explain(plan_file: Path | None, **inputs: Any) -> None:
    """Explain, level by level, which rules set the dose and the time, with every warning, note and
    override. Give a plan file, or the same options as 'plan'."""
    if plan_file is not None:
        context = click.get_current_context()
        if any(context.get_parameter_source(name) is ParameterSource.COMMANDLINE for name in inputs):
            raise click.UsageError("give a plan file or plan options, not both")
        built = read_plan(plan_file)
    else:
        built = build_from_inputs(**inputs)
    emit(render(built, "explain"), None, False)


@click.command(name="render")
@click.argument("plan_file", type=PathType(dir_okay=False), metavar="PLAN.json")
@output_options
def render_command(plan_file: Path, out: Output) -> None:
    """Render a plan file (JSON) in any format."""
    out.refuse_clobber()
    out.emit(render(read_plan(plan_file), out.fmt, **out.options))
