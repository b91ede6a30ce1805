"""Sample profiles: each differs from the type's default context the way its name says, keeps the type's
variables, and every built-in template renders with it in both engines."""

from __future__ import annotations

import re

import pytest

from mailconsole.addresses import normalize_email
from mailconsole.catalog import LINK_TYPES, TEMPLATE_GROUPS
from mailconsole.models import TemplateEngine, TemplateType
from mailconsole.rendering import render_template
from mailconsole.rendering.profiles import OPTIONAL_VARIABLES, PROFILES, SampleProfile, profile_context
from mailconsole.rendering.samples import sample_context
from mailconsole.service.defaults import default_template

ALL_TYPES = [template_type for group in TEMPLATE_GROUPS for template_type in group.types]
NAMES = ("app_name", "client_name", "user_display_name", "user_name", "username", "tenant_name", "admin_name")
ADDRESSES = ("user_email", "verify_link", "login_url", "update_password_link", "app_domain", "host_url")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("profile", list(SampleProfile))
@pytest.mark.parametrize("template_type", ALL_TYPES)
def test_a_profile_keeps_the_variables_of_the_type(profile: SampleProfile, template_type: TemplateType) -> None:
    assert profile_context(profile, template_type).keys() == sample_context(template_type).keys()


def test_the_default_profile_is_the_sample_context() -> None:
    for template_type in ALL_TYPES:
        assert profile_context(SampleProfile.DEFAULT, template_type) == sample_context(template_type)


def test_long_names_and_addresses_are_long_and_still_valid() -> None:
    for template_type in ALL_TYPES:
        default, long = sample_context(template_type), profile_context(SampleProfile.LONG, template_type)
        for name in (*NAMES, *ADDRESSES):
            if name in default:
                assert len(str(long[name])) >= max(40, 2 * len(str(default[name]))), (template_type, name)
        assert normalize_email(long["user_email"]) == long["user_email"]
        assert len(long["user_email"].split("@")[0]) <= 64  # still an address a server takes
        assert long.get("verify_code") == default.get("verify_code")  # a code is no name


def test_chinese_text_puts_chinese_in_every_name_and_place() -> None:
    for template_type in ALL_TYPES:
        chinese = profile_context(SampleProfile.CHINESE, template_type)
        for name in ("app_name", "user_display_name", "user_name", "tenant_name", "city", "app_description"):
            assert CJK.search(chinese[name]), name
        assert chinese["user_email"] == sample_context(template_type)["user_email"]


def test_missing_optional_values_are_empty_and_the_rest_stays() -> None:
    for template_type in ALL_TYPES:
        default, missing = sample_context(template_type), profile_context(SampleProfile.MISSING_OPTIONAL, template_type)
        emptied = {name for name, value in missing.items() if value == ""}
        assert emptied == OPTIONAL_VARIABLES & default.keys()
        assert {"user_display_name", "city", "app_logo"} <= emptied
        for name in default.keys() - OPTIONAL_VARIABLES:
            assert missing[name] == default[name]


def test_an_expired_link_has_no_validity_left() -> None:
    for template_type in ALL_TYPES:
        default, expired = sample_context(template_type), profile_context(SampleProfile.EXPIRED_LINK, template_type)
        if "expires_in" in default:
            assert expired["expires_in"] == 0
        if template_type in LINK_TYPES:
            assert "expired" in expired["verify_link"] and expired["verify_link"] != default["verify_link"]
        if template_type is TemplateType.USER_PASSWORD_UPDATE_REMIND:
            assert expired["password_effective_time"] < default["password_effective_time"]
        if template_type is TemplateType.WELCOME_EMAIL:
            assert expired == default  # nothing in it expires


def test_a_profile_derives_from_the_context_it_is_given() -> None:
    base = {**sample_context(TemplateType.LOGIN_VERIFY_CODE), "app_name": "Tenant's own", "expires_in": 10}
    assert profile_context(SampleProfile.MISSING_OPTIONAL, None, base)["app_name"] == "Tenant's own"
    assert profile_context(SampleProfile.CHINESE, None, base)["expires_in"] == 10
    assert base["app_name"] == "Tenant's own"  # the caller's dict is not changed


def test_an_unknown_profile_says_which_exist() -> None:
    with pytest.raises(ValueError, match="unknown sample profile 'tiny': use one of default, long"):
        profile_context("tiny", TemplateType.LOGIN_VERIFY_CODE)


def test_every_profile_has_a_label_and_a_description() -> None:
    assert list(PROFILES) == list(SampleProfile)
    for info in PROFILES.values():
        assert info.label and info.description.endswith((".", "?"))


@pytest.mark.parametrize("engine", list(TemplateEngine))
@pytest.mark.parametrize("profile", list(SampleProfile))
def test_every_builtin_template_renders_in_every_profile(profile: SampleProfile, engine: TemplateEngine) -> None:
    for template_type in ALL_TYPES:
        template = default_template(template_type, engine)
        context = profile_context(profile, template_type)
        body = render_template(template.content, context, engine)
        subject = render_template(template.subject, context, engine)
        render_template(template.sender, context, engine)
        assert "</html>" in body
        if profile in (SampleProfile.LONG, SampleProfile.CHINESE):
            # The changed application name reaches the mail.
            shown = context["app_name"].replace("&", "&amp;")
            assert shown in body or shown in subject, template_type
        if profile is SampleProfile.MISSING_OPTIONAL:
            assert "Alice Chen" not in body  # the default's name, which every built-in mail greets
