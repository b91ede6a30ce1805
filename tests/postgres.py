"""A throwaway PostgreSQL cluster for the tests: Debian's postgresql package, a new cluster in a temporary directory
on a free loopback port, run as a non-root user (PostgreSQL refuses root, and CI runs as root), removed at the end.
Each test gets its own database in it."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from mailconsole.service.settings import ServiceSettings
from tests.support import free_port


def postgres_bin() -> Path | None:
    """The newest installed server's bin directory (Debian keeps each major version apart), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parent.parent.name))
    return found[-1].parent if found else None


class ThrowawayPostgres:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        # Under /tmp itself: pytest's own temporary directories are root's, closed to the server's user.
        self.root = Path(tempfile.mkdtemp(prefix="mailconsole-pg-"))
        self.data = self.root / "data"
        self._as_server_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
        self._names = itertools.count()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_server_user, str(self.bin_dir / tool), *args]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        # Durability is not what these tests measure: no fsync keeps a database per test cheap.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database; its URL."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def rows_holding(url: str, *needles: str) -> list[tuple[str, str]]:
    """(table, needle) for every needle found in any row of any table of the database, as text."""
    found = []
    with psycopg.connect(url) as connection:
        tables = [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            rows = connection.execute(f'SELECT t::text FROM "{table}" t').fetchall()  # type: ignore[arg-type]  # noqa: S608
            found += [(table, needle) for needle in needles if any(needle in row[0] for row in rows)]
    return found


def at_rest_holding(settings: ServiceSettings, *needles: str) -> list[tuple[str, str]]:
    """(file or table, needle) for every needle the service keeps at rest: in any file of its data dir, and on
    PostgreSQL in any row of its database."""
    files = [path for path in settings.data_dir.rglob("*") if path.is_file()]
    found = [(path.name, needle) for path in files for needle in needles if needle.encode() in path.read_bytes()]
    if settings.database_url:
        found += rows_holding(settings.database_url.get_secret_value(), *needles)
    return found
