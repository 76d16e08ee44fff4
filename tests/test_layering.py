"""Imports go one way, and the folders say which: cli and web -> service -> formats -> core.

The layers are read from the folders, not from a list kept by hand: a module's layer is the first folder
under titrate/. `errors` and `version` are open to every layer and import nothing of titrate; the package's
front door (`titrate/__init__.py`) and `__main__` stand above the shells. Every import counts: at the top of
a module, inside a function, or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "titrate"
#: The layers from the bottom up; a module may import its own layer and the layers below it.
LAYERS = {"core": 0, "formats": 1, "service": 2, "cli": 3, "web": 3}
FRONT_DOOR = 4
#: Modules every layer may import; they import nothing of titrate themselves.
OPEN = {"titrate.errors", "titrate.version"}
#: The shells reach plans through the service layer alone: never the engine, a revision or the plan file.
SHELL_FORBIDDEN = {"titrate.core.engine", "titrate.core.revise", "titrate.formats.plan_json"}
#: The one place a shell may import the other: `titrate serve` starts the web app.
SHELL_CROSSINGS = {("titrate.cli.serve", "titrate.web.app")}
#: What the core never imports: I/O frameworks, renderers' libraries and the extras.
CORE_FORBIDDEN = {"click", "icalendar", "jinja2", "fastapi", "starlette", "uvicorn", "weasyprint", "sqlalchemy",
                  "caldav", "httpx", "pydantic"}
IO_CALLS = {"open", "print", "input"}
#: The core's one door to the files shipped inside packages (tzdata's zones, the screen's vocabulary).
PACKAGE_DATA = "titrate.core.packaged"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every module name an import statement in `path` names, resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] + [node.module or ""]) if node.level else node.module
            base = (base or "").rstrip(".")
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def graph(modules: dict[str, Path] = MODULES) -> dict[str, set[str]]:
    """Each titrate module and the titrate modules it imports (a package's `from x import y` of a
    submodule counts as importing the submodule)."""
    return {name: {imported for imported in imports_of(path) if imported in modules and imported != name}
            for name, path in modules.items()}


def layer(module: str) -> int | None:
    """The module's layer; None for the open modules."""
    if module in OPEN:
        return None
    parts = module.split(".")
    return LAYERS[parts[1]] if len(parts) > 1 and parts[1] in LAYERS else FRONT_DOOR


def layering_breaches(edges: dict[str, set[str]]) -> list[str]:
    """Every import that runs up a layer, crosses between the shells or reaches past the service layer."""
    breaches = []
    for source, targets in edges.items():
        for target in sorted(targets):
            if source in OPEN:
                breaches.append(f"{source} is open to all, so imports nothing of titrate ({target})")
                continue
            target_layer, source_layer = layer(target), layer(source)
            shell = source.split(".")[1] if source_layer == LAYERS["cli"] else None
            if target_layer is not None and source_layer is not None and target_layer > source_layer:
                breaches.append(f"{source} imports {target}, a layer above it")
            elif shell and target_layer == LAYERS["cli"] and target.split(".")[1] != shell \
                    and (source, target) not in SHELL_CROSSINGS:
                breaches.append(f"{source} imports {target}: the shells never import each other")
            elif shell and target in SHELL_FORBIDDEN:
                breaches.append(f"{source} imports {target}: shells go through titrate.service")
    return breaches


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among `edges`, each once (as found by a depth-first walk)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> None:
        for target in sorted(edges.get(node, ())):
            if target in path:
                found.append(path[path.index(target):] + [target])
            elif target not in done:
                walk(target, [*path, target])
        done.add(node)

    for start in sorted(edges):
        if start not in done:
            walk(start, [start])
    return found


def test_every_module_sits_in_a_layer_folder_or_is_one_of_the_named_few():
    loose = {name for name in MODULES if layer(name) == FRONT_DOOR}
    assert loose == {"titrate", "titrate.__main__"}


def test_no_import_runs_up_a_layer_or_crosses_between_the_shells():
    assert layering_breaches(graph()) == []


def test_the_package_has_no_import_cycle():
    assert cycles(graph()) == []


def test_the_checks_catch_what_they_guard():
    """The checks above against graphs the package must never have."""
    assert layering_breaches({"titrate.core.model": {"titrate.formats.common"}}) == [
        "titrate.core.model imports titrate.formats.common, a layer above it"]
    assert layering_breaches({"titrate.web.pages": {"titrate.cli.inputs"}})
    assert layering_breaches({"titrate.cli.plan": {"titrate.core.engine"}})
    assert layering_breaches({"titrate.errors": {"titrate.core.model"}})
    assert not layering_breaches({"titrate.cli.serve": {"titrate.web.app"}, "titrate.web.app": {"titrate.errors"}})
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("name", [name for name in MODULES if layer(name) == LAYERS["core"]])
def test_the_core_imports_no_framework_and_does_no_io(name):
    imported = {module.split(".")[0] for module in imports_of(MODULES[name])}
    assert not imported & CORE_FORBIDDEN, f"{name} imports {imported & CORE_FORBIDDEN}"
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    if name != PACKAGE_DATA:
        assert not calls & IO_CALLS, f"{name} calls {calls & IO_CALLS}"
    assert "datetime.now" not in ast.unparse(tree) and "date.today" not in ast.unparse(tree)
