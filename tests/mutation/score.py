"""Print mutmut's results per module: killed (or timed out) out of those checked, and the survivors.

Reads the .meta files mutmut writes beside each mutated module in mutants/; run by tests/mutation/run.sh.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255}  # a failing test, a crash, or a timeout (mutmut's own reading)
SURVIVED = 0


def main() -> int:
    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results in mutants/; run tests/mutation/run.sh", file=sys.stderr)
        return 1
    survivors = []
    print(f"{'module':<32} {'killed':>7} {'checked':>8} {'score':>7}  (not checked)")
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        count = Counter("killed" if code in KILLED else "survived" if code == SURVIVED else
                        "unchecked" if code is None else "other" for code in codes.values())
        checked = count["killed"] + count["survived"] + count["other"]
        module = str(meta.relative_to("mutants")).removesuffix(".py.meta")
        score = f"{100 * count['killed'] / checked:.1f}%" if checked else "-"
        print(f"{module:<32} {count['killed']:>7} {checked:>8} {score:>7}  ({count['unchecked']})")
        survivors += [name for name, code in codes.items() if code == SURVIVED]
    if survivors:
        print("\nSurvivors (see one with: .venv/bin/mutmut show NAME):")
        print("\n".join(f"  {name}" for name in sorted(survivors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
