"""What the platform knows about its mails: template groups, which template each channel sends, which variables a
type provides. Shared by the embedded service (which acts on it) and the console (which explains it)."""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.models import Channel, EmailTemplateCategory, TemplateEngine, TemplateType

T = TemplateType


@dataclass(frozen=True)
class TemplateGroup:
    key: str
    category: EmailTemplateCategory
    types: tuple[TemplateType, ...]


TEMPLATE_GROUPS: tuple[TemplateGroup, ...] = (
    TemplateGroup(
        "welcome",
        EmailTemplateCategory(
            title="通知模版",
            title_en="Welcome and notification",
            desc="欢迎邮件和首次创建用户通知",
            desc_en="The welcome mail and the notice to a user an administrator created.",
        ),
        (T.WELCOME_EMAIL, T.FIRST_CREATED_USER),
    ),
    TemplateGroup(
        "verify_code",
        EmailTemplateCategory(
            title="验证码模版",
            title_en="Verification codes",
            desc="注册、登录、MFA 和信息补全验证码",
            desc_en="Codes for registration, login, MFA and completing a profile.",
        ),
        (T.REGISTER_VERIFY_CODE, T.LOGIN_VERIFY_CODE, T.MFA_VERIFY_CODE, T.INFORMATION_COMPLETION_VERIFY_CODE),
    ),
    TemplateGroup(
        "verify_link",
        EmailTemplateCategory(
            title="验证邮件模版",
            title_en="Verification links",
            desc="首次邮箱登录验证和控制台发起的邮箱验证",
            desc_en="Links that verify a mailbox: first email login, and verification started in the console.",
        ),
        (T.FIRST_EMAIL_LOGIN_VERIFY, T.CONSOLE_CONDUCTED_VERIFY),
    ),
    TemplateGroup(
        "reset_password",
        EmailTemplateCategory(
            title="重置密码模版",
            title_en="Password",
            desc="重置密码验证码、密码重置通知和密码到期提醒",
            desc_en="Reset codes, password-changed notices and the password-expiry reminder.",
        ),
        (
            T.RESET_PASSWORD_VERIFY_CODE,
            T.USER_PASSWORD_RESET_NOTIFICATION,
            T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION,
            T.USER_PASSWORD_UPDATE_REMIND,
        ),
    ),
    TemplateGroup(
        "change_email",
        EmailTemplateCategory(
            title="修改邮箱模版",
            title_en="Change email",
            desc="绑定和解绑邮箱验证码",
            desc_en="Codes for binding and unbinding a mailbox.",
        ),
        (T.EMAIL_BIND_VERIFY_CODE, T.EMAIL_UNBIND_VERIFY_CODE),
    ),
    TemplateGroup(
        "self_unlock",
        EmailTemplateCategory(
            title="自助解锁模版",
            title_en="Self-unlock",
            desc="账号被锁定后的自助解锁验证码",
            desc_en="The code a locked-out user types to unlock the account.",
        ),
        (T.SELF_UNLOCKING_VERIFY_CODE,),
    ),
)

TEMPLATE_TITLES: dict[TemplateType, str] = {
    T.WELCOME_EMAIL: "Welcome email",
    T.FIRST_CREATED_USER: "Account created by an administrator",
    T.REGISTER_VERIFY_CODE: "Registration code",
    T.LOGIN_VERIFY_CODE: "Login code",
    T.MFA_VERIFY_CODE: "MFA code",
    T.INFORMATION_COMPLETION_VERIFY_CODE: "Profile completion code",
    T.FIRST_EMAIL_LOGIN_VERIFY: "First email login verification link",
    T.CONSOLE_CONDUCTED_VERIFY: "Email verification link (sent from the console)",
    T.USER_PASSWORD_UPDATE_REMIND: "Password expiry reminder",
    T.ADMIN_RESET_USER_PASSWORD_NOTIFICATION: "Password reset by an administrator",
    T.USER_PASSWORD_RESET_NOTIFICATION: "Password changed",
    T.RESET_PASSWORD_VERIFY_CODE: "Password reset code",
    T.SELF_UNLOCKING_VERIFY_CODE: "Self-unlock code",
    T.EMAIL_BIND_VERIFY_CODE: "Bind email code",
    T.EMAIL_UNBIND_VERIFY_CODE: "Unbind email code",
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
    description: str
    # None: a built-in mail of its own, with no public template type (account deletion).
    template: TemplateType | None


CHANNELS: dict[Channel, ChannelInfo] = {
    info.channel: info
    for info in (
        ChannelInfo(Channel.LOGIN, "A code to sign in with email", T.LOGIN_VERIFY_CODE),
        ChannelInfo(Channel.REGISTER, "A code to register with email", T.REGISTER_VERIFY_CODE),
        ChannelInfo(Channel.RESET_PASSWORD, "A code to reset a forgotten password", T.RESET_PASSWORD_VERIFY_CODE),
        ChannelInfo(Channel.VERIFY_EMAIL_LINK, "A link that verifies the mailbox", T.FIRST_EMAIL_LOGIN_VERIFY),
        ChannelInfo(Channel.UPDATE_EMAIL, "A code to change the account's email", T.EMAIL_BIND_VERIFY_CODE),
        ChannelInfo(Channel.BIND_EMAIL, "A code to bind an email to the account", T.EMAIL_BIND_VERIFY_CODE),
        ChannelInfo(Channel.UNBIND_EMAIL, "A code to unbind the account's email", T.EMAIL_UNBIND_VERIFY_CODE),
        ChannelInfo(Channel.VERIFY_MFA, "A code for multi-factor authentication", T.MFA_VERIFY_CODE),
        ChannelInfo(Channel.UNLOCK_ACCOUNT, "A code to unlock a locked account", T.SELF_UNLOCKING_VERIFY_CODE),
        ChannelInfo(
            Channel.COMPLETE_EMAIL,
            "A code to add a missing email at sign-in or sign-up",
            T.INFORMATION_COMPLETION_VERIFY_CODE,
        ),
        ChannelInfo(Channel.DELETE_ACCOUNT, "A code to confirm deleting the account", None),
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
VARIABLE_MEANINGS: dict[str, str] = {
    "app_name": "The application's name (the user pool's, in a send).",
    "app_description": "The application's description.",
    "app_logo": "The application's logo: an image URL for <img src>.",
    "app_domain": "The application's domain.",
    "client_name": "The sender's name: the application's.",
    "subject_name": "The name the subject speaks of: the application's.",
    "user_email": "The recipient's email address.",
    "user_display_name": "The user's display name (empty when the user has none).",
    "user_name": "The user's name.",
    "username": "The user's login name.",
    "userpool_name": "The user pool's name.",
    "userpool_logo": "The user pool's logo: an image URL.",
    "tenant_name": "The tenant's name, in a multi-tenant user pool.",
    "tenant_logo": "The tenant's logo: an image URL.",
    "tenant_domain": "The tenant's domain.",
    "host_url": "The address of the application's sign-in host.",
    "ip": "The IP address the request came from.",
    "country": "The country of that IP address.",
    "province": "The province or state of that IP address.",
    "city": "The city of that IP address.",
    "datetime": "When the mail was requested.",
    "verify_code": "The verification code the user types.",
    "verify_link": "The link the user opens to verify the mailbox.",
    "expires_in": "How long the code or link is valid, in minutes.",
    "login_url": "Where the user signs in.",
    "password": "The password an administrator set (created or reset account).",
    "admin_name": "The administrator who created the account or reset the password.",
    "password_effective_time": "When the current password expires.",
    "update_password_link": "Where the user changes the password.",
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
