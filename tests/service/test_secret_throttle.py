"""Wrong access key secrets are throttled per source address: ten within the window lock that address out of
get-management-token, right secret or not, until the window has passed; other addresses are unaffected."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailconsole import ManagementClient, ThrottledError
from mailconsole.service.auth import MAX_SECRET_FAILURES, SecretFailureThrottle
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.secret_box import SecretBox
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.shared_limits import SharedWindowLimit
from mailconsole.service.store import Store
from tests.support import run_in_threads

TOKEN_PATH = "/api/v3/get-management-token"


def ask_for_token(service: RunningService, secret: str, *, source: str = "127.0.0.1") -> dict[str, Any]:
    """One token request from the loopback address ``source`` (any of 127.0.0.0/8 reaches the service)."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=service.base_url, transport=transport) as http:
        body = {"accessKeyId": service.userpool.id, "accessKeySecret": secret}
        response = http.post(TOKEN_PATH, json=body, headers={"x-authing-lang": "en-US"})  # English, which tests read
    assert response.status_code == 200
    envelope: dict[str, Any] = response.json()
    return envelope


def test_ten_wrong_secrets_lock_the_address_out_even_for_the_right_one(service: RunningService) -> None:
    for _ in range(MAX_SECRET_FAILURES):
        assert ask_for_token(service, "wrong")["statusCode"] == 401
    reply = ask_for_token(service, service.userpool.secret)
    assert reply["statusCode"] == 429
    assert 55 <= reply["data"]["retryAfter"] <= 60
    assert f"try again in {reply['data']['retryAfter']} seconds" in reply["message"]
    # The typed client turns it into ThrottledError with the wait.
    client = ManagementClient(service.base_url, service.userpool.id, service.userpool.secret)
    with client, pytest.raises(ThrottledError) as caught:
        client.get_email_provider()
    assert caught.value.retry_after == reply["data"]["retryAfter"]


def test_other_addresses_are_not_affected(service: RunningService) -> None:
    for _ in range(MAX_SECRET_FAILURES):
        ask_for_token(service, "wrong", source="127.0.0.2")
    assert ask_for_token(service, service.userpool.secret, source="127.0.0.2")["statusCode"] == 429
    assert ask_for_token(service, service.userpool.secret, source="127.0.0.3")["statusCode"] == 200
    assert ask_for_token(service, service.userpool.secret)["statusCode"] == 200


def test_successes_do_not_count(service: RunningService) -> None:
    for _ in range(MAX_SECRET_FAILURES - 1):
        assert ask_for_token(service, "wrong")["statusCode"] == 401
    for _ in range(5):
        assert ask_for_token(service, service.userpool.secret)["statusCode"] == 200
    assert ask_for_token(service, "wrong")["statusCode"] == 401  # the tenth failure
    assert ask_for_token(service, service.userpool.secret)["statusCode"] == 429


def test_an_unknown_access_key_id_counts_as_a_failure(service: RunningService) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        for number in range(MAX_SECRET_FAILURES):
            body = {"accessKeyId": f"guess-{number}", "accessKeySecret": "x"}
            assert http.post(TOKEN_PATH, json=body).json()["statusCode"] == 401
    assert ask_for_token(service, service.userpool.secret)["statusCode"] == 429


def test_the_address_may_try_again_once_the_window_has_passed(tmp_path: Path) -> None:
    running = start_service(ServiceSettings(data_dir=tmp_path, secret_failure_window=1.0))
    try:
        for _ in range(MAX_SECRET_FAILURES):
            ask_for_token(running, "wrong")
        locked = ask_for_token(running, running.userpool.secret)
        assert locked["statusCode"] == 429
        assert locked["data"]["retryAfter"] == 1
        time.sleep(1.1)
        assert ask_for_token(running, running.userpool.secret)["statusCode"] == 200
    finally:
        running.stop()


# ---- the sliding window itself, on an injected clock ---------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_one_failure_at_a_time() -> None:
    clock = Clock()
    throttle = SecretFailureThrottle(limit=3, window=60, clock=clock)
    for _ in range(2):
        throttle.record_failure("a")
        clock.now += 10
    assert throttle.wait("a") is None
    throttle.record_failure("a")  # failures at 1000, 1010, 1020; now 1020
    assert throttle.wait("a") == 40  # free when the one of 1000 ages out, at 1060
    clock.now = 1060
    assert throttle.wait("a") is None
    throttle.record_failure("a")  # 1010, 1020, 1060
    assert throttle.wait("a") == 10
    assert throttle.wait("b") is None


def test_sources_whose_failures_aged_out_are_forgotten() -> None:
    clock = Clock()
    throttle = SecretFailureThrottle(window=60, clock=clock)
    for number in range(5000):
        throttle.record_failure(f"10.0.{number // 256}.{number % 256}")
    clock.now += 61
    for number in range(2000):
        throttle.record_failure(f"10.1.{number // 256}.{number % 256}")
    assert len(throttle._events) == 2000


def test_failures_from_many_threads_are_all_counted() -> None:
    throttle = SecretFailureThrottle(limit=800, window=60)

    def fail(_: int) -> None:
        for _ in range(100):
            throttle.record_failure("a")

    run_in_threads(fail, 8)
    assert throttle.wait("a") is not None
    assert len(throttle._events["a"]) == 800


# ---- the service's window, kept in the database (shared by replicas), on an injected clock -------------------


def test_the_shared_window_slides_as_the_in_memory_one(database: Path | str) -> None:
    store = Store(database, SecretBox("k"))
    clock = Clock()
    shared = SharedWindowLimit(store, "secret-failures", limit=3, window=60, clock=clock)
    other_replica = SharedWindowLimit(store, "secret-failures", limit=3, window=60, clock=clock)
    try:
        for limit in (shared, other_replica):
            limit.record("a")
            clock.now += 10
        assert shared.wait("a") is None
        other_replica.record("a")  # failures at 1000, 1010, 1020 (two replicas); now 1020
        assert shared.wait("a") == 40
        assert other_replica.wait("a") == 40
        clock.now = 1060
        assert shared.wait("a") is None
        assert shared.take("a") is None  # 1010, 1020, 1060
        assert other_replica.take("a") == 10  # refused, and not counted
        assert shared.wait("b") is None
        clock.now += 120
        shared.record("c")  # a window later: the events that aged out are deleted
        assert store.limit_take("secret-failures", "a", limit=1, window=10**9, now=clock.now, record=False) is None
    finally:
        store.close()
