"""/provider: the state at a glance, the forms, secret masking, inline validation, save and clear."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mailconsole import ManagementClient
from mailconsole.models import EmailProvider, ExmailConfig, ProviderType, SmtpConfig
from mailconsole.service.embedded import RunningService
from tests.support import SECRETS_USED

PAGE = "app_pages/provider.py"


def kept(service: RunningService) -> EmailProvider:
    """What the service stores, secrets included (its replies carry a mask instead)."""
    return service.store.provider(service.userpool.id)


SECRET = "s3cret-pw-XY"
SECRETS_USED.add(SECRET)


@pytest.fixture
def smtp_stored(management: ManagementClient) -> SmtpConfig:
    """A custom SMTP server with a stored password, switched on."""
    config = SmtpConfig(
        smtp_host="smtp.example.com",
        smtp_port=465,
        sender="mailer@example.com",
        sender_pass=SECRET,
        secure=True,
        from_address="no-reply@example.com",
    )
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=True, smtp_config=config)
    return config


@pytest.fixture
def builtin(management: ManagementClient) -> None:
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)


def fill(at: AppTest, **values: object) -> None:
    for name, value in values.items():
        key = f"prov.custom.{name}"
        if name == "port":
            at.number_input(key=key).set_value(value)
        else:
            at.text_input(key=key).input(str(value))


def test_the_state_at_a_glance_and_the_smtp_form(remote, builtin, console) -> None:
    at = console.open(PAGE)
    console.no_exception(at)
    assert "The platform's built-in mail service sends this tenant's mail." in console.text(at)
    assert at.radio(key="prov.type").value == ProviderType.CUSTOM
    assert at.toggle(key="prov.enabled").value is False
    # Sensible defaults for a new SMTP server: 465 with SSL.
    assert at.number_input(key="prov.custom.port").value == 465
    assert at.toggle(key="prov.custom.ssl").value is True
    # STARTTLS moves the port to 587 and switches SSL off.
    at.toggle(key="prov.custom.starttls").set_value(True).run()
    assert at.number_input(key="prov.custom.port").value == 587
    assert at.toggle(key="prov.custom.ssl").value is False


def test_changing_the_port_suggests_its_usual_mode(remote, builtin, console) -> None:
    at = console.open(PAGE)
    assert at.toggle(key="prov.custom.ssl").value is True
    at.number_input(key="prov.custom.port").set_value(587).run()
    assert (at.toggle(key="prov.custom.ssl").value, at.toggle(key="prov.custom.starttls").value) == (False, True)
    at.number_input(key="prov.custom.port").set_value(25).run()
    assert (at.toggle(key="prov.custom.ssl").value, at.toggle(key="prov.custom.starttls").value) == (False, False)
    at.number_input(key="prov.custom.port").set_value(465).run()
    assert (at.toggle(key="prov.custom.ssl").value, at.toggle(key="prov.custom.starttls").value) == (True, False)
    # A port without a convention leaves the switches as the administrator set them.
    at.number_input(key="prov.custom.port").set_value(2525).run()
    assert (at.toggle(key="prov.custom.ssl").value, at.toggle(key="prov.custom.starttls").value) == (True, False)
    console.no_exception(at)


def test_saving_smtp_stores_the_password_and_never_shows_it(remote, builtin, management, console) -> None:
    at = console.open(PAGE)
    at.toggle(key="prov.enabled").set_value(True)
    fill(at, host="smtp.example.com", user="mailer@example.com", password=SECRET, **{"from": "no-reply@example.com"})
    at.text_input(key="prov.custom.from_name").input("Acme Mail")
    at.run()
    at.button(key="prov.save").click().run()
    console.no_exception(at)

    stored = kept(remote)
    assert stored.enabled is True and stored.type == ProviderType.CUSTOM
    assert stored.smtp_config is not None
    assert stored.smtp_config.sender_pass == SECRET
    assert stored.smtp_config.from_display_name == "Acme Mail"

    text = console.text(at)
    assert "Provider settings saved" in text
    assert SECRET not in text
    assert at.text_input(key="prov.custom.password").value == ""
    assert "Stored password: set" in text
    assert "smtp.example.com:465 (SSL)" in text


def test_an_empty_password_keeps_the_stored_one(remote, smtp_stored, management, console) -> None:
    at = console.open(PAGE)
    assert SECRET not in console.text(at)
    at.text_input(key="prov.custom.from_name").input("Renamed").run()
    at.button(key="prov.save").click().run()
    console.no_exception(at)
    stored = kept(remote).smtp_config
    assert stored is not None
    assert stored.from_display_name == "Renamed"
    assert stored.sender_pass == SECRET
    assert SECRET not in console.text(at)


def test_another_server_needs_the_password_typed_again(remote, smtp_stored, management, console) -> None:
    at = console.open(PAGE)
    at.text_input(key="prov.custom.host").input("smtp.other.example").run()
    # Inline, before anything is sent.
    assert any("type the password again" in message for message in console.errors(at))
    at.button(key="prov.save").click().run()
    assert "Nothing was saved: fix the fields marked above." in console.errors(at)
    stored = kept(remote).smtp_config
    assert stored is not None and stored.smtp_host == "smtp.example.com"
    # Typing it makes the save go through; nothing typed was lost meanwhile.
    assert at.text_input(key="prov.custom.host").value == "smtp.other.example"
    at.text_input(key="prov.custom.password").input("n3w-pass-word").run()
    at.button(key="prov.save").click().run()
    stored = kept(remote).smtp_config
    assert stored is not None
    assert (stored.smtp_host, stored.sender_pass) == ("smtp.other.example", "n3w-pass-word")


def test_a_weaker_channel_needs_the_password_typed_again(remote, smtp_stored, management, console) -> None:
    """The service's rule (issue 11), said inline: the stored password was saved for SSL, not for plain text."""
    at = console.open(PAGE)
    at.toggle(key="prov.custom.ssl").set_value(False).run()
    expected = "The connection would be plain text; the secret was saved for SSL: type the password again."
    assert expected in console.errors(at)
    at.button(key="prov.save").click().run()
    assert "Nothing was saved: fix the fields marked above." in console.errors(at)
    assert kept(remote).smtp_config == smtp_stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("from_name", "Acme =?utf-8?q?=0D=0AX-Injected=3A_yes?=", "encoded-word"),
        ("reply_to_name", "Help\u2028desk", "line break (U+2028)"),
        ("port", 70000, "out of range"),
        ("from", "not-an-address", "is not a valid email address"),
        ("host", "https://smtp.example.com", "is not a host name"),
    ],
)
def test_invalid_values_are_refused_inline_and_nothing_is_sent(
    remote, smtp_stored, management, console, field, value, message
) -> None:
    before = kept(remote)
    at = console.open(PAGE)
    fill(at, **{field: value})
    at.run()
    assert any(message in error for error in console.errors(at)), console.errors(at)
    at.button(key="prov.save").click().run()
    console.no_exception(at)
    assert "Nothing was saved: fix the fields marked above." in console.errors(at)
    assert kept(remote) == before


def test_clear_stored_password_is_a_separate_action(remote, smtp_stored, management, console) -> None:
    at = console.open(PAGE)
    at.button(key="prov.clear").click().run()
    console.no_exception(at)
    stored = kept(remote).smtp_config
    assert stored is not None and stored.sender_pass == ""
    assert "The stored SMTP password was cleared." in console.text(at)
    assert "Stored password: not set" in console.text(at)


def test_enterprise_mail_shows_its_preset_server_and_masks_its_password(remote, management, console) -> None:
    management.config_email_provider(
        type=ProviderType.ALI,
        enabled=True,
        ali_exmail_config=ExmailConfig(sender="boss@acme.example", sender_pass="ali-pass-word-QZ"),
    )
    at = console.open(PAGE)
    console.no_exception(at)
    assert at.radio(key="prov.type").value == ProviderType.ALI
    text = console.text(at)
    assert "smtp.qiye.aliyun.com:465 (SSL)" in text
    assert "Stored password: set" in text
    assert "ali-pass-word-QZ" not in text
    at.radio(key="prov.type").set_value(ProviderType.QQ).run()
    assert "smtp.exmail.qq.com:465 (SSL)" in console.text(at)
    # A new mailbox with no password: required, inline, nothing sent.
    at.text_input(key="prov.qq.sender").input("boss@acme.example").run()
    at.button(key="prov.save").click().run()
    assert "Type the password." in console.errors(at)
    assert kept(remote).type == ProviderType.ALI


def test_sendgrid_needs_a_verified_sender_and_a_key(remote, builtin, management, console) -> None:
    at = console.open(PAGE)
    at.radio(key="prov.type").set_value(ProviderType.SENDGRID).run()
    at.toggle(key="prov.enabled").set_value(True)
    at.text_input(key="prov.sendgrid.sender").input("no-reply@acme.example")
    at.text_input(key="prov.sendgrid.apikey").input("SG.key-value-9Z")
    at.run()
    at.button(key="prov.save").click().run()
    console.no_exception(at)
    stored = kept(remote)
    assert stored.type == ProviderType.SENDGRID and stored.send_grid_config is not None
    assert stored.send_grid_config.apikey == "SG.key-value-9Z"
    assert "SG.key-value-9Z" not in console.text(at)
    assert "Stored API key: set" in console.text(at)


def test_fields_the_backend_cannot_store_are_disabled_with_the_reason(remote, builtin, console) -> None:
    at = console.open(PAGE)
    # A backend without the "smtp-extras" extension, as GenAuth cloud: it does not answer /local/v1/info.
    at.session_state["mc.connection"].data.service_info = None
    at.run()
    for name in ("from", "from_name", "reply_to", "reply_to_name", "envelope_from"):
        assert at.text_input(key=f"prov.custom.{name}").disabled
    assert at.toggle(key="prov.custom.starttls").disabled
    assert "does not store From, Reply-To, Envelope-From or STARTTLS" in console.text(at)
