"""Who may use the console: sign-in through an OpenID Connect provider (``st.login``) and an allow-list of
administrators. The entry file calls ``require_admin()`` before it connects to any backend.

Sign-in is configured in ``.streamlit/secrets.toml`` with Streamlit's own ``[auth]`` section::

    [auth]
    redirect_uri = "https://mail-console.example.com/oauth2callback"   # this console's URL + /oauth2callback
    cookie_secret = "..."                  # a long random string, such as `python -c "import secrets;
                                           # print(secrets.token_urlsafe(32))"`
    client_id = "..."                      # the console's client at the OIDC provider
    client_secret = "..."
    server_metadata_url = "https://idp.example.com/.well-known/openid-configuration"

    [console]
    admins = ["alice@example.com", "bob@example.com"]

(Several providers work too: ``[auth.NAME]`` tables with the last three keys, one sign-in button each.)

The administrators are the union of ``admins`` under ``[console]`` and the comma-separated environment variable
``MAILCONSOLE_ADMINS``; emails compare case-insensitively. The rules, checked on every run of every page:

1. ``[auth]`` present: only a signed-in user whose email is on the list gets any page. Anyone else signed in sees
   "not allowed" (with their email and a sign-out button), and nothing of the tenant: no backend is contacted.
   An empty list lets nobody in; an incomplete ``[auth]`` stops the console with the keys that are missing.
2. No ``[auth]``: the console trusts whoever can reach it, so it works only while the server listens on loopback
   (``server.address`` 127.0.0.1, ::1 or localhost, as ``.streamlit/config.toml`` sets). Any other address, or
   none (Streamlit then listens on every interface), gets a page that says how to configure sign-in or how to bind
   to loopback. Under AppTest no server listens at all, so there an unset address counts as loopback.

The loopback check sees only the socket: a reverse proxy on the same machine makes a loopback console public, so
configure ``[auth]`` behind one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit import config

from components.connection import read_secrets
from mailconsole.addresses import is_loopback

ADMINS_ENV = "MAILCONSOLE_ADMINS"
# What st.login() needs; the provider keys may instead sit in [auth.NAME] tables, one per provider.
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_PROVIDER = "default"


# ---- reading the configuration (no UI) --------------------------------------------------------------------------


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
    """What keeps ``st.login`` from working with this ``[auth]`` table, one sentence each (empty: it works)."""
    problems = [f"[auth] needs {key}." for key in SHARED_AUTH_KEYS if not auth.get(key)]
    redirect_uri = str(auth.get("redirect_uri") or "")
    if redirect_uri and not redirect_uri.rstrip("/").endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must be this console's URL followed by /oauth2callback.")
    providers = sign_in_providers(auth)
    if not providers:
        problems.append(f"[auth] needs {', '.join(PROVIDER_AUTH_KEYS)} (or an [auth.NAME] table with them).")
    for provider in providers:
        table = auth if provider == DEFAULT_PROVIDER else auth[provider]
        where = "[auth]" if provider == DEFAULT_PROVIDER else f"[auth.{provider}]"
        problems += [f"{where} needs {key}." for key in PROVIDER_AUTH_KEYS if not table.get(key)]
        if "_" in provider:
            problems.append(f"{where}: Streamlit does not accept an underscore in a provider's name.")
    return problems


def listens_beyond_loopback(address: str | None, *, app_test: bool) -> bool:
    """Whether a server with this ``server.address`` can be reached from other machines.

    Unset means every interface for ``streamlit run``; AppTest binds nothing, so there it is harmless."""
    if not address:
        return not app_test
    return not is_loopback(address)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, shown literally: an email from the identity provider is not Markdown."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


# ---- the gate ---------------------------------------------------------------------------------------------------


def _signed_in_email() -> str | None:
    if not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    # A provider that says outright that it has not verified the address cannot vouch for it.
    if not isinstance(email, str) or st.user.get("email_verified") is False:
        return None
    return email


def current_admin_email() -> str | None:
    """The signed-in administrator of this session; None while sign-in is not configured (loopback only)."""
    secrets, _ = read_secrets()
    email = _signed_in_email()
    if auth_section(secrets) is None or not is_admin(email, admin_emails(os.environ, secrets)):
        return None
    return email


def require_admin() -> str | None:
    """For the entry file, before anything of the tenant is loaded: stop the run unless this session may see it.

    Returns the signed-in administrator's email, or None when sign-in is not configured and the console listens
    on loopback only. Otherwise shows the sign-in, "not allowed" or "configure sign-in" page and stops."""
    secrets, problem = read_secrets()
    if problem:
        # Whether sign-in was meant cannot be told: show nothing rather than an open console.
        st.error(f"{problem} Then reload the page.", icon=":material/lock:")
        st.stop()
    auth = auth_section(secrets)
    if auth is None:
        # Looked up on the module at call time (not st.get_option): AppTest patches streamlit.config.get_option.
        address = config.get_option("server.address")
        if listens_beyond_loopback(address, app_test=bool(config.get_option("global.appTest"))):
            _show_sign_in_needed(address)
            st.stop()
        return None

    problems = auth_problems(auth)
    if problems:
        st.title("Sign-in is configured incompletely")
        st.error(" ".join(problems) + " Fix .streamlit/secrets.toml, then reload the page.", icon=":material/lock:")
        st.stop()
    if not st.user.get("is_logged_in"):
        _show_sign_in(sign_in_providers(auth))
        st.stop()
    email = _signed_in_email()
    admins = admin_emails(os.environ, secrets)
    if email is None or not is_admin(email, admins):
        _show_not_allowed(email, no_admins=not admins)
        st.stop()
    with st.sidebar:
        st.markdown(f"**Signed in** as {code_span(email)}")
        if st.button("Sign out", key="signin.sign_out", icon=":material/logout:"):
            st.logout()
            st.stop()
    return email


def _show_sign_in(providers: list[str]) -> None:
    st.title("Mail console")
    st.write("Sign in to manage this tenant's email. Only the console's administrators are let in.")
    for provider in providers:
        label = "Sign in" if provider == DEFAULT_PROVIDER else f"Sign in with {provider}"
        if st.button(label, key=f"signin.login.{provider}", type="primary", icon=":material/login:"):
            st.login(None if provider == DEFAULT_PROVIDER else provider)


def _show_not_allowed(email: str | None, *, no_admins: bool) -> None:
    st.title("Not allowed")
    if email is None:
        who = str(st.user.get("email") or "")
        reason = (
            f"The identity provider has not verified the email address {code_span(who)}"
            if who
            else "Your identity provider did not tell the console an email address"
        )
        st.error(f"{reason}, so the console cannot check it against its administrators.", icon=":material/block:")
    else:
        st.error(
            f"You are signed in as {code_span(email)}, which is not an administrator of this console.",
            icon=":material/block:",
        )
    if no_admins:
        st.info(
            f"Nobody is let in yet: list the administrators' emails in {ADMINS_ENV} or under [console] admins in "
            ".streamlit/secrets.toml.",
            icon=":material/info:",
        )
    else:
        st.write("Sign out and sign in with an administrator's account, or ask the console's operator to add you.")
    if st.button("Sign out", key="signin.sign_out_refused", icon=":material/logout:"):
        st.logout()


def _show_sign_in_needed(address: str | None) -> None:
    where = f"on {code_span(address)}" if address else "on every network interface (server.address is not set)"
    st.title("Sign-in is not configured")
    st.error(
        f"This console listens {where}, so anyone who reaches it could manage the tenant's email; it shows nothing "
        "until sign-in is configured or it listens on loopback only.",
        icon=":material/lock:",
    )
    st.markdown(
        "**Either configure sign-in** in `.streamlit/secrets.toml` (any OpenID Connect provider), then restart:\n\n"
        "```toml\n"
        "[auth]\n"
        'redirect_uri = "https://mail-console.example.com/oauth2callback"  # this console\'s URL + /oauth2callback\n'
        'cookie_secret = "a long random string"\n'
        'client_id = "the console\'s client id at the provider"\n'
        'client_secret = "its secret"\n'
        'server_metadata_url = "https://idp.example.com/.well-known/openid-configuration"\n'
        "\n"
        "[console]\n"
        'admins = ["alice@example.com"]  # or MAILCONSOLE_ADMINS="alice@example.com,bob@example.com"\n'
        "```\n\n"
        "**Or listen on loopback only**: `streamlit run console_app.py --server.address 127.0.0.1` (the setting "
        "in `.streamlit/config.toml`), and reach it from this machine or through an SSH tunnel."
    )
