"""Delivery for real: into an SMTP server started by the test (aiosmtpd, AUTH required), and the local outbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient, ProviderError, ThrottledError
from mailconsole.models import SmtpConfig
from tests.conftest import SmtpServer
from tests.support import free_port


def use_smtp(management: ManagementClient, server: SmtpServer, **overrides: object) -> None:
    config = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "sender": server.user,
        "sender_pass": server.password,
        "secure": False,
        "from_address": "no-reply@acme.example.com",
        **overrides,
    }
    management.config_email_provider(type="custom", enabled=True, smtp_config=SmtpConfig.model_validate(config))


def test_mail_arrives_over_smtp_with_auth(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    management.update_email_template(
        type="LOGIN_VERIFY_CODE",
        customize_enabled=True,
        name="Login",
        subject="登录验证码 {{verify_code}}",
        sender="艾克米 {{app_name}}",
        content="<h1>你好</h1><p>Your code: <b>{{verify_code}}</b>, valid {{expires_in}} minutes.</p>",
        expires_in=600,
    )
    use_smtp(
        management,
        smtp_server,
        reply_to="help@acme.example.com",
        reply_to_display_name="帮助 Help",
        envelope_from="bounces@acme.example.com",
    )
    authentication.send_email("CHANNEL_LOGIN", "frank@example.com")

    assert smtp_server.inbox.logins == [smtp_server.user]
    [(mail_from, rcpt_tos, message)] = smtp_server.inbox.messages
    assert mail_from == "bounces@acme.example.com"
    assert rcpt_tos == ["frank@example.com"]
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert str(message["From"]) == "艾克米 Mail Console <no-reply@acme.example.com>"
    assert message["From"].addresses[0].display_name == "艾克米 Mail Console"
    assert str(message["Reply-To"]) == "帮助 Help <help@acme.example.com>"
    assert message["To"] == "frank@example.com"
    assert message["Date"] is not None and message["Message-ID"].endswith("@acme.example.com>")
    subject = str(message["Subject"])
    assert subject.startswith("登录验证码 ")
    code = subject.split()[-1]
    assert len(code) == 6 and code.isdigit()
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert isinstance(html, EmailMessage) and isinstance(text, EmailMessage)
    assert f"<b>{code}</b>" in html.get_content()
    assert "valid 10 minutes" in html.get_content()
    assert code in text.get_content() and "<b>" not in text.get_content()
    # Nothing went to the outbox: the provider is enabled.
    assert management.list_outbox() == []


def test_the_tenants_from_name_applies_when_the_template_has_none(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    management.update_email_template(
        type="REGISTER_VERIFY_CODE", customize_enabled=True, name="r", subject="s", sender="", content="{{verify_code}}"
    )
    use_smtp(management, smtp_server, from_display_name="Acme Accounts")
    authentication.send_email("CHANNEL_REGISTER", "gina@example.com")
    [(_, _, message)] = smtp_server.inbox.messages
    assert str(message["From"]) == "Acme Accounts <no-reply@acme.example.com>"


def test_wrong_password_is_a_provider_error_and_does_not_use_up_the_minute(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    use_smtp(management, smtp_server, sender_pass="wrong")
    with pytest.raises(ProviderError) as caught:
        authentication.send_email("CHANNEL_LOGIN", "hank@example.com")
    assert caught.value.status_code == 601
    assert "535" in caught.value.message  # the server's own reply
    use_smtp(management, smtp_server)
    authentication.send_email("CHANNEL_LOGIN", "hank@example.com")  # not throttled
    assert len(smtp_server.inbox.messages) == 1


def test_server_down_is_a_provider_error(management: ManagementClient, authentication: AuthenticationClient) -> None:
    management.config_email_provider(
        type="custom",
        enabled=True,
        smtp_config=SmtpConfig(
            smtp_host="127.0.0.1", smtp_port=free_port(), sender_pass="", from_address="a@example.com"
        ),
    )
    with pytest.raises(ProviderError, match=r"refused the connection\. Check the port"):
        authentication.send_email("CHANNEL_LOGIN", "ivan@example.com")


def test_twenty_concurrent_sends_of_one_pair_deliver_exactly_one(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    def send(index: int) -> str:
        # Spellings differ in case only: one mailbox.
        address = "Judy@Example.com" if index % 2 else "judy@example.COM"
        try:
            authentication.send_email("CHANNEL_LOGIN", address)
        except ThrottledError:
            return "throttled"
        return "sent"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(send, range(20)))
    assert outcomes.count("sent") == 1
    assert outcomes.count("throttled") == 19
    assert len(management.list_outbox()) == 1


def test_the_reply_says_who_delivered(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    """An extension of the embedded service: send-email's ``data.deliveredBy`` (GenAuth's reply has no data)."""
    management.config_email_provider(type="custom", enabled=False)
    assert authentication.send_email("CHANNEL_LOGIN", "olga@example.com") == "the built-in mail service (outbox)"
    use_smtp(management, smtp_server)
    delivered_by = authentication.send_email("CHANNEL_REGISTER", "olga@example.com")
    assert delivered_by == f"the SMTP server {smtp_server.host}:{smtp_server.port}"
    assert len(smtp_server.inbox.messages) == 1


def test_a_test_domain_from_address_is_taken_only_for_a_server_on_this_machine(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    """``.test`` and ``.localhost`` are reserved: no public server takes them, a local mail catcher does."""
    use_smtp(management, smtp_server, from_address="no-reply@acme.test", reply_to="help@desk.localhost")
    authentication.send_email("CHANNEL_LOGIN", "pia@example.com")
    [(mail_from, _, message)] = smtp_server.inbox.messages
    assert (mail_from, message["From"].addresses[0].addr_spec) == ("no-reply@acme.test", "no-reply@acme.test")
    assert str(message["Reply-To"]) == "help@desk.localhost"

    with pytest.raises(InvalidArgumentError) as refused:
        management.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host="smtp.example.com", smtp_port=465, sender_pass="", from_address="no-reply@acme.test"
            ),
        )
    assert "only a mail server on this machine" in refused.value.message
