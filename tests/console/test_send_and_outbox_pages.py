"""/send-test and /outbox: a real send through the application's send-email call, the address check, the
once-a-minute countdown, this session's log, and the mail as the built-in service delivered it."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.catalog import CHANNELS
from mailconsole.models import Channel, ProviderType, SmtpConfig
from mailconsole.service.embedded import RunningService
from tests.support import free_port

SEND = "app_pages/send_test.py"
OUTBOX = "app_pages/outbox.py"


@pytest.fixture(autouse=True)
def builtin_service(management: ManagementClient) -> None:
    """The built-in mail service sends (it delivers to the outbox)."""
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)


def test_channels_are_explained(remote, console) -> None:
    at = console.open(SEND)
    console.no_exception(at)
    channel = at.selectbox(key="send.channel")
    assert len(channel.options) == len(CHANNELS) == 11
    assert "Uses the template “Login code” (`LOGIN_VERIFY_CODE`)." in console.text(at)
    channel.set_value(Channel.DELETE_ACCOUNT).run()
    assert "account deletion has no public template type" in console.text(at)


def test_a_bad_address_is_refused_before_sending(remote, management, console) -> None:
    before = len(management.list_outbox())
    at = console.open(SEND)
    at.text_input(key="send.to").input("alice@@example")  # staged in the form until sent (Enter or the button)
    at.button(key="send.button").click().run()
    console.no_exception(at)
    assert any("is not a valid email address" in error for error in console.errors(at))
    assert "Nothing was sent: correct the address first." in console.errors(at)
    assert len(management.list_outbox()) == before
    assert "No test sends in this session yet." in console.text(at)


def test_send_then_the_once_a_minute_countdown(remote, management, console) -> None:
    at = console.open(SEND)
    at.selectbox(key="send.channel").set_value(Channel.REGISTER)
    at.text_input(key="send.to").input("Bob@Example.com")  # staged in the form until sent
    at.button(key="send.button").click().run()
    console.no_exception(at)
    # The address is shown as plain text (Markdown-escaped), as the service normalised it.
    assert [item.value for item in at.success] == [
        "Sent a CHANNEL_REGISTER mail to Bob@example\\.com, delivered by the built\\-in mail service \\(outbox\\)."
    ]
    newest = management.list_outbox(limit=1)[0]
    assert (newest.to, newest.channel) == ("Bob@example.com", Channel.REGISTER.value)
    (log,) = at.dataframe
    assert log.value.iloc[0].to_dict()["Result"] == "Sent"

    # The same mailbox (in another spelling) and channel within the minute: refused, with a countdown.
    at.text_input(key="send.to").input("bob@example.com")  # staged in the form until sent
    at.button(key="send.button").click().run()
    console.no_exception(at)
    text = console.text(at)
    assert "Not sent: A mail of this channel was sent to this mailbox less than a minute ago" in text
    assert "can be tried again in " in text
    # One number of seconds on the page: the live countdown's, not also the refusal's frozen one.
    # (The page's text holds each element twice, as its proto and as its value: count distinct phrases.)
    assert len(set(re.findall(r"\b\d+ s(?:econds)?\b", text))) == 1, text
    (log,) = at.dataframe
    assert list(log.value["Result"]) == ["Refused: once a minute", "Sent"]
    # Sending again within the countdown asks the backend nothing. (The button used to be disabled instead; in
    # the form Enter needs, Streamlit learns a newly typed address only on submit, so that locked the form.)
    outbox_before = len(management.list_outbox())
    at.button(key="send.button").click().run()
    assert len(management.list_outbox()) == outbox_before
    assert len(at.dataframe[0].value) == 2 and "can be tried again in " in console.text(at)
    # Another channel to the same mailbox is not limited.
    at.selectbox(key="send.channel").set_value(Channel.LOGIN).run()
    assert not at.button(key="send.button").disabled
    assert "can be tried again in " not in console.text(at)


def test_the_outbox_shows_the_delivered_mail(remote, service: RunningService, console) -> None:
    app = AuthenticationClient(service.userpool.app_id, service.base_url)
    try:
        app.send_email(Channel.RESET_PASSWORD, "carol@example.com")
    finally:
        app.close()
    at = console.open(OUTBOX)
    console.no_exception(at)
    table, headers = at.dataframe  # the headers are a data frame: st.table would render them as Markdown
    newest = table.value.iloc[0].to_dict()
    assert (newest["To"], newest["Channel"]) == ("carol@example.com", Channel.RESET_PASSWORD.value)
    assert newest["Subject"]
    text = console.text(at)
    # Headers parsed from the raw message, the raw source, the text part, the HTML sandboxed.
    names = list(headers.value["Header"])
    assert {"From", "To", "Subject", "Message-ID"} <= set(names)
    assert any("Content-Type: multipart/alternative" in block.value for block in at.code)
    assert 'sandbox=""' in at.get("iframe")[0].proto.srcdoc
    assert "carol@example.com" in text


def test_outbox_is_not_offered_where_the_backend_has_none(remote, console) -> None:
    at = console.open(OUTBOX)
    assert [title.value for title in at.title] == ["Outbox"]
    # A backend without the "outbox" extension, as GenAuth cloud (it does not answer /local/v1/info).
    at.session_state["mc.connection"].data.service_info = None
    at.run()
    console.no_exception(at)
    # /outbox is no longer a page of the console: the default page shows instead.
    assert [title.value for title in at.title] == ["Email console"]
    assert not at.get("iframe")


def test_a_provider_failure_says_why_and_what_to_do(remote, management, console) -> None:
    management.config_email_provider(
        type=ProviderType.CUSTOM,
        enabled=True,
        smtp_config=SmtpConfig(
            smtp_host="127.0.0.1", smtp_port=free_port(), sender_pass="", from_address="a@b.example"
        ),
    )
    at = console.open(SEND)
    at.text_input(key="send.to").input("carol@example.com")  # staged in the form until sent
    at.button(key="send.button").click().run()
    console.no_exception(at)
    text = console.text(at)
    assert "refused the connection" in text
    assert "Check the port" in text
    (log,) = at.dataframe
    assert log.value.iloc[0].to_dict()["Result"].startswith("Failed")
    # Nothing already saved is lost.
    assert management.get_email_provider().smtp_config.smtp_host == "127.0.0.1"


def test_the_recipient_starts_as_the_signed_in_administrators_email(remote) -> None:
    at = AppTest.from_file("../../console_app.py", default_timeout=30)
    at.secrets = {
        "auth": {
            "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
            "cookie_secret": "a-cookie-secret-long-enough-for-hs256",
            "client_id": "mail-console",
            "client_secret": "client-secret",
            "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
        },
        "console": {"admins": ["alice@example.com"]},
    }
    at.user = {"is_logged_in": True, "email": "Alice@Example.COM", "name": "Alice"}
    at.run()
    at.switch_page(SEND).run()
    assert not at.exception
    recipient = at.text_input(key="send.to")
    assert recipient.value == "Alice@Example.COM"
    recipient.input("dan@example.com")
    at.button(key="send.button").click().run()
    assert "Sent a CHANNEL_LOGIN mail to dan@example\\.com" in at.success[0].value
    at.selectbox(key="send.channel").set_value(Channel.LOGIN).run()
    assert at.text_input(key="send.to").value == "dan@example.com"  # what was typed stays
    at.session_state["mc.connection"].close()


def test_without_word_from_the_backend_a_success_describes_the_stored_settings(
    remote_without_versions, service: RunningService, monkeypatch: pytest.MonkeyPatch, console
) -> None:
    """GenAuth's send-email reply does not say who delivered: the console says what the stored settings say."""
    monkeypatch.setenv("MAILCONSOLE_APP_ID", service.userpool.app_id)
    monkeypatch.setenv("MAILCONSOLE_APP_HOST", remote_without_versions)
    at = console.open(SEND)
    at.text_input(key="send.to").input("ed@example.com")
    at.button(key="send.button").click().run()
    console.no_exception(at)
    (success,) = at.success
    assert success.value.startswith(
        "Sent a CHANNEL_LOGIN mail to ed@example\\.com. By the stored provider settings: The platform's built-in "
        "mail service sends this tenant's mail"
    )
