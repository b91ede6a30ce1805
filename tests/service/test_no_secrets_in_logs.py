"""No log line and no output of the service carries a secret: the pool's access key secret, a management token,
an SMTP password, a SendGrid key. A real service runs with every logger at DEBUG and uvicorn's access log on,
while the typed client (httpx, httpcore, also at DEBUG) talks to it, including an unexpected error whose
exception, left to pydantic, would quote a stored password."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import ValidationError

from mailconsole import AuthenticationClient, ManagementClient, ProviderError
from mailconsole.models import EmailProvider, SendGridConfig, SmtpConfig
from mailconsole.service.app import create_app
from mailconsole.service.settings import ServiceSettings
from tests.conftest import SmtpServer
from tests.support import free_port

POOL_ID = "pool-log-test"
POOL_SECRET = "pool-secret-Vq83NzKd"
APP_ID = "app-log-test"
SENDGRID_KEY = "SG.sendgrid-key-Hw51Tx"
SETUP_PASSWORD = "setup-pass-Rk27Lm"
# Every management token this service signs starts with the base64 of its JWT header.
JWT_START = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "mailconsole", "httpx", "httpcore")


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def loud_service(tmp_path: Path, debug_logs: pytest.LogCaptureFixture) -> Iterator[tuple[str, ServiceSettings]]:
    """The service as ``mailconsole serve`` runs it, but at DEBUG, with records left to propagate to the test."""
    settings = ServiceSettings(
        data_dir=tmp_path,
        listen_host="127.0.0.1",  # as serve's default: the test's mail servers on loopback may be reached
        userpool_id=POOL_ID,
        userpool_secret=POOL_SECRET,
        app_id=APP_ID,
        smtp_timeout=2,
        sendgrid_api_base=f"http://127.0.0.1:{free_port()}",  # nobody listens: the send fails
    )
    app = create_app(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="debug", access_log=True, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", settings
    server.should_exit = True
    thread.join(timeout=10)


def test_no_secret_reaches_a_log_or_the_output(
    loud_service: tuple[str, ServiceSettings],
    debug_logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    smtp_server: SmtpServer,
) -> None:
    base_url, settings = loud_service
    token_path = "/api/v3/get-management-token"
    with httpx.Client(base_url=base_url) as http:
        for wrong in ("wrong-secret-1", "wrong-secret-2"):
            assert (
                http.post(token_path, json={"accessKeyId": POOL_ID, "accessKeySecret": wrong}).json()["statusCode"]
                == 401
            )
        token = http.post(token_path, json={"accessKeyId": POOL_ID, "accessKeySecret": POOL_SECRET}).json()["data"][
            "access_token"
        ]
        assert token.startswith(JWT_START)

        with (
            ManagementClient(base_url, POOL_ID, POOL_SECRET) as management,
            AuthenticationClient(APP_ID, base_url) as authentication,
        ):
            # A real SMTP login with the password, then SendGrid with its key (to a closed port: a failure).
            smtp = SmtpConfig(
                smtp_host=smtp_server.host,
                smtp_port=smtp_server.port,
                sender=smtp_server.user,
                sender_pass=smtp_server.password,
                secure=False,
                from_address="no-reply@example.com",
            )
            management.config_email_provider(type="custom", enabled=True, smtp_config=smtp)
            authentication.send_email("CHANNEL_LOGIN", "alice@example.com")
            assert smtp_server.inbox.logins == [smtp_server.user]
            sendgrid = SendGridConfig(sender="no-reply@example.com", apikey=SENDGRID_KEY)
            management.config_email_provider(type="sendgrid", enabled=True, send_grid_config=sendgrid)
            with pytest.raises(ProviderError):
                authentication.send_email("CHANNEL_REGISTER", "bob@example.com")

        # The SMTP set-up API, its token in the header and a password in the body.
        setup = {"host": "smtp.example.com", "from": "a@example.com", "user": "a", "password": SETUP_PASSWORD}
        reply = http.post(
            f"/auth/realms/{POOL_ID}/mail/setup", json=setup, headers={"authorization": f"Bearer {token}"}
        )
        assert reply.status_code == 200

        # An unexpected error: a stored provider that no longer validates, because of its SMTP password.
        corrupt = break_stored_provider(settings)
        with pytest.raises(ValidationError) as caught:
            EmailProvider.model_validate_json(corrupt)
        assert SETUP_PASSWORD in str(caught.value)  # what a plain traceback would have logged
        reply = http.get("/api/v3/get-email-provider", headers={"authorization": f"Bearer {token}"})
        assert reply.json()["statusCode"] == 500

    records = debug_logs.records
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in records)
    output = capfd.readouterr()
    # The capture works: the access log, the client's transport log and the unexpected error are all there.
    assert any(record.name == "uvicorn.access" and token_path in record.getMessage() for record in records)
    assert any(record.name.startswith("httpcore") for record in records)
    assert "unexpected error" in logged and "smtpConfig.senderPass: string_type" in logged

    secrets = [POOL_SECRET, token, JWT_START, smtp_server.password, SENDGRID_KEY, SETUP_PASSWORD]
    for place, text in (("log", logged), ("stdout", output.out), ("stderr", output.err)):
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{place} carries {leaked}"


def break_stored_provider(settings: ServiceSettings) -> str:
    """Store the SMTP password in a list, as a hand-edited database might have it; pydantic quotes such a value."""
    with sqlite3.connect(settings.database_path) as db:
        (stored,) = db.execute("SELECT settings FROM providers WHERE userpool_id = ?", (POOL_ID,)).fetchone()
        provider = json.loads(stored)
        provider["smtpConfig"]["senderPass"] = [SETUP_PASSWORD]
        corrupt = json.dumps(provider)
        db.execute("UPDATE providers SET settings = ? WHERE userpool_id = ?", (corrupt, POOL_ID))
    return corrupt
