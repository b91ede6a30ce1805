"""Throttling, credentials and what the service exposes (issue 11), over real HTTP against the running service.

- X-Forwarded-For is believed only from proxies the operator names (MAILCONSOLE_TRUSTED_PROXIES).
- Only the environment's user pool is served; old ids, secrets and tokens stop working when it changes.
- `mailconsole serve` prints the secret only right after generating it.
- The data dir is 0700 and its files 0600; the API docs only on loopback unless turned on.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.models import SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.support import SECRETS_USED, ask_for_token, free_port

SECRETS_USED.update({"env-secret-one-3Kq", "env-secret-two-8Wm"})


@contextmanager
def running(settings: ServiceSettings) -> Iterator[RunningService]:
    service = start_service(settings)
    SECRETS_USED.add(service.userpool.secret)
    try:
        yield service
    finally:
        service.stop()


def get_provider(service: RunningService, token: str) -> dict[str, Any]:
    with httpx.Client(base_url=service.base_url) as http:
        headers = {"authorization": f"Bearer {token}", "x-authing-lang": "en-US"}  # the tests read English messages
        reply = http.get("/api/v3/get-email-provider", headers=headers)
    envelope: dict[str, Any] = reply.json()
    return envelope


# ---- forwarded headers -----------------------------------------------------------------------------------------


def test_forged_forwarded_addresses_do_not_escape_the_throttle(service: RunningService) -> None:
    replies = [
        ask_for_token(service.base_url, service.userpool.id, "wrong", **{"x-forwarded-for": f"198.51.100.{number}"})[
            "statusCode"
        ]
        for number in range(40)
    ]
    assert replies[:10] == [401] * 10
    assert replies[10:] == [429] * 30


def test_a_named_proxy_is_believed(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path, trusted_proxies=("127.0.0.1",))) as service:
        pool, secret = service.userpool.id, service.userpool.secret
        for _ in range(10):
            ask_for_token(service.base_url, pool, "wrong", **{"x-forwarded-for": "198.51.100.7"})
        assert ask_for_token(service.base_url, pool, secret, **{"x-forwarded-for": "198.51.100.7"})["statusCode"] == 429
        assert ask_for_token(service.base_url, pool, secret, **{"x-forwarded-for": "198.51.100.8"})["statusCode"] == 200


def test_trusted_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCONSOLE_TRUSTED_PROXIES", "10.0.0.2, 10.1.0.0/16")
    settings = ServiceSettings()
    assert settings.uvicorn_options() == {"proxy_headers": True, "forwarded_allow_ips": ["10.0.0.2", "10.1.0.0/16"]}
    assert ServiceSettings(trusted_proxies=()).uvicorn_options() == {"proxy_headers": False}
    monkeypatch.setenv("MAILCONSOLE_TRUSTED_PROXIES", "proxy.internal")
    with pytest.raises(ValueError, match=re.escape("MAILCONSOLE_TRUSTED_PROXIES: 'proxy.internal' is not an address")):
        ServiceSettings()


# ---- the environment's pool, and only it ---------------------------------------------------------------------


def env_pool(tmp_path: Path, pool: str, secret: str, app: str = "app-kept") -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path, userpool_id=pool, userpool_secret=secret, app_id=app)


def test_a_new_pool_in_the_environment_retires_the_old_one(tmp_path: Path) -> None:
    with running(env_pool(tmp_path, "pool-one", "env-secret-one-3Kq")) as first:
        old_token = ask_for_token(first.base_url, "pool-one", "env-secret-one-3Kq")["data"]["access_token"]
        with ManagementClient(first.base_url, "pool-one", "env-secret-one-3Kq") as client:
            client.config_email_provider(
                type="custom",
                enabled=False,
                smtp_config=SmtpConfig(smtp_host="smtp.example.com", smtp_port=587, sender="a", sender_pass=""),
            )
    # The same app id with a new pool id used to stop the service at start (UNIQUE constraint).
    with running(env_pool(tmp_path, "pool-two", "env-secret-two-8Wm")) as second:
        assert ask_for_token(second.base_url, "pool-one", "env-secret-one-3Kq")["statusCode"] == 401
        assert get_provider(second, old_token)["statusCode"] == 401
        with ManagementClient(second.base_url, "pool-two", "env-secret-two-8Wm") as client:
            assert client.get_email_provider().smtp_config is None  # the new pool starts empty
        with AuthenticationClient("app-kept", second.base_url) as authentication:
            authentication.send_email("CHANNEL_LOGIN", "alice@example.com")
            assert second.store.outbox("pool-two", 5) and not second.store.outbox("pool-one", 5)
    # Naming the old pool again brings its settings back.
    with (
        running(env_pool(tmp_path, "pool-one", "env-secret-one-3Kq")) as third,
        ManagementClient(third.base_url, "pool-one", "env-secret-one-3Kq") as client,
    ):
        config = client.get_email_provider().smtp_config
        assert config is not None and config.smtp_host == "smtp.example.com"
        assert ask_for_token(third.base_url, "pool-two", "env-secret-two-8Wm")["statusCode"] == 401


def test_tokens_issued_before_the_secret_changed_are_refused(tmp_path: Path) -> None:
    with running(env_pool(tmp_path, "pool-one", "env-secret-one-3Kq")) as first:
        old_token = ask_for_token(first.base_url, "pool-one", "env-secret-one-3Kq")["data"]["access_token"]
        assert get_provider(first, old_token)["statusCode"] == 200
    with running(env_pool(tmp_path, "pool-one", "env-secret-two-8Wm")) as second:
        refused = get_provider(second, old_token)
        assert refused["statusCode"] == 401 and "secret changed" in refused["message"]
        assert ask_for_token(second.base_url, "pool-one", "env-secret-one-3Kq")["statusCode"] == 401
        new_token = ask_for_token(second.base_url, "pool-one", "env-secret-two-8Wm")["data"]["access_token"]
        assert get_provider(second, new_token)["statusCode"] == 200


# ---- what serve prints -----------------------------------------------------------------------------------------


def serve_banner(data_dir: Path, **env: str) -> str:
    """The first five lines `mailconsole serve` prints, then it is stopped."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mailconsole", "serve", "--port", str(free_port()), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={key: value for key, value in os.environ.items() if not key.startswith("MAILCONSOLE_")} | env,
    )
    try:
        assert process.stdout is not None
        return "".join(process.stdout.readline() for _ in range(5))
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_serve_prints_a_secret_only_right_after_generating_it(tmp_path: Path) -> None:
    first = serve_banner(tmp_path)
    assert "generated now, shown only this once" in first
    secret = first.split("user pool secret", 1)[1].split()[0]
    SECRETS_USED.add(secret)
    again = serve_banner(tmp_path)
    assert secret not in again and "(not shown) from the data dir" in again
    from_env = serve_banner(
        tmp_path / "env", MAILCONSOLE_USERPOOL_ID="pool-env", MAILCONSOLE_USERPOOL_SECRET="env-secret-one-3Kq"
    )
    assert "env-secret-one-3Kq" not in from_env
    assert "(not shown) from the environment (MAILCONSOLE_USERPOOL_ID, MAILCONSOLE_USERPOOL_SECRET)" in from_env


def test_serve_names_a_mistyped_setting(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAILCONSOLE_")}
    finished = subprocess.run(
        [sys.executable, "-m", "mailconsole", "serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "d")],
        env=env | {"MAILCONSOLE_SMTP_ALLOW_PRIVATE": "10.0.0.0/99", "MAILCONSOLE_TRUSTED_PROXIES": "proxy"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "mailconsole: MAILCONSOLE_SMTP_ALLOW_PRIVATE: '10.0.0.0/99' is not a network; write it as 10.0.0.0/8 or "
        "fd00::/8",
        "mailconsole: MAILCONSOLE_TRUSTED_PROXIES: 'proxy' is not an address or network (such as 10.0.0.2 or "
        "10.0.0.0/24)",
    ]
    assert not (tmp_path / "d").exists()


# ---- files and docs ----------------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_dir_is_the_service_users_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with running(ServiceSettings(data_dir=data_dir)) as service:
        with AuthenticationClient(service.userpool.app_id, service.base_url) as authentication:
            authentication.send_email("CHANNEL_LOGIN", "alice@example.com")  # a code in the outbox
        files = sorted(path.name for path in data_dir.iterdir())
        assert {"mailconsole.sqlite3", "mailconsole.sqlite3-wal", "secret.key"} <= set(files)
        assert mode(data_dir) == 0o700
        assert {name: mode(data_dir / name) for name in files} == dict.fromkeys(files, 0o600)


def test_a_database_an_older_version_left_readable_is_tightened(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path)):
        pass
    (tmp_path / "mailconsole.sqlite3").chmod(0o644)
    with running(ServiceSettings(data_dir=tmp_path)):
        assert mode(tmp_path / "mailconsole.sqlite3") == 0o600


DOCS = ("/docs", "/redoc", "/openapi.json")


def docs_statuses(service: RunningService) -> list[int]:
    with httpx.Client(base_url=service.base_url) as http:
        return [http.get(path).status_code for path in DOCS]


def test_api_docs_only_on_loopback_unless_turned_on(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path / "a")) as on_loopback:
        assert docs_statuses(on_loopback) == [200, 200, 200]
    with running(ServiceSettings(data_dir=tmp_path / "b", listen_host="0.0.0.0")) as public:
        assert docs_statuses(public) == [404, 404, 404]
    with running(ServiceSettings(data_dir=tmp_path / "c", listen_host="0.0.0.0", api_docs=True)) as turned_on:
        assert docs_statuses(turned_on) == [200, 200, 200]
    with running(ServiceSettings(data_dir=tmp_path / "d", api_docs=False)) as turned_off:
        assert docs_statuses(turned_off) == [404, 404, 404]
