"""Fixtures shared by the suite: a real embedded service on a free loopback port, clients of it, and a real SMTP
server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

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
from tests.support import free_port


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    """A throwaway CA (per module) that signs the test mail servers' certificates."""
    return ThrowawayCA()


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path / "data")


@pytest.fixture
def service(service_settings: ServiceSettings) -> Iterator[RunningService]:
    running = start_service(service_settings)
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

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
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
