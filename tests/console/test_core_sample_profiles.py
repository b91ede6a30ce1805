"""The editor's sample profiles (``mailconsole.console.sample_profiles``): the built-in ones, and the admin's own
saved for the session per template type."""

from __future__ import annotations

import re

import pytest

from mailconsole.console.sample_profiles import (
    OwnProfiles,
    choice_context,
    choice_description,
    choice_label,
    profile_choices,
)
from mailconsole.models import TemplateType
from mailconsole.rendering.profiles import SampleProfile
from mailconsole.rendering.samples import sample_context

LOGIN, WELCOME = TemplateType.LOGIN_VERIFY_CODE, TemplateType.WELCOME_EMAIL
BASE = {**sample_context(LOGIN), "app_name": "Tenant app"}


def test_the_built_in_profiles_derive_from_the_editors_starting_context() -> None:
    own = OwnProfiles()
    assert profile_choices(LOGIN, own) == [item.value for item in SampleProfile]
    assert choice_context("default", LOGIN, BASE, own) == BASE
    assert choice_context("missing-optional", LOGIN, BASE, own)["app_name"] == "Tenant app"
    assert choice_context("expired-link", LOGIN, BASE, own)["expires_in"] == 0
    assert choice_label("chinese") == "Chinese text"


def test_an_own_profile_is_kept_for_its_type_under_its_name_and_given_back_as_a_copy() -> None:
    own = OwnProfiles()
    mine = {**BASE, "verify_code": "999999", "nested": {"list": [1]}}
    choice = own.save(LOGIN, "  My   codes ", mine)
    assert choice == "own:My codes"
    assert profile_choices(LOGIN, own)[-1] == choice
    assert profile_choices(WELCOME, own) == [item.value for item in SampleProfile]  # another type's variables
    mine["nested"]["list"].append(2)  # the saved one does not change with the caller's dict
    loaded = choice_context(choice, LOGIN, BASE, own)
    assert loaded == {**BASE, "verify_code": "999999", "nested": {"list": [1]}}
    loaded["verify_code"] = "changed"
    assert choice_context(choice, LOGIN, BASE, own)["verify_code"] == "999999"
    assert (choice_label(choice), choice_description(choice)) == (
        "My codes (yours)",
        "Your own values, saved for this session.",
    )
    own.save(LOGIN, "My codes", {"verify_code": "1"})  # the same name replaces it
    assert own.names(LOGIN) == ["My codes"]
    assert choice_context(choice, LOGIN, BASE, own) == {"verify_code": "1"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the profile a name, then save it."),
        ("x" * 61, "A profile name has at most 60 characters; shorten it."),
        ("chinese TEXT", "“chinese TEXT” is a built-in profile; choose another name."),
    ],
)
def test_a_bad_name_says_what_to_do(name: str, message: str) -> None:
    own = OwnProfiles()
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        own.save(LOGIN, name, BASE)
    assert own.names(LOGIN) == []


def test_an_own_profile_that_is_not_there_says_so() -> None:
    with pytest.raises(ValueError, match=r"^There is no profile “Gone” for this template in this session\.$"):
        choice_context("own:Gone", LOGIN, BASE, OwnProfiles())
