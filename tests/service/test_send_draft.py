"""send-draft over real HTTP: the draft, unsaved, arrives at a real SMTP server as a real send of its type would,
the saved template stays as it was, the once-a-minute slot of the type's channel is taken, and the send is in the
delivery log and (as a test send) in the audit trail."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mailconsole import (
    AuthenticationClient,
    InvalidArgumentError,
    ManagementClient,
    ThrottledError,
)
from mailconsole.models import AuditKind, Extension, SmtpConfig
from mailconsole.service.embedded import RunningService
from tests.conftest import SmtpServer

SAVED = {
    "customize_enabled": True,
    "name": "Login",
    "subject": "Saved subject {{verify_code}}",
    "sender": "Saved sender",
    "content": "<p>Saved body {{verify_code}}</p>",
}
DRAFT = {
    "customize_enabled": True,
    "name": "Login",
    "subject": "Draft for {{app_name}}: {{verify_code}}",
    "sender": "Acme drafts",
    "content": "<h1>Draft</h1><p>Code <b>{{verify_code}}</b> for {{user_email}}, {{expires_in}} minutes.</p>",
    "expires_in": 600,
}


def use_smtp(management: ManagementClient, server: SmtpServer) -> None:
    config = SmtpConfig(
        smtp_host=server.host,
        smtp_port=server.port,
        sender=server.user,
        sender_pass=server.password,
        from_address="no-reply@acme.example.com",
    )
    management.config_email_provider(type="custom", enabled=True, smtp_config=config)


def test_the_service_announces_the_extensions(management: ManagementClient) -> None:
    info = management.service_info()
    assert info is not None
    assert {Extension.SEND_DRAFT, Extension.HISTORY, Extension.DELIVERIES} <= set(info.extensions)


def test_a_draft_arrives_with_its_content_and_the_saved_template_is_unchanged(
    service: RunningService, smtp_server: SmtpServer
) -> None:
    with ManagementClient(
        service.base_url, service.userpool.id, service.userpool.secret, actor="alice@example.com"
    ) as management:
        saved = management.update_email_template(type="LOGIN_VERIFY_CODE", **SAVED)
        use_smtp(management, smtp_server)
        reply = management.send_draft(type="LOGIN_VERIFY_CODE", email="Alice@Example.com", **DRAFT)

        [(mail_from, rcpt_tos, message)] = smtp_server.inbox.messages
        assert (mail_from, rcpt_tos) == ("no-reply@acme.example.com", ["Alice@example.com"])
        subject = str(message["Subject"])
        code = subject.rsplit(" ", 1)[-1]
        assert len(code) == 6 and code.isdigit()  # a fresh code, as a real send makes
        assert subject == f"Draft for {service.userpool.name}: {code}" == reply.subject
        # The sender rule of a real send: the template's rendered sender, at the provider's From address.
        assert str(message["From"]) == "Acme drafts <no-reply@acme.example.com>"
        html = message.get_body(("html",))
        assert isinstance(html, EmailMessage)
        assert f"Code <b>{code}</b> for Alice@example.com, 10 minutes." in html.get_content()
        assert reply.message_id == message["Message-ID"]
        assert reply.delivered_by == f"the SMTP server {smtp_server.host}:{smtp_server.port}"

        stored = {str(t.type): t for t in management.get_email_templates().templates}["LOGIN_VERIFY_CODE"]
        assert (stored.subject, stored.content, stored.version) == (SAVED["subject"], SAVED["content"], saved.version)

        [delivery] = management.list_deliveries(limit=1)
        assert (delivery.channel, delivery.to, delivery.status) == ("draft", "Alice@example.com", "delivered")
        assert (delivery.template_type, delivery.template_version) == ("LOGIN_VERIFY_CODE", None)
        assert (delivery.subject, delivery.message_id) == (subject, message["Message-ID"])
        assert delivery.destination == f"{smtp_server.host}:{smtp_server.port} (STARTTLS if offered)"

        [test_send] = management.list_audit(kind=AuditKind.TEST_SEND)
        assert (test_send.actor, test_send.item) == ("alice@example.com", "LOGIN_VERIFY_CODE")
        assert {change.field: change.after for change in test_send.changes} == {
            "to": "Alice@example.com",
            "subject": subject,
            "result": "delivered",
        }
        # A test send is not a change of the template.
        assert [entry.item for entry in management.list_audit(kind=AuditKind.TEMPLATE)] == ["LOGIN_VERIFY_CODE"]


def test_a_sample_profile_replaces_values_of_the_real_send(management: ManagementClient) -> None:
    management.config_email_provider(type="custom", enabled=False)  # the built-in service: the outbox
    draft = {**DRAFT, "subject": "Hello {{user_name}} of {{app_name}}"}
    profile = {"user_name": "Maximilian Alexander von Langenname-Überlänge", "app_name": "示例应用"}
    reply = management.send_draft(type="LOGIN_VERIFY_CODE", email="kim@example.com", context=profile, **draft)
    assert reply.subject == "Hello Maximilian Alexander von Langenname-Überlänge of 示例应用"
    [mail] = management.list_outbox()
    assert (mail.channel, mail.subject, mail.to) == ("draft", reply.subject, "kim@example.com")
    assert reply.delivered_by == "the built-in mail service (outbox)"
    [delivery] = management.list_deliveries()
    assert (delivery.provider, delivery.destination) == ("builtin", "built-in outbox")


def test_a_draft_takes_the_minute_of_its_types_channel(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    management.config_email_provider(type="custom", enabled=False)
    management.send_draft(type="LOGIN_VERIFY_CODE", email="lee@example.com", **DRAFT)
    with pytest.raises(ThrottledError) as again:
        management.send_draft(type="LOGIN_VERIFY_CODE", email="LEE@example.com", **DRAFT)
    assert again.value.retry_after is not None and 0 < again.value.retry_after <= 60
    # A real send of the channel that sends this type waits too; another type's channel does not.
    with pytest.raises(ThrottledError):
        authentication.send_email("CHANNEL_LOGIN", "lee@example.com")
    authentication.send_email("CHANNEL_REGISTER", "lee@example.com")
    # A type no channel sends has a minute of its own.
    welcome = {**DRAFT, "name": "Welcome", "subject": "Welcome to {{app_name}}"}
    management.send_draft(type="WELCOME_EMAIL", email="lee@example.com", **welcome)
    with pytest.raises(ThrottledError):
        management.send_draft(type="WELCOME_EMAIL", email="lee@example.com", **welcome)

    statuses = [(d.channel, d.template_type, d.status) for d in management.list_deliveries()]
    assert statuses == [
        ("draft", "WELCOME_EMAIL", "throttled"),
        ("draft", "WELCOME_EMAIL", "delivered"),
        ("CHANNEL_REGISTER", "REGISTER_VERIFY_CODE", "delivered"),
        ("CHANNEL_LOGIN", "LOGIN_VERIFY_CODE", "throttled"),
        ("draft", "LOGIN_VERIFY_CODE", "throttled"),
        ("draft", "LOGIN_VERIFY_CODE", "delivered"),
    ]
    assert len(management.list_outbox()) == 3
    throttled = management.list_deliveries(status="throttled", limit=1)[0]
    assert throttled.reply is not None and "less than a minute ago" in throttled.reply


def test_a_draft_that_does_not_compile_or_runs_away_is_refused_and_nothing_is_sent(
    management: ManagementClient,
) -> None:
    management.config_email_provider(type="custom", enabled=False)
    with pytest.raises(InvalidArgumentError, match=r"content: .*line 1"):
        management.send_draft(type="LOGIN_VERIFY_CODE", email="kim@example.com", **{**DRAFT, "content": "{{#if}}"})
    runaway = "{{#each @root}}" * 5 + "x" + "{{/each}}" * 5
    with pytest.raises(InvalidArgumentError, match="content: the template repeats its blocks more than"):
        management.send_draft(type="LOGIN_VERIFY_CODE", email="kim@example.com", **{**DRAFT, "content": runaway})
    with pytest.raises(InvalidArgumentError, match="email: "):
        management.send_draft(type="LOGIN_VERIFY_CODE", email="kim@@example", **DRAFT)
    assert management.list_outbox() == []
    # The minute was not taken: a correct draft to the same mailbox goes out at once.
    management.send_draft(type="LOGIN_VERIFY_CODE", email="kim@example.com", **DRAFT)
    assert len(management.list_outbox()) == 1
