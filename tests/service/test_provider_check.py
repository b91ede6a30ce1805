"""The connection test (POST /local/v1/test-email-provider) against real servers: each step and its reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.models import ConnectionReport, SendGridConfig, SmtpConfig
from mailconsole.service.embedded import start_service
from mailconsole.service.settings import ServiceSettings
from tests.mail_servers import Mailbox, MailServer, ThrowawayCA, mail_server, scripted_server, sendgrid_stand_in
from tests.support import free_port

SMTP_TIMEOUT = 2.0


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path / "data", smtp_timeout=SMTP_TIMEOUT)


def smtp_config(server: MailServer, **overrides: Any) -> SmtpConfig:
    values = {
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
    return SmtpConfig.model_validate(values)


def check(management: ManagementClient, config: SmtpConfig, **kwargs: Any) -> ConnectionReport:
    return management.test_email_provider(type="custom", smtp_config=config, **kwargs)


def names(report: ConnectionReport) -> list[str]:
    return [step.name for step in report.steps]


def step(report: ConnectionReport, name: str, occurrence: int = 0) -> Any:
    return [item for item in report.steps if item.name == name][occurrence]


def test_implicit_tls_step_by_step(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ca, "ssl") as server:
        report = check(management, smtp_config(server))
    assert report.ok
    assert names(report) == ["resolve", "connect", "tls", "greeting", "ehlo", "auth"]
    assert step(report, "resolve").detail == "127.0.0.1 is 127.0.0.1"
    tls = step(report, "tls").detail
    assert "verified" in tls and "NOT verified" not in tls
    assert "O=trustme" in tls and "for localhost, 127.0.0.1 issued by" in tls
    assert "valid until" in tls and "days left" in tls
    assert step(report, "greeting").reply.startswith("220 ")
    assert "AUTH LOGIN PLAIN" in step(report, "ehlo").detail
    auth = step(report, "auth")
    assert auth.reply.startswith("235 ") and auth.detail == "logged in as mailer@example.com with AUTH PLAIN"
    assert server.mailbox.received == []


def test_starttls_and_a_probe_of_the_recipient_send_nothing(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ca, "starttls", mechanisms=("LOGIN",)) as server:
        report = check(management, smtp_config(server), probe_recipient="lee@example.com")
    assert report.ok, report
    assert names(report) == [
        *("resolve", "connect", "greeting", "ehlo", "starttls", "tls", "ehlo", "auth", "mail_from", "rcpt_to"),
    ]
    assert "STARTTLS" in step(report, "ehlo", 0).detail
    assert "AUTH LOGIN" in step(report, "ehlo", 1).detail  # AUTH is only offered once TLS is on
    assert step(report, "starttls").reply.startswith("220")
    assert step(report, "auth").detail.endswith("with AUTH LOGIN")
    assert step(report, "mail_from").reply.startswith("250")
    assert step(report, "rcpt_to").detail == "the server accepts mail for lee@example.com; nothing was sent"
    assert server.mailbox.received == []


@pytest.mark.parametrize(
    ("mailbox", "failing", "reply", "hint"),
    [
        (Mailbox(rcpt_reply="550 5.1.1 No such user"), "rcpt_to", "550 5.1.1 No such user", "only relay"),
        (
            Mailbox(mail_reply="553 5.7.1 Sender not owned by user"),
            "mail_from",
            "553 5.7.1 Sender not owned by user",
            "an address this account may send as",
        ),
        (Mailbox(rcpt_reply="450 4.2.0 Mailbox busy"), "rcpt_to", "450 4.2.0 Mailbox busy", "temporary: try again"),
    ],
)
def test_a_refused_sender_or_recipient_is_the_failing_step(
    ca: ThrowawayCA, management: ManagementClient, mailbox: Mailbox, failing: str, reply: str, hint: str
) -> None:
    with mail_server(ca, "ssl", mailbox=mailbox) as server:
        report = check(management, smtp_config(server), probe_recipient="lee@example.com")
    assert not report.ok
    assert report.steps[-1].name == failing
    assert report.steps[-1].reply == reply
    assert hint in report.steps[-1].hint
    assert all(item.ok for item in report.steps[:-1])


def test_a_refused_login(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ca, "ssl") as server:
        report = check(management, smtp_config(server, sender_pass="wrong"))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("auth", False)
    assert last.reply is not None and last.reply.startswith("535")
    assert last.hint is not None and "app password" in last.hint


def test_an_untrusted_certificate_is_described(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ThrowawayCA(), "ssl") as server:
        report = check(management, smtp_config(server, ca_bundle=ca.pem))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("tls", False)
    assert "is not trusted" in last.detail
    assert "the server shows certificate" in last.detail and "O=trustme" in last.detail
    assert "turn certificate verification off" in last.hint


def test_verification_off_passes_with_a_warning(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ThrowawayCA(), "ssl") as server:
        report = check(management, smtp_config(server, ca_bundle=None, tls_verify=False))
    assert report.ok
    tls = step(report, "tls")
    assert "NOT verified" in tls.detail
    assert "anyone on the path could pose as this server" in tls.hint


def test_ssl_on_a_plain_port_and_starttls_not_offered(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ca, "plain") as server:
        wrong_tls = check(management, smtp_config(server, secure=True, starttls=None))
        not_offered = check(management, smtp_config(server, starttls=True))
    assert (wrong_tls.steps[-1].name, wrong_tls.steps[-1].ok) == ("tls", False)
    assert "turn SSL off" in wrong_tls.steps[-1].hint
    assert (not_offered.steps[-1].name, not_offered.steps[-1].ok) == ("starttls", False)
    assert "the password was not sent" in not_offered.steps[-1].detail
    assert server.mailbox.auth_attempts == 0


def test_unknown_host_and_a_silent_server(management: ManagementClient) -> None:
    unknown = check(management, SmtpConfig(smtp_host="nowhere.invalid", smtp_port=587, sender_pass=""))
    assert [(item.name, item.ok) for item in unknown.steps] == [("resolve", False)]
    assert "Check the spelling" in unknown.steps[0].hint
    with scripted_server("silent") as server:
        silent = check(management, SmtpConfig(smtp_host=server.host, smtp_port=server.port, sender_pass=""))
    assert [(item.name, item.ok) for item in silent.steps][-1] == ("greeting", False)
    assert "said nothing" in silent.steps[-1].detail


def test_a_stored_password_is_used_only_for_the_server_and_login_it_was_saved_for(
    ca: ThrowawayCA, management: ManagementClient
) -> None:
    with mail_server(ca, "ssl") as server:
        management.config_email_provider(type="custom", enabled=True, smtp_config=smtp_config(server))
        same = check(management, smtp_config(server, sender_pass=""))
        assert step(same, "auth").ok

        # The same server under another name: the stored password must not follow the edited host.
        other_host = check(management, smtp_config(server, smtp_host="localhost", sender_pass=""))
        other_user = check(management, smtp_config(server, sender="someone@example.com", sender_pass=""))
    assert "auth" not in names(other_host) and "auth" not in names(other_user)
    assert server.mailbox.auth_attempts == 1


def test_sendgrid_key_checked_without_sending(tmp_path: Path) -> None:
    with sendgrid_stand_in() as sendgrid:
        running = start_service(ServiceSettings(data_dir=tmp_path / "data", sendgrid_api_base=sendgrid.base_url))
        try:
            with ManagementClient(running.base_url, running.userpool.id, running.userpool.secret) as management:
                good = management.test_email_provider(
                    type="sendgrid", send_grid_config=SendGridConfig(sender="a@acme.example", apikey=sendgrid.api_key)
                )
                bad = management.test_email_provider(
                    type="sendgrid", send_grid_config=SendGridConfig(sender="a@acme.example", apikey="SG.wrong")
                )
                sendgrid.scopes = ["scopes.read"]
                no_send = management.test_email_provider(
                    type="sendgrid", send_grid_config=SendGridConfig(sender="a@acme.example", apikey=sendgrid.api_key)
                )
        finally:
            running.stop()
    assert good.ok and good.steps[0].name == "api_key"
    assert not bad.ok and bad.steps[0].reply == "HTTP 401: authorization required"
    assert "Check the API key" in bad.steps[0].hint
    assert not no_send.ok and "Mail Send permission" in no_send.steps[0].hint
    assert {(request["method"], request["path"]) for request in sendgrid.requests} == {("GET", "/v3/scopes")}


def test_bad_settings_are_refused_naming_the_field(management: ManagementClient) -> None:
    with pytest.raises(InvalidArgumentError, match="smtp_host"):
        check(management, SmtpConfig(smtp_host="bad host!", smtp_port=25, sender_pass=""))
    with pytest.raises(InvalidArgumentError, match="probeRecipient"):
        check(management, SmtpConfig(smtp_host="127.0.0.1", smtp_port=25, sender_pass=""), probe_recipient="nope")


# ---- every hint follows from what the server said ---------------------------------------------------------------


def scripted_config(server: Any, **overrides: Any) -> SmtpConfig:
    values = {"smtp_host": server.host, "smtp_port": server.port, "sender": "mailer@example.com"}
    return SmtpConfig.model_validate(values | {"sender_pass": "pw-for-hints", "starttls": False} | overrides)


def test_a_server_offering_no_login_and_no_starttls_is_not_told_to_turn_starttls_on(
    management: ManagementClient,
) -> None:
    with scripted_server("hang-up-in-data") as server:
        report = check(management, scripted_config(server))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("auth", False)
    assert "offers no login" in last.hint and "leave the user name and password empty" in last.hint
    assert "STARTTLS" not in last.hint


def test_a_server_offering_starttls_but_no_login_before_it(ca: ThrowawayCA, management: ManagementClient) -> None:
    with mail_server(ca, "starttls") as server:  # AUTH only after STARTTLS
        report = check(management, smtp_config(server, starttls=False))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("auth", False)
    assert "STARTTLS" in step(report, "ehlo").detail
    assert "turn STARTTLS on" in last.hint


def test_a_server_offering_only_logins_this_service_cannot_use(management: ManagementClient) -> None:
    with scripted_server("hang-up-in-data", offers=("AUTH GSSAPI XOAUTH2",)) as server:
        report = check(management, scripted_config(server))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("auth", False)
    assert "AUTH GSSAPI XOAUTH2" in last.hint and "PLAIN, LOGIN" in last.hint


def test_starttls_required_but_not_offered_names_choices_the_form_has(
    ca: ThrowawayCA, management: ManagementClient
) -> None:
    with scripted_server("hang-up-in-data") as bare, mail_server(ca, "plain") as login_in_clear:
        nothing = check(management, scripted_config(bare, starttls=True))
        clear_login = check(management, smtp_config(login_in_clear, starttls=True, smtp_port=login_in_clear.port))
    for report in (nothing, clear_login):
        last = report.steps[-1]
        assert (last.name, last.ok) == ("starttls", False)
        assert "no encryption'" not in last.hint  # the form has no such choice
        assert "turn STARTTLS off" in last.hint
    assert "leave the user name and password empty" in nothing.steps[-1].hint
    assert "the password would travel unencrypted" in clear_login.steps[-1].hint


def test_starttls_when_offered_warns_of_a_password_in_clear(ca: ThrowawayCA, management: ManagementClient) -> None:
    """STARTTLS not required (GenAuth's secure=false, as the SDKs send it) against a server without it."""
    with mail_server(ca, "plain") as login_in_clear, scripted_server("hang-up-in-data") as no_login:
        with_password = check(management, smtp_config(login_in_clear, starttls=None))
        without_password = check(management, scripted_config(no_login, starttls=None, sender=None, sender_pass=""))
    assert with_password.ok
    assert "Turn STARTTLS on" in step(with_password, "starttls").hint
    assert "went over the network unencrypted" in step(with_password, "auth").hint
    assert without_password.ok
    assert step(without_password, "starttls").hint is None  # no password to protect


def test_what_is_not_an_smtp_server_says_so(management: ManagementClient) -> None:
    closed = SmtpConfig(smtp_host="127.0.0.1", smtp_port=free_port(), sender_pass="")
    with scripted_server("not-smtp") as ssh, scripted_server("silent") as silent:
        reports = {
            "closed": check(management, closed),
            "ssh": check(management, scripted_config(ssh, sender_pass="")),
            "silent": check(management, scripted_config(silent, sender_pass="")),
        }
    hints = {name: (report.steps[-1].name, report.steps[-1].hint) for name, report in reports.items()}
    assert hints["closed"][0] == "connect" and "nothing listens there" in hints["closed"][1]
    assert hints["ssh"][0] == "greeting" and "something else listens there" in hints["ssh"][1]
    assert hints["silent"][0] == "greeting" and "TLS from the first byte, turn SSL on" in hints["silent"][1]


def test_a_server_that_stops_answering_after_its_greeting(management: ManagementClient) -> None:
    with scripted_server("mute-after-greeting") as server:
        report = check(management, scripted_config(server, sender_pass=""))
    last = report.steps[-1]
    assert (last.name, last.ok) == ("ehlo", False)
    assert "did not answer ehlo" in last.detail and last.hint == "Try again later."
