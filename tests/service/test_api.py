"""The embedded service over real HTTP, driven by the typed client and by raw requests where the point is the
wire itself (validation messages, envelope, headers)."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from mailconsole import (
    AuthenticationClient,
    InvalidArgumentError,
    ManagementClient,
    ThrottledError,
    UnauthorizedError,
)
from mailconsole.catalog import TEMPLATE_GROUPS
from mailconsole.models import SECRET_MASK, EmailProvider, ExmailConfig, SendGridConfig, SmtpConfig, TemplateType
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings


def raw_call(service: RunningService, path: str, body: Any = None, *, token: str | None = None) -> dict[str, Any]:
    """One request as a foreign client would send it, returning the envelope. It asks for English messages, which
    the tests read (without the header the service answers in Chinese, as the platform does)."""
    headers = {"x-authing-lang": "en-US"} | ({"authorization": f"Bearer {token}"} if token else {})
    with httpx.Client(base_url=service.base_url) as http:
        response = http.post(path, json=body, headers=headers) if body is not None else http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    envelope: dict[str, Any] = response.json()
    return envelope


def management_token(service: RunningService) -> str:
    reply = raw_call(
        service,
        "/api/v3/get-management-token",
        {"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret},
    )
    assert reply["statusCode"] == 200
    assert reply["data"]["expires_in"] == 7200
    token: str = reply["data"]["access_token"]
    return token


# ---- authentication ------------------------------------------------------------------------------------------


def test_wrong_secret_is_refused(service: RunningService) -> None:
    reply = raw_call(
        service, "/api/v3/get-management-token", {"accessKeyId": service.userpool.id, "accessKeySecret": "nope"}
    )
    assert reply["statusCode"] == 401
    assert reply["requestId"]
    with ManagementClient(service.base_url, service.userpool.id, "wrong") as client, pytest.raises(UnauthorizedError):
        client.get_email_provider()


def test_management_calls_need_a_valid_token(service: RunningService) -> None:
    assert raw_call(service, "/api/v3/get-email-provider")["statusCode"] == 401
    assert raw_call(service, "/api/v3/get-email-provider", token="not-a-jwt")["statusCode"] == 401


def test_token_with_or_without_bearer_and_either_header_prefix(service: RunningService) -> None:
    token = management_token(service)
    with httpx.Client(base_url=service.base_url) as http:
        for headers in (
            {"authorization": token, "x-authing-userpool-id": service.userpool.id},
            {"authorization": f"Bearer {token}", "x-genauth-userpool-id": service.userpool.id},
        ):
            assert http.get("/api/v3/get-email-provider", headers=headers).json()["statusCode"] == 200
        other_pool = {"authorization": token, "x-authing-userpool-id": "someone-else"}
        assert http.get("/api/v3/get-email-provider", headers=other_pool).json()["statusCode"] == 403


# ---- provider settings ---------------------------------------------------------------------------------------


def test_provider_starts_with_the_built_in_service(management: ManagementClient) -> None:
    assert management.get_email_provider() == EmailProvider(enabled=False, version=0)


def test_provider_settings_round_trip_with_extensions(management: ManagementClient, service: RunningService) -> None:
    smtp = SmtpConfig(
        smtp_host="smtp.example.com",
        smtp_port=587,
        sender="mailer",
        sender_pass="pw",
        secure=False,
        starttls=True,
        from_address="no-reply@example.com",
        from_display_name="Acme",
        reply_to="help@example.com",
        reply_to_display_name="Acme Help",
        envelope_from="bounces@example.com",
    )
    saved = management.config_email_provider(type="custom", enabled=True, smtp_config=smtp)
    assert saved.smtp_config == smtp.model_copy(update={"sender_pass": SECRET_MASK})  # replies never carry it
    assert management.get_email_provider() == saved
    assert service.store.provider(service.userpool.id).smtp_config == smtp


def test_each_type_keeps_its_own_configuration(management: ManagementClient, service: RunningService) -> None:
    management.config_email_provider(
        type="sendgrid", enabled=True, send_grid_config=SendGridConfig(sender="a@example.com", apikey="SG.1")
    )
    management.config_email_provider(
        type="ali", enabled=True, ali_exmail_config=ExmailConfig(sender="b@example.com", sender_pass="x")
    )
    provider = management.get_email_provider()
    assert provider.type == "ali"
    assert provider.send_grid_config == SendGridConfig(sender="a@example.com", apikey=SECRET_MASK)
    # Turning the provider off keeps its settings for later.
    management.config_email_provider(type="ali", enabled=False)
    off = service.store.provider(service.userpool.id)
    assert off.enabled is False
    assert off.ali_exmail_config == ExmailConfig(sender="b@example.com", sender_pass="x")
    assert off.send_grid_config == SendGridConfig(sender="a@example.com", apikey="SG.1")


BAD_PROVIDER_BODIES = [
    ({"enabled": True}, "type is required"),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {"smtp_host": "h.example", "smtp_port": 25, "senderPass": "a\u0000b"},
        },
        "smtpConfig.senderPass contains a control character",
    ),
    (
        {
            "type": "sendgrid",
            "enabled": True,
            "sendGridConfig": {"sender": "a@b.example", "apikey": "SG.x\r\nX-Evil: 1"},
        },
        "sendGridConfig.apikey contains a control character",
    ),
    ({"type": "custom"}, "enabled is required"),
    ({"type": "mailgun", "enabled": True}, "type:"),
    ({"type": "custom", "enabled": True}, "smtpConfig is required when type is custom"),
    ({"type": "custom", "enabled": True, "smtpConfig": {"smtp_port": 25, "senderPass": ""}}, "smtpConfig.smtp_host"),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {"smtp_host": "h.example.com", "smtp_port": 70000, "senderPass": ""},
        },
        "smtpConfig.smtp_port",
    ),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {"smtp_host": "h.example.com", "smtp_port": "abc", "senderPass": ""},
        },
        "smtpConfig.smtp_port",
    ),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {"smtp_host": "http://h.example.com", "smtp_port": 25, "senderPass": ""},
        },
        "smtpConfig.smtp_host",
    ),
    ({"type": "custom", "enabled": True, "smtpConfig": {"smtp_host": "h.example.com", "smtp_port": 25}}, "senderPass"),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {"smtp_host": "h.example.com", "smtp_port": 25, "senderPass": "", "from": "not-an-address"},
        },
        "smtpConfig.from",
    ),
    (
        {
            "type": "custom",
            "enabled": True,
            "smtpConfig": {
                "smtp_host": "h.example.com",
                "smtp_port": 465,
                "senderPass": "",
                "secure": True,
                "starttls": True,
            },
        },
        "not both",
    ),
    ({"type": "sendgrid", "enabled": True, "sendGridConfig": {"sender": "a@example.com"}}, "sendGridConfig.apikey"),
    (
        {"type": "sendgrid", "enabled": True, "sendGridConfig": {"sender": "nobody", "apikey": "k"}},
        "sendGridConfig.sender",
    ),
    (
        {"type": "qq", "enabled": True, "tencentExmailConfig": {"sender": "a@example.com"}},
        "tencentExmailConfig.senderPass",
    ),
]


@pytest.mark.parametrize(("body", "named"), BAD_PROVIDER_BODIES)
def test_bad_provider_settings_are_refused_and_change_nothing(
    service: RunningService, management: ManagementClient, body: dict[str, Any], named: str
) -> None:
    before = management.config_email_provider(
        type="sendgrid", enabled=True, send_grid_config=SendGridConfig(sender="keep@example.com", apikey="SG.keep")
    )
    reply = raw_call(service, "/api/v3/config-email-provider", body, token=management_token(service))
    assert reply["statusCode"] == 400
    assert named in reply["message"]
    assert management.get_email_provider() == before


def test_malformed_json_is_a_clear_400(service: RunningService) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.post(
            "/api/v3/config-email-provider",
            content=b"{not json",
            headers={"authorization": management_token(service), "content-type": "application/json"},
        ).json()
    assert reply["statusCode"] == 400
    assert "JSON" in reply["message"]


# ---- templates -----------------------------------------------------------------------------------------------


def test_all_fifteen_templates_exist_from_the_start(management: ManagementClient) -> None:
    listing = management.get_email_templates()
    assert [t.type for t in listing.templates] == list(TemplateType)
    assert all(not t.customize_enabled and t.tpl_engine == "handlebar" for t in listing.templates)
    assert len(listing.categories) == len(TEMPLATE_GROUPS)
    login = next(t for t in listing.templates if t.type == TemplateType.LOGIN_VERIFY_CODE)
    assert "{{verify_code}}" in login.content
    assert login.expires_in == 300


def test_update_then_list_returns_the_saved_template(management: ManagementClient) -> None:
    saved = management.update_email_template(
        type="LOGIN_VERIFY_CODE",
        customize_enabled=True,
        name="Login",
        subject="Code {{verify_code}}",
        sender="{{client_name}}",
        content="<p>Your code is {{verify_code}}</p>",
        expires_in=600,
    )
    assert saved.expires_in == 600
    listed = next(t for t in management.get_email_templates().templates if t.type == TemplateType.LOGIN_VERIFY_CODE)
    assert listed == saved


def test_sdk_sample_fields_that_do_not_apply_are_dropped(management: ManagementClient) -> None:
    # The official docs' sample sends expiresIn and redirectTo for WELCOME_EMAIL; the platform ignores them there.
    saved = management.update_email_template(
        type="WELCOME_EMAIL",
        customize_enabled=True,
        name="Welcome email",
        subject="Welcome to {{app_name}}",
        sender="{{client_name}}",
        content="xxx",
        expires_in=300,
        redirect_to="https://example.com",
        tpl_engine="handlebar",
    )
    assert (saved.expires_in, saved.redirect_to) == (None, None)


def test_a_template_that_does_not_compile_is_refused_with_its_line(management: ManagementClient) -> None:
    before = management.get_email_templates()
    with pytest.raises(InvalidArgumentError) as caught:
        management.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="Broken",
            subject="Hi",
            sender="x",
            content="<p>one</p>\n<p>two</p>\n{{#if app_name}}\n<p>never closed</p>\n",
        )
    assert "content" in caught.value.message
    assert "line 3" in caught.value.message
    assert management.get_email_templates() == before


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            {"type": "NOPE", "customizeEnabled": True, "name": "n", "subject": "s", "sender": "x", "content": "c"},
            "type",
        ),
        ({"type": "WELCOME_EMAIL", "name": "n", "subject": "s", "sender": "x", "content": "c"}, "customizeEnabled"),
        (
            {
                "type": "LOGIN_VERIFY_CODE",
                "customizeEnabled": True,
                "name": "n",
                "subject": "s",
                "sender": "x",
                "content": "c",
                "expiresIn": 0,
            },
            "expiresIn",
        ),
        (
            {
                "type": "WELCOME_EMAIL",
                "customizeEnabled": True,
                "name": "n",
                "subject": "s",
                "sender": "x",
                "content": "c",
                "tplEngine": "jinja",
            },
            "tplEngine",
        ),
    ],
)
def test_bad_template_updates_name_the_field(service: RunningService, body: dict[str, Any], named: str) -> None:
    reply = raw_call(service, "/api/v3/update-email-template", body, token=management_token(service))
    assert reply["statusCode"] == 400
    assert named in reply["message"]


def test_preview_renders_the_stored_template_with_a_sample_context(management: ManagementClient) -> None:
    preview = management.preview_email_template(type="LOGIN_VERIFY_CODE")
    assert "482913" in preview.content  # the sample code
    assert "{{" not in preview.content + preview.subject + preview.sender
    custom = management.preview_email_template(
        type="LOGIN_VERIFY_CODE", content="<b>{{verify_code}} / {{expires_in}}</b>", expires_in=600
    )
    assert custom.content == "<b>482913 / 10</b>"


def test_preview_with_ejs(management: ManagementClient) -> None:
    preview = management.preview_email_template(
        type="LOGIN_VERIFY_CODE",
        content="<% if (verify_code) { %><b><%= verify_code %></b><% } %>",
        subject="Code <%= verify_code %>",
        sender="<%= app_name %>",
        tpl_engine="ejs",
    )
    assert preview.content == "<b>482913</b>"
    assert preview.subject == "Code 482913"


def test_preview_of_a_broken_template_names_part_and_line(management: ManagementClient) -> None:
    with pytest.raises(InvalidArgumentError, match=r"subject: line 1"):
        management.preview_email_template(type="WELCOME_EMAIL", subject="{{#each")


# ---- sending -------------------------------------------------------------------------------------------------


def test_send_goes_to_the_outbox_with_a_fresh_code(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    authentication.send_email("CHANNEL_LOGIN", "Alice@Example.com")
    authentication.send_email("CHANNEL_REGISTER", "alice@example.com")
    outbox = management.list_outbox()
    assert [m.channel for m in outbox] == ["CHANNEL_REGISTER", "CHANNEL_LOGIN"]  # newest first
    login = outbox[1]
    assert login.to == "Alice@example.com"
    assert "Content-Type: multipart/alternative" in login.raw
    codes = {line.strip() for line in login.text.splitlines() if line.strip().isdigit() and len(line.strip()) == 6}
    assert len(codes) == 1
    assert codes.pop() in login.html


def test_once_a_minute_per_mailbox_and_channel(authentication: AuthenticationClient) -> None:
    authentication.send_email("CHANNEL_LOGIN", "bob@example.com")
    with pytest.raises(ThrottledError) as caught:
        authentication.send_email("CHANNEL_LOGIN", "BOB@example.com")  # the mailbox ignores case
    assert 55 <= (caught.value.retry_after or 0) <= 60
    authentication.send_email("CHANNEL_REGISTER", "bob@example.com")  # another channel
    authentication.send_email("CHANNEL_LOGIN", "carol@example.com")  # another mailbox


def test_every_channel_sends_its_template(management: ManagementClient, authentication: AuthenticationClient) -> None:
    from mailconsole.models import Channel

    for channel in Channel:
        authentication.send_email(channel, "dave@example.com")
    outbox = management.list_outbox(limit=20)
    assert len(outbox) == len(Channel)
    by_channel = {m.channel: m for m in outbox}
    # handlebars.js escapes "=" in {{verify_link}}; a browser reads the entity back.
    assert "/verify-email?token=" in html.unescape(by_channel["CHANNEL_VERIFY_EMAIL_LINK"].html)
    assert "delet" in by_channel["CHANNEL_DELETE_ACCOUNT"].subject.lower()


def test_bad_send_requests(service: RunningService) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        app = {"x-authing-app-id": service.userpool.app_id}
        unknown_channel = http.post(
            "/api/v3/send-email", json={"channel": "CHANNEL_X", "email": "a@example.com"}, headers=app
        )
        bad_email = http.post("/api/v3/send-email", json={"channel": "CHANNEL_LOGIN", "email": "nope"}, headers=app)
        no_app = http.post("/api/v3/send-email", json={"channel": "CHANNEL_LOGIN", "email": "a@example.com"})
        unknown_app = http.post(
            "/api/v3/send-email",
            json={"channel": "CHANNEL_LOGIN", "email": "a@example.com"},
            headers={"x-genauth-app-id": "nope"},
        )
    assert unknown_channel.json()["statusCode"] == 400 and "channel" in unknown_channel.json()["message"]
    assert bad_email.json()["statusCode"] == 400 and "email" in bad_email.json()["message"]
    assert no_app.json()["statusCode"] == 400 and "x-authing-app-id" in no_app.json()["message"]
    assert unknown_app.json()["statusCode"] == 404


# ---- persistence ---------------------------------------------------------------------------------------------


def test_a_restart_keeps_everything(service_settings: ServiceSettings) -> None:
    first = start_service(service_settings)
    with ManagementClient(first.base_url, first.userpool.id, first.userpool.secret) as client:
        client.config_email_provider(
            type="sendgrid", enabled=False, send_grid_config=SendGridConfig(sender="a@example.com", apikey="SG.persist")
        )
        client.update_email_template(
            type="MFA_VERIFY_CODE", customize_enabled=True, name="MFA", subject="s", sender="x", content="<p>kept</p>"
        )
    with AuthenticationClient(first.userpool.app_id, first.base_url) as sender:
        sender.send_email("CHANNEL_LOGIN", "erin@example.com")
    first.stop()

    second = start_service(service_settings)
    again = ManagementClient(second.base_url, first.userpool.id, first.userpool.secret)
    sender = AuthenticationClient(first.userpool.app_id, second.base_url)
    try:
        assert second.userpool == first.userpool
        provider = second.store.provider(first.userpool.id)
        assert provider.send_grid_config is not None and provider.send_grid_config.apikey == "SG.persist"
        mfa = next(t for t in again.get_email_templates().templates if t.type == TemplateType.MFA_VERIFY_CODE)
        assert mfa.content == "<p>kept</p>"
        assert len(again.list_outbox()) == 1
        # The once-a-minute rule survives the restart too.
        with pytest.raises(ThrottledError):
            sender.send_email("CHANNEL_LOGIN", "erin@example.com")
    finally:
        again.close()
        sender.close()
        second.stop()


def test_first_pool_from_the_environment(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", "pool-env")
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", "secret-env")
    monkeypatch.setenv("MAILCONSOLE_APP_ID", "app-env")
    running = start_service(ServiceSettings(data_dir=tmp_path))
    try:
        assert (running.userpool.id, running.userpool.secret, running.userpool.app_id) == (
            "pool-env",
            "secret-env",
            "app-env",
        )
        with ManagementClient(running.base_url, "pool-env", "secret-env") as client:
            assert client.get_email_provider().enabled is False
    finally:
        running.stop()


def test_service_info_marks_the_embedded_service(management: ManagementClient) -> None:
    info = management.service_info()
    assert info is not None and info.service == "mailconsole"
    assert "outbox" in info.extensions
