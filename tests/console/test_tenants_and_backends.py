"""Where the console's tenants come from (environment, secrets.toml), switching between them in the sidebar, the
SMTP set-up backend (only its SMTP form applies), and the embedded default when nothing is configured."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from mailconsole.console.tenants import TenantKind, tenants_from
from mailconsole.models import ProviderType
from mailconsole.service.embedded import RunningService


def test_a_remote_from_the_environment() -> None:
    env = {
        "MAILCONSOLE_API_HOST": "https://api.genauth.ai",
        "MAILCONSOLE_USERPOOL_ID": "pool-1",
        "MAILCONSOLE_USERPOOL_SECRET": "secret-1",
        "MAILCONSOLE_APP_ID": "app-1",
        "MAILCONSOLE_APP_HOST": "https://acme.genauth.ai",
    }
    (tenant,), problems = tenants_from(env, {})
    assert problems == []
    assert (tenant.name, tenant.kind, tenant.api_host, tenant.app_host) == (
        "default",
        TenantKind.GENAUTH,
        "https://api.genauth.ai",
        "https://acme.genauth.ai",
    )
    assert "secret-1" not in repr(tenant)


def test_named_tenants_from_secrets_with_a_default() -> None:
    secrets = {
        "default_tenant": "eu",
        "tenants": {
            "acme": {
                "kind": "genauth",
                "api_host": "https://api.genauth.ai",
                "userpool_id": "p",
                "userpool_secret": "s",
            },
            "eu": {"kind": "smtp_setup", "form": "SSMS", "host": "https://idp.example", "tenant_id": "t", "token": "x"},
            "odd": {"kind": "pigeon"},
        },
    }
    tenants, problems = tenants_from({}, secrets)
    assert [(tenant.name, tenant.kind) for tenant in tenants] == [
        ("eu", TenantKind.SMTP_SETUP),
        ("acme", TenantKind.GENAUTH),
    ]
    assert tenants[0].form == "ssms"
    assert problems == ["Tenant 'odd' has kind 'pigeon'; use one of genauth, smtp_setup, embedded."]


def test_top_level_secrets_copied_into_the_environment_are_one_tenant() -> None:
    # Streamlit copies top-level string secrets into os.environ: the same tenant twice is not a conflict.
    flat = {"MAILCONSOLE_API_HOST": "https://api.genauth.ai", "MAILCONSOLE_USERPOOL_ID": "p"}
    tenants, problems = tenants_from(flat, flat)
    assert len(tenants) == 1 and problems == []
    assert tenants_from({}, {}) == ([], [])  # nothing configured: the embedded default


def _token(service: RunningService) -> str:
    reply = httpx.post(
        f"{service.base_url}/api/v3/get-management-token",
        json={"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret},
    )
    return str(reply.json()["data"]["access_token"])


@pytest.fixture
def two_tenants(monkeypatch: pytest.MonkeyPatch, service: RunningService) -> dict[str, object]:
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)
    return {
        "tenants": {
            "acme": {
                "kind": "genauth",
                "api_host": service.base_url,
                "userpool_id": service.userpool.id,
                "userpool_secret": service.userpool.secret,
                "app_id": service.userpool.app_id,
            },
            "eu-setup": {
                "kind": "smtp_setup",
                "form": "shift",
                "host": service.base_url,
                "tenant_id": service.userpool.id,
                "token": _token(service),
            },
        }
    }


def test_the_sidebar_switches_tenants_and_shows_which_is_in_use(two_tenants, console) -> None:
    at = console.open(secrets=two_tenants)
    console.no_exception(at)
    switch = at.sidebar.selectbox(key="mc.tenant")
    assert switch.options == ["acme", "eu-setup"]
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    assert "**Tenant** `acme`" in sidebar and "mailconsole email service" in sidebar
    assert [title.value for title in at.title] == ["Email console"]

    switch.set_value("eu-setup").run()
    console.no_exception(at)
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    assert "**Tenant** `eu-setup`" in sidebar and "SMTP set-up API (SHIFT form)" in sidebar
    # Only the SMTP settings apply: "/" forwards to them.
    assert [title.value for title in at.title] == ["SMTP settings"]


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_the_smtp_set_up_form_saves_through_its_api(two_tenants, service: RunningService, console, form: str) -> None:
    two_tenants["tenants"]["eu-setup"]["form"] = form  # type: ignore[index]
    two_tenants["default_tenant"] = "eu-setup"
    at = console.open(secrets=two_tenants)
    console.no_exception(at)
    at.text_input(key="setup.host").input("smtp.eu.example")
    at.text_input(key="setup.user").input("relay")
    at.text_input(key="setup.password").input("relay-pass-word-7K")
    at.text_input(key="setup.from").input("no-reply@eu.example")
    at.run()
    at.button(key="setup.save").click().run()
    console.no_exception(at)
    assert "Successfully updated SMTP Details." in console.text(at)
    assert "relay-pass-word-7K" not in console.text(at)
    stored = service.store.provider(service.userpool.id)
    assert stored.enabled and stored.type == ProviderType.CUSTOM
    assert stored.smtp_config is not None
    assert (stored.smtp_config.smtp_host, stored.smtp_config.sender_pass) == ("smtp.eu.example", "relay-pass-word-7K")
    assert stored.smtp_config.from_address == "no-reply@eu.example"

    # Without read-back, an empty password keeps the one stored for the same server and user...
    at.text_input(key="setup.from_name").input("EU relay").run()
    at.button(key="setup.save").click().run()
    stored = service.store.provider(service.userpool.id)
    assert stored.smtp_config is not None and stored.smtp_config.sender_pass == "relay-pass-word-7K"
    # ...and another server needs it typed again, inline, before anything is sent.
    at.text_input(key="setup.host").input("smtp.other.example").run()
    at.button(key="setup.save").click().run()
    assert "Nothing was sent: fix the fields marked above." in console.errors(at)
    assert service.store.provider(service.userpool.id).smtp_config.smtp_host == "smtp.eu.example"  # type: ignore[union-attr]


def test_the_smtp_set_up_form_checks_the_mandatory_fields(two_tenants, console) -> None:
    two_tenants["default_tenant"] = "eu-setup"
    at = console.open(secrets=two_tenants)
    at.button(key="setup.save").click().run()
    console.no_exception(at)
    errors = console.errors(at)
    assert "The host is required." in errors and "The From address is required." in errors


def test_nothing_configured_starts_the_embedded_service(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, console
) -> None:
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MAILCONSOLE_DATA_DIR", str(tmp_path / "data"))
    at = console.open()
    console.no_exception(at)
    connection = at.session_state["mc.connection"]
    assert connection.tenant.kind == TenantKind.EMBEDDED
    assert connection.host.startswith("http://127.0.0.1:")
    assert (tmp_path / "data" / "mailconsole.sqlite3").exists()
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    assert "Built-in email service (embedded in this console)" in sidebar
    assert "0 of 15" in console.text(at)
    # Once per process: a second session uses the same service.
    again = console.open()
    assert again.session_state["mc.connection"].host == connection.host
