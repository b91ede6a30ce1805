"""The template editor's 'Send this draft to…' and history panel, and the mail page's delivery log, under AppTest
against a real embedded service (and a GenAuth-cloud-like backend, where each says in one line why it is not
there)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.console.markdown import plain
from mailconsole.models import Channel, ProviderType
from mailconsole.service.embedded import RunningService
from tests.console.templates_page import key, open_template

OUTBOX = "app_pages/outbox.py"
TYPE = "RESET_PASSWORD_VERIFY_CODE"
WELCOME = "WELCOME_EMAIL"
APP = "../../console_app.py"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-long-enough-for-hs256",
    "client_id": "mail-console",
    "client_secret": "client-secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def builtin_service(management: ManagementClient) -> None:
    """The built-in mail service sends (it delivers to the outbox, where a test can read the mail)."""
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)


def save(management: ManagementClient, template_type: str, n: int) -> int:
    saved = management.update_email_template(
        type=template_type,
        customize_enabled=True,
        name=f"Name {n}",
        subject=f"Subject {n} {{{{verify_code}}}}",
        sender="Acme",
        content=f"<p>Body {n}: {{{{verify_code}}}}</p>",
    )
    assert saved.version is not None
    return saved.version


def mailbox() -> str:
    return f"draft-{uuid.uuid4().hex[:8]}@example.com"  # once a minute per mailbox: one each


# ---- send the draft -----------------------------------------------------------------------------------------------


def test_the_draft_is_sent_and_the_saved_template_stays(remote, management: ManagementClient, console: Any) -> None:
    saved_version = save(management, TYPE, 1)
    at = open_template(console, TYPE)
    at.session_state[key(at, TYPE, "content")] = "<p>Unsaved draft body {{verify_code}}</p>"
    at.run()
    to = mailbox()
    at.text_input(key=f"draft_send.{TYPE}.to").input(to)
    at.button(key=f"draft_send.{TYPE}.button").click().run()
    console.no_exception(at)
    [success] = at.success
    assert success.value.startswith("Sent the draft “Subject 1 ")
    assert success.value.endswith(", delivered by the built\\-in mail service \\(outbox\\). Nothing was saved.")
    newest = management.list_outbox(limit=1)[0]
    assert (newest.to, newest.channel) == (to, "draft")
    assert "Unsaved draft body " in newest.html
    stored = {str(t.type): t for t in management.get_email_templates().templates}[TYPE]
    assert (stored.content, stored.version) == ("<p>Body 1: {{verify_code}}</p>", saved_version)

    # Again within the minute: refused, with the countdown of the type's channel.
    at.button(key=f"draft_send.{TYPE}.button").click().run()
    console.no_exception(at)
    text = console.text(at)
    assert "Not sent: A mail of this channel was sent to this mailbox less than a minute ago" in text
    assert f"CHANNEL_RESET_PASSWORD to {plain(to)} can be tried again in " in text


def test_the_recipient_starts_as_the_signed_in_administrators_email(remote, console: Any) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    console.opened.append(at)
    at.secrets = {"auth": AUTH, "console": {"admins": ["alice@example.com"]}}
    at.user = {"is_logged_in": True, "email": "alice@example.com"}
    with patch_config_options({"server.address": "127.0.0.1"}):
        at.run()
        at.switch_page("app_pages/templates.py").run()
        at.selectbox(key="tpl.type").set_value(WELCOME).run()
    console.no_exception(at)
    assert at.text_input(key=f"draft_send.{WELCOME}.to").value == "alice@example.com"


def test_a_bad_address_sends_nothing(remote, management: ManagementClient, console: Any) -> None:
    before = len(management.list_outbox())
    at = open_template(console, WELCOME)
    at.text_input(key=f"draft_send.{WELCOME}.to").input("kim@@example")
    at.button(key=f"draft_send.{WELCOME}.button").click().run()
    console.no_exception(at)
    assert any(error.startswith("Nothing was sent: ") for error in console.errors(at))
    assert len(management.list_outbox()) == before


# ---- history ------------------------------------------------------------------------------------------------------


def test_history_compares_versions_and_restores_one_as_a_draft(
    remote, management: ManagementClient, console: Any
) -> None:
    kind = "SELF_UNLOCKING_VERIFY_CODE"
    first, _, third = (save(management, kind, n) for n in (1, 2, 3))
    at = open_template(console, kind)
    at.toggle(key=f"history.{kind}.open").set_value(True).run()
    console.no_exception(at)
    left, right = at.selectbox(key=f"history.{kind}.left"), at.selectbox(key=f"history.{kind}.right")
    assert left.options[0].startswith(f"Version {third} (current) · ")
    assert left.options[1].startswith("Version 2 · ") and left.options[1].endswith(
        f" · access key {remote.userpool.id}"
    )
    assert left.options[-2:] == ["Your draft", "The built-in default"]
    assert left.value == f"v{third}" and right.value == "draft"
    assert "No difference between version 3 (current) and your draft." in console.text(at)

    left.set_value(f"v{first}").run()
    at.selectbox(key=f"history.{kind}.right").set_value(f"v{third}").run()
    console.no_exception(at)
    diffs = [block.value for block in at.code if block.language == "diff"]
    assert len(diffs) == 1
    assert "-Subject 1 {{verify_code}}" in diffs[0] and "+Subject 3 {{verify_code}}" in diffs[0]
    assert "-<p>Body 1: {{verify_code}}</p>" in diffs[0]
    assert any('name: "Name 1" → "Name 3"' in block.value for block in at.code if block.language != "diff")
    frames = [frame.proto.srcdoc for frame in at.get("iframe")]
    assert any("Body 1: " in frame for frame in frames) and any("Body 3: " in frame for frame in frames)

    # Restore version 1: asked first, then in the editor as an unsaved draft; nothing saved yet.
    at.selectbox(key=f"history.{kind}.restore").set_value(f"v{first}").run()
    at.button(key=f"history.{kind}.load").click().run()
    assert "Load version 1 into the editor?" in console.text(at)
    at.button(key=f"history.{kind}.restore_confirm_yes").click().run()
    console.no_exception(at)
    assert at.session_state[key(at, kind, "subject")] == "Subject 1 {{verify_code}}"
    assert at.session_state[key(at, kind, "name")] == "Name 1"
    assert "Unsaved changes" in console.text(at)
    assert management.template_history(type=kind)[0].version == third

    at.button(key=f"tpl.{kind}.save").click().run()
    console.no_exception(at)
    newest = management.template_history(type=kind)[0]
    assert (newest.version, newest.subject, newest.content) == (
        third + 1,
        "Subject 1 {{verify_code}}",
        "<p>Body 1: {{verify_code}}</p>",
    )


# ---- the delivery log ---------------------------------------------------------------------------------------------


def test_the_mail_page_shows_the_log_filtered_and_the_outbox_content(
    remote, service: RunningService, management: ManagementClient, console: Any
) -> None:
    to = mailbox()
    with AuthenticationClient(service.userpool.app_id, service.base_url) as app:
        app.send_email(Channel.LOGIN, to)
        with pytest.raises(Exception, match="less than a minute ago"):
            app.send_email(Channel.LOGIN, to)
    at = console.open(OUTBOX)
    console.no_exception(at)
    at.text_input(key="deliveries.to").input(to).run()
    console.no_exception(at)
    (log,) = at.dataframe  # the newest is open, a throttled one: no content
    rows = log.value
    assert list(rows["Result"]) == ["throttled", "delivered"]
    assert set(rows["Channel"]) == {Channel.LOGIN.value} and set(rows["Provider"]) == {"built-in outbox"}
    # The newest is open: the throttled one, with the service's reply.
    assert any("less than a minute ago" in warning.value for warning in at.warning)

    at.selectbox(key="deliveries.result").set_value("delivered").run()
    console.no_exception(at)
    log, headers = at.dataframe  # the delivered mail is open, with its content from the outbox
    assert list(log.value["Result"]) == ["delivered"]
    assert {"From", "To", "Subject", "Message-ID"} <= set(headers.value["Header"])
    [mail] = [message for message in management.list_outbox() if message.to == to]
    assert f"**{plain(mail.subject)}**" in [element.value for element in at.markdown]
    assert 'sandbox=""' in at.get("iframe")[0].proto.srcdoc

    at.selectbox(key="deliveries.channel").set_value("draft").run()
    assert "No mail matches." in console.text(at)


# ---- a backend without the extensions -----------------------------------------------------------------------------


def test_a_backend_without_them_says_why_in_one_line(remote_without_versions, console: Any) -> None:
    at = open_template(console, WELCOME)
    assert "This backend cannot send an unsaved template" in console.text(at)
    assert not [widget for widget in at.text_input if str(widget.key).startswith("draft_send.")]
    at.toggle(key=f"history.{WELCOME}.open").set_value(True).run()
    console.no_exception(at)
    assert "This backend keeps no history of templates: only the embedded mailconsole service does." in console.text(at)
    assert not [widget for widget in at.selectbox if str(widget.key).startswith("history.")]


def test_a_draft_send_is_in_the_audit_trail_as_a_test_send(remote, management: ManagementClient, console: Any) -> None:
    to = mailbox()
    management.send_draft(
        type=WELCOME, email=to, customize_enabled=True, name="w", subject="Hi", sender="Acme", content="<p>Hi</p>"
    )
    at = console.open("app_pages/audit.py")
    at.segmented_control(key="audit.kind").set_value("Draft sends").run()
    console.no_exception(at)
    (table,) = at.dataframe
    newest = table.value.iloc[0].to_dict()
    assert (newest["Kind"], newest["Item"]) == ("Test send of a draft", WELCOME)
    assert f'to: none → "{to}"; subject: none → "Hi"; result: none → "delivered"' == newest["Changes"]
    assert set(table.value["Kind"]) == {"Test send of a draft"}


def test_a_template_never_saved_compares_the_built_in_default_with_the_draft(remote, console: Any) -> None:
    kind = "EMAIL_UNBIND_VERIFY_CODE"
    at = open_template(console, kind)
    at.session_state[key(at, kind, "subject")] = "My own subject {{verify_code}}"
    at.run()
    at.toggle(key=f"history.{kind}.open").set_value(True).run()
    console.no_exception(at)
    assert at.selectbox(key=f"history.{kind}.left").value == "builtin"
    assert at.selectbox(key=f"history.{kind}.right").value == "draft"
    assert "No saved version yet: the template has never been saved on this backend." in console.text(at)
    [diff] = [block.value for block in at.code if block.language == "diff"]
    assert "+My own subject {{verify_code}}" in diff
    assert not [button for button in at.button if str(button.key).startswith(f"history.{kind}.load")]
