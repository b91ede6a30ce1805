"""Schema migrations: a data dir made by the SQLite-only release upgrades in place, a fresh database gets the same
tables on both back ends, and replicas starting together migrate once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, inspect

from mailconsole.models import EmailTemplate
from mailconsole.service import migrate
from mailconsole.service.app import PoolOrigin, create_app
from mailconsole.service.database import Database, database_url
from mailconsole.service.secret_box import SecretBox, SecretKeyError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool
from tests.support import run_in_threads

# The schema as the release before migrations created it (its store.py's _SCHEMA, verbatim).
SCHEMA_BEFORE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS userpools (
    id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    app_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS service_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS providers (
    userpool_id TEXT PRIMARY KEY REFERENCES userpools(id),
    settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS templates (
    userpool_id TEXT NOT NULL REFERENCES userpools(id),
    type TEXT NOT NULL,
    template TEXT NOT NULL,
    PRIMARY KEY (userpool_id, type)
);
CREATE TABLE IF NOT EXISTS sends (
    userpool_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (userpool_id, channel, mailbox)
);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    userpool_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_pool ON outbox (userpool_id, seq);
CREATE TABLE IF NOT EXISTS versions (
    userpool_id TEXT NOT NULL,
    item TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (userpool_id, item)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    userpool_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_pool ON audit (userpool_id, seq);
CREATE INDEX IF NOT EXISTS audit_by_kind ON audit (userpool_id, kind, seq);
"""
MFA = "MFA_VERIFY_CODE"


def tables_and_columns(target: Path | str) -> dict[str, list[str]]:
    engine = create_engine(database_url(target))
    try:
        schema = inspect(engine)
        return {
            table: [column["name"] for column in schema.get_columns(table)]
            for table in sorted(schema.get_table_names())
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_data_dir_of_the_release_before_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "data" / "mailconsole.sqlite3"
    path.parent.mkdir()
    box = SecretBox("k")
    template = EmailTemplate(customize_enabled=True, type=MFA, name="MFA", subject="kept", sender="", content="x")
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_BEFORE_MIGRATIONS)
        db.execute("INSERT INTO userpools VALUES ('pool', ?, 'Acme', 'app')", (box.seal("pool-secret-1"),))
        db.execute("INSERT INTO templates VALUES ('pool', ?, ?)", (MFA, template.model_dump_json(by_alias=True)))
        db.execute("INSERT INTO versions VALUES ('pool', ?, 3)", (f"template:{MFA}",))
        db.execute("INSERT INTO sends VALUES ('pool', 'CHANNEL_LOGIN', 'a@b.example', 1.5)")
    db.close()
    before = tables_and_columns(path)

    store = Store(path, box)
    try:
        assert store.userpool("pool") == Userpool("pool", "pool-secret-1", "Acme", "app")
        assert store.versioned_template("pool", MFA) == (template, 3)
        assert store.save_template("pool", template, base_version=3) == 4
    finally:
        store.close()
    database = Database(path)
    try:
        assert migrate.current(database) == migrate.head()
    finally:
        database.close()
    after = tables_and_columns(path)
    assert {table: after[table] for table in before} == before  # every old table and column, as it was


def test_a_fresh_database_has_the_tables_of_the_release_before(database: Path | str, tmp_path: Path) -> None:
    """The baseline is that schema, on either back end (later revisions may add to it)."""
    legacy = tmp_path / "legacy.sqlite3"
    with sqlite3.connect(legacy) as db:
        db.executescript(SCHEMA_BEFORE_MIGRATIONS)
    db.close()
    Store(database, SecretBox("k")).close()
    fresh = tables_and_columns(database)
    expected = tables_and_columns(legacy)
    assert {table: fresh[table] for table in expected} == expected


def test_replicas_starting_together_migrate_once(database: Path | str) -> None:
    """Eight stores opened at once on one empty database: all start, the schema is current, nothing failed."""
    errors: list[BaseException] = []
    stores: list[Store] = []
    lock = threading.Lock()

    def open_one() -> None:
        try:
            store = Store(database, SecretBox("k"))
        except BaseException as err:
            with lock:
                errors.append(err)
            return
        with lock:
            stores.append(store)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(stores) == 8
        database_ = Database(database)
        try:
            assert migrate.is_current(database_)
        finally:
            database_.close()
    finally:
        for store in stores:
            store.close()


@pytest.mark.sqlite_only
def test_a_wrong_key_on_a_data_dir_from_before_the_key_check_leaves_no_check_behind(tmp_path: Path) -> None:
    """The release before stored no key check: started once with a wrong key, it must still open with the right."""
    path = tmp_path / "data" / "mailconsole.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_BEFORE_MIGRATIONS)
        db.execute("INSERT INTO userpools VALUES ('pool', ?, 'Acme', 'app')", (SecretBox("right").seal("s-1"),))
    db.close()
    with pytest.raises(SecretKeyError):
        Store(path, SecretBox("wrong"))
    store = Store(path, SecretBox("right"))
    try:
        assert store.userpool("pool") == Userpool("pool", "s-1", "Acme", "app")
    finally:
        store.close()


def test_replicas_starting_together_on_an_empty_database_serve_one_generated_pool(
    service_settings: ServiceSettings,
) -> None:
    apps: list[FastAPI] = []
    lock = threading.Lock()

    def start(_: int) -> None:
        app = create_app(service_settings)
        with lock:
            apps.append(app)

    run_in_threads(start, 8)
    try:
        assert len(apps) == 8
        assert len({app.state.userpool for app in apps}) == 1
        assert [app.state.userpool_origin for app in apps].count(PoolOrigin.GENERATED) == 1
    finally:
        for app in apps:
            app.state.store.close()
