"""Where the service's state lives: a SQLite file in the data dir (the default, one machine) or a PostgreSQL
database that several replicas share. ``Database`` hands the store its transactions the same way on both; the
SQL the store runs is the common dialect of the two (``ON CONFLICT``, ``RETURNING``).

SQLite: one connection behind a lock (the service's threads take turns), writes in ``BEGIN IMMEDIATE`` so a second
process on the same file cannot interleave its writes. PostgreSQL: a pool of connections, each checked before use
(``pool_pre_ping``: a connection the database dropped on a restart is replaced, not handed out), and the
database's own row locks and atomic statements for what must be true once across replicas.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool


class DatabaseUrlError(ValueError):
    """A database URL the service cannot use."""


def database_url(target: Path | str) -> URL:
    """A SQLite file's path, or a ``sqlite:///…`` / ``postgresql://…`` URL, as the URL the engine is made from."""
    if isinstance(target, Path):
        return URL.create("sqlite", database=str(target))
    try:
        url = make_url(target)
    except Exception:
        raise DatabaseUrlError(
            "MAILCONSOLE_DATABASE_URL: give postgresql://user:password@host:port/database or sqlite:///path"
        ) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.database:
        return url.set(drivername="sqlite")
    raise DatabaseUrlError(
        f"MAILCONSOLE_DATABASE_URL: {backend!r} is not supported; give postgresql://user:password@host:port/database"
        " or sqlite:///path"
    )


def database_unavailable(err: BaseException) -> bool:
    """Whether ``err`` says the database cannot be reached (down, restarting, a dropped connection, no connection
    free in the pool, SQLite busy past its timeout): the request may be tried again, the service is not at fault."""
    return isinstance(err, exc.OperationalError | exc.InterfaceError | exc.TimeoutError) or (
        isinstance(err, exc.DBAPIError) and err.connection_invalidated
    )


class Database:
    def __init__(self, target: Path | str) -> None:
        self.url = database_url(target)
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        self._lock: AbstractContextManager[Any]
        if self.is_postgres:
            self.path: Path | None = None
            self.engine = create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=10,
                max_overflow=10,
                pool_timeout=10,
                connect_args=_PG_CONNECT,
                hide_parameters=True,  # an error's message must not quote the values (outbox mails hold codes)
            )
            self._lock = nullcontext()
        else:
            self.path = Path(str(self.url.database))
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _owner_only(self.path)
            self.engine = create_engine(
                self.url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False, "timeout": 10},
                hide_parameters=True,
            )
            event.listen(self.engine, "connect", _sqlite_connected)
            event.listen(self.engine, "begin", _sqlite_begin)
            self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._lock, self.engine.connect() as connection:
            connection.execution_options(writes=True)
            with connection.begin():
                yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads (a read that must be consistent is one statement). On PostgreSQL in autocommit:
        no BEGIN and ROLLBACK around it, two round trips fewer per read."""
        with self._lock, self.engine.connect() as connection:
            if self.is_postgres:
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    def compact(self) -> None:
        """SQLite: rebuild the file and truncate its log, so no freed page keeps an old value."""
        if self.is_postgres:
            return
        with self._lock:
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()

    def close(self) -> None:
        self.engine.dispose()


# A request does not hang for minutes when the database is unreachable: it fails fast and the caller gets a 503.
_PG_CONNECT = {"connect_timeout": 5}


def _sqlite_connected(dbapi_connection: Any, record: Any) -> None:
    dbapi_connection.isolation_level = None  # the store says when a transaction begins (below), not the driver
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    # Pages freed by an update are zeroed, so an old value does not linger in the file.
    dbapi_connection.execute("PRAGMA secure_delete=ON")


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get("writes", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _owner_only(path: Path) -> None:
    """The database readable by the service's user only (outbox mails hold verification codes): created 0600, and
    tightened if an older version left it wider. SQLite gives its -wal and -shm files the database's mode."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)
