"""Who may use the console: the ``[auth]`` section of secrets.toml that ``st.login`` reads, the allow-list of
administrators (``[console] admins`` and ``MAILCONSOLE_ADMINS``, compared case-insensitively), and whether the
console can be reached from other machines. The gate itself is ``components/sign_in.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailconsole.addresses import is_loopback
from mailconsole.i18n import Text, localized

ADMINS_ENV = "MAILCONSOLE_ADMINS"
# What st.login() needs; the provider keys may instead sit in [auth.NAME] tables, one per provider.
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_PROVIDER = "default"


def admin_emails(env: Mapping[str, str], secrets: Mapping[str, Any]) -> frozenset[str]:
    """The allow-list in the form ``is_admin`` compares: ``MAILCONSOLE_ADMINS`` and ``[console] admins``."""
    found = env.get(ADMINS_ENV, "").split(",")
    console = secrets.get("console")
    listed = console.get("admins") if isinstance(console, Mapping) else None
    if isinstance(listed, str):  # `admins = "a@x, b@y"` is an easy slip for a list
        found += listed.split(",")
    elif isinstance(listed, list | tuple):
        found += [str(item) for item in listed]
    return frozenset(key for key in (_email_key(item) for item in found) if key)


def _email_key(email: str) -> str:
    return email.strip().lower()


def is_admin(email: str | None, admins: frozenset[str]) -> bool:
    return bool(email) and _email_key(str(email)) in admins


def auth_section(secrets: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``[auth]`` table, or None when sign-in is not configured."""
    section = secrets.get("auth")
    return section if isinstance(section, Mapping) and section else None


def sign_in_providers(auth: Mapping[str, Any]) -> list[str]:
    """The providers ``st.login`` can use: the unnamed default and every ``[auth.NAME]`` table."""
    named = [str(name) for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value]
    return ([DEFAULT_PROVIDER] if "client_id" in auth else []) + named


def auth_problems(auth: Mapping[str, Any]) -> list[str]:
    """``auth_faults`` in English."""
    return [str(fault) for fault in auth_faults(auth)]


def auth_faults(auth: Mapping[str, Any]) -> list[Text]:
    """What keeps ``st.login`` from working with this ``[auth]`` table, one sentence each (empty: it works)."""
    problems = [
        localized("{table} needs {key}.", table="[auth]", key=key) for key in SHARED_AUTH_KEYS if not auth.get(key)
    ]
    redirect_uri = str(auth.get("redirect_uri") or "")
    if redirect_uri and not redirect_uri.rstrip("/").endswith("/oauth2callback"):
        problems.append(localized("[auth] redirect_uri must be this console's URL followed by /oauth2callback."))
    providers = sign_in_providers(auth)
    if not providers:
        problems.append(
            localized("[auth] needs {keys} (or an [auth.NAME] table with them).", keys=", ".join(PROVIDER_AUTH_KEYS))
        )
    for provider in providers:
        table = auth if provider == DEFAULT_PROVIDER else auth[provider]
        where = "[auth]" if provider == DEFAULT_PROVIDER else f"[auth.{provider}]"
        problems += [
            localized("{table} needs {key}.", table=where, key=key) for key in PROVIDER_AUTH_KEYS if not table.get(key)
        ]
        if "_" in provider:
            problems.append(
                localized("{table}: Streamlit does not accept an underscore in a provider's name.", table=where)
            )
    return problems


def listens_beyond_loopback(address: str | None, *, app_test: bool) -> bool:
    """Whether a server with this ``server.address`` can be reached from other machines.

    Unset means every interface for ``streamlit run``; AppTest binds nothing, so there it is harmless."""
    if not address:
        return not app_test
    return not is_loopback(address)
