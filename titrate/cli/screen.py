"""`titrate screen NAME...`: what the safety screen makes of a patient's list, without making a plan, so
that a pharmacist can review it (the service's `screen_list`)."""

from __future__ import annotations

import click

from titrate.formats.common import terminal_safe
from titrate.service.screen import ScreenReport, report_data, screen_list

#: The exit status when an item would refuse a plan (as `titrate plan`'s refusals).
EXIT_REFUSED = 3


@click.command(short_help="Review a patient's list with the safety screen, without a plan.")
@click.argument("names", nargs=-1, metavar="NAME...")
@click.option("--conditions", "conditions", multiple=True, metavar="TEXT",
              help="A condition to screen too (repeatable; a list in one value is split).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def screen(names: tuple[str, ...], conditions: tuple[str, ...], fmt: str) -> int:
    """Show what the safety screen finds for each medication NAME (and each --conditions) without making a
    plan: the text matched, the ingredients, the class and ATC code, the rule and the source, or that it is
    known with nothing to say, or not screened. Exit 0 when nothing refuses, 3 when an item would refuse a
    plan."""
    if not names and not conditions:
        raise click.UsageError("give at least one medication NAME or --conditions TEXT")
    report = screen_list(names, conditions)
    if fmt == "json":
        import json

        click.echo(json.dumps(report_data(report), indent=2, ensure_ascii=False))
    else:
        for line in _text(report):
            click.echo(terminal_safe(line))
    return EXIT_REFUSED if report.refused else 0


def _text(report: ScreenReport) -> list[str]:
    """The report for a person: a line per item, its facts, each finding, and a count by status."""
    lines = []
    for reading in report.readings:
        what = f"{reading.kind} {reading.item!r}" + (f" (in {reading.entry!r})" if reading.item != reading.entry else "")
        if reading.status == "known" and not reading.findings:
            named = ", ".join(reading.ingredients or reading.matched)
            lines.append(f"{what}: known: {named} (nothing to say)")
        else:
            lines.append(f"{what}: {reading.status}")
        facts = [("matched", ", ".join(reading.matched)), ("ingredients", ", ".join(reading.ingredients)),
                 ("class", reading.drug_class), ("ATC", reading.atc), ("rule", reading.rule),
                 ("source", reading.source)]
        shown = "; ".join(f"{name}: {value}" for name, value in facts if value)
        if shown:
            lines.append(f"  {shown}")
        lines += [f"  {action} ({rule}): {message}" for rule, action, message in reading.findings]
    counts = {status: sum(r.status == status for r in report.readings) for status in dict.fromkeys(
        r.status for r in report.readings)}
    lines.append(f"{len(report.readings)} item(s): " + ", ".join(f"{count} {status}" for status, count in counts.items()))
    return lines
