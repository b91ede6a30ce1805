"""The built-in default templates: what a tenant's mails look like until the tenant customises them.

The body of each of the 15 template types is a Handlebars file beside this module, named after the type
(``LOGIN_VERIFY_CODE.hbs``), plus ``ACCOUNT_DELETION_VERIFY_CODE.hbs`` for the mail of ``CHANNEL_DELETE_ACCOUNT``,
which has no public template type. The bodies use only documented variables and the built-in ``if``/``else``
blocks, so they render the same in pybars3 and handlebars.js.

Each body exists in EJS too (``NAME.ejs``, the same mail written as an EJS author would: ``to_ejs``), for a
tenant that edits in EJS. ``scripts/corpus/builtin_cases.py`` writes them; the fidelity corpus holds the same
translations with ejs' output on Node, and a test keeps the files equal to them.

``expires_in``: the stored template carries seconds (``catalog.DEFAULT_EXPIRES_IN``), the wire unit; the bodies
print ``This code expires in {{expires_in}} minutes.``, so whoever renders a mail passes minutes.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from mailconsole.catalog import DEFAULT_EXPIRES_IN, TEMPLATE_GROUPS, TEMPLATE_TITLES, VERIFICATION_TYPES
from mailconsole.models import EmailTemplate, EmailTemplateCategory, TemplateEngine, TemplateType
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE

__all__ = [
    "ACCOUNT_DELETION_TYPE",
    "DEFAULT_SENDER",
    "DEFAULT_SUBJECTS",
    "account_deletion_template",
    "default_categories",
    "default_content",
    "default_template",
    "default_templates",
    "to_ejs",
]

T = TemplateType

# The mail of ``CHANNEL_DELETE_ACCOUNT``; its ``type`` is ``ACCOUNT_DELETION_TYPE``, not a ``TemplateType``.
_ACCOUNT_DELETION_NAME = "Account deletion code"
_ACCOUNT_DELETION_SUBJECT = "Your {{app_name}} account deletion code: {{verify_code}}"

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


_SUFFIXES = {TemplateEngine.HANDLEBAR: "hbs", TemplateEngine.EJS: "ejs"}
_TAG = re.compile(r"{{{?([^{}]*)}}}?")
_NAME = r"[A-Za-z_]\w*"


@cache
def default_content(name: str, engine: TemplateEngine | str = TemplateEngine.HANDLEBAR) -> str:
    """The HTML body of the built-in mail ``name`` (a template type, or ``ACCOUNT_DELETION_TYPE``) in ``engine``."""
    if name not in DEFAULT_SUBJECTS and name != ACCOUNT_DELETION_TYPE:
        raise KeyError(f"no built-in template named {name!r}")
    suffix = _SUFFIXES[TemplateEngine(engine)]
    return files(__name__).joinpath(f"{name}.{suffix}").read_text(encoding="utf-8")


def default_template(
    template_type: TemplateType, engine: TemplateEngine | str = TemplateEngine.HANDLEBAR
) -> EmailTemplate:
    """A fresh copy of the built-in template of ``template_type``, written for ``engine`` (subject and sender too)."""
    template_type = TemplateType(template_type)
    engine = TemplateEngine(engine)
    in_engine = to_ejs if engine is TemplateEngine.EJS else str
    return EmailTemplate(
        customize_enabled=False,
        type=template_type,
        name=TEMPLATE_TITLES[template_type],
        subject=in_engine(DEFAULT_SUBJECTS[template_type]),
        sender=in_engine(DEFAULT_SENDER),
        content=default_content(template_type.value, engine),
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


def default_templates() -> list[EmailTemplate]:
    """The built-in templates of all 15 types, in the order of the template groups."""
    return [default_template(t) for group in TEMPLATE_GROUPS for t in group.types]


def account_deletion_template() -> EmailTemplate:
    """A fresh copy of the built-in mail of ``CHANNEL_DELETE_ACCOUNT`` (type ``ACCOUNT_DELETION_VERIFY_CODE``)."""
    return EmailTemplate(
        customize_enabled=False,
        type=ACCOUNT_DELETION_TYPE,
        name=_ACCOUNT_DELETION_NAME,
        subject=_ACCOUNT_DELETION_SUBJECT,
        sender=DEFAULT_SENDER,
        content=default_content(ACCOUNT_DELETION_TYPE),
        expires_in=DEFAULT_EXPIRES_IN,
        redirect_to=None,
        tpl_engine=TemplateEngine.HANDLEBAR,
    )


def default_categories() -> list[EmailTemplateCategory]:
    """The ``categories`` of get-email-templates: one per template group, fresh copies."""
    return [group.category.model_copy() for group in TEMPLATE_GROUPS]
