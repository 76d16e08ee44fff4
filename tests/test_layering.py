"""Imports go one way: the core never imports the CLI, click, icalendar or the renderers."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "titrate"
CORE = ["errors", "doses", "wallclock", "formulations", "supply", "model", "screen/__init__", "screen/normalise",
        "screen/vocabulary", "screen/match", "screen/screening", "rules", "protocols", "revise", "diff", "engine",
        "plan_io", "patient_file"]
FORBIDDEN = {"click", "icalendar", "titrate.cli", "titrate.cli_types", "titrate.machine", "titrate.render",
             "titrate.output"}
IO_CALLS = {"open", "print", "input"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ("titrate." + (node.module or "")) if node.level else (node.module or "")
            names |= {base.rstrip(".")} | {f"{base}.{alias.name}".replace("..", ".") for alias in node.names}
    return names


def test_core_modules_import_nothing_from_the_outer_layers():
    for name in CORE:
        imported = imports_of(PACKAGE / f"{name}.py")
        bad = {module for module in imported if any(module == f or module.startswith(f + ".") for f in FORBIDDEN)}
        assert not bad, f"titrate/{name}.py imports {bad}"


def test_core_modules_do_no_io():
    for name in CORE:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name)}
        assert not calls & IO_CALLS, f"titrate/{name}.py calls {calls & IO_CALLS}"
        assert "datetime.now" not in ast.unparse(tree) and "date.today" not in ast.unparse(tree)


def test_renderers_never_import_the_cli():
    for path in (PACKAGE / "render").glob("*.py"):
        assert not {m for m in imports_of(path) if m.startswith(("titrate.cli", "click"))}, path
