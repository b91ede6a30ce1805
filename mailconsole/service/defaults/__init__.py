"""The built-in default templates: what a tenant's mails look like until the tenant customises them.

The body of each of the 15 template types is a Handlebars file beside this module, named after the type
(``LOGIN_VERIFY_CODE.hbs``), plus ``ACCOUNT_DELETION_VERIFY_CODE.hbs`` for the mail of ``CHANNEL_DELETE_ACCOUNT``,
which has no public template type. The bodies use only documented variables and the built-in ``if``/``else``
blocks, so they render the same in pybars3 and handlebars.js.

Each body exists in EJS too (``NAME.ejs``, the same mail written as an EJS author would: ``to_ejs``), for a
tenant that edits in EJS. ``scripts/corpus/builtin_cases.py`` writes them; the fidelity corpus holds the same
translations with ejs' output on Node, and a test keeps the files equal to them.

Each mail exists in both languages of the platform: English beside this module, Chinese in ``zh-CN/`` (the same
HTML with the text translated), with subjects and names per language. A user pool's mails are in the pool's
language (``language=``); the English ones stay the default of these functions.

``expires_in``: the stored template carries seconds (``catalog.DEFAULT_EXPIRES_IN``), the wire unit; the bodies
print ``This code expires in {{expires_in}} minutes.``, so whoever renders a mail passes minutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from mailconsole.catalog import DEFAULT_EXPIRES_IN, TEMPLATE_GROUPS, TEMPLATE_TITLES, VERIFICATION_TYPES
from mailconsole.i18n import EN_US, ZH_CN, Language
from mailconsole.models import EmailTemplate, EmailTemplateCategory, TemplateEngine, TemplateType
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE

__all__ = [
    "ACCOUNT_DELETION_TYPE",
    "DEFAULT_SENDER",
    "DEFAULT_SUBJECTS",
    "DEFAULT_SUBJECTS_ZH",
    "account_deletion_template",
    "default_categories",
    "default_content",
    "default_template",
    "default_templates",
    "to_ejs",
]

T = TemplateType

# The mail of ``CHANNEL_DELETE_ACCOUNT``; its ``type`` is ``ACCOUNT_DELETION_TYPE``, not a ``TemplateType``.
_ACCOUNT_DELETION_NAMES: dict[Language, str] = {EN_US: "Account deletion code", ZH_CN: "注销账号验证码"}
_ACCOUNT_DELETION_SUBJECTS: dict[Language, str] = {
    EN_US: "Your {{app_name}} account deletion code: {{verify_code}}",
    ZH_CN: "{{app_name}} 注销账号验证码：{{verify_code}}",
}

# The display name of the sender; the address comes from the provider settings.
DEFAULT_SENDER = "{{client_name}}"

# Subjects are Handlebars too, rendered with the same context as the body.
DEFAULT_SUBJECTS: dict[TemplateType, str] = {
    T.WELCOME_EMAIL: "Welcome to {{app_name}}",
    T.FIRST_CREATED_USER: "Your {{app_name}} account is ready",
    T.REGISTER_VERIFY_CODE: "Your {{app_name}} registration code: {{verify_code}}",
    T.LOGIN_VERIFY_CODE: "Your {{app_name}} login code: {{verify_code}}",
    T.MFA_VERIFY_CODE: "Your {{app_name}} verification code: {{verify_code}}",
    T.INFORMATION_COMPLETION_VERIFY_CODE: "Your {{app_name}} email confirmation code: {{verify_code}}",
    T.FIRST_EMAIL_LOGIN_VERIFY: "Verify your email address for {{app_name}}",
    T.CONSOLE_CONDUCTED_VERIFY: "Please verify your email address for {{app_name}}",
    T.USER_PASSWORD_UPDATE_REMIND: "Your {{app_name}} password is about to expire",
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: "Your {{app_name}} password has been reset",
    T.USER_PASSWORD_RESET_NOTIFICATION: "Your {{app_name}} password was changed",
    T.RESET_PASSWORD_VERIFY_CODE: "Your {{app_name}} password reset code: {{verify_code}}",
    T.SELF_UNLOCKING_VERIFY_CODE: "Your {{app_name}} account unlock code: {{verify_code}}",
    T.EMAIL_BIND_VERIFY_CODE: "Your {{app_name}} email binding code: {{verify_code}}",
    T.EMAIL_UNBIND_VERIFY_CODE: "Your {{app_name}} email unbinding code: {{verify_code}}",
}


DEFAULT_SUBJECTS_ZH: dict[TemplateType, str] = {
    T.WELCOME_EMAIL: "欢迎加入 {{app_name}}",
    T.FIRST_CREATED_USER: "您的 {{app_name}} 账号已创建",
    T.REGISTER_VERIFY_CODE: "{{app_name}} 注册验证码：{{verify_code}}",
    T.LOGIN_VERIFY_CODE: "{{app_name}} 登录验证码：{{verify_code}}",
    T.MFA_VERIFY_CODE: "{{app_name}} 身份验证码：{{verify_code}}",
    T.INFORMATION_COMPLETION_VERIFY_CODE: "{{app_name}} 邮箱确认验证码：{{verify_code}}",
    T.FIRST_EMAIL_LOGIN_VERIFY: "验证您在 {{app_name}} 的邮箱地址",
    T.CONSOLE_CONDUCTED_VERIFY: "请验证您在 {{app_name}} 的邮箱地址",
    T.USER_PASSWORD_UPDATE_REMIND: "您的 {{app_name}} 密码即将过期",
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: "您的 {{app_name}} 密码已被重置",
    T.USER_PASSWORD_RESET_NOTIFICATION: "您的 {{app_name}} 密码已修改",
    T.RESET_PASSWORD_VERIFY_CODE: "{{app_name}} 重置密码验证码：{{verify_code}}",
    T.SELF_UNLOCKING_VERIFY_CODE: "{{app_name}} 账号解锁验证码：{{verify_code}}",
    T.EMAIL_BIND_VERIFY_CODE: "{{app_name}} 邮箱绑定验证码：{{verify_code}}",
    T.EMAIL_UNBIND_VERIFY_CODE: "{{app_name}} 邮箱解绑验证码：{{verify_code}}",
}
_SUBJECTS: dict[Language, dict[TemplateType, str]] = {EN_US: DEFAULT_SUBJECTS, ZH_CN: DEFAULT_SUBJECTS_ZH}

# The names GenAuth's Chinese console gives the templates; the English ones are the catalog's titles.
_NAMES_ZH: dict[TemplateType, str] = {
    T.WELCOME_EMAIL: "欢迎邮件",
    T.FIRST_CREATED_USER: "首次创建用户通知",
    T.REGISTER_VERIFY_CODE: "注册验证码",
    T.LOGIN_VERIFY_CODE: "登录验证码",
    T.MFA_VERIFY_CODE: "MFA 验证码",
    T.INFORMATION_COMPLETION_VERIFY_CODE: "信息补全验证码",
    T.FIRST_EMAIL_LOGIN_VERIFY: "首次邮箱登录验证",
    T.CONSOLE_CONDUCTED_VERIFY: "控制台发起验证",
    T.USER_PASSWORD_UPDATE_REMIND: "密码到期提醒",
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: "管理员重置密码通知",
    T.USER_PASSWORD_RESET_NOTIFICATION: "用户密码重置通知",
    T.RESET_PASSWORD_VERIFY_CODE: "重置密码验证码",
    T.SELF_UNLOCKING_VERIFY_CODE: "自助解锁验证码",
    T.EMAIL_BIND_VERIFY_CODE: "绑定邮箱验证码",
    T.EMAIL_UNBIND_VERIFY_CODE: "解绑邮箱验证码",
}
_NAMES: dict[Language, Mapping[TemplateType, str]] = {
    EN_US: {kind: str(title) for kind, title in TEMPLATE_TITLES.items()},
    ZH_CN: _NAMES_ZH,
}
# Where each language's bodies are, under this package.
_FOLDERS: dict[Language, tuple[str, ...]] = {EN_US: (), ZH_CN: ("zh-CN",)}

_SUFFIXES = {TemplateEngine.HANDLEBAR: "hbs", TemplateEngine.EJS: "ejs"}
_TAG = re.compile(r"{{{?([^{}]*)}}}?")
_NAME = r"[A-Za-z_]\w*"


@cache
def default_content(
    name: str, engine: TemplateEngine | str = TemplateEngine.HANDLEBAR, language: Language = EN_US
) -> str:
    """The HTML body of the built-in mail ``name`` (a template type, or ``ACCOUNT_DELETION_TYPE``) in ``engine``,
    written in ``language``."""
    if name not in DEFAULT_SUBJECTS and name != ACCOUNT_DELETION_TYPE:
        raise KeyError(f"no built-in template named {name!r}")
    suffix = _SUFFIXES[TemplateEngine(engine)]
    return files(__name__).joinpath(*_FOLDERS[language], f"{name}.{suffix}").read_text(encoding="utf-8")


def default_template(
    template_type: TemplateType,
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    language: Language = EN_US,
) -> EmailTemplate:
    """A fresh copy of the built-in template of ``template_type``, written for ``engine`` (subject and sender too)
    in ``language``."""
    template_type = TemplateType(template_type)
    engine = TemplateEngine(engine)
    in_engine = to_ejs if engine is TemplateEngine.EJS else str
    return EmailTemplate(
        customize_enabled=False,
        type=template_type,
        name=_NAMES[language][template_type],
        subject=in_engine(_SUBJECTS[language][template_type]),
        sender=in_engine(DEFAULT_SENDER),
        content=default_content(template_type.value, engine, language),
        expires_in=DEFAULT_EXPIRES_IN if template_type in VERIFICATION_TYPES else None,
        redirect_to=None,
        tpl_engine=engine,
    )


def to_ejs(source: str) -> str:
    """A built-in Handlebars template in EJS: ``<%= name %>`` for a value, ``<% if (locals.name) { %>`` for a test
    (a name missing from the context is an error in EJS, so tests go through ``locals``). The built-ins use only
    values, ``#if`` and ``else``: anything else raises ValueError rather than guess."""
    if "<%" in source or "%>" in source:
        raise ValueError("the template holds EJS delimiters: escape them before translating")

    def tag(match: re.Match[str]) -> str:
        body = match[1].strip()
        if match[0].startswith("{{{") and re.fullmatch(_NAME, body):
            return f"<%- {body} %>"
        if re.fullmatch(_NAME, body) and body != "else":
            return f"<%= {body} %>"
        if condition := re.fullmatch(rf"#if ({_NAME})", body):
            return f"<% if (locals.{condition[1]}) {{ %>"
        if body == "else":
            return "<% } else { %>"
        if body == "/if":
            return "<% } %>"
        raise ValueError(f"no EJS translation for {match[0]!r}")

    return _TAG.sub(tag, source)


def default_templates(language: Language = EN_US) -> list[EmailTemplate]:
    """The built-in templates of all 15 types in ``language``, in the order of the template groups."""
    return [default_template(t, language=language) for group in TEMPLATE_GROUPS for t in group.types]


def account_deletion_template(language: Language = EN_US) -> EmailTemplate:
    """A fresh copy of the built-in mail of ``CHANNEL_DELETE_ACCOUNT`` (type ``ACCOUNT_DELETION_VERIFY_CODE``)."""
    return EmailTemplate(
        customize_enabled=False,
        type=ACCOUNT_DELETION_TYPE,
        name=_ACCOUNT_DELETION_NAMES[language],
        subject=_ACCOUNT_DELETION_SUBJECTS[language],
        sender=DEFAULT_SENDER,
        content=default_content(ACCOUNT_DELETION_TYPE, language=language),
        expires_in=DEFAULT_EXPIRES_IN,
        redirect_to=None,
        tpl_engine=TemplateEngine.HANDLEBAR,
    )


def default_categories() -> list[EmailTemplateCategory]:
    """The ``categories`` of get-email-templates: one per template group, fresh copies."""
    return [group.category.model_copy() for group in TEMPLATE_GROUPS]
