"""`titrate batch`: a clinic's whole list at once. The shell reads the clock and the machine's zone, shows
progress, and leaves the work to titrate.service.batch (imported only when a batch runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from titrate.cli.inputs import zone_or_none
from titrate.cli.options import Whole
from titrate.formats import FORMATS
from titrate.service.machine import generated_now


def _formats(context: click.Context, parameter: click.Parameter, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"{', '.join(unknown) or 'none given'}; choose from {', '.join(FORMATS)}")
    return chosen


def _cpu_count() -> int:
    """The CPUs this process may use (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@click.command()
@click.argument("patients", required=False, type=click.Path(dir_okay=False, path_type=Path),
                metavar="PATIENTS.csv")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Folder for the plans (one folder per patient) and summary.csv.")
@click.option("--formats", default="json,ics", show_default=True, callback=_formats, metavar="LIST",
              help=f"Comma-separated formats to write for each patient: {', '.join(FORMATS)}.")
@click.option("--jobs", type=Whole(1, 256), metavar="N",
              help="Worker processes [default: the CPU count].")
@click.option("--force", is_flag=True, help="Remake outputs that are already there.")
@click.option("--template", is_flag=True, help="Print a patients file to start from, documenting every column.")
def batch(patients: Path | None, out: Path | None, formats: tuple[str, ...], jobs: int | None, force: bool,
          template: bool) -> int:
    """Make a plan for every row of PATIENTS.csv, writing each patient's files into DIR/<label>-<plan id>/
    and a line per row into DIR/summary.csv. Rows already done are kept, so a stopped batch is finished
    by running it again. Exit status: 0 all planned, 3 some refused or invalid, 1 some failed, 2 the file
    cannot be read."""
    from titrate.service import batch as use_case

    if template:
        if patients is not None or out is not None:
            raise click.UsageError("--template prints a patients file; give it alone")
        click.echo(use_case.template(), nl=False)
        return 0
    if patients is None or out is None:
        raise click.UsageError("give a PATIENTS.csv file and --out DIR (or --template)")
    settings = use_case.BatchSettings(out, formats, generated_now(), default_zone=zone_or_none(), force=force)
    jobs = jobs or _cpu_count()
    if sys.stderr.isatty():
        total = use_case.check_file(patients)
        with click.progressbar(length=total, label="Planning", file=sys.stderr) as bar:
            counts = use_case.run_batch(patients, settings, jobs=jobs, on_result=lambda result: bar.update(1),
                                        checked=True)
    else:
        counts = use_case.run_batch(patients, settings, jobs=jobs)
    click.echo(f"{counts.describe()}; summary in {out / use_case.SUMMARY}")
    return counts.exit_status()
