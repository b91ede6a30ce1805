"""The audit trail over real HTTP: every change of provider settings and templates, through the management API
(the typed client and an official SDK) and both forms of the SMTP set-up API, recorded with who and what; secrets
only as "changed", nowhere in a reply or in a file of the data dir."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.actor import ACTOR_HEADER, MAX_ACTOR_LENGTH
from mailconsole.models import AuditChange, AuditEntry, SendGridConfig, SmtpConfig
from mailconsole.service.embedded import RunningService
from mailconsole.service.secret_box import PREFIX
from mailconsole.service.settings import ServiceSettings
from tests.postgres import at_rest_holding
from tests.service.test_api import management_token
from tests.service.test_smtp_setup_api import post as setup_post
from tests.support import SECRETS_USED

SMTP_PASSWORD = "audit-Smtp-Secret-5521"
NEW_PASSWORD = "audit-Rotated-Secret-0193"
SENDGRID_KEY = "SG.audit-Secret-7730"
SECRETS_USED.update((SMTP_PASSWORD, NEW_PASSWORD, SENDGRID_KEY))
SMTP = SmtpConfig(
    smtp_host="smtp.acme.example", smtp_port=465, sender="mailer@acme.example", sender_pass=SMTP_PASSWORD, secure=True
)


def access_key(service: RunningService) -> str:
    return f"access key {service.userpool.id}"


def change_of(entry: AuditEntry, field: str) -> AuditChange:
    (found,) = [change for change in entry.changes if change.field == field]
    return found


def raw_audit(service: RunningService, query: str = "") -> dict[str, Any]:
    headers = {"authorization": f"Bearer {management_token(service)}"}
    reply: dict[str, Any] = httpx.get(f"{service.base_url}/local/v1/audit{query}", headers=headers).json()
    return reply


def test_a_provider_change_names_the_access_key_and_each_field_with_the_secret_only_as_changed(
    service: RunningService, management: ManagementClient
) -> None:
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    (entry,) = management.list_audit()
    assert (entry.actor, entry.kind, entry.item) == (access_key(service), "provider", "custom")
    assert entry.at.endswith("Z") and entry.at[:2] == "20"  # UTC, ISO 8601
    assert change_of(entry, "enabled") == AuditChange(field="enabled", before=False, after=True)
    assert change_of(entry, "type") == AuditChange(field="type", before=None, after="custom")
    assert change_of(entry, "smtpConfig.smtp_host").after == "smtp.acme.example"
    assert change_of(entry, "smtpConfig.smtp_port").after == 465
    assert change_of(entry, "smtpConfig.senderPass") == AuditChange(field="smtpConfig.senderPass", after="changed")

    # The mask sent back keeps the stored password: that is no change of it.
    masked = management.get_email_provider().smtp_config
    assert masked is not None
    management.config_email_provider(
        type="custom", enabled=True, smtp_config=masked.model_copy(update={"from_display_name": "Acme"})
    )
    latest = management.list_audit()[0]
    assert [(change.field, change.before, change.after) for change in latest.changes] == [
        ("smtpConfig.fromDisplayName", None, "Acme")
    ]
    # A new password is a change, shown as nothing but that.
    management.config_email_provider(
        type="custom",
        enabled=True,
        smtp_config=SMTP.model_copy(update={"from_display_name": "Acme", "sender_pass": NEW_PASSWORD}),
    )
    rotated = management.list_audit()[0]
    assert [change.model_dump() for change in rotated.changes] == [
        {"field": "smtpConfig.senderPass", "before": None, "after": "changed"}
    ]


def test_no_secret_reaches_the_audit_reply_or_the_data_dir(
    service: RunningService, service_settings: ServiceSettings, management: ManagementClient
) -> None:
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    management.config_email_provider(
        type="sendgrid", enabled=False, send_grid_config=SendGridConfig(sender="a@acme.example", apikey=SENDGRID_KEY)
    )
    management.config_email_provider(
        type="custom", enabled=True, smtp_config=SMTP.model_copy(update={"sender_pass": ""})
    )
    setup_post(
        service,
        "shift",
        {"host": "smtp.acme.example", "from": "a@acme.example", "user": "u", "password": NEW_PASSWORD},
        management_token(service),
    )
    reply = raw_audit(service)
    assert reply["statusCode"] == 200
    text = json.dumps(reply)
    entries = reply["data"]["entries"]
    assert len(entries) == 4
    assert '"after": "changed"' in text
    for secret in (SMTP_PASSWORD, NEW_PASSWORD, SENDGRID_KEY):
        assert secret not in text
    assert PREFIX not in text  # nor a sealed one
    assert at_rest_holding(service_settings, SMTP_PASSWORD, NEW_PASSWORD, SENDGRID_KEY) == []


def test_a_template_change_names_the_admin_the_console_sent(
    service: RunningService, management: ManagementClient
) -> None:
    with ManagementClient(
        service.base_url, service.userpool.id, service.userpool.secret, actor="alice@example.com"
    ) as alice:
        template = next(t for t in alice.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        alice.update_email_template(
            type="LOGIN_VERIFY_CODE",
            customize_enabled=True,
            name=template.name,
            subject="Your code {{verify_code}}",
            sender=template.sender,
            content=template.content,
            expires_in=template.expires_in,
        )
    (entry,) = management.list_audit()
    assert (entry.actor, entry.kind, entry.item) == ("alice@example.com", "template", "LOGIN_VERIFY_CODE")
    assert {change.field for change in entry.changes} == {"customizeEnabled", "subject"}
    assert change_of(entry, "subject") == AuditChange(
        field="subject", before=template.subject, after="Your code {{verify_code}}"
    )


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_the_smtp_set_up_api_is_recorded_as_its_token_holder(
    service: RunningService, management: ManagementClient, form: str
) -> None:
    body = {"host": "smtp.gmail.com", "from": "sender@example.com", "port": "587", "user": "u", "password": "pw-1"}
    assert setup_post(service, form, body, management_token(service)).status_code == 200
    (entry,) = management.list_audit()
    assert (entry.actor, entry.kind, entry.item) == ("SMTP set-up API token", "provider", "custom")
    assert change_of(entry, "smtpConfig.from").after == "sender@example.com"
    assert change_of(entry, "smtpConfig.senderPass").after == "changed"
    # The same settings again change nothing, and nothing is recorded.
    assert setup_post(service, form, body, management_token(service)).status_code == 200
    assert len(management.list_audit()) == 1


def test_an_official_sdk_change_is_recorded_under_the_access_key(
    service: RunningService, management: ManagementClient
) -> None:
    from genauth import ManagementClient as SdkManagement

    sdk = SdkManagement(
        access_key_id=service.userpool.id, access_key_secret=service.userpool.secret, host=service.base_url
    )
    reply = sdk.update_email_template(
        content="<p>Welcome</p>",
        sender="{{client_name}}",
        subject="Welcome",
        name="Welcome",
        customize_enabled=True,
        type="WELCOME_EMAIL",
    )
    assert reply["statusCode"] == 200, reply
    (entry,) = management.list_audit()
    assert (entry.actor, entry.item) == (access_key(service), "WELCOME_EMAIL")
    assert change_of(entry, "content").after == "<p>Welcome</p>"


def test_filtered_by_kind_newest_first_and_limited(service: RunningService, management: ManagementClient) -> None:
    management.config_email_provider(type="custom", enabled=False, smtp_config=SMTP)
    for subject in ("first", "second"):
        management.update_email_template(
            type="MFA_VERIFY_CODE", customize_enabled=True, name="MFA", subject=subject, sender="x", content="<p>c</p>"
        )
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)

    everything = management.list_audit()
    assert [(entry.kind, entry.item) for entry in everything] == [
        ("provider", "custom"),
        ("template", "MFA_VERIFY_CODE"),
        ("template", "MFA_VERIFY_CODE"),
        ("provider", "custom"),
    ]
    assert [entry.id for entry in everything] == sorted((entry.id for entry in everything), reverse=True)
    assert [entry.at for entry in everything] == sorted((entry.at for entry in everything), reverse=True)
    templates = management.list_audit(kind="template")
    assert [change_of(entry, "subject").after for entry in templates] == ["second", "first"]
    providers = management.list_audit(kind="provider")
    assert [change.field for change in providers[0].changes] == ["enabled"]
    assert "smtpConfig.smtp_host" in {change.field for change in providers[1].changes}
    assert management.list_audit(limit=1) == everything[:1]
    with pytest.raises(InvalidArgumentError, match="kind"):
        management.list_audit(kind="userpool")
    assert raw_audit(service, "?kind=userpool")["statusCode"] == 400


def test_a_save_that_changes_nothing_records_nothing(management: ManagementClient) -> None:
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    stored = management.get_email_provider()
    management.config_email_provider(type="custom", enabled=True, smtp_config=stored.smtp_config)
    assert len(management.list_audit()) == 1


def test_the_actor_header_is_cleaned_and_capped(service: RunningService, management: ManagementClient) -> None:
    token = management_token(service)

    def save_as(actor: str, subject: str) -> None:
        body = {
            "type": "MFA_VERIFY_CODE",
            "customizeEnabled": True,
            "name": "MFA",
            "subject": subject,
            "sender": "x",
            "content": "<p>c</p>",
        }
        headers = {"authorization": f"Bearer {token}", ACTOR_HEADER: actor}
        reply = httpx.post(f"{service.base_url}/api/v3/update-email-template", json=body, headers=headers).json()
        assert reply["statusCode"] == 200, reply

    save_as("bob@example.com \t (forged%0Aline%E2%80%AEgnp.exe)", "one")
    save_as("x" * 5000, "two")
    save_as("%0A%0D%E2%80%8B", "three")  # nothing left (line breaks, a zero-width space): the access key is named
    blank, long, forged = management.list_audit()
    # Whitespace runs became one space; the newline and the right-to-left override are gone.
    assert forged.actor == "bob@example.com (forged linegnp.exe)"
    assert long.actor == "x" * MAX_ACTOR_LENGTH
    assert blank.actor == access_key(service)


def test_an_email_with_non_ascii_characters_arrives_as_it_was(
    service: RunningService, management: ManagementClient
) -> None:
    with ManagementClient(
        service.base_url, service.userpool.id, service.userpool.secret, actor="zoë.müller@exämple.com\n"
    ) as zoe:
        zoe.config_email_provider(type="custom", enabled=False, smtp_config=SMTP)
    assert management.list_audit()[0].actor == "zoë.müller@exämple.com"


def test_a_template_body_change_is_recorded_as_a_diff_of_the_whole_body(
    service: RunningService, management: ManagementClient
) -> None:
    template = next(t for t in management.get_email_templates().templates if t.type == "WELCOME_EMAIL")
    lines = [f"<p>line {number} of a long body</p>" for number in range(200)]  # far over the recorded 4,000
    for body in ("\n".join(lines), "\n".join([*lines[:-1], "<p>the last line, edited</p>"])):
        management.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name=template.name,
            subject=template.subject,
            sender=template.sender,
            content=body,
        )
    content = change_of(management.list_audit(kind="template", limit=1)[0], "content")
    assert content.diff is not None
    assert "\n-<p>line 199 of a long body</p>\n+<p>the last line, edited</p>" in content.diff
    assert content.diff.startswith("--- content before\n+++ content after\n@@ -197,4 +197,4 @@")
    assert "edited" not in str(content.after)  # the value itself is still cut, the diff is not
