"""The package's public API is the service layer's calls, stated in `__all__`, and the README's library
example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import titrate

README = Path(__file__).resolve().parents[1] / "README.md"
PUBLIC = {"AdjustmentKind", "AdjustmentRequest", "InputError", "Plan", "PlanRequest", "RefusedError", "Rendered",
          "TitrateError", "__version__", "adjust_plan", "diff_plans", "make_plan", "read_plan", "render_plan",
          "write_plan"}


def test_all_names_exactly_the_library_calls_and_each_imports():
    assert set(titrate.__all__) == PUBLIC
    namespace: dict[str, object] = {}
    exec("from titrate import *", namespace)
    assert set(namespace) - {"__builtins__"} == PUBLIC


def test_the_public_calls_are_the_service_layers():
    from titrate.service import plans

    for name in PUBLIC - {"__version__", "AdjustmentKind", "Plan", "InputError", "RefusedError", "TitrateError"}:
        assert getattr(titrate, name) is getattr(plans, name)


def test_an_unknown_name_is_an_attribute_error():
    try:
        titrate.build  # noqa: B018
    except AttributeError as error:
        assert "build" in str(error)
    else:
        raise AssertionError("titrate.build should not exist")


def test_the_readme_library_example_runs():
    section = README.read_text(encoding="utf-8").split("## As a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # from 20 January, day 17 of the classic protocol's 14 days a level, 3 mg steps back one level to 1.5 mg
    assert done.stdout.strip() == "2027-01-20 3 -> 1.5 mg; text/calendar; charset=utf-8"
