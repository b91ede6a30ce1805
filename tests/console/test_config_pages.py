"""Issue 15 in the console: the overview's configuration download (a zip of the files `mailconsole export`
writes) and the compare-and-promote page between two real embedded services."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from mailconsole import ManagementClient
from mailconsole.config_files.export import export_tenant
from mailconsole.models import SECRET_MASK, SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.support import SECRETS_USED

COMPARE = "app_pages/compare.py"
PASSWORD = "promote-pw-4Kq9"
SECRETS_USED.add(PASSWORD)
BODY = "<p>Your code is {{verify_code}}.</p>\n<p>Thanks.</p>\n"


@pytest.fixture
def production(tmp_path: Path) -> Iterator[RunningService]:
    # Written in the same language as the console's tests' staging pool, so only what the tests change differs.
    running = start_service(ServiceSettings(data_dir=tmp_path / "production", pool_language="en-US"))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


def _client(service: RunningService) -> ManagementClient:
    return ManagementClient(service.base_url, service.userpool.id, service.userpool.secret)


def _customise(service: RunningService) -> None:
    with _client(service) as client:
        client.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host="smtp.example.com", smtp_port=465, secure=True, sender="u", sender_pass=PASSWORD
            ),
        )
        current = next(t for t in client.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        client.update_email_template(
            type="LOGIN_VERIFY_CODE",
            customize_enabled=True,
            name="Login code",
            subject="{{verify_code}} is your code",
            sender="Acme",
            content=BODY,
            expires_in=600,
            version=current.version,
        )


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """What the page hands Streamlit to download (file name, bytes), as Streamlit stores it for the browser."""
    seen: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if isinstance(data, bytes):
            seen.append((filename or "", data))
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def test_the_overview_downloads_the_configuration_as_a_zip(
    remote: RunningService, console: Any, downloads: list[tuple[str, bytes]]
) -> None:
    _customise(remote)
    at = console.open()
    console.no_exception(at)
    assert [button.label for button in at.get("download_button")] == ["Download configuration (zip)"]
    [(name, data)] = [item for item in downloads if item[0].endswith(".zip")]
    assert name == "default-email-config.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {item: archive.read(item).decode() for item in archive.namelist()}
    with _client(remote) as client:
        assert files == export_tenant(client)  # the same files as `mailconsole export`
    assert files["templates/LOGIN_VERIFY_CODE.hbs"] == BODY
    assert "senderPass: ${SMTP_PASSWORD}" in files["provider.yaml"]
    assert not any(PASSWORD in text or SECRET_MASK in text for text in files.values())


@pytest.fixture
def two_tenants(monkeypatch: pytest.MonkeyPatch, service: RunningService, production: RunningService) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)

    def tenant(running: RunningService) -> dict[str, str]:
        pool = running.userpool
        return {"kind": "genauth", "api_host": running.base_url, "userpool_id": pool.id, "userpool_secret": pool.secret}

    return {"tenants": {"staging": tenant(service), "production": tenant(production)}}


def test_compare_shows_the_differences_and_promotes_a_template(
    two_tenants: dict[str, Any], service: RunningService, production: RunningService, console: Any
) -> None:
    _customise(service)
    at = console.open(COMPARE, secrets=two_tenants)
    console.no_exception(at)
    assert at.selectbox(key="compare.source").value == "staging"
    assert at.selectbox(key="compare.target").value == "production"
    different = [item.label for item in at.expander if "different" in item.label]
    assert different == ["Login code · `LOGIN_VERIFY_CODE` · different"]
    diff = "\n".join(str(code.value) for code in at.code)
    assert "+<p>Your code is {{verify_code}}.</p>" in diff
    assert 'smtpConfig.smtp_host: none → "smtp.example.com"' in diff  # the provider, without its secret
    assert PASSWORD not in diff and "senderPass" not in diff
    assert any("never compared or copied" in str(caption.value) for caption in at.caption)

    at.button(key="compare.copy.LOGIN_VERIFY_CODE").click().run()
    at.button(key="compare.one.LOGIN_VERIFY_CODE_yes").click().run()
    console.no_exception(at)
    with _client(service) as source, _client(production) as target:
        wanted = next(t for t in source.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        copied = next(t for t in target.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        assert copied.model_copy(update={"version": None}) == wanted.model_copy(update={"version": None})
        assert target.get_email_provider().smtp_config is None  # the provider is not copied, nor its secret
    assert not [item for item in at.expander if "different" in item.label]


def test_compare_copies_all_that_differ(
    two_tenants: dict[str, Any], service: RunningService, production: RunningService, console: Any
) -> None:
    _customise(service)
    with _client(service) as client:
        welcome = next(t for t in client.get_email_templates().templates if t.type == "WELCOME_EMAIL")
        client.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="Hi",
            subject="Hi <%= app_name %>",
            sender="Acme",
            content="<p><%= app_name %></p>",
            tpl_engine="ejs",
            version=welcome.version,
        )
    at = console.open(COMPARE, secrets=two_tenants)
    assert len([item for item in at.expander if "different" in item.label]) == 2
    at.button(key="compare.copy_all").click().run()
    at.button(key="compare.all_yes").click().run()
    console.no_exception(at)
    assert not [item for item in at.expander if "different" in item.label]
    assert "Copied to production: WELCOME_EMAIL, LOGIN_VERIFY_CODE." in [str(item.value) for item in at.success]
    with _client(service) as source, _client(production) as target:
        assert [t.model_copy(update={"version": None}) for t in target.get_email_templates().templates] == [
            t.model_copy(update={"version": None}) for t in source.get_email_templates().templates
        ]
