"""The patient store on a real SQLite file: WAL, foreign keys, forward migrations, one transaction a save."""

from __future__ import annotations

import sqlite3

import pytest

from titrate.service import store as store_module
from titrate.service.store import SCHEMA_VERSION, ConflictError, NotFoundError, Store, StoreError


def save(store, plan_id="p-1", patient_id=None, label="Ann"):
    return store.create_plan(patient_id=patient_id, label=label, plan_id=plan_id, revision=1, plan_json="{}")


def test_a_new_database_is_wal_with_the_current_schema(tmp_path):
    store = Store(tmp_path / "deep" / "er" / "t.db")
    assert store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_database_is_readable_by_its_user_only(tmp_path):
    store = Store(tmp_path / "new" / "t.db")
    with store._connect() as connection:  # the write-ahead log exists while a connection is open
        connection.execute("INSERT INTO patients (label, created_at) VALUES ('Ann', 'now')")
        for path in (store.path, store.path.with_name("t.db-wal"), store.path.parent):
            assert path.stat().st_mode & 0o077 == 0, path


def test_foreign_keys_are_enforced(tmp_path):
    store = Store(tmp_path / "t.db")
    with store._connect() as connection, pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO plans (plan_id, patient_id, created_at) VALUES ('x', 42, 'now')")


def test_reopening_keeps_the_data_and_runs_no_migration_twice(tmp_path):
    save(Store(tmp_path / "t.db"))
    again = Store(tmp_path / "t.db")
    assert [p.label for p in again.patients()] == ["Ann"] and again.schema_version() == SCHEMA_VERSION


def test_migrations_run_forward_from_an_older_schema(tmp_path, monkeypatch):
    first, *_ = store_module.MIGRATIONS
    monkeypatch.setattr(store_module, "MIGRATIONS", (first,))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    save(Store(tmp_path / "t.db"))
    later = (first, ("ALTER TABLE patients ADD COLUMN note TEXT NOT NULL DEFAULT ''",))
    monkeypatch.setattr(store_module, "MIGRATIONS", later)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    store = Store(tmp_path / "t.db")
    assert store.schema_version() == 2
    with store._connect() as connection:
        assert [tuple(row) for row in connection.execute("SELECT label, note FROM patients")] == [("Ann", "")]


def test_a_database_from_a_newer_titrate_is_refused_untouched(tmp_path):
    Store(tmp_path / "t.db")
    with sqlite3.connect(tmp_path / "t.db") as raw:
        raw.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="newer titrate"):
        Store(tmp_path / "t.db")
    with sqlite3.connect(tmp_path / "t.db") as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchone()[0] == 99


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    (tmp_path / "notes.db").write_bytes(b"patient notes, not SQLite\n" * 100)
    with pytest.raises(StoreError, match="not a titrate database"):
        Store(tmp_path / "notes.db")
    assert (tmp_path / "notes.db").read_bytes() == b"patient notes, not SQLite\n" * 100


def test_a_taken_plan_id_saves_nothing_not_even_the_new_patient(tmp_path):
    store = Store(tmp_path / "t.db")
    save(store)
    with pytest.raises(ConflictError):
        save(store, label="Bob")
    assert [p.label for p in store.patients()] == ["Ann"]


def test_a_revision_made_from_a_stale_one_is_a_conflict_and_keeps_the_first(tmp_path):
    store = Store(tmp_path / "t.db")
    save(store)
    store.add_revision(plan_id="p-1", based_on=1, revision=2, plan_json='{"first": 1}', change="hold", reason="a")
    with pytest.raises(ConflictError) as caught:
        store.add_revision(plan_id="p-1", based_on=1, revision=2, plan_json='{"second": 1}', change="stop",
                           reason="b")
    assert caught.value.latest == 2
    assert [(r.revision, r.plan_json) for r in store.revisions("p-1")] == [(1, "{}"), (2, '{"first": 1}')]
    with pytest.raises(NotFoundError):
        store.add_revision(plan_id="nope", based_on=1, revision=2, plan_json="{}", change="hold", reason="")


def test_lookups_of_missing_things_raise_not_found(tmp_path):
    store = Store(tmp_path / "t.db")
    save(store)
    for lookup in (lambda: store.patient(7), lambda: store.plan("x"), lambda: store.revisions("x"),
                   lambda: store.revision("p-1", 2), lambda: store.revision("x"),
                   lambda: save(store, "p-2", patient_id=7)):
        with pytest.raises(NotFoundError):
            lookup()
