"""The console's pages under AppTest, against a real embedded service started per test module.

The console reaches the service the way it reaches any remote backend: through the ``MAILCONSOLE_*`` environment
variables (the "team runs ``mailconsole serve``" path), so the tests speak HTTP to a real service.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from streamlit.testing.v1 import AppTest

from mailconsole import ManagementClient
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.support import SECRETS_USED

APP = "../../console_app.py"
TIMEOUT = 30
ROOT = Path(__file__).resolve().parents[2]
# The console's own modules (components/) for the tests that call them directly; AppTest finds them by itself.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    # The pages' tests read the English built-in mails (a zh-CN pool is tested in tests/service).
    yield from _service_of_a_pool(tmp_path_factory, "service", "en-US")


def _service_of_a_pool(tmp_path_factory: pytest.TempPathFactory, name: str, language: str) -> Iterator[RunningService]:
    """A service whose fresh user pool writes its mails in ``language``, started outside the console's settings."""
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("MAILCONSOLE_")}
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp(name), pool_language=language))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()
    os.environ.update(saved)


def _clear_console_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch, service: RunningService) -> RunningService:
    """The console configured (by environment) for the running service."""
    return _console_for(monkeypatch, service)


def _console_for(monkeypatch: pytest.MonkeyPatch, service: RunningService) -> RunningService:
    _clear_console_env(monkeypatch)
    monkeypatch.setenv("MAILCONSOLE_API_HOST", service.base_url)
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", service.userpool.id)
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", service.userpool.secret)
    monkeypatch.setenv("MAILCONSOLE_APP_ID", service.userpool.app_id)
    monkeypatch.setenv("MAILCONSOLE_APP_HOST", service.base_url)
    return service


def _without_versions(value: Any) -> Any:
    if isinstance(value, dict):
        # GenAuth's replies have no versions, and its send-email reply no deliveredBy (the service's extension).
        return {key: _without_versions(item) for key, item in value.items() if key not in ("version", "deliveredBy")}
    if isinstance(value, list):
        return [_without_versions(item) for item in value]
    return value


def _cloud_like(upstream: str) -> Starlette:
    """A backend that speaks the GenAuth API as GenAuth cloud does: no ``version`` or ``deliveredBy`` in any reply,
    no /local/v1 extensions (so no audit trail either). It forwards every call to the real service ``upstream``."""

    async def forward(request: Request) -> Response:
        if request.url.path.startswith("/local/"):
            return PlainTextResponse("Not Found", status_code=404)
        async with httpx.AsyncClient(base_url=upstream) as client:  # closed with the call: no socket outlives it
            reply = await client.request(
                request.method,
                request.url.path,
                params=request.query_params,
                content=await request.body(),
                headers={key: value for key, value in request.headers.items() if key not in ("host", "content-length")},
            )
        try:
            body = reply.json()
        except ValueError:
            return Response(reply.content, status_code=reply.status_code)
        return JSONResponse(_without_versions(body), status_code=reply.status_code)

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def versionless(service: RunningService) -> Iterator[str]:
    """The URL of a GenAuth-cloud-like backend in front of the module's service (see ``_cloud_like``)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_cloud_like(service.base_url), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the versionless backend did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chinese_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """A service whose user pool writes its mails in Chinese: what a Chinese page shows of a fresh tenant."""
    yield from _service_of_a_pool(tmp_path_factory, "zh-service", "zh-CN")


@pytest.fixture
def chinese_remote(monkeypatch: pytest.MonkeyPatch, chinese_service: RunningService) -> RunningService:
    """The console configured (by environment) for the Chinese pool's service."""
    return _console_for(monkeypatch, chinese_service)


@pytest.fixture
def remote_without_versions(monkeypatch: pytest.MonkeyPatch, service: RunningService, versionless: str) -> str:
    """The console configured (by environment) for the versionless backend."""
    _clear_console_env(monkeypatch)
    monkeypatch.setenv("MAILCONSOLE_API_HOST", versionless)
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", service.userpool.id)
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", service.userpool.secret)
    return versionless


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def down(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> str:
    """The console configured for a backend that is not running."""
    _clear_console_env(monkeypatch)
    host = f"http://127.0.0.1:{closed_port}"
    monkeypatch.setenv("MAILCONSOLE_API_HOST", host)
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", "pool")
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", "secret")
    monkeypatch.setenv("MAILCONSOLE_APP_ID", "app")
    return host


@pytest.fixture
def management(service: RunningService) -> Iterator[ManagementClient]:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client:
        yield client


class Console:
    """Opening the console under AppTest and reading what a page shows (a fixture: test modules share no imports)."""

    def __init__(self) -> None:
        self.opened: list[AppTest] = []

    def close(self) -> None:
        """Close the clients of every session opened, as the end of a browser session would."""
        for at in self.opened:
            connection = at.session_state.get("mc.connection")
            if connection is not None:
                connection.close()

    def open(
        self, page: str | None = None, *, secrets: dict[str, Any] | None = None, language: str | None = None
    ) -> AppTest:
        """The console's entry file, run, then switched to ``page`` (such as "app_pages/provider.py"); in
        ``language`` (zh-CN, en-US) as if the session had chosen it, else in the console's default (English)."""
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        self.opened.append(at)
        # Never the developer's own .streamlit/secrets.toml: a test's secrets, or a placeholder.
        at.secrets = secrets or {"console_tests": True}
        if language is not None:
            at.session_state["mc.language"] = language
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    @staticmethod
    def texts(at: AppTest) -> list[str]:
        """Every element of the page as text: values, bodies, labels, captions, iframe documents (the protos)."""
        found: list[str] = []

        def walk(node: Any) -> None:
            proto = getattr(node, "proto", None)
            if proto is not None:
                found.append(str(proto))
            children = getattr(node, "children", None)
            if children:
                for child in children.values():
                    walk(child)
                return
            try:
                value = node.value
            except Exception:
                value = None
            if value is not None:
                found.append(str(value))

        walk(at._tree)
        return found

    @classmethod
    def text(cls, at: AppTest) -> str:
        return "\n".join(cls.texts(at))

    @staticmethod
    def no_exception(at: AppTest) -> None:
        assert not at.exception, [item.value for item in at.exception]

    @staticmethod
    def errors(at: AppTest) -> list[str]:
        return [item.value for item in at.error]


@pytest.fixture
def console() -> Iterator[Console]:
    opened = Console()
    yield opened
    opened.close()
