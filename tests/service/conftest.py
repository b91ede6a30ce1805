"""The service's tests run on both back ends: every test that uses ``database`` (and so ``service_settings``,
``service``) runs once on SQLite and once on a throwaway PostgreSQL. A test about the SQLite file itself is marked
``sqlite_only``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from mailconsole.service.settings import ServiceSettings
from tests.postgres import ThrowawayPostgres, postgres_bin


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    server = ThrowawayPostgres(bin_dir)
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """What a store opens: the SQLite file in a fresh data dir, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return tmp_path / "data" / "mailconsole.sqlite3"
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about the SQLite file in the data dir")
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def service_settings(database: str | Path, tmp_path: Path) -> ServiceSettings:
    # The suite reads the English built-in mails (a zh-CN pool is tested in test_pool_language.py).
    if isinstance(database, Path):
        return ServiceSettings(data_dir=database.parent, pool_language="en-US")
    # PostgreSQL takes its sealing key from the environment; the data dir then holds nothing.
    return ServiceSettings(
        data_dir=tmp_path / "data",
        database_url=SecretStr(database),
        secret_key=SecretStr("test sealing key"),
        pool_language="en-US",
    )
