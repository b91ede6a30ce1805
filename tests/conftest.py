"""Fixtures shared by the suite: a real embedded service on a free loopback port, clients of it, and a real SMTP
server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.mail_servers import ThrowawayCA
from tests.support import SECRETS_USED, free_port


class _EveryRecord(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(_NOT_OURS):
            self.texts.append(self.format(record))


# The test SMTP server (aiosmtpd) is not ours: what it logs of a session is the test tool's business.
_NOT_OURS = ("mail.log",)


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log_or_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Issue 6's sweep: after the whole suite, no log record (from INFO up) and no file the suite left in its
    temporary directories (databases, server logs) contains a secret a test handed to the service."""
    handler = _EveryRecord()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(min(level, logging.INFO) or logging.INFO)
    yield
    root.removeHandler(handler)
    root.setLevel(level)
    secrets = {secret for secret in SECRETS_USED if len(secret) >= 8}
    in_logs = [(secret, text[:200]) for text in handler.texts for secret in secrets if secret in text]
    assert in_logs == [], "secrets in log records"
    in_files = [
        (str(path), secret)
        for path in tmp_path_factory.getbasetemp().rglob("*")
        if path.is_file() and path.name != "secrets.toml"
        for secret in secrets
        if secret.encode() in path.read_bytes()
    ]
    assert in_files == [], "secrets in files the suite left"


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    """A throwaway CA (per module) that signs the test mail servers' certificates."""
    return ThrowawayCA()


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    # The suite reads the English built-in mails; a pool is zh-CN unless set (tests/service/test_languages.py)
    return ServiceSettings(data_dir=tmp_path / "data", pool_language="en-US")


@pytest.fixture
def service(service_settings: ServiceSettings) -> Iterator[RunningService]:
    running = start_service(service_settings)
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture
def management(service: RunningService) -> Iterator[ManagementClient]:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client:
        yield client


@pytest.fixture
def authentication(service: RunningService) -> Iterator[AuthenticationClient]:
    client = AuthenticationClient(service.userpool.app_id, service.base_url)
    yield client
    client.close()


@dataclass
class Inbox:
    """What the test SMTP server received: the envelope and the parsed message of each mail."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each mail's DATA as it came over the wire

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content)
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox
    user: str
    password: str


SMTP_USER = "mailer@example.com"
SMTP_PASSWORD = "smtp-pw-7Qz"
SECRETS_USED.add(SMTP_PASSWORD)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server that requires AUTH (PLAIN or LOGIN) with SMTP_USER / SMTP_PASSWORD."""
    inbox = Inbox()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            SMTP_USER,
            SMTP_PASSWORD,
        )
        if ok:
            inbox.logins.append(SMTP_USER)
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    yield SmtpServer("127.0.0.1", port, inbox, SMTP_USER, SMTP_PASSWORD)
    controller.stop()
