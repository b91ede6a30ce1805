"""The built-in default templates and the sample preview context."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pybars
import pytest

from mailconsole.catalog import (
    CODE_TYPES,
    COMMON_VARIABLES,
    DEFAULT_EXPIRES_IN,
    LINK_TYPES,
    TEMPLATE_GROUPS,
    TEMPLATE_TITLES,
    VERIFICATION_TYPES,
    variables_for,
)
from mailconsole.i18n import ZH_CN
from mailconsole.models import EmailTemplate, TemplateEngine, TemplateType, UpdateEmailTemplateRequest
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, SAMPLE_USER_EMAIL, sample_context
from mailconsole.service.defaults import (
    DEFAULT_SENDER,
    account_deletion_template,
    default_categories,
    default_template,
    default_templates,
)


def _pybars_render(source: str, context: dict[str, Any], engine: TemplateEngine) -> str:
    assert engine is TemplateEngine.HANDLEBAR
    return str(pybars.Compiler().compile(source)(context))


# Prefer the project's hardened renderer once it exists; raw pybars3 otherwise.
try:
    from mailconsole.rendering import render_template as _project_render  # type: ignore[attr-defined, unused-ignore]
except ImportError:
    _project_render = None

render: Callable[[str, dict[str, Any], TemplateEngine], str] = _project_render or _pybars_render

ALL_DEFAULTS: list[EmailTemplate] = [*default_templates(), account_deletion_template()]
CODE_MAILS = {str(t) for t in CODE_TYPES} | {ACCOUNT_DELETION_TYPE}
LINK_MAILS = {str(t) for t in LINK_TYPES}
NOTICE_MAILS_WITH_LOGIN = {
    TemplateType.WELCOME_EMAIL,
    TemplateType.FIRST_CREATED_USER,
    TemplateType.ADMIN_RESET_USER_PASSWORD_NOTIFICATION,
    TemplateType.USER_PASSWORD_RESET_NOTIFICATION,
}
PASSWORD_MAILS = {TemplateType.FIRST_CREATED_USER, TemplateType.ADMIN_RESET_USER_PASSWORD_NOTIFICATION}
BLOCK_HELPERS = {"if", "unless", "each", "with"}
TAG = re.compile(r"{{{?\s*([^}]*?)\s*}?}}")


def _ids(template: EmailTemplate) -> str:
    return str(template.type)


def _variables_used(source: str) -> set[str]:
    names: set[str] = set()
    for tag in TAG.findall(source):
        if tag.startswith("/") or tag == "else":
            continue
        if tag.startswith("#"):
            helper, _, argument = tag[1:].partition(" ")
            assert helper in BLOCK_HELPERS, f"custom helper {helper!r}"
            names.add(argument.strip())
        else:
            assert not tag.startswith((">", "!", "&")), f"partial, comment or raw tag {tag!r}"
            names.add(tag)
    return names


def _allowed_variables(template: EmailTemplate) -> set[str]:
    if template.type == ACCOUNT_DELETION_TYPE:
        return {*COMMON_VARIABLES, "verify_code", "expires_in"}
    return set(variables_for(TemplateType(template.type)))


def _rendered(template: EmailTemplate) -> str:
    return render(template.content, sample_context(str(template.type)), TemplateEngine.HANDLEBAR)


# ---- the bodies ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL_DEFAULTS, ids=_ids)
def test_body_compiles_and_renders_the_key_values(template: EmailTemplate) -> None:
    context = sample_context(str(template.type))
    compiled = pybars.Compiler().compile(template.content)
    assert "Acme Cloud" in compiled(context)

    text = html.unescape(_rendered(template))
    assert context["app_name"] in text
    assert "Hi Alice Chen," in text
    assert "You received this mail because" in text
    if template.type in CODE_MAILS:
        assert context["verify_code"] in text
        assert "This code expires in 5 minutes." in text
    if template.type in LINK_MAILS:
        assert f'href="{context["verify_link"]}"' in text
        assert "This link expires in 5 minutes." in text
    if template.type in NOTICE_MAILS_WITH_LOGIN:
        assert f'href="{context["login_url"]}"' in text
    if template.type in PASSWORD_MAILS:
        assert context["password"] in text
    if template.type == TemplateType.USER_PASSWORD_UPDATE_REMIND:
        assert f'href="{context["update_password_link"]}"' in text
        assert context["password_effective_time"] in text


@pytest.mark.parametrize("template", ALL_DEFAULTS, ids=_ids)
def test_body_is_safe_well_formed_mail_html(template: EmailTemplate) -> None:
    rendered = _rendered(template)
    assert "{{" not in rendered
    assert "}}" not in rendered
    assert "<script" not in rendered.lower()
    assert "javascript:" not in rendered.lower()
    assert not re.search(r"\son[a-z]+\s*=", rendered, re.IGNORECASE), "inline event handler"
    images = re.findall(r"<img\b[^>]*>", rendered, re.IGNORECASE)
    assert images, "the header shows the app logo"
    assert all(re.search(r'\salt="[^"]+"', image) for image in images)
    hrefs = re.findall(r'href="([^"]*)"', html.unescape(rendered))
    assert all(href.startswith("https://") for href in hrefs)
    assert rendered.startswith("<!DOCTYPE html>")
    assert "max-width:600px" in rendered
    assert "@media (max-width:600px)" in rendered
    assert len(rendered.encode()) < 102 * 1024  # Gmail clips larger mails
    assert len(template.content.encode()) < 6 * 1024


@pytest.mark.parametrize("template", ALL_DEFAULTS, ids=_ids)
def test_body_uses_only_the_variables_its_type_provides(template: EmailTemplate) -> None:
    used = _variables_used(template.content)
    assert used <= _allowed_variables(template), used - _allowed_variables(template)
    assert "=" not in "".join(TAG.findall(template.content))


@pytest.mark.parametrize("template", ALL_DEFAULTS, ids=_ids)
def test_body_renders_without_optional_variables(template: EmailTemplate) -> None:
    rendered = render(template.content, {"app_name": "Acme Cloud"}, TemplateEngine.HANDLEBAR)
    assert "Hi," in rendered
    assert "<img" not in rendered  # no logo, no broken image
    assert "Request details" not in rendered


# ---- subjects and fields -------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL_DEFAULTS, ids=_ids)
def test_subject_and_sender_render(template: EmailTemplate) -> None:
    context = sample_context(str(template.type))
    subject = render(template.subject, context, TemplateEngine.HANDLEBAR)
    assert "{{" not in subject
    assert "Acme Cloud" in subject
    if template.type in CODE_MAILS:
        assert context["verify_code"] in subject
    assert _variables_used(template.subject) <= _allowed_variables(template)
    assert render(template.sender, context, TemplateEngine.HANDLEBAR) == context["client_name"]


@pytest.mark.parametrize("template_type", list(TemplateType))
def test_default_template_fields(template_type: TemplateType) -> None:
    template = default_template(template_type)
    assert template.type == template_type
    assert template.name == str(TEMPLATE_TITLES[template_type])
    assert template.sender == DEFAULT_SENDER == "{{client_name}}"
    assert template.customize_enabled is False
    assert template.redirect_to is None
    assert template.tpl_engine == TemplateEngine.HANDLEBAR
    if template_type in VERIFICATION_TYPES:
        assert template.expires_in == DEFAULT_EXPIRES_IN == 300
    else:
        assert template.expires_in is None
    # Saving a default back through the API is a valid request.
    UpdateEmailTemplateRequest.model_validate(template.to_wire())


def test_default_templates_cover_every_type_once_and_are_fresh() -> None:
    templates = default_templates()
    assert sorted(str(t.type) for t in templates) == sorted(str(t) for t in TemplateType)
    templates[0].content = "changed"
    assert default_template(TemplateType(templates[0].type)).content != "changed"


def test_account_deletion_template() -> None:
    template = account_deletion_template()
    assert template.type == ACCOUNT_DELETION_TYPE == "ACCOUNT_DELETION_VERIFY_CODE"
    assert template.expires_in == DEFAULT_EXPIRES_IN
    assert template.customize_enabled is False
    assert template.tpl_engine == TemplateEngine.HANDLEBAR
    assert "{{verify_code}}" in template.content
    assert "{{verify_code}}" in template.subject


def test_default_categories_follow_the_template_groups() -> None:
    categories = default_categories()
    assert categories == [group.category for group in TEMPLATE_GROUPS]
    assert len(categories) == 6
    categories[0].title_en = "changed"
    assert default_categories()[0].title_en != "changed"


# ---- the sample context --------------------------------------------------------------------------------------


@pytest.mark.parametrize("template_type", list(TemplateType))
def test_sample_context_has_every_variable_of_the_type(template_type: TemplateType) -> None:
    context = sample_context(template_type)
    assert set(context) == set(variables_for(template_type))
    assert all(value not in ("", None) for value in context.values())
    assert context["user_email"] == SAMPLE_USER_EMAIL
    if template_type in VERIFICATION_TYPES:
        assert context["expires_in"] == 5  # minutes, as the bodies print it
    assert sample_context(str(template_type)) == context


def test_sample_context_for_other_types() -> None:
    everything = sample_context(None)
    assert {"verify_code", "verify_link", "login_url", "password", "update_password_link"} <= set(everything)
    assert set(COMMON_VARIABLES) <= set(everything)
    assert sample_context("SOME_FUTURE_TYPE") == everything
    deletion = sample_context(ACCOUNT_DELETION_TYPE)
    assert deletion["verify_code"] == "482913"
    assert "verify_link" not in deletion


def test_sample_context_is_fresh_and_uses_https_urls() -> None:
    first = sample_context(TemplateType.LOGIN_VERIFY_CODE)
    first["app_name"] = "changed"
    assert sample_context(TemplateType.LOGIN_VERIFY_CODE)["app_name"] == "Acme Cloud"
    everything = sample_context(None)
    assert str(everything["app_logo"]).startswith("data:image/svg+xml;base64,")  # previews fetch nothing
    for name in ("verify_link", "login_url", "update_password_link", "host_url"):
        assert str(everything[name]).startswith("https://"), name


# ---- the Chinese built-ins (issue 16) --------------------------------------------------------------------------

ZH_DEFAULTS: list[EmailTemplate] = [*default_templates(ZH_CN), account_deletion_template(ZH_CN)]
TAGS = re.compile(r"<[A-Za-z/!][^>]*>")


@pytest.mark.parametrize(("english", "chinese"), list(zip(ALL_DEFAULTS, ZH_DEFAULTS, strict=True)), ids=_ids)
def test_the_chinese_mail_is_the_english_one_translated(english: EmailTemplate, chinese: EmailTemplate) -> None:
    assert chinese.type == english.type
    # The same HTML, variables and blocks; only the words (and the document's language) differ.
    assert TAGS.findall(chinese.content) == [
        tag.replace('lang="en"', 'lang="zh-CN"') for tag in TAGS.findall(english.content)
    ]
    assert _variables_used(chinese.content) == _variables_used(english.content)
    assert _variables_used(chinese.subject) == _variables_used(english.subject)
    assert chinese.sender == english.sender
    assert re.search("[\u4e00-\u9fff]", chinese.name)


@pytest.mark.parametrize("template", ZH_DEFAULTS, ids=_ids)
def test_the_chinese_mail_speaks_chinese(template: EmailTemplate) -> None:
    context = sample_context(str(template.type))
    text = html.unescape(_rendered(template))
    visible = re.sub(r"<style>.*?</style>|<[^>]*>", " ", text, flags=re.DOTALL)
    for value in sorted(map(str, context.values()), key=len, reverse=True):  # the sample values are English
        visible = visible.replace(value, " ")
    assert set(re.findall(r"[A-Za-z]{2,}", visible)) <= {"IP", "html", "DOCTYPE"}  # no English sentence left
    assert "Alice Chen，您好：" in text
    assert "您收到本邮件" in text
    if template.type in CODE_MAILS:
        assert context["verify_code"] in text
        assert "此验证码 5 分钟内有效。" in text
    if template.type in LINK_MAILS:
        assert "此链接 5 分钟内有效。" in text
    subject = render(template.subject, context, TemplateEngine.HANDLEBAR)
    assert "Acme Cloud" in subject and re.search("[\u4e00-\u9fff]", subject)
    assert render(template.content, {"app_name": "Acme Cloud"}, TemplateEngine.HANDLEBAR).count("您好：") == 1
