"""The load balancer's probes: liveness always, readiness only with the database reachable and its schema current
(the database restart is in test_replicas.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
from alembic import command

from mailconsole.service import migrate
from mailconsole.service.database import Database
from mailconsole.service.embedded import RunningService


def test_a_running_service_is_live_and_ready(service: RunningService) -> None:
    assert httpx.get(f"{service.base_url}/local/v1/health").json() == {"status": "ok"}
    ready = httpx.get(f"{service.base_url}/local/v1/ready")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_a_schema_behind_this_version_is_not_ready(service: RunningService, database: Path | str) -> None:
    behind = Database(database)
    try:
        with behind.transaction() as connection:
            command.downgrade(migrate.alembic_config(connection), migrate.BASELINE)
        reply = httpx.get(f"{service.base_url}/local/v1/ready")
        assert reply.status_code == 503
        assert reply.json()["message"] == (
            f"The database schema is at revision {migrate.BASELINE}, this version needs {migrate.head()}."
        )
        assert httpx.get(f"{service.base_url}/local/v1/health").status_code == 200
        migrate.upgrade(behind)
        assert httpx.get(f"{service.base_url}/local/v1/ready").status_code == 200
    finally:
        behind.close()
