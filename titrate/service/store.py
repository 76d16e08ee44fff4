"""The patient store: one SQLite file (standard library only) holding patients, plans and every revision.

Each plan revision is kept as the service's plan JSON, the source of truth every format renders from.
Every save is one transaction, so stopping the server (Ctrl-C, SIGTERM) mid-request loses nothing that
was acknowledged and leaves nothing half-written. WAL mode lets pages read while a save writes; the
schema carries a version and only ever migrates forward.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from titrate.core.record import Record
from titrate.errors import ConflictError, NotFoundError, StoreError

#: The store's errors belong to the one family (titrate.errors); named here too, for callers of the store.
__all__ = ["ConflictError", "NotFoundError", "PatientRow", "PlanRow", "RevisionRow", "Store", "StoreError"]

#: Forward migrations: MIGRATIONS[n] takes the schema from version n to n + 1. Never edit one that shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE patients (
               id INTEGER PRIMARY KEY,
               label TEXT NOT NULL CHECK (length(trim(label)) > 0),
               created_at TEXT NOT NULL)""",
        "CREATE INDEX patients_by_label ON patients (label COLLATE NOCASE)",
        """CREATE TABLE plans (
               plan_id TEXT PRIMARY KEY,
               patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE RESTRICT,
               created_at TEXT NOT NULL)""",
        "CREATE INDEX plans_by_patient ON plans (patient_id)",
        """CREATE TABLE revisions (
               plan_id TEXT NOT NULL REFERENCES plans (plan_id) ON DELETE RESTRICT,
               revision INTEGER NOT NULL CHECK (revision >= 1),
               plan_json TEXT NOT NULL,
               change TEXT NOT NULL,
               reason TEXT NOT NULL DEFAULT '',
               saved_at TEXT NOT NULL,
               PRIMARY KEY (plan_id, revision))""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction taken up front (IMMEDIATE), so a check and the write it guards cannot interleave
    with another save; rolled back on any error."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


class PatientRow(Record):
    id: int
    label: str
    created_at: str
    plans: int = 0
    last_saved: str | None = None


class PlanRow(Record):
    plan_id: str
    patient_id: int
    created_at: str
    latest: int


class RevisionRow(Record):
    plan_id: str
    revision: int
    plan_json: str
    change: str
    reason: str
    saved_at: str


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """The database at `path`, created and migrated on first use. Safe to share between threads: each
    operation opens its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # It names patients: readable by this user only (SQLite gives its -wal and -shm files the same mode).
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        try:
            with self._connect() as connection:
                connection.execute("PRAGMA journal_mode = WAL")
                self._migrate(connection)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path} is not a titrate database ({error})") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.row_factory = sqlite3.Row
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on a connection of its own (see _immediate)."""
        with self._connect() as connection, _immediate(connection):
            yield connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        with _immediate(connection):
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = connection.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if row is None:
                connection.execute("INSERT INTO schema_version (version) VALUES (0)")
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was made by a newer titrate (schema {version}; this one reads up to "
                                 f"{SCHEMA_VERSION})")
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    connection.execute(statement)
            connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    def schema_version(self) -> int:
        with self._connect() as connection:
            return int(connection.execute("SELECT version FROM schema_version").fetchone()[0])

    # Patients -------------------------------------------------------------------------------------

    def patients(self, search: str = "") -> list[PatientRow]:
        """Patients whose label contains `search` (any case), most recently saved first."""
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._connect() as connection:
            rows = connection.execute(
                """SELECT p.id, p.label, p.created_at, COUNT(DISTINCT pl.plan_id) AS plans,
                          MAX(r.saved_at) AS last_saved
                   FROM patients p LEFT JOIN plans pl ON pl.patient_id = p.id
                        LEFT JOIN revisions r ON r.plan_id = pl.plan_id
                   WHERE p.label LIKE ? ESCAPE '\\'
                   GROUP BY p.id ORDER BY COALESCE(MAX(r.saved_at), p.created_at) DESC, p.id DESC""",
                (pattern,)).fetchall()
        return [PatientRow(**dict(row)) for row in rows]

    def patient(self, patient_id: int) -> PatientRow:
        with self._connect() as connection:
            row = connection.execute("SELECT id, label, created_at FROM patients WHERE id = ?",
                                     (patient_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no patient {patient_id}")
        return PatientRow(**dict(row))

    # Plans and revisions --------------------------------------------------------------------------

    def plans_of(self, patient_id: int) -> list[PlanRow]:
        with self._connect() as connection:
            rows = connection.execute(
                """SELECT pl.plan_id, pl.patient_id, pl.created_at, MAX(r.revision) AS latest
                   FROM plans pl JOIN revisions r ON r.plan_id = pl.plan_id
                   WHERE pl.patient_id = ? GROUP BY pl.plan_id ORDER BY pl.created_at DESC, pl.plan_id""",
                (patient_id,)).fetchall()
        return [PlanRow(**dict(row)) for row in rows]

    def plan(self, plan_id: str) -> PlanRow:
        with self._connect() as connection:
            row = connection.execute(
                """SELECT pl.plan_id, pl.patient_id, pl.created_at, MAX(r.revision) AS latest
                   FROM plans pl JOIN revisions r ON r.plan_id = pl.plan_id
                   WHERE pl.plan_id = ? GROUP BY pl.plan_id""", (plan_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no plan {plan_id!r}")
        return PlanRow(**dict(row))

    def revisions(self, plan_id: str) -> list[RevisionRow]:
        """Every revision of the plan, oldest first."""
        with self._connect() as connection:
            rows = connection.execute("SELECT * FROM revisions WHERE plan_id = ? ORDER BY revision",
                                      (plan_id,)).fetchall()
        if not rows:
            raise NotFoundError(f"no plan {plan_id!r}")
        return [RevisionRow(**dict(row)) for row in rows]

    def revision(self, plan_id: str, revision: int | None = None) -> RevisionRow:
        """One revision of the plan; the latest when `revision` is None."""
        with self._connect() as connection:
            if revision is None:
                row = connection.execute("SELECT * FROM revisions WHERE plan_id = ? ORDER BY revision DESC LIMIT 1",
                                         (plan_id,)).fetchone()
            else:
                row = connection.execute("SELECT * FROM revisions WHERE plan_id = ? AND revision = ?",
                                         (plan_id, revision)).fetchone()
        if row is None:
            raise NotFoundError(f"no plan {plan_id!r}" + (f" revision {revision}" if revision is not None else ""))
        return RevisionRow(**dict(row))

    def create_plan(self, *, patient_id: int | None, label: str, plan_id: str, revision: int,
                    plan_json: str) -> tuple[int, str]:
        """Save a new plan (and a new patient when `patient_id` is None) in one transaction; returns the
        patient id and plan id. A plan id already in the store is a ConflictError: calendars key events by it."""
        with self._transaction() as connection:
            if patient_id is None:
                patient_id = connection.execute("INSERT INTO patients (label, created_at) VALUES (?, ?)",
                                                (label, _now())).lastrowid
            elif connection.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone() is None:
                raise NotFoundError(f"no patient {patient_id}")
            if connection.execute("SELECT 1 FROM plans WHERE plan_id = ?", (plan_id,)).fetchone():
                raise ConflictError(f"a plan with id {plan_id!r} is already saved; open it, or give another plan id")
            connection.execute("INSERT INTO plans (plan_id, patient_id, created_at) VALUES (?, ?, ?)",
                               (plan_id, patient_id, _now()))
            connection.execute(
                "INSERT INTO revisions (plan_id, revision, plan_json, change, saved_at) VALUES (?, ?, ?, ?, ?)",
                (plan_id, revision, plan_json, "created", _now()))
        assert patient_id is not None
        return patient_id, plan_id

    def add_revision(self, *, plan_id: str, based_on: int, revision: int, plan_json: str, change: str,
                     reason: str) -> None:
        """Save a new revision made from revision `based_on`; a ConflictError (saving nothing) unless
        `based_on` is still the latest, so a second clinician's stale edit never overwrites the first's."""
        with self._transaction() as connection:
            row = connection.execute("SELECT MAX(revision) FROM revisions WHERE plan_id = ?", (plan_id,)).fetchone()
            if row[0] is None:
                raise NotFoundError(f"no plan {plan_id!r}")
            if row[0] != based_on:
                raise ConflictError(f"plan {plan_id!r} changed while you were editing: revision {row[0]} is now the "
                               f"latest, and this change was made from revision {based_on}", latest=row[0])
            connection.execute(
                "INSERT INTO revisions (plan_id, revision, plan_json, change, reason, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (plan_id, revision, plan_json, change, reason, _now()))
