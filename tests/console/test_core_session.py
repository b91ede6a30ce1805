"""The console's typed core for tenants and sessions (mailconsole.console): plain functions, no Streamlit."""

from __future__ import annotations

import pytest

from mailconsole.changes import describe_change, text_diff
from mailconsole.console.records import SendLog
from mailconsole.console.session import SESSION_KEYS, Connection, TenantData, connect, is_page_state
from mailconsole.console.tenants import EMBEDDED, ConfigError, ConsoleSettings, TenantConfig, TenantKind, tenants_from
from mailconsole.models import AuditChange, EmailProvider
from mailconsole.service.settings import DEFAULT_DATA_DIR, ServiceSettings


def test_flags_read_as_pydantic_reads_a_bool_and_an_empty_one_is_off() -> None:
    env = {
        "MAILCONSOLE_API_HOST": "https://api.example.com",
        "MAILCONSOLE_USERPOOL_ID": " p ",
        "MAILCONSOLE_USERPOOL_SECRET": "s",
    }
    for value, expected in (("on", True), ("1", True), ("no", False), ("", False)):
        (tenant,), problems = tenants_from({**env, "MAILCONSOLE_ALLOW_INSECURE_HTTP": value}, {})
        assert (tenant.allow_insecure_http, tenant.userpool_id, problems) == (expected, "p", [])


def test_a_value_that_cannot_be_read_is_a_problem_naming_the_key_not_a_crash() -> None:
    tenants, problems = tenants_from(
        {"MAILCONSOLE_API_HOST": "https://a", "MAILCONSOLE_ALLOW_INSECURE_HTTP": "maybe"}, {}
    )
    assert tenants == []
    (problem,) = problems
    assert problem.startswith("environment: has MAILCONSOLE_ALLOW_INSECURE_HTTP 'maybe'")


def test_a_table_with_numbers_and_odd_case_reads_as_text() -> None:
    secrets = {
        "tenants": {"acme": {"kind": "GenAuth", "api_host": "https://a", "userpool_id": 42, "userpool_secret": "s"}}
    }
    (tenant,), problems = tenants_from({}, secrets)
    assert (tenant.kind, tenant.userpool_id, problems) == (TenantKind.GENAUTH, "42", [])


def test_secrets_stay_out_of_repr() -> None:
    tenant = TenantConfig(name="x", userpool_secret="hunter2-secret", token="tok-secret")
    assert "hunter2-secret" not in repr(tenant) and "tok-secret" not in repr(tenant)


def test_the_console_and_the_service_share_the_data_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILCONSOLE_DATA_DIR", raising=False)
    assert ConsoleSettings().data_dir == ServiceSettings().data_dir == DEFAULT_DATA_DIR
    monkeypatch.setenv("MAILCONSOLE_DATA_DIR", "/srv/mail")
    assert str(ConsoleSettings().data_dir) == str(ServiceSettings().data_dir) == "/srv/mail"


def test_every_key_but_the_sessions_own_is_page_state() -> None:
    assert not any(is_page_state(key) for key in SESSION_KEYS)
    assert all(is_page_state(key) for key in ("tpl.LOGIN_VERIFY_CODE.gen", "prov.host", "mc.flash", "a.new.prefix"))


def test_forget_drops_what_was_read_and_keeps_what_the_backend_is() -> None:
    data = TenantData(templates={}, provider=EmailProvider(type="custom", enabled=False))
    data.service_info = None
    data.forget()
    assert (data.templates, data.provider, data.service_info_known) == (None, None, True)
    assert not TenantData().service_info_known


def test_connect_says_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="needs an API host"):
        connect(TenantConfig(name="x"))
    with pytest.raises(ConfigError, match="needs host, tenant_id, token as well"):
        connect(TenantConfig(name="x", kind=TenantKind.SMTP_SETUP))
    with pytest.raises(ConfigError, match="embedded service is not available"):
        connect(EMBEDDED)
    connection = connect(TenantConfig(name="x", api_host="http://127.0.0.1:9", userpool_id="p", userpool_secret="s"))
    assert isinstance(connection, Connection) and connection.authentication is None
    assert connection.backend_label() == "GenAuth-compatible API (private deployment)"
    connection.close()


def test_the_send_log_keeps_each_tenants_sends_and_refusals_apart() -> None:
    log = SendLog()
    log.record("acme", "CHANNEL_LOGIN", "a@example.com", "Sent")
    log.record("beta", "CHANNEL_LOGIN", "b@example.com", "Sent")
    log.record("acme", "CHANNEL_LOGIN", "a@example.com", "Refused: once a minute")
    assert [send.result for send in log.of("acme")] == ["Refused: once a minute", "Sent"]
    log.refused("acme", "CHANNEL_LOGIN", "a@example.com", 30)
    assert 29 <= log.seconds_left("acme", "CHANNEL_LOGIN", "a@example.com") <= 30
    assert log.seconds_left("beta", "CHANNEL_LOGIN", "a@example.com") == 0
    log.refused("acme", "CHANNEL_RESET_PASSWORD", "a@example.com", None)  # no wait given: the platform's minute
    assert 59 <= log.seconds_left("acme", "CHANNEL_RESET_PASSWORD", "a@example.com") <= 60


def test_secrets_toml_comes_before_the_environment() -> None:
    env = {"MAILCONSOLE_API_HOST": "https://env.example.com", "MAILCONSOLE_USERPOOL_ID": "env-pool"}
    secrets = {
        "MAILCONSOLE_API_HOST": "https://secrets.example.com",
        "MAILCONSOLE_USERPOOL_ID": "secrets-pool",
        "tenants": {"acme": {"api_host": "https://acme.example.com"}},
    }
    tenants, problems = tenants_from(env, secrets)
    assert [(tenant.name, tenant.api_host) for tenant in tenants] == [
        ("default", "https://secrets.example.com"),
        ("acme", "https://acme.example.com"),
    ]
    assert problems == ["Two tenants are named 'default'; the first one (.streamlit/secrets.toml) is used."]
    (tenant,), _ = tenants_from(env, {})
    assert tenant.api_host == "https://env.example.com"  # the environment, where secrets.toml says nothing


def test_a_body_change_reads_as_the_lines_its_diff_adds_and_removes() -> None:
    before, after = "<p>a</p>\n<p>b</p>\n<p>c</p>", "<p>a</p>\n<p>B</p>\n<p>c</p>\n<p>d</p>"
    change = AuditChange(field="content", before=before, after=after, diff=text_diff("content", before, after))
    assert describe_change(change) == "content: changed (+2 lines, −1 line)"
    # A record made before diffs were recorded still reads by length.
    assert describe_change(AuditChange(field="content", before=before, after=after)) == (
        "content: changed (26 characters → 35 characters)"
    )
    # A short one-line value reads as before and after, diff or not.
    assert (
        describe_change(AuditChange(field="subject", before="Hi", after="Hello", diff="x")) == 'subject: "Hi" → "Hello"'
    )


@pytest.mark.parametrize(("setting", "expected"), [(None, "en-US"), ("zh-CN", "zh-CN"), ("en", "en-US")])
def test_the_clients_ask_for_the_consoles_language(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, expected: str
) -> None:
    if setting is None:
        monkeypatch.delenv("MAILCONSOLE_LANGUAGE", raising=False)
    else:
        monkeypatch.setenv("MAILCONSOLE_LANGUAGE", setting)
    tenant = TenantConfig(
        name="t", kind=TenantKind.GENAUTH, userpool_id="p", userpool_secret="s", app_id="a", api_host="https://x.test"
    )
    connection = connect(tenant)
    assert connection.management is not None and connection.authentication is not None
    assert (connection.management.lang, connection.authentication.lang) == (expected, expected)
