"""Sample variables per template type, for previews: the preview endpoint and the console's live preview.

Every mail gets the variables of ``catalog.COMMON_VARIABLES``; a type adds its own from ``catalog.TYPE_VARIABLES``
(a code mail ``verify_code`` and ``expires_in``, a link mail ``verify_link`` and ``expires_in``, and so on).
``expires_in`` is in minutes here, as the built-in templates print it ("This code expires in 5 minutes.").
The values are plausible but fictitious: documentation addresses (``example.com``, ``203.0.113.0/24``).
"""

from __future__ import annotations

import base64
from typing import Any

from mailconsole.catalog import COMMON_VARIABLES, TYPE_VARIABLES, variables_for
from mailconsole.models import TemplateType

__all__ = ["ACCOUNT_DELETION_TYPE", "SAMPLE_USER_EMAIL", "sample_context"]

SAMPLE_USER_EMAIL = "alice@example.com"

# The mail of ``CHANNEL_DELETE_ACCOUNT``: a code mail with no public template type.
ACCOUNT_DELETION_TYPE = "ACCOUNT_DELETION_VERIFY_CODE"

_SAMPLE_LOGO = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        b'<rect width="64" height="64" rx="14" fill="#2563eb"/>'
        b'<text x="32" y="43" font-family="Helvetica,Arial,sans-serif" font-size="30" font-weight="700" '
        b'fill="#fff" text-anchor="middle">A</text></svg>'
    ).decode()
)

_SAMPLE_VALUES: dict[str, Any] = {
    # Common to every mail.
    "app_name": "Acme Cloud",
    "app_description": "Acme Cloud keeps your team's files, notes and tasks in sync.",
    # Inline, so that previews show a logo without fetching anything (a real tenant's logo is an https URL).
    "app_logo": _SAMPLE_LOGO,
    "app_domain": "acme.example.com",
    "client_name": "Acme Cloud",
    "subject_name": "Acme Cloud",
    "user_email": SAMPLE_USER_EMAIL,
    "user_display_name": "Alice Chen",
    "user_name": "Alice Chen",
    "username": "alice",
    "userpool_name": "Acme",
    "userpool_logo": "https://acme.example.com/static/userpool-logo.png",
    "tenant_name": "Acme Europe",
    "tenant_logo": "https://acme.example.com/static/tenant-logo.png",
    "tenant_domain": "eu.acme.example.com",
    "host_url": "https://acme.example.com",
    "ip": "203.0.113.7",
    "country": "Germany",
    "province": "Berlin",
    "city": "Berlin",
    "datetime": "2026-11-20 14:32:05",
    # Code and link mails.
    "verify_code": "482913",
    "verify_link": "https://acme.example.com/verify-email?token=3f9c2b7e8a1d4c56b0e9",
    "expires_in": 5,
    # Notices.
    "login_url": "https://acme.example.com/login",
    "password": "T7mQ2vpX9k",
    "admin_name": "Bob Martin",
    "password_effective_time": "2026-12-20",
    "update_password_link": "https://acme.example.com/settings/password",
}

_ALL_VARIABLES: tuple[str, ...] = tuple(
    dict.fromkeys(COMMON_VARIABLES + tuple(name for names in TYPE_VARIABLES.values() for name in names))
)
_ACCOUNT_DELETION_VARIABLES: tuple[str, ...] = (*COMMON_VARIABLES, "verify_code", "expires_in")


def _variables(template_type: TemplateType | str | None) -> tuple[str, ...]:
    if template_type is None:
        return _ALL_VARIABLES
    if template_type == ACCOUNT_DELETION_TYPE:
        return _ACCOUNT_DELETION_VARIABLES
    try:
        known = TemplateType(template_type)
    except ValueError:
        # A type this release does not know: offer every variable, so any template still renders.
        return _ALL_VARIABLES
    return variables_for(known)


def sample_context(template_type: TemplateType | str | None) -> dict[str, Any]:
    """A fresh, realistic context for rendering a mail of ``template_type``.

    ``None`` or an unknown type gives every known variable; ``"ACCOUNT_DELETION_VERIFY_CODE"`` gives the variables
    of a code mail. The caller may change the returned dict freely.
    """
    return {name: _SAMPLE_VALUES[name] for name in _variables(template_type)}
