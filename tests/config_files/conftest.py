"""Two real embedded services (staging and production) and the `mailconsole` command run against either."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mailconsole.cli import main
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.support import SECRETS_USED

ENVIRONMENT = ("MAILCONSOLE_API_HOST", "MAILCONSOLE_USERPOOL_ID", "MAILCONSOLE_USERPOOL_SECRET")


@dataclass
class Outcome:
    status: int
    out: str
    err: str


class Command:
    """``mailconsole`` in this process, pointed at one service through the MAILCONSOLE_* environment."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.no_secrets_file = tmp_path / "no-secrets.toml"
        for name in (*ENVIRONMENT, "MAILCONSOLE_TENANT_NAME", "SMTP_PASSWORD"):
            monkeypatch.delenv(name, raising=False)

    def __call__(self, service: RunningService, *args: str) -> Outcome:
        self.monkeypatch.setenv("MAILCONSOLE_API_HOST", service.base_url)
        self.monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", service.userpool.id)
        self.monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", service.userpool.secret)
        self.capsys.readouterr()
        status = main([*args, "--secrets", str(self.no_secrets_file)])
        captured = self.capsys.readouterr()
        return Outcome(status, captured.out, captured.err)


@pytest.fixture
def mailconsole(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Command:
    return Command(monkeypatch, capsys, tmp_path)


def _service(directory: Path) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=directory))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture
def staging(tmp_path: Path) -> Iterator[RunningService]:
    yield from _service(tmp_path / "staging")


@pytest.fixture
def production(tmp_path: Path) -> Iterator[RunningService]:
    yield from _service(tmp_path / "production")
