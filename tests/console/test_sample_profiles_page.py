"""The editor's sample profile picker under AppTest: a profile loads into the sample context, which stays editable
JSON, and the admin saves their own profile for the session."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from mailconsole.models import TemplateType
from tests.console.templates_page import mail_documents, open_template

LOGIN, WELCOME = TemplateType.LOGIN_VERIFY_CODE.value, TemplateType.WELCOME_EMAIL.value
CONTEXT = f"tpl.{LOGIN}.context"
PICKER = f"tpl.{LOGIN}.profile"


def live_mail(at: AppTest) -> str:
    return mail_documents(at)[0]


def test_a_profile_loads_into_the_editable_sample_context(remote, console) -> None:
    at = open_template(console, LOGIN)
    assert at.selectbox(key=PICKER).value == "default"
    assert "Alice Chen" in live_mail(at)
    at.selectbox(key=PICKER).set_value("chinese").run()
    console.no_exception(at)
    assert json.loads(at.text_area(key=CONTEXT).value)["user_display_name"] == "陈爱丽"
    assert "陈爱丽" in live_mail(at) and "Alice Chen" not in live_mail(at)
    assert "Names, places and descriptions in Chinese." in [caption.value for caption in at.caption]
    # The JSON stays editable on top of the profile.
    edited = {**json.loads(at.text_area(key=CONTEXT).value), "verify_code": "777111"}
    at.text_area(key=CONTEXT).input(json.dumps(edited, ensure_ascii=False)).run()
    assert "777111" in live_mail(at) and "陈爱丽" in live_mail(at)
    at.selectbox(key=PICKER).set_value("expired-link").run()
    assert json.loads(at.text_area(key=CONTEXT).value)["expires_in"] == 0
    assert "expires in" not in live_mail(at)  # the built-in mail leaves out a validity of 0 minutes


def test_an_own_profile_is_saved_for_the_session_and_picked_again(remote, console) -> None:
    at = open_template(console, LOGIN)
    edited = {**json.loads(at.text_area(key=CONTEXT).value), "verify_code": "999888"}
    at.text_area(key=CONTEXT).input(json.dumps(edited)).run()
    at.text_input(key=f"tpl.{LOGIN}.profile_name").input("Nines").run()
    at.button(key=f"tpl.{LOGIN}.profile_name.save").click().run()
    console.no_exception(at)
    assert at.selectbox(key=PICKER).value == "own:Nines"
    assert at.selectbox(key=PICKER).options[-1] == "Nines (yours)"  # the picker shows labels
    at.selectbox(key=PICKER).set_value("default").run()
    assert "482913" in live_mail(at)
    at.selectbox(key=PICKER).set_value("own:Nines").run()
    assert "999888" in live_mail(at)
    # Another type has its own variables, and so its own profiles.
    at.selectbox(key="tpl.type").set_value(WELCOME).run()
    assert "Nines (yours)" not in at.selectbox(key=f"tpl.{WELCOME}.profile").options


def test_a_profile_with_a_bad_name_or_bad_json_is_not_saved_and_says_why(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.text_input(key=f"tpl.{LOGIN}.profile_name").input("Default").run()
    at.button(key=f"tpl.{LOGIN}.profile_name.save").click().run()
    assert "“Default” is a built-in profile; choose another name." in console.errors(at)
    at.text_area(key=CONTEXT).input('{"verify_code": ').run()
    at.text_input(key=f"tpl.{LOGIN}.profile_name").input("Broken").run()
    at.button(key=f"tpl.{LOGIN}.profile_name.save").click().run()
    assert any(error.startswith("The sample context is not valid JSON (line 1") for error in console.errors(at))
    assert "Broken (yours)" not in at.selectbox(key=PICKER).options
