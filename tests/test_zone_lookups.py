"""A zone is resolved once: the service (or the reader of a file that names one) turns the IANA name into a
ZoneInfo with wallclock.load_zone, and the plan carries that object on. The core never looks a zone up by
name again, and the renderers take the plan's zone (design.md: "dateutil resolves a zone once").

Read from the source, like test_layering: every call in titrate/core and titrate/formats is resolved
through the module's imports to the function it names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "titrate"
#: Each way of getting a zone from its name, and the only modules of core and formats that may use it.
LOOKUPS = {
    "zoneinfo.ZoneInfo": {"titrate.core.tzdb"},
    "zoneinfo.ZoneInfo.from_file": {"titrate.core.tzdb"},
    "zoneinfo.ZoneInfo.no_cache": set(),
    "titrate.core.tzdb.get_zone": {"titrate.core.wallclock"},  # inside load_zone, the one resolver
    # the readers of files that name a zone: the plan file and the patient file
    "titrate.core.wallclock.load_zone": {"titrate.formats.plan_json", "titrate.formats.patient_toml"},
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def called(source: str, module: str) -> set[str]:
    """The fully qualified names of what `source` calls, through its imports (aliases included) and its
    own top-level definitions."""
    tree = ast.parse(source)
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = f"{module}.{node.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (dotted := _dotted(node.func)) is not None:
            head, _, rest = dotted.partition(".")
            found.add(names.get(head, head) + (f".{rest}" if rest else ""))
    return found


MODULES = {module_name(path): path for folder in ("core", "formats")
           for path in sorted((PACKAGE / folder).rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_of_core_or_formats_looks_a_zone_up_by_name_but_the_resolver_and_the_readers(module):
    lookups = called(MODULES[module].read_text(encoding="utf-8"), module) & LOOKUPS.keys()
    assert not {lookup for lookup in lookups if module not in LOOKUPS[lookup]}, (
        f"{module} looks a zone up by name: take the ZoneInfo the plan (PlanInputs.zone) carries")


def test_the_engine_rules_revisions_and_model_take_the_zone_they_are_given():
    for module in ("engine", "rules", "revise", "model", "diff"):
        assert "titrate.core.wallclock.load_zone" not in called(
            (PACKAGE / "core" / f"{module}.py").read_text(encoding="utf-8"), f"titrate.core.{module}")


@pytest.mark.parametrize("source", [
    "from titrate.core.wallclock import load_zone\nload_zone(name)",
    "from titrate.core import wallclock\nwallclock.load_zone(name)",
    "from titrate.core.wallclock import load_zone as resolve\nresolve(name)",
    "from zoneinfo import ZoneInfo\nZoneInfo(name)",
    "import zoneinfo\nzoneinfo.ZoneInfo(name)",
    "from zoneinfo import ZoneInfo\nZoneInfo.from_file(data, key=name)",
    "from titrate.core.tzdb import get_zone\ndef f(name):\n    return get_zone(name)",
])
def test_the_check_finds_a_lookup_however_it_is_imported(source):
    assert called(source, "titrate.core.engine") & LOOKUPS.keys()


def test_the_check_lets_a_module_name_the_zone_type_without_looking_one_up():
    source = "from zoneinfo import ZoneInfo\ndef f(zone: ZoneInfo) -> bool:\n    return isinstance(zone, ZoneInfo)"
    assert not called(source, "titrate.core.model") & LOOKUPS.keys()
