"""The README's commands run as written: every `titrate ...` (or `.venv/bin/titrate ...`) line of its code
blocks exits 0, in the order the README gives them, and each sample shown after a `$ titrate` prompt is
what that command prints. `serve` and `sync` are left out: one runs until stopped, the other needs a
CalDAV server and a password (tests/web and tests/sync run them)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: (language, text) of each fenced block: `sh` blocks hold commands, others a `$ ` prompt before one.
FENCED = re.findall(r"^```([a-z]*)\n(.*?)^```", README, flags=re.S | re.M)
BLOCKS = [text for _, text in FENCED]
#: Commands that cannot run in a test as written: a server until Ctrl-C, a CalDAV server with a password.
UNSAFE = ("serve", "sync")


def _commands() -> list[str]:
    found = []
    for language, block in FENCED:
        for line in block.splitlines():
            if language != "sh" and not line.startswith("$ "):
                continue  # output, a file's text
            for part in line.removeprefix("$ ").split(" && "):
                command = part.strip().removeprefix(".venv/bin/")
                if command.startswith("titrate ") and shlex.split(command)[1] not in UNSAFE:
                    found.append(command)
    return found


def _samples() -> list[tuple[str, str]]:
    """(command, the output the README shows for it) for each block that starts at a `$ titrate` prompt."""
    return [(block.splitlines()[0][2:], block.split("\n", 1)[1]) for block in BLOCKS
            if block.startswith("$ titrate ") and shlex.split(block.splitlines()[0][2:])[1] not in UNSAFE]


def test_the_readme_has_commands_to_run():
    commands = _commands()
    assert len(commands) >= 8 and any(c.startswith("titrate adjust") for c in commands)
    assert any("--format pdf" in c for c in commands) and len(_samples()) >= 2


def test_every_readme_command_exits_0(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples" / "course-london.r1.json", "r1.json")  # the course the adjust lines revise
    for command in _commands():
        result = run(*shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.stderr)


@pytest.mark.parametrize("command, shown", _samples())
def test_each_readme_sample_is_what_its_command_prints(run, command, shown):
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == shown
