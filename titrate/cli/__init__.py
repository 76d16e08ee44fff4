"""The command line: one module per command, loaded when it runs (see `group.LAZY_COMMANDS`), sharing the
option and output helpers of `options` and `output`."""

from titrate.cli.group import cli, main

__all__ = ["cli", "main"]
