"""/templates, issue 13: nothing an admin types is lost (drafts per template, a picker keyed by type, a question
before anything discards a draft), and every hint is true (sender, built-in bodies, engine switch)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.template_preview import NO_PROBLEMS
from mailconsole import ManagementClient
from mailconsole.console.markdown import plain
from mailconsole.models import SmtpConfig, TemplateType
from mailconsole.service.defaults import DEFAULT_SUBJECTS, default_content
from tests.console.templates_page import PAGE, key, mail_documents, open_template
from tests.support import SECRETS_USED

SMTP_PASSWORD = "pw-for-the-sender-test"
SECRETS_USED.add(SMTP_PASSWORD)
LOGIN = TemplateType.LOGIN_VERIFY_CODE.value
WELCOME = TemplateType.WELCOME_EMAIL.value


@pytest.fixture(autouse=True)
def default_templates(management: ManagementClient) -> None:
    """Every test starts from the built-in templates of the types it edits."""
    templates = {str(template.type): template for template in management.get_email_templates().templates}
    for kind in (LOGIN, WELCOME):
        template = templates[kind]
        management.update_email_template(
            type=kind,
            customize_enabled=False,
            name=template.name,
            subject=template.subject,
            sender=template.sender,
            content=template.content,
            expires_in=template.expires_in,
            tpl_engine="handlebar",
        )


def picker_labels(at: AppTest) -> list[str]:
    return list(at.selectbox(key="tpl.type").options)


def test_the_picker_finds_templates_by_the_platform_full_name_and_by_type(remote, console) -> None:
    at = console.open(PAGE)
    (login,) = [label for label in picker_labels(at) if "Login verification code" in label]
    assert LOGIN in login
    assert all(template_type.value in " ".join(picker_labels(at)) for template_type in TemplateType)


def test_the_picker_labels_do_not_change_when_a_save_customises_a_template(remote, console) -> None:
    """The picker's value travels as its label: a label that changes sends the page to another template."""
    at = open_template(console, LOGIN)
    before = picker_labels(at)
    at.toggle(key=key(at, LOGIN, "customize_enabled")).set_value(True).run()
    at.button(key=f"tpl.{LOGIN}.save").click().run()
    console.no_exception(at)
    assert "Saved “Login code”." in console.text(at)
    assert picker_labels(at) == before
    at.text_input(key=key(at, LOGIN, "subject")).input("Typed after the save").run()
    assert picker_labels(at) == before
    assert at.selectbox(key="tpl.type").value == LOGIN


def ace_value(at: AppTest) -> str:
    (editor,) = [element for element in at.get("component_instance") if "code_editor" in element.proto.component_name]
    return str(json.loads(editor.proto.json_args)["defaultValue"])


def stored(management: ManagementClient, template_type: str) -> Any:
    return {str(item.type): item for item in management.get_email_templates().templates}[template_type]


def test_an_edit_survives_switching_to_another_template_and_back(remote, management, console) -> None:
    at = open_template(console, LOGIN)
    at.text_input(key=key(at, LOGIN, "subject")).input("My draft subject {{verify_code}}").run()
    at.session_state[key(at, LOGIN, "content")] = "<p>My draft body {{verify_code}}</p>"
    at.run()
    at.selectbox(key="tpl.type").set_value(WELCOME).run()
    console.no_exception(at)
    text = console.text(at)
    assert "● Unsaved changes" not in text  # the welcome mail has none
    assert "Unsaved drafts: Login code" in text  # but the picker says where a draft waits
    (table,) = at.dataframe
    assert table.value.set_index("Type")["Draft"].to_dict() == {
        template_type.value: "● unsaved" if template_type.value == LOGIN else "" for template_type in TemplateType
    }
    at.selectbox(key="tpl.type").set_value(LOGIN).run()
    console.no_exception(at)
    assert at.text_input(key=key(at, LOGIN, "subject")).value == "My draft subject {{verify_code}}"
    assert ace_value(at) == "<p>My draft body {{verify_code}}</p>"
    assert "My draft body 482913" in console.text(at)
    assert "● Unsaved changes" in console.text(at)
    assert stored(management, LOGIN).subject != "My draft subject {{verify_code}}"  # nothing was saved


def test_revert_asks_before_it_discards_the_draft(remote, console) -> None:
    at = open_template(console, LOGIN)
    saved_subject = at.text_input(key=key(at, LOGIN, "subject")).value
    at.text_input(key=key(at, LOGIN, "subject")).input("Not yet saved").run()
    at.button(key=f"tpl.{LOGIN}.revert").click().run()
    assert "Discard your unsaved changes to “Login code”?" in console.text(at)
    at.button(key=f"tpl.{LOGIN}.discard_no").click().run()
    assert at.text_input(key=key(at, LOGIN, "subject")).value == "Not yet saved"
    at.button(key=f"tpl.{LOGIN}.revert").click().run()
    at.button(key=f"tpl.{LOGIN}.discard_yes").click().run()
    console.no_exception(at)
    assert at.text_input(key=key(at, LOGIN, "subject")).value == saved_subject
    assert "● Unsaved changes" not in console.text(at)
    assert "Unsaved drafts" not in console.text(at)


def test_the_built_in_body_loads_into_the_editor_as_a_draft(remote, management, console) -> None:
    template = stored(management, LOGIN)
    management.update_email_template(
        type=LOGIN,
        customize_enabled=True,
        name=template.name,
        subject="Custom {{verify_code}}",
        sender=template.sender,
        content="<p>custom {{verify_code}}</p>",
        expires_in=300,
    )
    at = open_template(console, LOGIN)
    assert "this product's built-in" not in console.text(at)  # the embedded service's own defaults: no caveat
    at.button(key=f"tpl.{LOGIN}.load_builtin").click().run()
    console.no_exception(at)
    assert ace_value(at) == default_content(LOGIN)
    assert at.text_input(key=key(at, LOGIN, "subject")).value == DEFAULT_SUBJECTS[TemplateType.LOGIN_VERIFY_CODE]
    assert "● Unsaved changes" in console.text(at)
    assert stored(management, LOGIN).content == "<p>custom {{verify_code}}</p>"  # a draft, not saved


def test_switching_the_engine_warns_and_offers_the_built_in_body_in_that_engine(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.radio(key=key(at, LOGIN, "tpl_engine")).set_value("ejs").run()
    console.no_exception(at)
    text = console.text(at)
    assert "The body is written for Handlebars, but the engine is EJS" in text
    assert NO_PROBLEMS not in text
    at.button(key=f"tpl.{LOGIN}.load_builtin_engine").click().run()
    console.no_exception(at)
    assert ace_value(at) == default_content(LOGIN, "ejs")
    assert at.text_input(key=key(at, LOGIN, "subject")).value.startswith("Your <%= app_name %>")
    assert at.radio(key=key(at, LOGIN, "tpl_engine")).value == "ejs"
    text = console.text(at)
    assert "The body is written for Handlebars" not in text
    assert "**Subject:** Your Acme Cloud login code" in text
    (document, *_) = mail_documents(at)
    assert "482913" in document and "&lt;%" not in document


def test_keeping_the_text_after_an_engine_switch_silences_the_warning(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.radio(key=key(at, LOGIN, "tpl_engine")).set_value("ejs").run()
    at.button(key=f"tpl.{LOGIN}.keep_text").click().run()
    console.no_exception(at)
    assert "The body is written for Handlebars, but the engine is EJS" not in console.text(at)
    assert at.radio(key=key(at, LOGIN, "tpl_engine")).value == "ejs"


@pytest.fixture
def two_tenants(monkeypatch: pytest.MonkeyPatch, remote: Any) -> dict[str, object]:
    """Two tenants by name, both on the test's service."""
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)
    pool = {
        "kind": "genauth",
        "api_host": remote.base_url,
        "userpool_id": remote.userpool.id,
        "userpool_secret": remote.userpool.secret,
    }
    return {"tenants": {"acme": pool, "globex": dict(pool)}}


def test_drafts_are_kept_per_tenant_across_a_tenant_switch(two_tenants, console) -> None:
    at = console.open(PAGE, secrets=two_tenants)
    at.selectbox(key="tpl.type").set_value(LOGIN).run()
    at.text_input(key=key(at, LOGIN, "subject")).input("Acme's draft").run()
    at.sidebar.selectbox(key="mc.tenant").set_value("globex").run()
    at.switch_page(PAGE).run()
    at.selectbox(key="tpl.type").set_value(LOGIN).run()
    console.no_exception(at)
    assert at.text_input(key=key(at, LOGIN, "subject")).value != "Acme's draft"  # another tenant's drafts
    assert "Unsaved drafts" not in console.text(at)
    at.sidebar.selectbox(key="mc.tenant").set_value("acme").run()
    at.switch_page(PAGE).run()
    at.selectbox(key="tpl.type").set_value(LOGIN).run()
    console.no_exception(at)
    assert at.text_input(key=key(at, LOGIN, "subject")).value == "Acme's draft"
    assert "● Unsaved changes" in console.text(at)


@pytest.fixture
def smtp_provider(management: ManagementClient) -> Iterator[None]:
    """A custom SMTP provider with its own From address and display name; the built-in mail again afterwards."""
    smtp = SmtpConfig(
        smtp_host="smtp.example.com",
        smtp_port=465,
        secure=True,
        sender="mailer",
        sender_pass=SMTP_PASSWORD,
        from_address="no-reply@example.com",
        from_display_name="Provider Name",
    )
    management.config_email_provider(type="custom", enabled=True, smtp_config=smtp)
    yield
    management.config_email_provider(type="custom", enabled=False, smtp_config=smtp)


def test_the_preview_shows_the_from_a_send_uses_and_the_hint_says_which_name_wins(
    remote, smtp_provider, console
) -> None:
    at = open_template(console, LOGIN)
    sender = at.text_input(key=key(at, LOGIN, "sender"))
    assert "wins over the provider's From display name" in sender.help
    assert "**From:** Acme Cloud \\<no\\-reply@example\\.com\\>" in console.text(at)
    sender.input("").run()  # an empty sender: the provider's From display name is used
    assert "**From:** Provider Name \\<no\\-reply@example\\.com\\>" in console.text(at)


def test_against_another_backend_the_built_in_body_is_called_this_products(remote_without_versions, console) -> None:
    at = open_template(console, LOGIN)
    assert "loads this product's built-in mail; the default mail of this backend" in console.text(at)


def test_on_the_embedded_service_the_preview_names_the_app_as_a_send_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, console
) -> None:
    for name in list(os.environ):
        if name.startswith("MAILCONSOLE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MAILCONSOLE_DATA_DIR", str(tmp_path / "data"))
    at = open_template(console, LOGIN)
    name = at.session_state["mc.connection"].app_name
    assert name  # the embedded service's user pool name, which a send prints for {{app_name}} and {{client_name}}
    text = console.text(at)
    assert f"**Subject:** Your {plain(name)} login code" in text
    assert f"**From:** {plain(name)}" in text


def test_loading_the_built_in_body_over_a_draft_asks_first(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.session_state[key(at, LOGIN, "content")] = "<p>My unsaved work {{verify_code}}</p>"
    at.run()
    at.button(key=f"tpl.{LOGIN}.load_builtin").click().run()
    text = console.text(at)
    assert "Discard your unsaved changes to “Login code”?" in text and "Load the built-in body instead" in text
    at.button(key=f"tpl.{LOGIN}.discard_no").click().run()
    assert ace_value(at) == "<p>My unsaved work {{verify_code}}</p>"
    at.button(key=f"tpl.{LOGIN}.load_builtin").click().run()
    at.button(key=f"tpl.{LOGIN}.discard_yes").click().run()
    console.no_exception(at)
    assert ace_value(at) == default_content(LOGIN)
