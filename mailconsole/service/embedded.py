"""Running the service in the background of another process: the console's embedded default, and the tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from mailconsole.service.app import create_app
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool


@dataclass
class RunningService:
    base_url: str
    userpool: Userpool
    server: uvicorn.Server
    thread: threading.Thread
    store: Store  # what the service keeps, for a caller in the same process (the tests)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_service(settings: ServiceSettings, *, host: str = "127.0.0.1", port: int = 0) -> RunningService:
    """Serve on a loopback port (a free one by default) in a daemon thread; returns once it accepts requests.
    ``settings.listen_host``, when unset, becomes ``host``; a test may set it to play a public service."""
    if settings.listen_host is None:
        settings = settings.model_copy(update={"listen_host": host})
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, **settings.uvicorn_options()))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="mailconsole-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The embedded email service did not start; see the log above.")
        time.sleep(0.02)
    return RunningService(f"http://{host}:{bound_port}", app.state.userpool, server, thread, app.state.store)
