"""Small pieces several test modules use."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

# Every secret a test hands to the service (passwords, API keys, access key secrets). At the end of the suite no log
# record and no file the suite left in its temporary directories may contain one (tests/conftest.py).
SECRETS_USED: set[str] = set()


def free_port() -> int:
    """A loopback port nobody listens on (bound and released: good enough for a test run on one machine)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ask_for_token(base_url: str, access_key_id: str, secret: str, **headers: str) -> dict[str, Any]:
    """get-management-token over plain HTTP: the envelope, whatever its statusCode."""
    with httpx.Client(base_url=base_url, headers=headers) as http:
        response = http.post(
            "/api/v3/get-management-token", json={"accessKeyId": access_key_id, "accessKeySecret": secret}
        )
    assert response.status_code == 200, response.text
    envelope: dict[str, Any] = response.json()
    return envelope


def run_in_threads(work: Callable[[int], None], count: int) -> None:
    """Run ``work(0)`` ... ``work(count - 1)`` on as many threads at once and wait for all of them."""
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- templates that run code in plain pybars3 -----------------------------------------------------------------

# EXPR is replaced by Python that writes a canary file. Each template breaks out of a string literal of the code
# that pybars3 generates.
RENDER_TIME_VECTORS = {
    "path segment": "{{[x') if EXPR else (']}}",
    "dotted path": "{{a.[x') if EXPR else (']}}",
    "helper argument": "{{lookup a [x') if EXPR else (']}}",
    "hash argument": "{{lookup a b kk=[x') if EXPR else (']}}",
    "sub-expression name": '{{lookup ([x") if EXPR else ("] a) b}}',
    "sub-expression argument": "{{lookup (lookup a [x') if EXPR else (']) b}}",
    "#each argument": "{{#each [x') if EXPR else (']}}y{{/each}}",
    "inverted block argument": "{{^each [x') if EXPR else (']}}y{{/each}}",
    "raw block argument": "{{{{lookup [x') if EXPR else (']}}}}r{{{{/lookup}}}}",
    "partial hash argument": "{{> p kk=[x') if EXPR else (']}}",
    "dynamic partial name": '{{> ([x") if EXPR else ("]) }}',
}
# A newline in the brackets ends the generated line: the rest runs at module level, when pybars3 compiles.
COMPILE_TIME_VECTORS = {
    "newline in a path": "{{[x')\nEXPR\ndef _f():#]}}",
    "newline in an #each argument": "{{#each a.[x'))\nEXPR\ndef _f():\n    if 1:\n        pass#]}}{{/each}}",
    "newline in a partial argument": "{{> p [x'))\nEXPR\ndef _f():#]}}",
}
VECTORS = RENDER_TIME_VECTORS | COMPILE_TIME_VECTORS
CONTEXT = {"a": {}, "b": "c"}


def hostile(name: str, canary: Path) -> str:
    return VECTORS[name].replace("EXPR", f"__import__('pathlib').Path({str(canary)!r}).write_text('pwned')")


def schema_as_of(database: Path, revision: str) -> None:
    """Take a data dir's schema back to ``revision`` with the migrations' own downgrades, as an older release of
    the service left it (its tables and data, without what later revisions added)."""
    from alembic import command

    from mailconsole.service import migrate
    from mailconsole.service.database import Database

    opened = Database(database)
    try:
        with opened.transaction() as connection:
            command.downgrade(migrate.alembic_config(connection), revision)
    finally:
        opened.close()
