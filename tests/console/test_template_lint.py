"""/templates: the linter's findings under the preview ("Checks") and in the editor's gutter, on every edit."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

from mailconsole.models import TemplateType
from tests.console.templates_page import open_template

LOGIN = TemplateType.LOGIN_VERIFY_CODE.value


def content_key(at: AppTest, template_type: str) -> str:
    return f"tpl.{template_type}.{at.session_state[f'tpl.{template_type}.gen']}.content"


def shown(elements: Any) -> list[str]:
    """The text of alerts, without the escapes that keep Markdown out of them."""
    return [element.value.replace("\\", "") for element in elements]


def annotations(at: AppTest) -> list[dict[str, Any]]:
    (editor,) = [element for element in at.get("component_instance") if "code_editor" in element.proto.component_name]
    found: list[dict[str, Any]] = json.loads(editor.proto.json_args)["annotations"]
    return found


def test_the_built_in_template_has_no_problems(remote, console) -> None:
    at = open_template(console, LOGIN)
    text = console.text(at)
    assert "Checks" in text
    assert "No problems found" in text
    assert not at.warning
    assert annotations(at) == []


def test_a_typo_shows_under_the_preview_and_in_the_gutter(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.session_state[content_key(at, LOGIN)] = "<p>{{verify_code}}</p>\n<p>Hi {{usr_name}}</p>"
    at.run()
    console.no_exception(at)
    assert shown(at.warning) == [
        "**Body, line 2:** `{{usr_name}}` is not a variable of “Login code” mails: did you mean `{{user_name}}`?"
    ]
    assert "No problems found" not in console.text(at)
    (marker,) = annotations(at)
    assert (marker["row"], marker["column"], marker["type"]) == (1, 8, "warning")

    # Fixed: the next run has nothing to say.
    at.session_state[content_key(at, LOGIN)] = "<p>{{verify_code}}</p>\n<p>Hi {{user_name}}</p>"
    at.run()
    assert not at.warning
    assert "No problems found" in console.text(at)


def test_errors_show_as_errors_and_the_subject_is_checked(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.text_input(key=f"tpl.{LOGIN}.{at.session_state[f'tpl.{LOGIN}.gen']}.subject").input("Code {{verfy_code}}")
    at.session_state[content_key(at, LOGIN)] = '<p>Hello</p><a href="http://example.com">site</a>'
    at.run()
    console.no_exception(at)
    (error,) = shown(at.error)
    assert error.startswith("**Body:** A “Login code” mail exists to deliver a code")
    warnings = shown(at.warning)
    assert [warning.split(":**")[0] for warning in warnings] == ["**Body, line 1", "**Subject"]
    assert "use https://." in warnings[0]
    assert "did you mean `{{verify_code}}`?" in warnings[1]


def test_a_template_that_does_not_compile_waits_for_the_fix(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.session_state[content_key(at, LOGIN)] = "<p>{{usr_name}}</p>\n{{#if verify_code}}"
    at.run()
    console.no_exception(at)
    # One error, beside the editor; the checks do not repeat it.
    (error,) = console.errors(at)
    assert error.startswith("The body does not compile")
    assert not at.warning
    assert "The checks run once the template compiles." in console.text(at)
    assert [marker["type"] for marker in annotations(at)] == ["error"]


def test_a_runaway_template_is_stopped_and_the_page_stays_usable(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.session_state[content_key(at, LOGIN)] = "{{#each @root}}" * 5 + "x" + "{{/each}}" * 5
    at.run(timeout=30)
    console.no_exception(at)
    (error,) = [text for text in shown(at.error) if text.startswith("The body was stopped")]
    assert "repeats its blocks more than 100,000 times" in error

    # The next edit renders as usual.
    at.session_state[content_key(at, LOGIN)] = "<p>{{verify_code}}</p>"
    at.run()
    console.no_exception(at)
    assert not [text for text in shown(at.error) if text.startswith("The body")]
    assert "No problems found" in console.text(at)
