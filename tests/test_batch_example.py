"""examples/batch-patients.csv is a real patients file: its batch makes the other examples' plans byte for
byte, and its summary is examples/batch-summary.csv (UPDATE_EXAMPLES=1 remakes it; read the diff)."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from titrate.cli import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: Rows of the patients file that remake another example, by the example's name.
SAME_AS = {"jane-doe": "classic-london", "r-alvarez-ms": "gentle-spasticity-new-york",
           "patient-0042": "low-start-sydney", "a-tremblay": "liquid-gentle-toronto",
           "t-nguyen": "morning-dose-override"}
FILES = {"plan.json": "json", "plan.ics": "ics", "plan.md": "md", "plan.table.txt": "txt",
         "plan.order.txt": "order.txt"}


def test_the_example_batch_makes_the_example_plans(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["batch", str(EXAMPLES / "batch-patients.csv"), "--out", str(out),
                                      "--formats", "json,ics,md,table,order", "--jobs", "2"])
    assert result.exit_code == 3, result.output  # two rows are refused, on purpose
    summary = (out / "summary.csv").read_bytes()
    if os.environ.get("UPDATE_EXAMPLES"):
        (EXAMPLES / "batch-summary.csv").write_bytes(summary)
    assert summary == (EXAMPLES / "batch-summary.csv").read_bytes(), "run with UPDATE_EXAMPLES=1"
    compared = 0
    for folder in out.iterdir():
        name = SAME_AS.get(folder.name.rsplit("-ldn-", 1)[0])
        for file, extension in FILES.items() if name else ():
            assert (folder / file).read_bytes() == (EXAMPLES / f"{name}.{extension}").read_bytes(), folder / file
            compared += 1
    assert compared == len(SAME_AS) * len(FILES)
