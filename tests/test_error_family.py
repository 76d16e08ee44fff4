"""One error family: every class says its exit status and HTTP status, and both shells map the family from
those class attributes in one place each (the CLI's group, the web app's one handler)."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from titrate import errors
from titrate.cli.group import _Cli
from titrate.errors import ConflictError, InputError, RefusedError, TitrateError

PACKAGE = Path(__file__).resolve().parents[1] / "titrate"
FAMILY = [value for value in vars(errors).values()
          if isinstance(value, type) and issubclass(value, TitrateError)]
#: Exception classes defined outside errors.py, and why they stay out of the family.
OUTSIDE = {"FrozenError": "a programming error (assigning to a frozen record), an AttributeError"}


def sample(kind: type[TitrateError]) -> TitrateError:
    """An instance of each class, made as the code that raises it makes it."""
    if kind is RefusedError:
        return RefusedError("gradual", "hold each level 7 days", overridable=True)
    if kind is InputError:
        return InputError("start must be a date (got 'soon')", field="start", value="soon")
    if kind is ConflictError:
        return ConflictError("plan 'p' changed while you were editing", latest=3)
    return kind(f"a {kind.__name__} happened")


def test_the_family_is_every_error_class_in_errors_py():
    assert set(errors.__all__) == {kind.__name__ for kind in FAMILY}
    assert {kind.__name__ for kind in FAMILY} >= {"InputError", "RefusedError", "NotFoundError", "ConflictError",
                                                  "StoreError", "SyncError"}


def test_titrate_defines_no_exception_outside_the_family():
    defined = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception")) or base.id in (
                        "LookupError", "Exception")) for base in node.bases):
                defined[node.name] = path
    assert set(defined) <= set(OUTSIDE), defined


@pytest.mark.parametrize("kind", FAMILY, ids=lambda kind: kind.__name__)
def test_every_class_says_its_statuses(kind):
    assert "exit_status" in vars(kind) or kind is TitrateError, "each class states its own statuses"
    assert isinstance(kind.exit_status, int) and 1 <= kind.exit_status <= 125
    assert isinstance(kind.http_status, int) and 400 <= kind.http_status <= 599
    assert all(hasattr(sample(kind), name) for name in kind.reported)


def test_the_statuses_each_kind_maps_to():
    statuses = {kind.__name__: (kind.exit_status, kind.http_status) for kind in FAMILY}
    assert statuses == {"TitrateError": (1, 500), "InputError": (2, 400), "RefusedError": (3, 422),
                        "NotFoundError": (2, 404), "ConflictError": (1, 409), "StoreError": (1, 503),
                        "SyncError": (1, 502)}


@pytest.mark.parametrize("kind", FAMILY, ids=lambda kind: kind.__name__)
def test_the_cli_exits_with_the_class_status(kind):
    @click.group(cls=_Cli)
    def group() -> None:
        pass

    @group.command()
    def fails() -> None:
        raise sample(kind)

    result = CliRunner().invoke(group, ["fails"])
    assert result.exit_code == kind.exit_status
    assert result.stderr.startswith("titrate: ") and str(sample(kind)).split(" (")[0] in result.stderr


@pytest.mark.parametrize("kind", FAMILY, ids=lambda kind: kind.__name__)
def test_the_web_app_answers_with_the_class_status(kind, tmp_path):
    from fastapi.testclient import TestClient

    from titrate.service.store import Store
    from titrate.web.app import create_app

    secret = "test-secret-0123456789"
    app = create_app(store=Store(tmp_path / "titrate.db"), secret=secret, allowed_hosts=["testserver"],
                     clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))

    def fails() -> None:
        raise sample(kind)

    app.add_api_route("/api/fails", fails)
    app.add_api_route("/fails", fails)
    client = TestClient(app, headers={"authorization": f"Bearer {secret}"})
    answer = client.get("/api/fails")
    error = sample(kind)
    assert answer.status_code == kind.http_status
    assert answer.json() == {"error": kind.code, **{name: getattr(error, name) for name in kind.reported},
                             "message": str(error)}
    page = client.get("/fails")
    assert page.status_code == kind.http_status and "text/html" in page.headers["content-type"]


def test_the_shells_map_the_family_in_one_place_each():
    """The CLI's group and the web app's one handler read the statuses from the class; neither names an
    error class's status itself."""
    group = (PACKAGE / "cli" / "group.py").read_text(encoding="utf-8")
    app = (PACKAGE / "web" / "app.py").read_text(encoding="utf-8")
    assert "except TitrateError as error" in group and "error.exit_status" in group
    assert "TitrateError: _titrate_error" in app and "error.http_status" in app
    assert not re.search(r"\b(404|409|422|502|503)\b", app), "the app maps the family from the classes"
