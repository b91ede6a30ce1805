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

import streamlit as st
from streamlit import config

from components.connection import read_secrets
from components.language import _, say
from mailconsole.console.access import (
    ADMINS_ENV,
    DEFAULT_PROVIDER,
    admin_emails,
    auth_faults,
    auth_section,
    is_admin,
    listens_beyond_loopback,
    sign_in_providers,
)


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
    secrets, _problem = read_secrets()
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
        st.error(_("{problem} Then reload the page.", problem=problem), icon=":material/lock:")
        st.stop()
    auth = auth_section(secrets)
    if auth is None:
        # Looked up on the module at call time (not st.get_option): AppTest patches streamlit.config.get_option.
        address = config.get_option("server.address")
        if listens_beyond_loopback(address, app_test=bool(config.get_option("global.appTest"))):
            _show_sign_in_needed(address)
            st.stop()
        return None

    problems = auth_faults(auth)
    if problems:
        st.title(_("Sign-in is configured incompletely"))
        st.error(
            _(
                "{problems} Fix .streamlit/secrets.toml, then reload the page.",
                problems=" ".join(say(problem) for problem in problems),
            ),
            icon=":material/lock:",
        )
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
        st.markdown(_("**Signed in** as {email}", email=code_span(email)))
        if st.button(_("Sign out"), key="signin.sign_out", icon=":material/logout:"):
            st.logout()
            st.stop()
    return email


def _show_sign_in(providers: list[str]) -> None:
    st.title(_("Mail console"))
    st.write(_("Sign in to manage this tenant's email. Only the console's administrators are let in."))
    for provider in providers:
        label = _("Sign in") if provider == DEFAULT_PROVIDER else _("Sign in with {provider}", provider=provider)
        if st.button(label, key=f"signin.login.{provider}", type="primary", icon=":material/login:"):
            st.login(None if provider == DEFAULT_PROVIDER else provider)


def _show_not_allowed(email: str | None, *, no_admins: bool) -> None:
    st.title(_("Not allowed"))
    if email is None:
        who = str(st.user.get("email") or "")
        reason = (
            _(
                "The identity provider has not verified the email address {email}, so the console cannot check it "
                "against its administrators.",
                email=code_span(who),
            )
            if who
            else _(
                "Your identity provider did not tell the console an email address, so the console cannot check it "
                "against its administrators."
            )
        )
        st.error(reason, icon=":material/block:")
    else:
        st.error(
            _("You are signed in as {email}, which is not an administrator of this console.", email=code_span(email)),
            icon=":material/block:",
        )
    if no_admins:
        st.info(
            _(
                "Nobody is let in yet: list the administrators' emails in {variable} or under [console] admins in "
                ".streamlit/secrets.toml.",
                variable=ADMINS_ENV,
            ),
            icon=":material/info:",
        )
    else:
        st.write(_("Sign out and sign in with an administrator's account, or ask the console's operator to add you."))
    if st.button(_("Sign out"), key="signin.sign_out_refused", icon=":material/logout:"):
        st.logout()


def _show_sign_in_needed(address: str | None) -> None:
    st.title(_("Sign-in is not configured"))
    if address:
        listens = _(
            "This console listens on {address}, so anyone who reaches it could manage the tenant's email; it shows "
            "nothing until sign-in is configured or it listens on loopback only.",
            address=code_span(address),
        )
    else:
        listens = _(
            "This console listens on every network interface (server.address is not set), so anyone who reaches it "
            "could manage the tenant's email; it shows nothing until sign-in is configured or it listens on loopback "
            "only."
        )
    st.error(listens, icon=":material/lock:")
    st.markdown(
        _("**Either configure sign-in** in `.streamlit/secrets.toml` (any OpenID Connect provider), then restart:")
        + "\n\n"
        + _SIGN_IN_EXAMPLE
        + "\n\n"
        + _(
            "**Or listen on loopback only**: `streamlit run console_app.py --server.address 127.0.0.1` (the setting "
            "in `.streamlit/config.toml`), and reach it from this machine or through an SSH tunnel."
        )
    )


# A configuration file's text: the same in every language.
_SIGN_IN_EXAMPLE = (
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
    "```"
)
