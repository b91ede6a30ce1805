"""A stored secret is bound to its whole security context (issue 11): sent back as the mask, or left out, it is used
only for the same server, port and login, over a channel no weaker than the one it was saved for (SSL or STARTTLS
kept, certificates still verified, no CA added). Whoever holds a management token but not the password cannot make
the service send it in clear text or to a certificate of their choosing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient, ProviderError
from mailconsole.models import SECRET_MASK, ExmailConfig, SendGridConfig, SmtpConfig
from mailconsole.secret_reuse import reuse_refusal
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.conftest import SmtpServer
from tests.mail_servers import ThrowawayCA, sendgrid_stand_in
from tests.service.test_api import management_token
from tests.service.test_smtp_setup_api import post
from tests.support import SECRETS_USED

PASSWORD = "bound-Secret-5521"
OTHER_CA = ThrowawayCA().pem


def owner_settings(server: SmtpServer, ca: ThrowawayCA, **overrides: Any) -> SmtpConfig:
    """What the owner saved: STARTTLS required, certificates checked against the tenant's own CA."""
    values: dict[str, Any] = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "sender": server.user,
        "sender_pass": server.password,
        "starttls": True,
        "ca_bundle": ca.pem,
        "from_address": "no-reply@acme.example.com",
        **overrides,
    }
    return SmtpConfig.model_validate(values)


def with_mask(config: SmtpConfig, **change: Any) -> SmtpConfig:
    return config.model_copy(update={"sender_pass": SECRET_MASK, **change})


WEAKENINGS = {
    "plain text": {"starttls": False},
    "STARTTLS only when offered": {"starttls": None},
    "certificate not verified": {"tls_verify": False},
    "a CA of the caller's choosing": {"ca_bundle": OTHER_CA},
}


@pytest.mark.parametrize("change", WEAKENINGS.values(), ids=WEAKENINGS.keys())
def test_the_connection_test_never_sends_the_stored_password_over_a_weaker_channel(
    service: RunningService, management: ManagementClient, smtp_server: SmtpServer, ca: ThrowawayCA, change: Any
) -> None:
    # The test server speaks plain SMTP and accepts AUTH without TLS: whatever reaches it was sent in clear.
    management.config_email_provider(type="custom", enabled=True, smtp_config=owner_settings(smtp_server, ca))
    with pytest.raises(InvalidArgumentError, match=r"smtpConfig\.senderPass: .*send the senderPass itself"):
        management.test_email_provider(type="custom", smtp_config=with_mask(owner_settings(smtp_server, ca), **change))
    # An empty password means "the stored one" to the connection test where the rule allows it, else no login.
    report = management.test_email_provider(
        type="custom", smtp_config=owner_settings(smtp_server, ca, sender_pass="", **change)
    )
    assert "auth" not in [step.name for step in report.steps]
    assert smtp_server.inbox.logins == []


@pytest.mark.parametrize("change", WEAKENINGS.values(), ids=WEAKENINGS.keys())
def test_a_save_with_the_mask_and_a_weaker_channel_is_refused(
    service: RunningService, management: ManagementClient, smtp_server: SmtpServer, ca: ThrowawayCA, change: Any
) -> None:
    management.config_email_provider(type="custom", enabled=True, smtp_config=owner_settings(smtp_server, ca))
    stored = service.store.provider(service.userpool.id)
    with pytest.raises(InvalidArgumentError, match=r"smtpConfig\.senderPass: .*send the senderPass itself") as caught:
        management.config_email_provider(
            type="custom", enabled=True, smtp_config=with_mask(owner_settings(smtp_server, ca), **change)
        )
    assert caught.value.status_code == 400
    assert service.store.provider(service.userpool.id) == stored  # nothing changed
    # With the password itself, the owner may choose any of these.
    management.config_email_provider(type="custom", enabled=True, smtp_config=owner_settings(smtp_server, ca, **change))


def test_ssl_dropped_with_the_mask_is_refused(
    service: RunningService, management: ManagementClient, smtp_server: SmtpServer, ca: ThrowawayCA
) -> None:
    saved = owner_settings(smtp_server, ca, secure=True, starttls=None)
    management.config_email_provider(type="custom", enabled=True, smtp_config=saved)
    for change in ({"secure": False}, {"secure": False, "starttls": False}):
        with pytest.raises(InvalidArgumentError, match=r"smtpConfig\.senderPass: .*SSL"):
            management.config_email_provider(type="custom", enabled=True, smtp_config=with_mask(saved, **change))
    # STARTTLS required protects the password as well as SSL does.
    management.config_email_provider(
        type="custom", enabled=True, smtp_config=with_mask(saved, secure=False, starttls=True)
    )
    kept = service.store.provider(service.userpool.id).smtp_config
    assert kept is not None and kept.sender_pass == smtp_server.password and kept.starttls is True


def test_the_mask_may_strengthen_the_channel(
    service: RunningService, management: ManagementClient, smtp_server: SmtpServer, ca: ThrowawayCA
) -> None:
    saved = owner_settings(smtp_server, ca, starttls=False, tls_verify=False, ca_bundle=None)
    management.config_email_provider(type="custom", enabled=True, smtp_config=saved)
    stronger = with_mask(saved, starttls=True, tls_verify=None, ca_bundle=ca.pem)
    management.config_email_provider(type="custom", enabled=True, smtp_config=stronger)
    kept = service.store.provider(service.userpool.id).smtp_config
    assert kept is not None and (kept.sender_pass, kept.starttls, kept.ca_bundle) == (
        smtp_server.password,
        True,
        ca.pem,
    )


def test_the_smtp_setup_api_keeps_a_password_only_for_as_strong_a_channel(service: RunningService) -> None:
    token = management_token(service)
    owner = {"host": "smtp.acme.example", "from": "a@acme.example", "port": "465", "ssl": True, "user": "a"}
    assert post(service, "shift", {**owner, "password": PASSWORD}, token).status_code == 200
    post(service, "shift", {**owner, "fromDisplayName": "Acme"}, token)  # no password: the stored one is kept
    smtp = service.store.provider(service.userpool.id).smtp_config
    assert smtp is not None and smtp.sender_pass == PASSWORD

    post(service, "shift", {**owner, "ssl": False, "starttls": False, "port": "465"}, token)
    smtp = service.store.provider(service.userpool.id).smtp_config
    assert smtp is not None and smtp.sender_pass == ""  # not carried over to plain text


# ---- the rule itself ------------------------------------------------------------------------------------------

BASE = SmtpConfig(smtp_host="smtp.acme.example", smtp_port=587, sender="u", sender_pass="p", starttls=True)


@pytest.mark.parametrize(
    ("change", "allowed"),
    [
        ({}, True),
        ({"smtp_host": "SMTP.Acme.Example."}, True),
        ({"from_display_name": "Acme", "reply_to": "r@acme.example"}, True),
        ({"secure": True, "starttls": None}, True),
        ({"ca_bundle": None}, True),
        ({"smtp_host": "smtp.evil.example"}, False),
        ({"smtp_port": 2525}, False),
        ({"sender": "U"}, False),
        ({"sender": " u"}, False),
        ({"starttls": False}, False),
        ({"starttls": None}, False),
        ({"tls_verify": False}, False),
        ({"ca_bundle": OTHER_CA}, False),
    ],
)
def test_which_smtp_changes_keep_the_secret(change: dict[str, Any], allowed: bool) -> None:
    stored = BASE.model_copy(update={"ca_bundle": "PEM A"})
    new = stored.model_copy(update=change)
    assert (reuse_refusal(new, stored) is None) is allowed


def test_certificate_settings_do_not_matter_without_tls_on_either_side() -> None:
    plain = BASE.model_copy(update={"starttls": False})
    assert reuse_refusal(plain.model_copy(update={"tls_verify": False}), plain) is None
    unverified = BASE.model_copy(update={"tls_verify": False})
    assert reuse_refusal(unverified.model_copy(update={"ca_bundle": OTHER_CA}), unverified) is None


def test_a_mailbox_password_and_a_sendgrid_key() -> None:
    mailbox = ExmailConfig(sender="Box@Acme.example", sender_pass="p")
    assert reuse_refusal(mailbox.model_copy(update={"sender": "box@acme.example"}), mailbox) is None
    assert reuse_refusal(mailbox.model_copy(update={"sender": "other@acme.example"}), mailbox) is not None
    key = SendGridConfig(sender="a@acme.example", apikey="k", api_base="https://api.sendgrid.com")
    assert reuse_refusal(key.model_copy(update={"sender": "b@acme.example"}), key) is None
    assert reuse_refusal(key.model_copy(update={"api_base": "https://api.sendgrid.com/"}), key) is None
    refusal = reuse_refusal(key.model_copy(update={"api_base": "https://sendgrid.evil.example"}), key)
    assert refusal is not None and "https://api.sendgrid.com" in refusal


SENDGRID_KEY = "SG.bound-key-7731"
SECRETS_USED.add(SENDGRID_KEY)


def test_a_sendgrid_key_goes_only_to_the_api_it_was_saved_for(tmp_path: Path) -> None:
    with sendgrid_stand_in(SENDGRID_KEY) as first, sendgrid_stand_in(SENDGRID_KEY) as second:
        settings = ServiceSettings(data_dir=tmp_path / "data", sendgrid_api_base=first.base_url)
        running = start_service(settings)
        with ManagementClient(running.base_url, running.userpool.id, running.userpool.secret) as management:
            config = SendGridConfig(sender="a@acme.example", apikey=SENDGRID_KEY)
            management.config_email_provider(type="sendgrid", enabled=True, send_grid_config=config)
        running.stop()

        moved = start_service(settings.model_copy(update={"sendgrid_api_base": second.base_url}))
        try:
            with (
                ManagementClient(moved.base_url, moved.userpool.id, moved.userpool.secret) as management,
                AuthenticationClient(moved.userpool.app_id, moved.base_url) as authentication,
            ):
                with pytest.raises(ProviderError, match="Enter the key again"):
                    authentication.send_email("CHANNEL_LOGIN", "a@example.com")
                stored = management.get_email_provider().send_grid_config
                assert stored is not None and stored.apikey == SECRET_MASK
                with pytest.raises(InvalidArgumentError, match=r"^sendGridConfig\.apikey: the key was saved for"):
                    management.config_email_provider(type="sendgrid", enabled=True, send_grid_config=stored)
                with pytest.raises(InvalidArgumentError, match=r"^sendGridConfig\.apikey: the key was saved for"):
                    management.test_email_provider(type="sendgrid", send_grid_config=stored)
        finally:
            moved.stop()
    assert second.requests == []  # the key never reached the other API
