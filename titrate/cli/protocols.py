"""`titrate protocols`: the built-in protocols, each as its steps."""

from __future__ import annotations

import click

from titrate.core.protocols import DEFAULT_PROTOCOL, PROTOCOLS


@click.command()
def protocols() -> None:
    """List the built-in protocols as steps.

    A custom protocol is a TOML file given to 'plan --protocol-file FILE':

    \b
        name = "slow-ms"
        note = "1.5 mg for 10 days, then 3 mg for 21, then 4.5 mg"
        [[steps]]
        dose_mg = 1.5
        days = 10
        [[steps]]
        dose_mg = 3
        days = 21
        [[steps]]
        dose_mg = 4.5     # no days: held until the plan ends
    """
    for protocol in PROTOCOLS.values():
        click.echo(f"{protocol.name}: {protocol.summary}")
        for number, step in enumerate(protocol.steps, start=1):
            click.echo(f"  step {number}  {step.describe()}")
    click.echo(f"\nDefault: {DEFAULT_PROTOCOL}. Tune with --first-dose, --step, --every and --target, or give your "
               "own steps with --protocol-file.")
