"""Named sample profiles: the preview's sample context of a type, varied the way real mails vary.

Each profile derives from a type's sample context (``samples.sample_context``, or the context the editor starts
with) and changes only the variables that context has, so a profile never adds a variable the type does not get:

- ``default``: the context as it is;
- ``long``: long names, long email addresses and long links (does the layout still hold?);
- ``chinese``: names, places and free text in Chinese (fonts, line breaks, width of CJK text);
- ``missing-optional``: the values a real send may not have left empty, as the service leaves them (a greeting
  without a name, a footer without a place);
- ``expired-link``: the validity at 0 minutes, a link whose token has expired and, in the password-expiry
  reminder, a date already past. Types with nothing that expires get the default context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateType
from mailconsole.rendering.samples import sample_context

__all__ = ["OPTIONAL_VARIABLES", "PROFILES", "SampleProfile", "profile_context"]


class SampleProfile(StrEnum):
    DEFAULT = "default"
    LONG = "long"
    CHINESE = "chinese"
    MISSING_OPTIONAL = "missing-optional"
    EXPIRED_LINK = "expired-link"


_LONG_NAME = "Maximiliane Alexandra Konstantinopoulou-Wolfeschlegelsteinhausen"
_LONG_DOMAIN = "engineering.research-and-development.acme-international-holdings.example.com"
_LONG_TOKEN = "7f3a9c2e" * 24
_LONG_VALUES: dict[str, Any] = {
    "app_name": "Acme Cloud Collaboration Platform for International Enterprise Teams",
    "app_description": (
        "Acme Cloud Collaboration Platform keeps every file, note, task, calendar and conversation of your "
        "international enterprise teams in sync across all of your devices, offices and time zones."
    ),
    "app_domain": _LONG_DOMAIN,
    "client_name": "Acme Cloud Collaboration Platform for International Enterprise Teams",
    "subject_name": "Acme Cloud Collaboration Platform for International Enterprise Teams",
    # 64 characters: the longest local part an address may have (RFC 5321).
    "user_email": f"maximiliane.alexandra.konstantinopoulou-wolfeschlegelsteinhausen@{_LONG_DOMAIN}",
    "user_display_name": _LONG_NAME,
    "user_name": _LONG_NAME,
    "username": "maximiliane.alexandra.konstantinopoulou.wolfeschlegelsteinhausen",
    "userpool_name": "Acme International Holdings Research and Development Division",
    "tenant_name": "Acme International Holdings Research and Development Division, Europe, Middle East and Africa",
    "tenant_domain": f"emea.{_LONG_DOMAIN}",
    "host_url": f"https://{_LONG_DOMAIN}",
    "admin_name": "Bartholomew Alexander Montgomery-Fitzwilliam",
    "country": "United Kingdom of Great Britain and Northern Ireland",
    "province": "Baden-Württemberg",
    "city": "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "verify_link": f"https://{_LONG_DOMAIN}/account/verify-email/confirm?token={_LONG_TOKEN}&lang=en",
    "login_url": f"https://{_LONG_DOMAIN}/account/sign-in?return_to=%2Fworkspace%2Fprojects%2Fquarterly-planning",
    "update_password_link": f"https://{_LONG_DOMAIN}/account/security/password/change?reason=expiry",
}

_CHINESE_VALUES: dict[str, Any] = {
    "app_name": "云帆协作",
    "app_description": "云帆协作让团队的文件、笔记和任务在所有设备上保持同步。",
    "client_name": "云帆协作",
    "subject_name": "云帆协作",
    "user_display_name": "陈爱丽",
    "user_name": "陈爱丽",
    "userpool_name": "云帆科技",
    "tenant_name": "云帆科技华东分公司",
    "admin_name": "马博文",
    "country": "中国",
    "province": "上海市",
    "city": "上海市",
}

# What a send may leave empty: who the user is beyond the address, logos, descriptions, the tenant, where the
# request came from, the administrator. A code, a link, a password or the application's name never are.
OPTIONAL_VARIABLES: frozenset[str] = frozenset(
    {
        "app_description",
        "app_logo",
        "app_domain",
        "user_display_name",
        "user_name",
        "userpool_logo",
        "tenant_name",
        "tenant_logo",
        "tenant_domain",
        "ip",
        "country",
        "province",
        "city",
        "admin_name",
    }
)

_EXPIRED_VALUES: dict[str, Any] = {
    "expires_in": 0,
    "verify_link": "https://acme.example.com/verify-email?token=expired-3f9c2b7e8a1d4c56b0e9",
    "password_effective_time": "2026-10-20",
}


def _replaced(values: Mapping[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def derive(context: dict[str, Any]) -> dict[str, Any]:
        return {name: values.get(name, value) for name, value in context.items()}

    return derive


def _without_optional(context: dict[str, Any]) -> dict[str, Any]:
    return {name: "" if name in OPTIONAL_VARIABLES else value for name, value in context.items()}


@dataclass(frozen=True)
class ProfileInfo:
    profile: SampleProfile
    title: Text  # its name and what it tries, in either language (``label``, ``description``: the English)
    summary: Text
    derive: Callable[[dict[str, Any]], dict[str, Any]]

    @property
    def label(self) -> str:
        return str(self.title)

    @property
    def description(self) -> str:
        return str(self.summary)


PROFILES: dict[SampleProfile, ProfileInfo] = {
    info.profile: info
    for info in (
        ProfileInfo(SampleProfile.DEFAULT, localized("Default"), localized("The type's sample values."), dict),
        ProfileInfo(
            SampleProfile.LONG,
            localized("Long names and addresses"),
            localized("Long names, email addresses and links: does the layout still hold?"),
            _replaced(_LONG_VALUES),
        ),
        ProfileInfo(
            SampleProfile.CHINESE,
            localized("Chinese text"),
            localized("Names, places and descriptions in Chinese."),
            _replaced(_CHINESE_VALUES),
        ),
        ProfileInfo(
            SampleProfile.MISSING_OPTIONAL,
            localized("Missing optional values"),
            localized("Optional values empty, as a send leaves what it does not know (name, logos, tenant, place)."),
            _without_optional,
        ),
        ProfileInfo(
            SampleProfile.EXPIRED_LINK,
            localized("Expired link"),
            localized("Validity 0 minutes, an expired link, a password expiry date already past."),
            _replaced(_EXPIRED_VALUES),
        ),
    )
}


def profile_context(
    profile: SampleProfile | str, template_type: TemplateType | str | None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A fresh context of ``profile`` for a mail of ``template_type``, derived from ``base`` (the context the caller
    starts from, such as the editor's with the application's name) or else the type's sample context."""
    try:
        info = PROFILES[SampleProfile(profile)]
    except ValueError:
        known = ", ".join(item.value for item in SampleProfile)
        raise ValueError(f"unknown sample profile {profile!r}: use one of {known}") from None
    start = dict(base) if base is not None else sample_context(template_type)
    return info.derive(start)
