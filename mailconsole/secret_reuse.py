"""Whether a stored secret may be used with new settings: one rule for the service and the console's form.

A password or API key sent back as the mask (or left empty) means "keep the stored one". Whoever holds a management
token can do that without knowing the secret, so a stored secret is bound to where and how its owner meant it to
go: the same server, port and login (a mailbox: the same address; a SendGrid key: the same API base), and a channel
at least as well protected as the one it was saved for. Stronger is fine: STARTTLS turned on, verification turned
back on, a CA bundle removed (only the system's CAs are then trusted).
"""

from __future__ import annotations

from typing import Literal

from mailconsole.i18n import Text, localized
from mailconsole.models import ExmailConfig, SendGridConfig, SmtpConfig

ProviderConfig = SmtpConfig | ExmailConfig | SendGridConfig

# ssl: TLS from the first byte. starttls: required, the password is never sent in clear. opportunistic: STARTTLS
# when offered (what GenAuth does for secure=false; a man in the middle can strip it). plain: no encryption.
Security = Literal["ssl", "starttls", "opportunistic", "plain"]

# How well each mode protects the password on its way; SSL and required STARTTLS protect it alike.
_PROTECTION: dict[Security, int] = {"plain": 0, "opportunistic": 1, "starttls": 2, "ssl": 2}
_DESCRIBED: dict[Security, Text | str] = {
    "plain": localized("plain text"),
    "opportunistic": localized("STARTTLS only when the server offers it"),
    "starttls": localized("STARTTLS required"),
    "ssl": "SSL",
}

DEFAULT_SENDGRID_API_BASE = "https://api.sendgrid.com"


def smtp_security(config: SmtpConfig) -> Security:
    """The mode an SMTP configuration connects in."""
    if config.secure:
        return "ssl"
    if config.starttls is None:
        return "opportunistic"
    return "starttls" if config.starttls else "plain"


def reuse_refusal(new: ProviderConfig, stored: ProviderConfig) -> str | None:
    """None when the secret stored with ``stored`` may go with ``new``; else why not, in English
    (``reuse_refusal_text`` for the clause in either language)."""
    refusal = reuse_refusal_text(new, stored)
    return None if refusal is None else str(refusal)


def reuse_refusal_text(new: ProviderConfig, stored: ProviderConfig) -> Text | None:
    """None when the secret stored with ``stored`` may go with ``new``; else why not, as a clause that starts in
    lower case and names what changed (the service's 400 and the console's form both show it)."""
    if isinstance(new, SmtpConfig) and isinstance(stored, SmtpConfig):
        return _smtp_refusal(new, stored)
    if isinstance(new, ExmailConfig) and isinstance(stored, ExmailConfig):
        if new.sender.strip().lower() != stored.sender.strip().lower():
            return localized("the mailbox changed since the secret was saved")
        return None
    if isinstance(new, SendGridConfig) and isinstance(stored, SendGridConfig):
        saved_for, asked_for = sendgrid_api_base(stored), sendgrid_api_base(new)
        if asked_for != saved_for:
            return localized(
                "the key was saved for SendGrid's API at {saved}, not {asked}", saved=saved_for, asked=asked_for
            )
        return None
    return localized("the provider changed since the secret was saved")


def bound_to_api_base(config: SendGridConfig, api_base: str) -> SendGridConfig:
    """``config`` with the API base its key goes to (left out for SendGrid's public API, as before keys were
    bound)."""
    normal = api_base.strip().rstrip("/")
    return config.model_copy(update={"api_base": None if normal.lower() == DEFAULT_SENDGRID_API_BASE else normal})


def sendgrid_api_base(config: SendGridConfig) -> str:
    """The API base a key goes to, in the form two spellings of one base compare equal; a key saved before keys
    were bound to a base is SendGrid's public API."""
    return (config.api_base or DEFAULT_SENDGRID_API_BASE).strip().rstrip("/").lower()


def _smtp_refusal(new: SmtpConfig, stored: SmtpConfig) -> Text | None:
    if (_host(new), new.smtp_port, new.sender or "") != (_host(stored), stored.smtp_port, stored.sender or ""):
        return localized("the server or login changed since the secret was saved")
    new_mode, saved_mode = smtp_security(new), smtp_security(stored)
    if _PROTECTION[new_mode] < _PROTECTION[saved_mode]:
        return localized(
            "the connection would be {new}; the secret was saved for {saved}",
            new=_DESCRIBED[new_mode],
            saved=_DESCRIBED[saved_mode],
        )
    if new_mode == "plain" or stored.tls_verify is False:
        return None  # no certificate is checked on one side or the other: nothing to weaken
    if new.tls_verify is False:
        return localized("certificate verification would be off; the secret was saved with certificates verified")
    if new.ca_bundle and new.ca_bundle.strip() != (stored.ca_bundle or "").strip():
        return localized("the trusted CAs (caBundle) changed since the secret was saved")
    return None


def _host(config: SmtpConfig) -> str:
    return config.smtp_host.strip().rstrip(".").lower()
