"""/templates: the list of 15, the live preview while typing, compile errors in the gutter, the sample context,
save / revert / reset, the backend's preview, and a backend refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.engine_notes import as_markdown
from mailconsole import ManagementClient
from mailconsole.catalog import TEMPLATE_GROUPS
from mailconsole.models import TemplateType
from mailconsole.rendering import known_differences
from tests.console.templates_page import PAGE, key, mail_documents, open_template

LOGIN = TemplateType.LOGIN_VERIFY_CODE.value
LINK = TemplateType.FIRST_EMAIL_LOGIN_VERIFY.value


@pytest.fixture(autouse=True)
def default_templates(management: ManagementClient) -> None:
    """Every test starts from the built-in templates of the two types it edits."""
    templates = {str(template.type): template for template in management.get_email_templates().templates}
    for kind in (LOGIN, LINK):
        template = templates[kind]
        if template.customize_enabled or template.redirect_to:
            management.update_email_template(
                type=kind,
                customize_enabled=False,
                name=template.name,
                subject=template.subject,
                sender=template.sender,
                content=template.content,
                expires_in=template.expires_in,
                tpl_engine=template.tpl_engine,
            )


def ace(at: AppTest) -> Any:
    (editor,) = [element for element in at.get("component_instance") if "code_editor" in element.proto.component_name]
    return editor


def test_the_fifteen_templates_by_group_with_status_and_engine(remote, console) -> None:
    at = console.open(PAGE)
    console.no_exception(at)
    (table,) = at.dataframe
    frame = table.value
    assert len(frame) == 15
    assert list(frame["Group"].unique()) == [group.category.title_en for group in TEMPLATE_GROUPS]
    assert set(frame["Status"]) == {"Default"}
    assert set(frame["Engine"]) == {"Handlebars"}
    assert len(at.selectbox(key="tpl.type").options) == 15


def test_the_preview_follows_typing_and_marks_unsaved_changes(remote, console) -> None:
    at = open_template(console, LOGIN)
    assert "● Unsaved changes" not in console.text(at)
    at.text_input(key=key(at, LOGIN, "subject")).input("Code {{verify_code}} for {{app_name}}").run()
    text = console.text(at)
    assert "Code 482913 for Acme Cloud" in text
    assert "● Unsaved changes" in text

    at.session_state[key(at, LOGIN, "content")] = "<p>Hi {{user_name}}</p><script>alert('x')</script>"
    at.run()
    (document,) = mail_documents(at)[:1]
    # The mail sits, escaped, in a frame sandboxed with no permission: its script cannot run.
    assert 'sandbox=""' in document
    assert "&lt;p&gt;Hi Alice Chen&lt;/p&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in document
    assert "<script>alert" not in document
    assert "min-width" not in document or "600" in document
    # Mobile width.
    at.toggle(key="tpl.mobile").set_value(True).run()
    assert "width:375px" in mail_documents(at)[0]


def test_a_template_that_does_not_compile_is_marked_and_the_last_preview_stays(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.session_state[key(at, LOGIN, "content")] = "<p>Good {{verify_code}}</p>"
    at.run()
    assert "Good 482913" in mail_documents(at)[0]

    at.session_state[key(at, LOGIN, "content")] = "<p>first</p>\n{{#if verify_code}}\n<p>never closed</p>"
    at.run()
    console.no_exception(at)
    assert any("line 2" in error and "The body does not compile" in error for error in console.errors(at))
    annotations = json.loads(ace(at).proto.json_args)["annotations"]
    assert annotations and annotations[0]["row"] == 1 and annotations[0]["type"] == "error"
    # The last version that rendered is still shown.
    assert "Good 482913" in mail_documents(at)[0]
    assert "last version that rendered" in console.text(at)
    # And it cannot be saved.
    at.button(key=f"tpl.{LOGIN}.save").click().run()
    assert any("Nothing was saved" in error for error in console.errors(at))


def test_invalid_sample_json_keeps_the_last_good_context(remote, console) -> None:
    at = open_template(console, LOGIN)
    context_key = f"tpl.{LOGIN}.context"
    context = json.loads(at.text_area(key=context_key).value)
    assert context["verify_code"] == "482913"
    context["verify_code"] = "111222"
    at.text_area(key=context_key).input(json.dumps(context)).run()
    assert "111222" in mail_documents(at)[0]
    at.text_area(key=context_key).input('{"verify_code": ').run()
    console.no_exception(at)
    assert any("not valid JSON" in error and "line 1" in error for error in console.errors(at))
    assert "111222" in mail_documents(at)[0]


def test_save_then_revert(remote, management, console) -> None:
    at = open_template(console, LOGIN)
    at.toggle(key=key(at, LOGIN, "customize_enabled")).set_value(True)
    at.text_input(key=key(at, LOGIN, "subject")).input("Your code: {{verify_code}}")
    at.number_input(key=key(at, LOGIN, "expires_in")).set_value(600)
    at.session_state[key(at, LOGIN, "content")] = "<p>Code {{verify_code}}, {{expires_in}} minutes</p>"
    at.run()
    assert "Code 482913, 5 minutes" in mail_documents(at)[0]
    at.button(key=f"tpl.{LOGIN}.save").click().run()
    console.no_exception(at)
    saved = {str(template.type): template for template in management.get_email_templates().templates}[LOGIN]
    assert saved.customize_enabled is True
    assert (saved.subject, saved.expires_in) == ("Your code: {{verify_code}}", 600)
    assert saved.content == "<p>Code {{verify_code}}, {{expires_in}} minutes</p>"
    text = console.text(at)
    assert "Saved “Login code”." in text
    assert "● Unsaved changes" not in text
    (table,) = at.dataframe
    assert table.value.set_index("Type").loc[LOGIN, "Status"] == "Customised"

    at.text_input(key=key(at, LOGIN, "subject")).input("Something else").run()
    assert "● Unsaved changes" in console.text(at)
    at.button(key=f"tpl.{LOGIN}.revert").click().run()
    at.button(key=f"tpl.{LOGIN}.discard_yes").click().run()  # revert asks first (issue 13)
    assert at.text_input(key=key(at, LOGIN, "subject")).value == "Your code: {{verify_code}}"
    assert "● Unsaved changes" not in console.text(at)


def test_reset_to_the_built_in_mail_asks_first(remote, management, console) -> None:
    template = {str(item.type): item for item in management.get_email_templates().templates}[LOGIN]
    management.update_email_template(
        type=LOGIN,
        customize_enabled=True,
        name=template.name,
        subject="Custom subject",
        sender=template.sender,
        content="<p>custom {{verify_code}}</p>",
        expires_in=300,
    )
    at = open_template(console, LOGIN)
    at.button(key=f"tpl.{LOGIN}.reset").click().run()
    assert "Use the platform's built-in mail for “Login code”?" in console.text(at)
    at.button(key=f"tpl.{LOGIN}.reset_yes").click().run()
    console.no_exception(at)
    stored = {str(item.type): item for item in management.get_email_templates().templates}[LOGIN]
    assert stored.customize_enabled is False
    assert stored.content == "<p>custom {{verify_code}}</p>"  # kept, for turning it back on
    assert "now uses the platform's built-in mail" in console.text(at)


def test_the_backend_preview_matches_the_live_one(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.button(key=f"tpl.{LOGIN}.backend.button").click().run()
    console.no_exception(at)
    assert "Same as the live preview." in console.text(at)
    assert len(mail_documents(at)) == 2


def test_a_backend_refusal_is_one_sentence_and_keeps_what_was_typed(remote, management, console) -> None:
    at = open_template(console, LINK)
    at.text_input(key=key(at, LINK, "redirect_to")).input("ftp://example.com/after").run()
    at.button(key=f"tpl.{LINK}.save").click().run()
    console.no_exception(at)
    (error,) = console.errors(at)
    assert error.startswith("The backend refused the request: redirectTo must be an http(s) URL")
    assert "(requestId " in error
    assert at.text_input(key=key(at, LINK, "redirect_to")).value == "ftp://example.com/after"
    stored = {str(item.type): item for item in management.get_email_templates().templates}[LINK]
    assert stored.redirect_to is None


def editor_position(at: AppTest) -> tuple[int, ...]:
    """Where the Ace editor sits in the page's element tree."""

    def walk(node: Any, path: tuple[int, ...]) -> tuple[int, ...] | None:
        for index, child in getattr(node, "children", {}).items():
            if getattr(child, "type", None) == "component_instance":
                return (*path, index)
            found = walk(child, (*path, index))
            if found:
                return found
        return None

    position = walk(at.main, ())
    assert position is not None
    return position


def test_the_editor_stays_in_place_while_messages_come_and_go(remote, console) -> None:
    """A custom component that moves in the page is mounted afresh and would drop what the admin typed."""
    at = open_template(console, LOGIN)
    clean = editor_position(at)
    at.text_input(key=key(at, LOGIN, "subject")).input("{{#if broken").run()
    at.session_state[key(at, LOGIN, "content")] = "{{#if x}}"
    at.run()
    assert "● Unsaved changes" in console.text(at)
    assert len(console.errors(at)) == 2  # subject and body
    assert editor_position(at) == clean
    at.text_input(key=key(at, LOGIN, "subject")).input("Code {{verify_code}}").run()
    at.session_state[key(at, LOGIN, "content")] = "<p>{{verify_code}}</p>"
    at.run()
    at.button(key=f"tpl.{LOGIN}.save").click().run()
    assert "Saved “Login code”." in console.text(at)
    assert editor_position(at) == clean
    at.text_input(key=key(at, LOGIN, "name")).input("Login code (edited)").run()
    assert "Saved “Login code”." not in console.text(at)
    assert editor_position(at) == clean


def test_the_known_differences_of_both_engines_are_beside_the_editor(remote, console) -> None:
    at = console.open(PAGE)
    console.no_exception(at)
    (notes,) = [item for item in at.expander if item.label == "Where the preview can differ from the platform"]
    text = "\n".join(element.value for element in notes.markdown)
    assert "**Handlebars (handlebars.js 4.7)**" in text and "**EJS (ejs 3.1)**" in text
    for sentence in (*known_differences("handlebar"), *known_differences("ejs")):
        assert f"- {as_markdown(sentence)}" in text
    assert "Block parameters named as a helper ({{#each items as |lookup|}}{{lookup}})" in text
    assert "no Intl" in text
