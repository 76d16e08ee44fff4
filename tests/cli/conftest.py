"""The one way the command-line tests run titrate: in process, with a fixed clock (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from titrate.cli import cli


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke
