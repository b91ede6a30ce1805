"""Schema migrations (Alembic, in ``migrations/`` inside this package, so they work installed): applied at start-up,
by one process at a time, on SQLite and PostgreSQL alike.

The lock: on PostgreSQL a transaction-scoped advisory lock, on SQLite the ``BEGIN IMMEDIATE`` of the migration's
transaction (both back ends run DDL inside a transaction). A replica that waited finds the schema current and does
nothing. A SQLite data dir made before migrations existed has the baseline's tables and no ``alembic_version``:
it is stamped at the baseline, then upgraded like any other.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from mailconsole.service.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
# Any fixed number, the same in every replica: pg_advisory_xact_lock's key for "migrating mailconsole's schema".
_MIGRATION_LOCK = 0x6D61696C  # "mail"


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert revision is not None
    return revision


def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision; returns once it is (whoever applied it)."""
    with database.transaction() as connection:
        if database.is_postgres:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        tables = inspect(connection).get_table_names()
        config = alembic_config(connection)
        if "alembic_version" not in tables and "userpools" in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")


def current(database: Database) -> str | None:
    with database.reading() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(database: Database) -> bool:
    return current(database) == head()
