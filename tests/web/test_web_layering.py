"""The web stack stays in its shell: no other module of titrate imports it, and the web app makes no plan
except through the service layer."""

from __future__ import annotations

from pathlib import Path

from test_layering import imports_of

PACKAGE = Path(__file__).resolve().parents[2] / "titrate"
WEB_STACK = ("fastapi", "starlette", "uvicorn", "jinja2", "multipart", "pydantic", "titrate.web")


def test_only_the_web_app_and_serve_load_the_web_stack():
    for path in PACKAGE.rglob("*.py"):
        if "web" in path.relative_to(PACKAGE).parts or path.relative_to(PACKAGE).as_posix() == "cli/serve.py":
            continue
        loaded = {m for m in imports_of(path) if m.startswith(WEB_STACK)}
        assert not loaded, f"{path.relative_to(PACKAGE)} imports {loaded}"


def test_serve_imports_the_web_stack_only_when_it_runs():
    tree_imports = imports_of(PACKAGE / "cli" / "serve.py")
    source = (PACKAGE / "cli" / "serve.py").read_text(encoding="utf-8")
    top_level = source.split("\ndef ", 1)[0]
    assert not any(module in top_level for module in ("import uvicorn", "from .web"))
    assert {"uvicorn", "titrate.web.app"} <= tree_imports


def test_the_web_app_never_builds_a_plan_itself():
    for path in (PACKAGE / "web").glob("*.py"):
        loaded = imports_of(path)
        inner = ("titrate.core.engine", "titrate.core.revise", "titrate.formats.plan_json")
        assert not {m for m in loaded if m.startswith(inner)}, path
