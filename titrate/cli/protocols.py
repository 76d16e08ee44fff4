"""`titrate protocols`: the built-in protocols, each as its steps."""

from __future__ import annotations

import click

from titrate.core.protocols import DEFAULT_PROTOCOL, FILE_EXAMPLE, PROTOCOLS

_HELP = ("List the built-in protocols as steps.\n\nA custom protocol is a TOML file given to "
         "'plan --protocol-file FILE':\n\n\b\n" + "\n".join("    " + line for line in FILE_EXAMPLE.splitlines()))


@click.command(help=_HELP)
def protocols() -> None:
    """The help is _HELP: it shows the core's protocol-file example, so the two cannot drift apart."""
    for protocol in PROTOCOLS.values():
        click.echo(f"{protocol.name}: {protocol.summary}")
        for number, step in enumerate(protocol.steps, start=1):
            click.echo(f"  step {number}  {step.describe()}")
    click.echo(f"\nDefault: {DEFAULT_PROTOCOL}. Tune with --first-dose, --step, --every and --target, or give your "
               "own steps with --protocol-file.")
