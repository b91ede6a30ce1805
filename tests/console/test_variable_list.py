"""The editor's list of variables under AppTest: the type's variables with their meaning and the preview's sample
value, and one ready to copy, written for the template's engine."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from mailconsole.catalog import VARIABLE_MEANINGS, variables_for
from mailconsole.models import TemplateType
from tests.console.templates_page import key, open_template

LOGIN = TemplateType.LOGIN_VERIFY_CODE
RESET_BY_ADMIN = TemplateType.ADMIN_RESET_USER_PASSWORD_NOTIFICATION


def variable_table(at: AppTest) -> dict[str, tuple[str, str]]:
    (table,) = at.table
    frame = table.value
    return {row["Variable"]: (row["Meaning"], row["Sample value"]) for _, row in frame.iterrows()}


def insert_buttons(at: AppTest) -> list[str]:
    """The variables the insert buttons offer (the buttons themselves are drawn in the browser)."""
    (buttons,) = [item for item in at.get("bidi_component") if item.proto.component_name.endswith("variable_insert")]
    return [variable["tag"] for variable in json.loads(buttons.proto.json)["variables"]]


def code_blocks(at: AppTest) -> list[str]:
    return [element.value for element in at.code]


def test_the_variables_of_the_type_with_meaning_and_sample_value(remote, console) -> None:
    at = open_template(console, LOGIN.value)
    listed = variable_table(at)
    assert len(listed) == len(variables_for(LOGIN))
    assert listed["{{verify_code}}"] == ("The verification code the user types.", "482913")
    assert listed["{{expires_in}}"][1] == "5"
    assert listed["{{app_logo}}"][1].endswith("…")  # a data: URL, cut
    assert "{{password}}" not in listed  # a login code mail has none
    assert "Variables of this template (23)" in console.text(at)
    assert insert_buttons(at) == list(listed)
    # The sample value is the preview's: a profile changes it.
    at.selectbox(key=f"tpl.{LOGIN.value}.profile").set_value("chinese").run()
    assert variable_table(at)["{{user_display_name}}"][1] == "陈爱丽"


def test_a_variable_is_ready_to_copy_in_the_templates_engine(remote, console) -> None:
    at = open_template(console, RESET_BY_ADMIN.value)
    at.selectbox(key=f"tpl.{RESET_BY_ADMIN.value}.variable").set_value("password").run()
    assert "{{password}}" in code_blocks(at)
    assert (
        f"password: {VARIABLE_MEANINGS['password']}" in at.selectbox(key=f"tpl.{RESET_BY_ADMIN.value}.variable").options
    )
    assert insert_buttons(at)[-4:] == ["{{password}}", "{{login_url}}", "{{username}}", "{{admin_name}}"]
    at.radio(key=key(at, RESET_BY_ADMIN.value, "tpl_engine")).set_value("ejs").run()
    console.no_exception(at)
    assert "<%= password %>" in code_blocks(at)
    assert "<%= admin_name %>" in variable_table(at)
    assert "<%= admin_name %>" in insert_buttons(at)
