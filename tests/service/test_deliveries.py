"""The delivery log over real HTTP, against a real SMTP server: a delivered, a refused (550, with the server's reply)
and a throttled send, each with its provider and destination; newest first, filtered by recipient and result."""

from __future__ import annotations

from email import policy
from email.parser import Parser

import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient, ProviderError, ThrottledError
from mailconsole.models import Delivery, SmtpConfig
from tests.mail_servers import Mailbox, MailServer, ThrowawayCA, mail_server


def use_smtp(management: ManagementClient, server: MailServer) -> None:
    config = SmtpConfig(
        smtp_host=server.host,
        smtp_port=server.port,
        sender=server.user,
        sender_pass=server.password,
        secure=True,
        ca_bundle=server.ca_pem,
        from_address="no-reply@acme.example.com",
    )
    management.config_email_provider(type="custom", enabled=True, smtp_config=config)


class RefuseOne(Mailbox):
    """Accepts every recipient but one, which it refuses as an unknown user (550)."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address == "nobody@example.com":
            return "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"
        return await super().handle_RCPT(server, session, envelope, address, options)


def test_delivered_refused_and_throttled_are_logged_with_the_providers_reply(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    mailbox = RefuseOne()
    with mail_server(ca, "ssl", mailbox=mailbox) as server:
        use_smtp(management, server)
        authentication.send_email("CHANNEL_LOGIN", "kim@example.com")
        with pytest.raises(ProviderError):
            authentication.send_email("CHANNEL_LOGIN", "nobody@example.com")
        with pytest.raises(ThrottledError):
            authentication.send_email("CHANNEL_LOGIN", "kim@example.com")

    delivered, refused, throttled = reversed(management.list_deliveries())
    where = f"127.0.0.1:{server.port} (SSL)"
    [received] = mailbox.received
    assert delivered.model_dump(exclude={"id", "at", "duration_ms"}) == Delivery(
        id=0,
        at="",
        channel="CHANNEL_LOGIN",
        to="kim@example.com",
        subject=str(received.message["Subject"]),
        template_type="LOGIN_VERIFY_CODE",
        template_version=None,  # customisation off: the built-in mail
        provider="custom",
        destination=where,
        status="delivered",
        message_id=received.message["Message-ID"],
    ).model_dump(exclude={"id", "at", "duration_ms"})
    assert delivered.duration_ms >= 0 and delivered.at.endswith("Z")

    assert (refused.status, refused.to, refused.destination, refused.message_id) == (
        "refused",
        "nobody@example.com",
        where,
        None,
    )
    assert refused.reply is not None
    assert "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown" in refused.reply
    assert refused.subject  # rendered before the server refused it

    assert (throttled.status, throttled.to, throttled.provider) == ("throttled", "kim@example.com", "custom")
    assert throttled.reply is not None and "try again in" in throttled.reply

    assert [d.status for d in management.list_deliveries(to="NOBODY@")] == ["refused"]
    assert [d.to for d in management.list_deliveries(status="delivered")] == ["kim@example.com"]
    assert [d.status for d in management.list_deliveries(limit=1)] == ["throttled"]
    assert management.list_deliveries(to="%") == []  # the filter is text, not a pattern


def test_a_saved_template_is_logged_with_its_version_and_the_outbox_mail_with_its_message_id(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    management.config_email_provider(type="custom", enabled=False)
    saved = management.update_email_template(
        type="REGISTER_VERIFY_CODE",
        customize_enabled=True,
        name="r",
        subject="Code {{verify_code}}",
        sender="Acme",
        content="<p>{{verify_code}}</p>",
    )
    authentication.send_email("CHANNEL_REGISTER", "lee@example.com")
    [delivery] = management.list_deliveries()
    [mail] = management.list_outbox()
    assert (delivery.template_type, delivery.template_version) == ("REGISTER_VERIFY_CODE", saved.version)
    assert (delivery.provider, delivery.destination, delivery.subject) == ("builtin", "built-in outbox", mail.subject)
    headers = Parser(policy=policy.default).parsestr(mail.raw, headersonly=True)
    assert delivery.message_id == headers["Message-ID"]


def test_a_send_whose_template_fails_with_the_real_data_is_logged_as_failed(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    management.config_email_provider(type="custom", enabled=False)
    management.update_email_template(  # passes the save's trial render (sample data), fails for this recipient
        type="LOGIN_VERIFY_CODE",
        customize_enabled=True,
        name="Login",
        subject="Code",
        sender="Acme",
        content="<p><%= user_email.indexOf('mallory') === 0 ? no_such_function() : verify_code %></p>",
        tpl_engine="ejs",
    )
    with pytest.raises(InvalidArgumentError, match="content: "):
        authentication.send_email("CHANNEL_LOGIN", "mallory@example.com")
    [failed] = management.list_deliveries()
    assert (failed.status, failed.to, failed.message_id, failed.subject) == ("failed", "mallory@example.com", None, "")
    assert failed.reply is not None and failed.reply.startswith("content: ")
    assert management.list_outbox() == []
