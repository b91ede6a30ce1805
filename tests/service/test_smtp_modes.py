"""Delivery through every provider and TLS mode, and every fault, against real servers on loopback.

The service runs over real HTTP; mail servers are aiosmtpd with AUTH required and a certificate from a throwaway
CA, a scripted server that misbehaves, and a SendGrid stand-in over real HTTP.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mailconsole import AuthenticationClient, ManagementClient, ProviderError
from mailconsole.models import ExmailConfig, SendGridConfig, SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.mail_servers import (
    Mailbox,
    MailServer,
    ThrowawayCA,
    mail_server,
    scripted_server,
    sendgrid_stand_in,
)
from tests.support import free_port

SMTP_TIMEOUT = 2.0
RECIPIENT = "kim@example.com"


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=SMTP_TIMEOUT)


def use_smtp(management: ManagementClient, server: MailServer, **overrides: Any) -> SmtpConfig:
    config = SmtpConfig.model_validate(
        {
            "smtp_host": server.host,
            "smtp_port": server.port,
            "sender": server.user,
            "sender_pass": server.password,
            "secure": server.mode == "ssl",
            "starttls": server.mode == "starttls",
            "ca_bundle": server.ca_pem,
            "from_address": "no-reply@acme.example.com",
            **overrides,
        }
    )
    management.config_email_provider(type="custom", enabled=True, smtp_config=config)
    return config


def send_refused(authentication: AuthenticationClient, to: str = RECIPIENT) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        authentication.send_email("CHANNEL_LOGIN", to)
    return caught.value


# ---- every mode delivers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "mechanism"), [("ssl", "PLAIN"), ("ssl", "LOGIN"), ("starttls", "PLAIN"), ("starttls", "LOGIN")]
)
def test_delivers_over_tls_with_each_login_method(
    ca: ThrowawayCA,
    management: ManagementClient,
    authentication: AuthenticationClient,
    mode: Any,
    mechanism: str,
) -> None:
    with mail_server(ca, mode, mechanisms=(mechanism,)) as server:
        use_smtp(management, server, from_display_name="艾克米 账户", reply_to="help@acme.example.com")
        authentication.send_email("CHANNEL_LOGIN", RECIPIENT)
    assert server.mailbox.logins == [(mechanism, server.user)]
    [received] = server.mailbox.received
    assert received.over_tls
    assert received.rcpt_tos == [RECIPIENT]
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.message["Reply-To"] == "help@acme.example.com"


def test_starttls_not_required_still_upgrades_when_offered(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ca, "starttls") as server:
        use_smtp(management, server, starttls=None)  # as the official SDKs send it: secure false, nothing more
        authentication.send_email("CHANNEL_LOGIN", RECIPIENT)
    [received] = server.mailbox.received
    assert received.over_tls


def test_plain_text_only_when_the_admin_chose_it(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ca, "plain") as server:
        use_smtp(management, server, starttls=True)
        refused = send_refused(authentication)
        assert refused.status_code == 601
        assert "does not offer STARTTLS, so the password was not sent" in refused.message
        assert server.mailbox.auth_attempts == 0

        use_smtp(management, server, starttls=False)
        authentication.send_email("CHANNEL_LOGIN", RECIPIENT)
    [received] = server.mailbox.received
    assert not received.over_tls
    assert server.mailbox.logins == [("PLAIN", server.user)]


def test_the_system_trust_store_is_used_and_ssl_cert_file_works(
    ca: ThrowawayCA,
    management: ManagementClient,
    authentication: AuthenticationClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mail_server(ca, "ssl") as server:
        use_smtp(management, server, ca_bundle=None)
        refused = send_refused(authentication)
        assert refused.status_code == 601
        assert "is not trusted" in refused.message
        assert "add the CA's certificate as CA bundle" in refused.message

        bundle = tmp_path / "ca.pem"
        bundle.write_text(server.ca_pem)
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        authentication.send_email("CHANNEL_REGISTER", RECIPIENT)
    assert len(server.mailbox.received) == 1


def test_a_self_signed_server_with_verification_off(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ThrowawayCA(), "starttls") as server:  # signed by a CA nobody trusts
        use_smtp(management, server, ca_bundle=ca.pem)
        assert "is not trusted" in send_refused(authentication).message
        use_smtp(management, server, ca_bundle=None, tls_verify=False)
        authentication.send_email("CHANNEL_REGISTER", RECIPIENT)
    assert len(server.mailbox.received) == 1


def test_a_certificate_for_another_name_is_refused_with_a_hint(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ca, "ssl", names=("mail.acme.example",)) as server:
        use_smtp(management, server)
        refused = send_refused(authentication)
    assert refused.status_code == 601
    assert "Connect with the name the certificate was issued for" in refused.message
    assert server.mailbox.received == []


def test_a_ca_bundle_that_is_not_pem_is_refused_and_nothing_changes(
    ca: ThrowawayCA, management: ManagementClient, service: RunningService
) -> None:
    with mail_server(ca, "ssl") as server:
        saved = use_smtp(management, server)
        with pytest.raises(Exception, match=r"caBundle holds no usable PEM certificate"):
            use_smtp(management, server, ca_bundle="-----BEGIN CERTIFICATE-----\nnot base64\n")
    assert service.store.provider(service.userpool.id).smtp_config == saved


@pytest.mark.parametrize(("provider_type", "field"), [("ali", "ali_exmail_config"), ("qq", "tencent_exmail_config")])
def test_enterprise_mail_presets_are_ssl_on_their_port_with_the_mailbox_as_login(
    ca: ThrowawayCA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider_type: str, field: str
) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text(ca.pem)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # the preset host is public: trust comes from the system
    with mail_server(ca, "ssl") as server:
        settings = ServiceSettings(
            data_dir=tmp_path / "data",
            smtp_timeout=SMTP_TIMEOUT,
            **{f"{provider_type}_smtp_host": server.host, f"{provider_type}_smtp_port": server.port},
        )
        with service_with(settings) as (management, authentication):
            config = ExmailConfig(sender=server.user, sender_pass=server.password)
            management.config_email_provider(type=provider_type, enabled=True, **{field: config})
            authentication.send_email("CHANNEL_LOGIN", RECIPIENT)
    [received] = server.mailbox.received
    assert received.over_tls
    assert server.mailbox.logins == [("PLAIN", server.user)]
    assert received.mail_from == server.user
    assert received.message["From"].addresses[0].addr_spec == server.user


# ---- faults --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_of", "reply", "expected"),
    [
        ("mail_reply", "451 4.7.1 Sender temporarily rejected", "refused the sender"),
        ("rcpt_reply", "550 5.1.1 No such user here", "refused the recipient kim@example.com"),
        ("data_reply", "554 5.7.1 Message rejected as spam", "refused the message"),
    ],
)
def test_refusals_of_mail_rcpt_and_data_are_602_with_the_servers_reply(
    ca: ThrowawayCA,
    service: RunningService,
    management: ManagementClient,
    authentication: AuthenticationClient,
    reply_of: str,
    reply: str,
    expected: str,
) -> None:
    with mail_server(ca, "starttls", mailbox=Mailbox(**{reply_of: reply})) as server:
        saved = use_smtp(management, server)
        refused = send_refused(authentication)
    assert refused.status_code == 602
    assert expected in refused.message
    assert reply in refused.message
    if reply.startswith("4"):
        assert "temporary" in refused.message
    assert service.store.provider(service.userpool.id).smtp_config == saved  # nothing saved is lost


def test_a_refused_login_is_601_with_the_servers_reply(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ca, "ssl") as server:
        use_smtp(management, server, sender_pass="not-the-password")
        refused = send_refused(authentication)
    assert refused.status_code == 601
    assert "refused the login of mailer@example.com" in refused.message
    assert "535" in refused.message
    assert "app password" in refused.message


def test_a_server_that_hangs_up_in_the_middle_of_the_message(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with scripted_server("hang-up-in-data") as server:
        management.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host=server.host, smtp_port=server.port, sender_pass="", starttls=False, from_address="a@b.example"
            ),
        )
        refused = send_refused(authentication)
    assert refused.status_code == 601
    assert "closed the connection in the middle of the message" in refused.message
    assert "data" in [command.lower() for command in server.commands]


def test_a_server_that_never_answers_is_given_up_on_within_the_timeout(
    management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with scripted_server("silent") as server:
        management.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(smtp_host=server.host, smtp_port=server.port, sender_pass="", from_address="a@b.c"),
        )
        started = time.monotonic()
        refused = send_refused(authentication)
        elapsed = time.monotonic() - started
    assert refused.status_code == 601
    assert f"said nothing for {SMTP_TIMEOUT:g} s" in refused.message
    assert "turn SSL on" in refused.message
    assert SMTP_TIMEOUT <= elapsed < SMTP_TIMEOUT + 3


def test_ssl_against_a_server_without_tls_says_to_turn_ssl_off(
    ca: ThrowawayCA, management: ManagementClient, authentication: AuthenticationClient
) -> None:
    with mail_server(ca, "starttls") as server:
        use_smtp(management, server, secure=True, starttls=None)
        refused = send_refused(authentication)
    assert refused.status_code == 601
    assert "TLS handshake" in refused.message
    assert "turn SSL off" in refused.message


def test_an_unknown_host_and_a_closed_port(management: ManagementClient, authentication: AuthenticationClient) -> None:
    for host, port, expected in [
        ("no-such-host.invalid", 587, "The host no-such-host.invalid is unknown"),
        ("127.0.0.1", free_port(), "refused the connection"),
    ]:
        management.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(smtp_host=host, smtp_port=port, sender_pass="", from_address="a@b.example"),
        )
        refused = send_refused(authentication, to=f"{port}@example.com")
        assert refused.status_code == 601
        assert expected in refused.message


# ---- SendGrid --------------------------------------------------------------------------------------------------


def test_sendgrid_gets_the_documented_payload(tmp_path: Path) -> None:
    with sendgrid_stand_in() as sendgrid:
        settings = ServiceSettings(data_dir=tmp_path / "data", sendgrid_api_base=sendgrid.base_url)
        with service_with(settings) as (management, authentication):
            management.update_email_template(
                type="LOGIN_VERIFY_CODE",
                customize_enabled=True,
                name="Login",
                subject="验证码 {{verify_code}}",
                sender="艾克米",
                content="<p>Code <b>{{verify_code}}</b></p>",
            )
            management.config_email_provider(
                type="sendgrid",
                enabled=True,
                send_grid_config=SendGridConfig(sender="no-reply@acme.example.com", apikey=sendgrid.api_key),
            )
            authentication.send_email("CHANNEL_LOGIN", RECIPIENT)
    [request] = sendgrid.requests
    assert (request["method"], request["path"]) == ("POST", "/v3/mail/send")
    assert request["headers"]["authorization"] == f"Bearer {sendgrid.api_key}"
    assert request["headers"]["content-type"] == "application/json"
    body = request["json"]
    code = body["subject"].split()[-1]
    assert body == {
        "personalizations": [{"to": [{"email": RECIPIENT}]}],
        "from": {"email": "no-reply@acme.example.com", "name": "艾克米"},
        "subject": f"验证码 {code}",
        "content": [
            {"type": "text/plain", "value": f"Code {code}"},
            {"type": "text/html", "value": f"<p>Code <b>{code}</b></p>"},
        ],
    }


def test_sendgrid_errors_reach_the_admin(tmp_path: Path) -> None:
    with sendgrid_stand_in() as sendgrid:
        settings = ServiceSettings(data_dir=tmp_path / "data", sendgrid_api_base=sendgrid.base_url)
        with service_with(settings) as (management, authentication):
            config = SendGridConfig(sender="no-reply@acme.example.com", apikey=sendgrid.api_key)
            management.config_email_provider(type="sendgrid", enabled=True, send_grid_config=config)
            sendgrid.send_status = 400
            sendgrid.send_body = {
                "errors": [{"message": "The from address does not match a verified Sender Identity.", "field": "from"}]
            }
            refused = send_refused(authentication)
            assert refused.status_code == 602
            assert "does not match a verified Sender Identity. (from)" in refused.message
            assert "HTTP 400" in refused.message

            config = SendGridConfig(sender="no-reply@acme.example.com", apikey="SG.revoked")
            management.config_email_provider(type="sendgrid", enabled=True, send_grid_config=config)
            refused = send_refused(authentication, to="other@example.com")
            assert refused.status_code == 601
            assert "authorization required" in refused.message


# ---- helpers ---------------------------------------------------------------------------------------------------


@contextmanager
def service_with(settings: ServiceSettings) -> Iterator[tuple[ManagementClient, AuthenticationClient]]:
    """A service of its own settings, for tests whose servers must exist before the service starts."""
    service = start_service(settings)
    try:
        with (
            ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management,
            AuthenticationClient(service.userpool.app_id, service.base_url) as authentication,
        ):
            yield management, authentication
    finally:
        service.stop()
