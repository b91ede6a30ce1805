"""What the platform knows about its mails: template groups, which template each channel sends, which variables a
type provides. Shared by the embedded service (which acts on it) and the console (which explains it)."""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.i18n import Text, localized
from mailconsole.models import Channel, EmailTemplateCategory, TemplateEngine, TemplateType

T = TemplateType


@dataclass(frozen=True)
class TemplateGroup:
    key: str
    # The platform's own category (its Chinese and English titles, as get-email-templates answers them).
    category: EmailTemplateCategory
    types: tuple[TemplateType, ...]
    # The group's name and description in the console's language (``str()``: the category's English).
    name: Text
    description: Text


def _group(
    key: str, name: Text, description: Text, platform_title: str, platform_desc: str, types: tuple[TemplateType, ...]
) -> TemplateGroup:
    category = EmailTemplateCategory(
        title=platform_title, title_en=str(name), desc=platform_desc, desc_en=str(description)
    )
    return TemplateGroup(key, category, types, name, description)


TEMPLATE_GROUPS: tuple[TemplateGroup, ...] = (
    _group(
        "welcome",
        localized("Welcome and notification"),
        localized("The welcome mail and the notice to a user an administrator created."),
        "通知模版",
        "欢迎邮件和首次创建用户通知",
        (T.WELCOME_EMAIL, T.FIRST_CREATED_USER),
    ),
    _group(
        "verify_code",
        localized("Verification codes"),
        localized("Codes for registration, login, MFA and completing a profile."),
        "验证码模版",
        "注册、登录、MFA 和信息补全验证码",
        (T.REGISTER_VERIFY_CODE, T.LOGIN_VERIFY_CODE, T.MFA_VERIFY_CODE, T.INFORMATION_COMPLETION_VERIFY_CODE),
    ),
    _group(
        "verify_link",
        localized("Verification links"),
        localized("Links that verify a mailbox: first email login, and verification started in the console."),
        "验证邮件模版",
        "首次邮箱登录验证和控制台发起的邮箱验证",
        (T.FIRST_EMAIL_LOGIN_VERIFY, T.CONSOLE_CONDUCTED_VERIFY),
    ),
    _group(
        "reset_password",
        localized("Password"),
        localized("Reset codes, password-changed notices and the password-expiry reminder."),
        "重置密码模版",
        "重置密码验证码、密码重置通知和密码到期提醒",
        (
            T.RESET_PASSWORD_VERIFY_CODE,
            T.USER_PASSWORD_RESET_NOTIFICATION,
            T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION,
            T.USER_PASSWORD_UPDATE_REMIND,
        ),
    ),
    _group(
        "change_email",
        localized("Change email"),
        localized("Codes for binding and unbinding a mailbox."),
        "修改邮箱模版",
        "绑定和解绑邮箱验证码",
        (T.EMAIL_BIND_VERIFY_CODE, T.EMAIL_UNBIND_VERIFY_CODE),
    ),
    _group(
        "self_unlock",
        localized("Self-unlock"),
        localized("The code a locked-out user types to unlock the account."),
        "自助解锁模版",
        "账号被锁定后的自助解锁验证码",
        (T.SELF_UNLOCKING_VERIFY_CODE,),
    ),
)

# The templates' names, in the console's language (``str()``: the English, which the service's built-in templates
# are named by).
TEMPLATE_TITLES: dict[TemplateType, Text] = {
    T.WELCOME_EMAIL: localized("Welcome email"),
    T.FIRST_CREATED_USER: localized("Account created by an administrator"),
    T.REGISTER_VERIFY_CODE: localized("Registration code"),
    T.LOGIN_VERIFY_CODE: localized("Login code"),
    T.MFA_VERIFY_CODE: localized("MFA code"),
    T.INFORMATION_COMPLETION_VERIFY_CODE: localized("Profile completion code"),
    T.FIRST_EMAIL_LOGIN_VERIFY: localized("First email login verification link"),
    T.CONSOLE_CONDUCTED_VERIFY: localized("Email verification link (sent from the console)"),
    T.USER_PASSWORD_UPDATE_REMIND: localized("Password expiry reminder"),
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: localized("Password reset by an administrator"),
    T.USER_PASSWORD_RESET_NOTIFICATION: localized("Password changed"),
    T.RESET_PASSWORD_VERIFY_CODE: localized("Password reset code"),
    T.SELF_UNLOCKING_VERIFY_CODE: localized("Self-unlock code"),
    T.EMAIL_BIND_VERIFY_CODE: localized("Bind email code"),
    T.EMAIL_UNBIND_VERIFY_CODE: localized("Unbind email code"),
}

# The longer names the platform's documentation and console use for the types, so that the picker finds a
# template by them as well as by its short title and its type.
PLATFORM_NAMES: dict[TemplateType, str] = {
    T.WELCOME_EMAIL: "Welcome email",
    T.FIRST_CREATED_USER: "First created user notification",
    T.REGISTER_VERIFY_CODE: "Registration verification code",
    T.LOGIN_VERIFY_CODE: "Login verification code",
    T.MFA_VERIFY_CODE: "MFA verification code",
    T.INFORMATION_COMPLETION_VERIFY_CODE: "Information completion verification code",
    T.FIRST_EMAIL_LOGIN_VERIFY: "First email login verification",
    T.CONSOLE_CONDUCTED_VERIFY: "Console-initiated email verification",
    T.USER_PASSWORD_UPDATE_REMIND: "Password update reminder",
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: "Administrator reset user password notification",
    T.USER_PASSWORD_RESET_NOTIFICATION: "User password reset notification",
    T.RESET_PASSWORD_VERIFY_CODE: "Reset password verification code",
    T.SELF_UNLOCKING_VERIFY_CODE: "Self-unlocking verification code",
    T.EMAIL_BIND_VERIFY_CODE: "Email binding verification code",
    T.EMAIL_UNBIND_VERIFY_CODE: "Email unbinding verification code",
}

# Mails that carry a code or a link that expires: only these have ``expiresIn``.
CODE_TYPES: frozenset[TemplateType] = frozenset(
    {
        T.REGISTER_VERIFY_CODE,
        T.LOGIN_VERIFY_CODE,
        T.MFA_VERIFY_CODE,
        T.INFORMATION_COMPLETION_VERIFY_CODE,
        T.RESET_PASSWORD_VERIFY_CODE,
        T.SELF_UNLOCKING_VERIFY_CODE,
        T.EMAIL_BIND_VERIFY_CODE,
        T.EMAIL_UNBIND_VERIFY_CODE,
    }
)
LINK_TYPES: frozenset[TemplateType] = frozenset({T.FIRST_EMAIL_LOGIN_VERIFY, T.CONSOLE_CONDUCTED_VERIFY})
VERIFICATION_TYPES: frozenset[TemplateType] = CODE_TYPES | LINK_TYPES
# Only the two link types take ``redirectTo``.
REDIRECT_TYPES: frozenset[TemplateType] = LINK_TYPES

DEFAULT_EXPIRES_IN = 300  # seconds; the platform's usual validity of a code or link


@dataclass(frozen=True)
class ChannelInfo:
    channel: Channel
    description: Text
    # None: a built-in mail of its own, with no public template type (account deletion).
    template: TemplateType | None


CHANNELS: dict[Channel, ChannelInfo] = {
    info.channel: info
    for info in (
        ChannelInfo(Channel.LOGIN, localized("A code to sign in with email"), T.LOGIN_VERIFY_CODE),
        ChannelInfo(Channel.REGISTER, localized("A code to register with email"), T.REGISTER_VERIFY_CODE),
        ChannelInfo(
            Channel.RESET_PASSWORD, localized("A code to reset a forgotten password"), T.RESET_PASSWORD_VERIFY_CODE
        ),
        ChannelInfo(
            Channel.VERIFY_EMAIL_LINK, localized("A link that verifies the mailbox"), T.FIRST_EMAIL_LOGIN_VERIFY
        ),
        ChannelInfo(Channel.UPDATE_EMAIL, localized("A code to change the account's email"), T.EMAIL_BIND_VERIFY_CODE),
        ChannelInfo(Channel.BIND_EMAIL, localized("A code to bind an email to the account"), T.EMAIL_BIND_VERIFY_CODE),
        ChannelInfo(
            Channel.UNBIND_EMAIL, localized("A code to unbind the account's email"), T.EMAIL_UNBIND_VERIFY_CODE
        ),
        ChannelInfo(Channel.VERIFY_MFA, localized("A code for multi-factor authentication"), T.MFA_VERIFY_CODE),
        ChannelInfo(
            Channel.UNLOCK_ACCOUNT, localized("A code to unlock a locked account"), T.SELF_UNLOCKING_VERIFY_CODE
        ),
        ChannelInfo(
            Channel.COMPLETE_EMAIL,
            localized("A code to add a missing email at sign-in or sign-up"),
            T.INFORMATION_COMPLETION_VERIFY_CODE,
        ),
        ChannelInfo(Channel.DELETE_ACCOUNT, localized("A code to confirm deleting the account"), None),
    )
}

# Variables every mail can use, then the ones that only some types provide (GenAuth documents one flat list;
# this is the split by meaning that the contract page describes).
# What a send fills with the application's (the user pool's) name.
APP_NAME_VARIABLES: tuple[str, ...] = ("app_name", "client_name", "userpool_name", "subject_name")

COMMON_VARIABLES: tuple[str, ...] = (
    "app_name",
    "app_description",
    "app_logo",
    "app_domain",
    "client_name",
    "subject_name",
    "user_email",
    "user_display_name",
    "user_name",
    "username",
    "userpool_name",
    "userpool_logo",
    "tenant_name",
    "tenant_logo",
    "tenant_domain",
    "host_url",
    "ip",
    "country",
    "province",
    "city",
    "datetime",
)
_CODE_VARIABLES = ("verify_code", "expires_in")
_LINK_VARIABLES = ("verify_link", "expires_in")
_NOTICE_VARIABLES = ("password", "login_url", "username", "admin_name")

TYPE_VARIABLES: dict[TemplateType, tuple[str, ...]] = {
    **{t: _CODE_VARIABLES for t in CODE_TYPES},
    **{t: _LINK_VARIABLES for t in LINK_TYPES},
    T.WELCOME_EMAIL: ("login_url",),
    T.FIRST_CREATED_USER: _NOTICE_VARIABLES,
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: _NOTICE_VARIABLES,
    T.USER_PASSWORD_RESET_NOTIFICATION: ("login_url",),
    T.USER_PASSWORD_UPDATE_REMIND: ("password_effective_time", "update_password_link"),
}


def variables_for(template_type: TemplateType) -> tuple[str, ...]:
    """Every variable a mail of this type is rendered with."""
    return COMMON_VARIABLES + TYPE_VARIABLES.get(template_type, ())


def group_of(template_type: TemplateType) -> TemplateGroup:
    return next(group for group in TEMPLATE_GROUPS if template_type in group.types)


# What each variable holds, for the editor's list of variables (issue 14). A send fills what it knows; the rest
# stays empty (see ``service/sending.py``).
VARIABLE_MEANINGS: dict[str, Text] = {
    "app_name": localized("The application's name (the user pool's, in a send)."),
    "app_description": localized("The application's description."),
    "app_logo": localized("The application's logo: an image URL for <img src>."),
    "app_domain": localized("The application's domain."),
    "client_name": localized("The sender's name: the application's."),
    "subject_name": localized("The name the subject speaks of: the application's."),
    "user_email": localized("The recipient's email address."),
    "user_display_name": localized("The user's display name (empty when the user has none)."),
    "user_name": localized("The user's name."),
    "username": localized("The user's login name."),
    "userpool_name": localized("The user pool's name."),
    "userpool_logo": localized("The user pool's logo: an image URL."),
    "tenant_name": localized("The tenant's name, in a multi-tenant user pool."),
    "tenant_logo": localized("The tenant's logo: an image URL."),
    "tenant_domain": localized("The tenant's domain."),
    "host_url": localized("The address of the application's sign-in host."),
    "ip": localized("The IP address the request came from."),
    "country": localized("The country of that IP address."),
    "province": localized("The province or state of that IP address."),
    "city": localized("The city of that IP address."),
    "datetime": localized("When the mail was requested."),
    "verify_code": localized("The verification code the user types."),
    "verify_link": localized("The link the user opens to verify the mailbox."),
    "expires_in": localized("How long the code or link is valid, in minutes."),
    "login_url": localized("Where the user signs in."),
    "password": localized("The password an administrator set (created or reset account)."),
    "admin_name": localized("The administrator who created the account or reset the password."),
    "password_effective_time": localized("When the current password expires."),
    "update_password_link": localized("Where the user changes the password."),
}


def variable_tag(name: str, engine: TemplateEngine) -> str:
    """How a template prints a variable, HTML-escaped: ``{{name}}`` in Handlebars, ``<%= name %>`` in EJS."""
    return f"<%= {name} %>" if engine is TemplateEngine.EJS else f"{{{{{name}}}}}"


def channel_for(template_type: TemplateType) -> Channel | None:
    """The send-email channel that sends a template type (the first, where two share it); None: no channel does
    (welcome and notification mails, sent by the platform on its own)."""
    return next((info.channel for info in CHANNELS.values() if info.template == template_type), None)


def draft_slot(template_type: TemplateType) -> str:
    """The once-a-minute slot a draft send of a type takes: its channel's, so that a draft and a real send to one
    mailbox wait for each other; a type no channel sends has a slot of its own."""
    channel = channel_for(template_type)
    return channel.value if channel is not None else f"draft:{template_type.value}"
