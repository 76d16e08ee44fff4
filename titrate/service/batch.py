"""A clinic's whole list at once: one plan per CSV row, made in worker processes, written to a folder.

Rows stream through a bounded queue of chunks, so memory stays flat however long the file is. Each row
ends as a result record (planned, refused, invalid or error), never as an exception: one bad row, or a
worker process that dies, never stops the rest. Outputs are staged, synced to disk a group of rows at a
time and only then linked into place, so a file under its final name is whole; they are kept on a rerun,
so a killed batch is finished by running it again; `force` remakes them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from titrate.core.record import Record, fields, replace
from titrate.errors import InputError, RefusedError
from titrate.formats import FORMATS
from titrate.formats.csv_format import spreadsheet_safe
from titrate.service.files import write_new
from titrate.service.plans import PlanRequest, make_plan, parse_request, read_plan, render_plan

__all__ = ["COLUMNS", "BatchSettings", "Counts", "RowResult", "check_file", "file_name", "place", "plan_row",
           "read_rows", "run_batch", "safe_label", "template"]

#: The columns a patients file may have: PlanRequest's fields, label first, so new fields appear here.
COLUMNS: tuple[str, ...] = ("label", *(name for name in fields(PlanRequest) if name != "label"))
T = TypeVar("T")
SUMMARY = "summary.csv"
SUMMARY_COLUMNS = ("line", "label", "status", "rule", "field", "message", "plan_id", "files")
#: Rows per task sent to a worker, and tasks in flight per worker: enough to keep workers busy, few
#: enough that memory does not grow with the file.
CHUNK_ROWS = 8
CHUNKS_IN_FLIGHT_PER_JOB = 3
#: Rows whose staged files are synced to disk together (one flush of the file system, not two syncs a
#: row, a seventh of a batch's time) before any of them is placed under its final name.
SYNC_GROUP_ROWS = 256
#: Fields the core names differently from the column a user fills in.
_COLUMN_OF_FIELD = {"override": "overrides", "reason": "overrides", "patient_file": "patient_file_text",
                    "protocol_file": "protocol_file_text", "steps": "protocol_file_text", "time": "dose_time"}
_ABOUT = {
    "label": "free text naming the patient, shown in every format; also names the output folder",
    "start": "date of the first dose, YYYY-MM-DD (required unless last_opioid_dose is given)",
    "protocol": "classic (default), gentle or low-start; see 'titrate protocols'",
    "spasticity": "yes or no: with spasticity the plan tops out at 3 mg",
    "conditions": "the patient's conditions, separated by ';' (screened)",
    "medications": "the patient's medications, brand or generic, separated by ';' (screened)",
    "overrides": "'rule: reason' items separated by ';', e.g. 'window: vivid dreams'",
    "patient_file_text": "the text of a patient file (TOML), as 'titrate plan --patient-file' reads it",
    "target": "target dose in mg (default: the protocol's)",
    "first_dose": "first dose in mg (at most 1.5)",
    "step": "increase per level in mg (at most 1.5)",
    "every": "days per level (at least 7), or weeks like 2w",
    "dose_time": "daily dose time HH:MM, local wall clock, 21:00-23:59 (default 22:00)",
    "time_zone": "IANA time zone such as Europe/London (default: this machine's)",
    "days": "length of the plan: days, weeks like 12w or calendar months like 3m",
    "until": "last day of the plan, YYYY-MM-DD, or its length from the start like +3m",
    "form": "capsule (default), liquid, drops or cream",
    "strengths": "capsule strengths in mg, separated by ';'",
    "concentration": "mg per mL (liquid, cream) or mg per drop (drops)",
    "supply_days": "days each pharmacy fill covers, or weeks like 4w (default 30)",
    "lead_days": "days before a fill runs out to re-order (default 7)",
    "shelf_life_days": "days a liquid fill keeps (default 30)",
    "plan_id": "plan id (default: derived from the label and start date)",
    "revision": "revision of the plan (default 1)",
    "protocol_file_text": "the text of a protocol file (TOML) listing the steps, as '--protocol-file' reads it",
    "last_opioid_dose": "date of the last opioid dose, YYYY-MM-DD: the plan starts after the washout",
    "opioid": "the opioid that was stopped (with last_opioid_dose)",
    "washout_days": "days opioid-free before the first dose, 7-14 (default 7)",
    "review_after": "days (or weeks like 8w, calendar months like 2m) at the target before a review (default 60)",
    "no_review": "yes to plan no review",
}
_EXAMPLE_ROWS = (
    {"label": "Jane Doe", "start": "2026-12-01", "time_zone": "Europe/London",
     "conditions": "multiple sclerosis", "medications": "Copaxone; vitamin D"},
    {"label": "R. Alvarez", "start": "2027-01-04", "protocol": "gentle", "spasticity": "yes",
     "dose_time": "21:30", "time_zone": "America/New_York", "form": "liquid", "concentration": "1"},
)


def template() -> str:
    """A patients file to copy: comment lines documenting every column, the header, two example rows."""
    width = max(map(len, COLUMNS))
    lines = [
        "# titrate batch: one patient per row; run 'titrate batch THIS.csv --out DIR'.",
        "# Lines starting with '#' above the header are ignored. Keep only the columns you need, in any",
        "# order; an empty cell means the default. Cells that hold lists separate items with ';'.",
        *(f"#   {name:<{width}}  {_ABOUT.get(name, 'as the titrate plan option of this name')}" for name in COLUMNS),
    ]
    body = _csv_lines([COLUMNS, *([row.get(name, "") for name in COLUMNS] for row in _EXAMPLE_ROWS)])
    return "\n".join(lines) + "\n" + body


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# Reading the patients file ---------------------------------------------------------------------------


class Row(Record):
    """A data row: the file line it starts on and its non-empty cells by column."""

    line: int
    cells: dict[str, str]

    @property
    def label(self) -> str:
        return self.cells.get("label", "")


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of a patients file, one at a time; InputError naming the line when the file is malformed.

    Comment lines ('#') before the header are skipped, as are blank rows. A row with more or fewer cells
    than the header is malformed: a shifted column could put a medication where a dose belongs.
    """
    counter = _LineCounter(path)
    try:
        reader = csv.reader(counter, strict=True)
        header: list[str] | None = None
        while True:
            counter.row_start = 0
            cells = next(reader, None)
            if cells is None:
                break
            line = counter.row_start
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(cells, path, line)
                continue
            if len(cells) != len(header):
                raise InputError(f"{path}, line {line}: {len(cells)} cells where the header has {len(header)}")
            yield Row(line, {name: cell for name, cell in zip(header, cells) if cell.strip()})
        if header is None:
            raise InputError(f"{path}: no header line naming the columns (see 'titrate batch --template')")
    except csv.Error as error:
        raise InputError(f"{path}, line {counter.lines}: not valid CSV ({error})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}, line {counter.lines}: not UTF-8 text") from None
    finally:
        counter.close()


def check_file(path: Path) -> int:
    """The number of data rows, after reading the whole file once: a malformed file fails before any
    plan is made (InputError naming the line)."""
    return sum(1 for _ in read_rows(path))


class _LineCounter:
    """The file's lines for csv.reader, decoded one by one and counted, so that each row, and a byte that
    is not UTF-8, is named by its line."""

    def __init__(self, path: Path) -> None:
        try:
            self._file = path.open("rb")
        except OSError as error:
            raise InputError(f"cannot read {path}: {error.strerror}") from None
        self.lines = 0
        self.row_start = 0  # set to the line number of the first line a row reads
        self._in_header_comments = True

    def __iter__(self) -> _LineCounter:
        return self

    def __next__(self) -> str:
        while True:
            raw = next(self._file)
            self.lines += 1
            text = raw.decode("utf-8-sig" if self.lines == 1 else "utf-8")
            if self._in_header_comments and text.startswith("#"):
                continue
            self._in_header_comments = self._in_header_comments and not text.strip()
            self.row_start = self.row_start or self.lines
            return text

    def close(self) -> None:
        self._file.close()


def _header(cells: list[str], path: Path, line: int) -> list[str]:
    names = [cell.strip() for cell in cells]
    for name in names:
        if name not in COLUMNS:
            raise InputError(f"{path}, line {line}: unknown column {name!r}; known columns: {', '.join(COLUMNS)}")
        if names.count(name) > 1:
            raise InputError(f"{path}, line {line}: column {name!r} appears twice")
    # Said once, before any row is planned, not as every row refused for want of a start date.
    if "start" not in names and "last_opioid_dose" not in names:
        raise InputError(f"{path}, line {line}: the required column 'start' is missing (the date of the first "
                         "dose, YYYY-MM-DD; or last_opioid_dose, to start after the washout)")
    return names


# One row, in a worker --------------------------------------------------------------------------------


class BatchSettings(Record):
    """What every row shares: where and what to write, the clock and zone the shell read, and --force."""

    out: Path
    formats: tuple[str, ...]
    generated_at: datetime
    default_zone: str | None = None
    force: bool = False

    def __post_init__(self) -> None:
        unknown = [fmt for fmt in self.formats if fmt not in FORMATS]
        if unknown or not self.formats:
            raise InputError(f"formats are some of: {', '.join(FORMATS)} (got {', '.join(self.formats) or 'none'})",
                             field="formats")


class RowResult(Record):
    """How one row ended: planned (kept: its outputs were already there), refused (rule), invalid (field),
    or error (an I/O failure or a bug: rerun to retry). `folder` and `staged` carry a worker's files to
    the parent, which moves them into place."""

    line: int
    label: str
    status: str
    rule: str = ""
    field: str = ""
    message: str = ""
    plan_id: str = ""
    files: tuple[str, ...] = ()
    kept: bool = False
    folder: str = ""
    staged: tuple[tuple[str, str], ...] = ()

    def cells(self) -> list[str]:
        """The summary line, every cell safe to open in a spreadsheet."""
        return [str(self.line), *(spreadsheet_safe(text) for text in (
            self.label, self.status, self.rule, self.field, self.message, self.plan_id, ";".join(self.files)))]


def safe_label(label: str | None) -> str:
    """The label as a folder name: ASCII letters, digits and '-', at most 40 characters."""
    ascii_text = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or "patient"


def file_name(fmt: str) -> str:
    """plan.<extension>, with the format's name too when formats share an extension (plan.order.txt)."""
    extension = FORMATS[fmt].extension
    shared = sum(spec.extension == extension for spec in FORMATS.values()) > 1
    return f"plan.{fmt}.{extension}" if shared else f"plan.{extension}"


def plan_rows(rows: list[Row], settings: BatchSettings, staging: Path) -> list[RowResult]:
    """Each row's result, its files written into `staging`. Runs in a worker process; never raises."""
    return [plan_row(row, settings, staging) for row in rows]


def plan_row(row: Row, settings: BatchSettings, staging: Path) -> RowResult:
    """One row's plan, as a result record, its files staged: a failure is reported, never raised."""
    try:
        return _plan_row(row, settings, staging)
    except Exception as error:
        return RowResult(row.line, row.label, "error", message=f"{type(error).__name__}: {error}")


def _plan_row(row: Row, settings: BatchSettings, staging: Path) -> RowResult:
    try:
        plan = make_plan(parse_request(row.cells), generated_at=settings.generated_at,
                         default_zone=settings.default_zone)
    except InputError as error:
        column = _COLUMN_OF_FIELD.get(error.field or "", error.field or "")
        return RowResult(row.line, row.label, "invalid", field=column, message=str(error))
    except RefusedError as error:
        hint = f" To go ahead, add '{error.rule}: REASON' to the overrides cell." if error.overridable else ""
        return RowResult(row.line, row.label, "refused", rule=error.rule, message=error.detail + hint)
    folder = settings.out / f"{safe_label(plan.patient.label)}-{plan.plan_id}"
    names = {fmt: file_name(fmt) for fmt in settings.formats}
    # a first run finds no folder: one look instead of one per file
    rerun = not settings.force and folder.exists()
    missing = [fmt for fmt, name in names.items() if not rerun or not (folder / name).exists()]
    saved = folder / file_name("json")
    if missing and rerun and saved.exists():
        # A stopped run left the plan file: render the rest from it, so the folder's files agree.
        plan = read_plan(saved.read_text(encoding="utf-8"))
    staged = []
    for fmt in missing:
        temp = staging / f"{row.line}.{names[fmt]}"  # each row's staged names are its own
        write_new(temp, render_plan(plan, fmt).content)
        staged.append((str(temp), names[fmt]))
    return RowResult(row.line, row.label, "planned", plan_id=plan.plan_id,
                       files=tuple(f"{folder.name}/{name}" for name in names.values()), kept=not missing,
                       message="" if missing else "outputs already there, kept (force remakes them)",
                       folder=folder.name, staged=tuple(staged))


def place(result: RowResult, settings: BatchSettings, claims: Path) -> RowResult:
    """Move a planned row's staged files into its folder, in file order, so that when two rows make the
    same plan id the first one in the file keeps it, whichever worker finished first."""
    if result.status != "planned":
        return result
    try:
        earlier = _claim(claims, result.folder, result.line)
        if earlier is not None:
            return RowResult(result.line, result.label, "invalid", field="plan_id", plan_id=result.plan_id,
                             message=f"line {earlier} makes the same plan ({result.plan_id}); give this row "
                                     f"another label, start or plan_id")
        folder = settings.out / result.folder
        if result.staged:
            folder.mkdir(mode=0o700, exist_ok=True)
        for temp, name in result.staged:
            _move(Path(temp), folder / name, force=settings.force)
        return replace(result, folder="", staged=())
    except Exception as error:
        return RowResult(result.line, result.label, "error", plan_id=result.plan_id,
                         message=f"{type(error).__name__}: {error}")
    finally:
        for temp, _ in result.staged:
            with contextlib.suppress(FileNotFoundError):  # moved into place, or never written
                os.unlink(temp)


def _move(temp: Path, path: Path, *, force: bool) -> None:
    """Rename a written file into place; without `force`, never over a file that is there."""
    if force:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise InputError(f"{path} already exists; force overwrites it") from None
    except OSError:  # no hard links on this file system: check, then rename
        if os.path.lexists(path):
            raise InputError(f"{path} already exists; force overwrites it") from None
        os.replace(temp, path)


def _claim(claims: Path, name: str, line: int) -> int | None:
    """Claim an output folder for this run; the line that claimed it first if another row did.

    The claims live in the file system, not in memory, so a 100,000-row batch stays small. Each is a
    symbolic link whose target is the claiming line: made in one call and kept in its inode, where a
    file would take three calls and a block of its own.
    """
    try:
        os.symlink(str(line), claims / name)
        return None
    except FileExistsError:
        return int(os.readlink(claims / name))


# The whole batch --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    """How many rows ended each way; the exit status follows from them."""

    planned: int = 0
    kept: int = 0
    refused: int = 0
    invalid: int = 0
    error: int = 0

    def add(self, result: RowResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.kept += result.kept

    @property
    def rows(self) -> int:
        return self.planned + self.refused + self.invalid + self.error

    def exit_status(self) -> int:
        """0 when every row was planned, 3 when a rule refused or a row was invalid, 1 on an error."""
        return 1 if self.error else 3 if self.refused or self.invalid else 0

    def describe(self) -> str:
        kept = f" ({self.kept} already there, kept)" if self.kept else ""
        return (f"{self.rows} rows: {self.planned} planned{kept}, {self.refused} refused, {self.invalid} invalid"
                + (f", {self.error} failed (rerun to retry them)" if self.error else ""))


def run_batch(source: Path, settings: BatchSettings, *, jobs: int,
              on_result: Callable[[RowResult], None] = lambda result: None, checked: bool = False) -> Counts:
    """Plan every row of `source` into `settings.out`, with `jobs` worker processes; write summary.csv.

    The file is read through once before any plan is made (check_file; `checked` when the caller has
    just done so, to count the rows), so a malformed file (InputError naming the line) leaves nothing
    behind. summary.csv lists every row in file order and replaces the previous run's, which a rerun
    supersedes.
    """
    if not checked:
        check_file(source)
    settings.out.mkdir(mode=0o700, parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".batch-", dir=settings.out))
    (work / "claims").mkdir()
    (work / "staging").mkdir()
    summary_fd, summary_temp = tempfile.mkstemp(prefix=f".{SUMMARY}.", suffix=".tmp", dir=settings.out)
    counts = Counts()
    try:
        with os.fdopen(summary_fd, "w", encoding="utf-8", newline="") as summary:
            writer = csv.writer(summary, lineterminator="\r\n")
            writer.writerow(SUMMARY_COLUMNS)
            for group in _chunks(_results(read_rows(source), settings, work / "staging", jobs), SYNC_GROUP_ROWS):
                os.sync()  # the group's staged files reach the disk before any is placed: a placed file is whole
                for staged in group:
                    result = place(staged, settings, work / "claims")
                    writer.writerow(result.cells())
                    counts.add(result)
                    on_result(result)
            summary.flush()
            os.fsync(summary.fileno())
        os.replace(summary_temp, settings.out / SUMMARY)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.path.lexists(summary_temp):
            os.unlink(summary_temp)
    return counts


def _results(rows: Iterator[Row], settings: BatchSettings, staging: Path, jobs: int) -> Iterator[RowResult]:
    """Results in file order, with at most jobs x CHUNKS_IN_FLIGHT_PER_JOB chunks read ahead."""
    pool = _Pool(jobs)
    pending: deque[tuple[list[Row], Future[list[RowResult]]]] = deque()
    try:
        for chunk in _chunks(rows, CHUNK_ROWS):
            pending.append((chunk, pool.submit(chunk, settings, staging)))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                yield from _collect(*pending.popleft())
        while pending:
            yield from _collect(*pending.popleft())
    finally:
        pool.shutdown()


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _collect(chunk: list[Row], future: Future[list[RowResult]]) -> list[RowResult]:
    try:
        return future.result()
    except Exception as error:
        why = ("the worker process stopped before finishing this row" if isinstance(error, BrokenProcessPool)
               else f"{type(error).__name__}: {error}")
        return [RowResult(row.line, row.label, "error", message=f"{why}; rerun the batch to retry it")
                for row in chunk]


class _Pool:
    """A spawn-context process pool that replaces itself when a worker dies, so later rows still run."""

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._jobs, mp_context=get_context("spawn"))

    def submit(self, chunk: list[Row], settings: BatchSettings, staging: Path) -> Future[list[RowResult]]:
        try:
            return self._executor.submit(plan_rows, chunk, settings, staging)
        except BrokenProcessPool:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = self._new()
            return self._executor.submit(plan_rows, chunk, settings, staging)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
