"""The connection test and deliveries as a way into the network (issue 11): over real HTTP, against real listeners.

- A port that does not speak SMTP is reported as such, without its bytes (an SSH banner came back whole).
- At most ten connection tests a minute per tenant.
- Loopback, private, link-local and other special addresses are refused for tests, saves and deliveries when the
  service listens on anything but loopback, unless the operator allows them (MAILCONSOLE_SMTP_ALLOW_PRIVATE).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient, ProviderError, ThrottledError
from mailconsole.models import SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.conftest import SmtpServer
from tests.support import SECRETS_USED, ask_for_token, free_port

SETTING = "MAILCONSOLE_SMTP_ALLOW_PRIVATE"


@dataclass
class Listener:
    """A plain TCP server on loopback that writes ``banner`` to whoever connects, and counts them."""

    port: int
    accepted: list[str] = field(default_factory=list)


@contextmanager
def tcp_listener(banner: bytes) -> Iterator[Listener]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    listener = Listener(server.getsockname()[1])
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except TimeoutError:
                continue
            listener.accepted.append(peer[0])
            connections.append(connection)
            connection.sendall(banner)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join()
        for connection in connections:
            connection.close()
        server.close()


def smtp_body(host: str, port: int, password: str = "", user: str = "u@example.com") -> dict[str, Any]:
    config = {"smtp_host": host, "smtp_port": port, "sender": user, "senderPass": password, "secure": False}
    return {"type": "custom", "smtpConfig": {**config, "starttls": False, "from": "no-reply@example.com"}}


def login_body(server: SmtpServer, host: str | None = None) -> dict[str, Any]:
    return smtp_body(host or server.host, server.port, server.password, server.user)


def raw_test(service: RunningService, body: dict[str, Any]) -> httpx.Response:
    """The connection test over plain HTTP, so that the whole reply (not only the parsed fields) can be searched."""
    token = ask_for_token(service.base_url, service.userpool.id, service.userpool.secret)["data"]["access_token"]
    with httpx.Client(base_url=service.base_url, timeout=30) as http:
        # English, which the tests read (the service's default is Chinese, as the platform's).
        headers = {"authorization": f"Bearer {token}", "x-authing-lang": "en-US"}
        response = http.post("/local/v1/test-email-provider", json=body, headers=headers)
    assert response.status_code == 200
    return response


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=2)


@contextmanager
def running(settings: ServiceSettings) -> Iterator[RunningService]:
    service = start_service(settings)
    SECRETS_USED.add(service.userpool.secret)
    try:
        yield service
    finally:
        service.stop()


def public(tmp_path: Path, **settings: Any) -> ServiceSettings:
    """A service that says it listens on every interface (it binds loopback: the listening host is configuration)."""
    return ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=2, listen_host="0.0.0.0", **settings)


# ---- only SMTP comes back ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", b"HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n"],
)
def test_a_port_that_does_not_speak_smtp_gives_none_of_its_bytes(service: RunningService, banner: bytes) -> None:
    with tcp_listener(banner) as listener:
        reply = raw_test(service, smtp_body("127.0.0.1", listener.port))
    assert listener.accepted, "the test did connect"
    envelope = reply.json()
    greeting = envelope["data"]["steps"][-1]
    assert (greeting["name"], greeting["ok"]) == ("greeting", False)
    assert greeting.get("reply") is None
    assert f"127.0.0.1:{listener.port} does not speak SMTP" in greeting["detail"]
    for word in (b"SSH", b"OpenSSH", b"Debian", b"HTTP", b"nginx", b"Bad Request"):
        assert word.decode() not in reply.text


def test_an_smtp_server_still_shows_its_replies(service: RunningService, smtp_server: SmtpServer) -> None:
    reply = raw_test(service, login_body(smtp_server)).json()
    steps = {step["name"]: step for step in reply["data"]["steps"]}
    assert reply["data"]["ok"] is True
    assert steps["greeting"]["reply"].startswith("220 ")
    assert steps["auth"]["reply"].startswith("235 ")


# ---- ten a minute --------------------------------------------------------------------------------------------


def test_at_most_ten_connection_tests_a_minute(service: RunningService, management: ManagementClient) -> None:
    closed = SmtpConfig.model_validate(smtp_body("127.0.0.1", free_port())["smtpConfig"])
    for _ in range(10):
        report = management.test_email_provider(type="custom", smtp_config=closed)
        assert report.steps[-1].name == "connect" and not report.ok
    with pytest.raises(ThrottledError) as refused:
        management.test_email_provider(type="custom", smtp_config=closed)
    assert refused.value.status_code == 429
    assert refused.value.retry_after is not None and 55 <= refused.value.retry_after <= 60
    assert f"try again in {refused.value.retry_after} seconds" in refused.value.message
    # Other calls of the tenant are not affected.
    assert management.get_email_provider().enabled is False


# ---- special destinations ------------------------------------------------------------------------------------


def test_a_public_service_refuses_to_test_a_loopback_server(tmp_path: Path) -> None:
    with tcp_listener(b"220 local ESMTP\r\n") as listener, running(public(tmp_path)) as service:
        for host in ("127.0.0.1", "localhost"):
            report = raw_test(service, smtp_body(host, listener.port)).json()["data"]
            last = report["steps"][-1]
            assert (report["ok"], last["name"], last["ok"]) == (False, "resolve", False)
            assert SETTING in last["detail"] and "not a public internet address" in last["detail"]
    assert listener.accepted == [], "nothing may connect"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "169.254.169.254", "::ffff:127.0.0.1"])
def test_a_public_service_refuses_to_save_a_special_host(tmp_path: Path, host: str) -> None:
    with running(public(tmp_path)) as service:
        config = SmtpConfig.model_validate(smtp_body(host, 25)["smtpConfig"])
        with (
            ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client,
            pytest.raises(InvalidArgumentError) as refused,
        ):
            client.config_email_provider(type="custom", enabled=True, smtp_config=config)
        assert "smtp_host" in refused.value.message and SETTING in refused.value.message
        token = ask_for_token(service.base_url, service.userpool.id, service.userpool.secret)["data"]["access_token"]
        with httpx.Client(base_url=service.base_url) as http:
            setup = http.post(
                f"/auth/realms/{service.userpool.id}/mail/setup",
                json={"host": host, "port": "25", "from": "no-reply@example.com", "user": "u", "password": "p"},
                headers={"authorization": f"Bearer {token}"},
            )
        assert setup.status_code == 400 and SETTING in setup.json()["message"]


def test_a_delivery_to_a_host_the_operator_no_longer_allows_is_refused(tmp_path: Path, smtp_server: SmtpServer) -> None:
    """Saved while allowed; then the operator turns special addresses off: the send does not connect."""
    config = SmtpConfig.model_validate(login_body(smtp_server)["smtpConfig"])
    with (
        running(ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=2)) as service,
        ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client,
    ):
        client.config_email_provider(type="custom", enabled=True, smtp_config=config)
    with (
        running(ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=2, smtp_allow_private=False)) as service,
        AuthenticationClient(service.userpool.app_id, service.base_url) as authentication,
        pytest.raises(ProviderError) as refused,
    ):
        authentication.send_email("CHANNEL_LOGIN", "alice@example.com")
    assert refused.value.status_code == 601
    assert SETTING in refused.value.message
    assert smtp_server.inbox.messages == [] and smtp_server.inbox.logins == []


@pytest.mark.parametrize("allowed", ["true", "127.0.0.0/8", "localhost", "10.0.0.0/8,localhost, 127.0.0.1"])
def test_the_operator_may_allow_special_destinations(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, allowed: str
) -> None:
    monkeypatch.setenv(SETTING, allowed)
    host = "localhost" if allowed == "localhost" else smtp_server.host
    with running(public(tmp_path)) as service:
        report = raw_test(service, login_body(smtp_server, host)).json()["data"]
    assert report["ok"] is True, report


def test_a_list_does_not_allow_what_it_does_not_name(tmp_path: Path, smtp_server: SmtpServer) -> None:
    with running(public(tmp_path, smtp_allow_private="10.0.0.0/8,mail.internal")) as service:
        report = raw_test(service, login_body(smtp_server)).json()
    assert report["data"]["ok"] is False and SETTING in report["data"]["steps"][-1]["detail"]
    assert smtp_server.inbox.logins == []


def test_on_loopback_the_setting_still_wins(tmp_path: Path, smtp_server: SmtpServer) -> None:
    with running(ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=2, smtp_allow_private=False)) as service:
        report = raw_test(service, login_body(smtp_server)).json()
    assert report["data"]["ok"] is False and SETTING in report["data"]["steps"][-1]["detail"]


def test_a_mistyped_setting_says_what_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "10.0.0.0/33")
    with pytest.raises(ValueError, match=f"{SETTING}: '10.0.0.0/33' is not a network"):
        ServiceSettings()
