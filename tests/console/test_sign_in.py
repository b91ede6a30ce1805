"""The sign-in gate: the rules as functions, and the pages the console shows under AppTest.

AppTest sets ``st.user`` from ``at.user`` and ``st.secrets`` from ``at.secrets``; it cannot follow ``st.login()`` to a
provider (the browser test in tests/browser/test_sign_in_in_chromium.py does). Every test here configures the
console for a backend that is down: a gate that let a session through would still make its connection, which the
tests look for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from components.sign_in import code_span
from mailconsole.console.access import (
    admin_emails,
    auth_problems,
    is_admin,
    listens_beyond_loopback,
    sign_in_providers,
)

APP = "../../console_app.py"
TIMEOUT = 30
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-long-enough-for-hs256",
    "client_id": "mail-console",
    "client_secret": "client-secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
ADMIN = "alice@example.com"
SIGNED_IN_ADMIN = {"is_logged_in": True, "email": "Alice@Example.COM", "name": "Alice"}
SIGNED_IN_STRANGER = {"is_logged_in": True, "email": "mallory@example.com"}


# ---- the rules ----------------------------------------------------------------------------------------------------


def test_admins_come_from_the_environment_and_the_secrets_file_in_any_case() -> None:
    admins = admin_emails(
        {"MAILCONSOLE_ADMINS": " Alice@Example.com, ,bob@example.com"},
        {"console": {"admins": ["CAROL@example.com"]}},
    )
    assert admins == {"alice@example.com", "bob@example.com", "carol@example.com"}
    assert is_admin("ALICE@example.COM ", admins)
    assert not is_admin("mallory@example.com", admins)
    assert not is_admin(None, admins)
    assert not is_admin("", admins)


def test_a_comma_separated_string_in_the_secrets_file_counts_as_a_list() -> None:
    assert admin_emails({}, {"console": {"admins": "a@example.com, b@example.com"}}) == {
        "a@example.com",
        "b@example.com",
    }


def test_no_admins_configured_is_an_empty_list() -> None:
    assert admin_emails({}, {}) == frozenset()
    assert admin_emails({"MAILCONSOLE_ADMINS": ""}, {"console": "not a table"}) == frozenset()
    assert admin_emails({}, {"admins": [ADMIN]}) == frozenset()  # only [console] admins is read


def test_a_complete_auth_section_has_no_problems() -> None:
    assert auth_problems(AUTH) == []
    assert sign_in_providers(AUTH) == ["default"]


def test_an_incomplete_auth_section_says_what_is_missing() -> None:
    auth = {key: value for key, value in AUTH.items() if key not in ("cookie_secret", "client_secret")}
    auth["redirect_uri"] = "http://127.0.0.1:8501/"
    problems = " ".join(auth_problems(auth))
    assert "[auth] needs cookie_secret." in problems
    assert "[auth] needs client_secret." in problems
    assert "/oauth2callback" in problems
    assert "needs client_id, client_secret, server_metadata_url" in " ".join(auth_problems({"cookie_secret": "x"}))


def test_named_providers_each_get_a_button_and_are_checked() -> None:
    shared = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"]}
    provider = {key: AUTH[key] for key in ("client_id", "client_secret", "server_metadata_url")}
    auth = shared | {"okta": provider, "entra": {"client_id": "x"}}
    assert sign_in_providers(auth) == ["okta", "entra"]
    assert auth_problems(auth) == ["[auth.entra] needs client_secret.", "[auth.entra] needs server_metadata_url."]


@pytest.mark.parametrize(
    ("address", "app_test", "beyond"),
    [
        ("127.0.0.1", False, False),
        ("::1", False, False),
        ("localhost", False, False),
        (None, False, True),  # streamlit run without an address listens on every interface
        ("", False, True),
        (None, True, False),  # AppTest binds no socket
        ("0.0.0.0", False, True),
        ("0.0.0.0", True, True),
        ("::", False, True),
        ("192.168.1.20", False, True),
        ("console.example.com", False, True),
    ],
)
def test_which_addresses_count_as_loopback(address: str | None, app_test: bool, beyond: bool) -> None:
    assert listens_beyond_loopback(address, app_test=app_test) is beyond


def test_an_email_is_shown_literally() -> None:
    assert code_span("alice@example.com") == "`alice@example.com`"
    assert code_span("a`b@example.com") == "``a`b@example.com``"
    assert code_span("`x@example.com") == "`` `x@example.com ``"


# ---- the pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def console_down(down: str) -> Iterator[list[AppTest]]:
    """The console configured for a backend that is down; yields the AppTests opened, closes their clients."""
    opened: list[AppTest] = []
    yield opened
    for at in opened:
        connection = at.session_state.get("mc.connection")
        if connection is not None:
            connection.close()


def run_console(
    opened: list[AppTest],
    *,
    secrets: dict[str, Any],
    user: dict[str, Any] | None = None,
    address: str | None = "127.0.0.1",
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    opened.append(at)
    at.secrets = secrets  # never the developer's own .streamlit/secrets.toml
    if user is not None:
        at.user = user
    with patch_config_options({"server.address": address}):
        at.run()
    assert not at.exception, [item.value for item in at.exception]
    return at


def rerun(at: AppTest, address: str | None = "127.0.0.1") -> AppTest:
    with patch_config_options({"server.address": address}):
        at.run()
    assert not at.exception, [item.value for item in at.exception]
    return at


def connected(at: AppTest) -> bool:
    return at.session_state.get("mc.connection") is not None


def titles(at: AppTest) -> list[str]:
    return [item.value for item in at.title]


def sidebar_text(at: AppTest) -> str:
    return "\n".join(str(item.value) for item in at.sidebar.markdown)


def test_without_sign_in_on_another_address_the_console_shows_no_tenant(console_down: list[AppTest]) -> None:
    for address in ("0.0.0.0", "192.168.1.20"):
        at = run_console(console_down, secrets={"console_tests": True}, address=address)
        assert titles(at) == ["Sign-in is not configured"]
        assert address in at.error[0].value
        shown = "\n".join(item.value for item in at.markdown)
        assert "[auth]" in shown and "server_metadata_url" in shown and "--server.address 127.0.0.1" in shown
        assert not connected(at)
        assert "Tenant" not in sidebar_text(at)


def test_without_sign_in_on_loopback_the_console_opens(console_down: list[AppTest]) -> None:
    for address in ("127.0.0.1", None):  # None: AppTest's own default, no socket bound
        at = run_console(console_down, secrets={"console_tests": True}, address=address)
        assert "Sign-in is not configured" not in titles(at)
        assert connected(at)
        assert "Signed in" not in sidebar_text(at)


def test_with_sign_in_a_visitor_who_has_not_signed_in_gets_the_sign_in_page(console_down: list[AppTest]) -> None:
    secrets = {"auth": AUTH, "console": {"admins": [ADMIN]}}
    for user in ({"is_logged_in": False}, {"email": "test@example.com"}):  # the second is AppTest's default
        at = run_console(console_down, secrets=secrets, user=user)
        assert titles(at) == ["Mail console"]
        assert [button.label for button in at.button] == ["Sign in"]
        assert not connected(at)


def test_an_administrator_gets_the_console_with_their_email_in_the_sidebar(console_down: list[AppTest]) -> None:
    at = run_console(console_down, secrets={"auth": AUTH, "console": {"admins": [ADMIN]}}, user=SIGNED_IN_ADMIN)
    assert connected(at)
    assert "Signed in** as `Alice@Example.COM`" in sidebar_text(at)
    assert "Tenant" in sidebar_text(at)
    assert [button.label for button in at.sidebar.button] == ["Sign out"]


def test_the_environment_list_lets_an_administrator_in(
    console_down: list[AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILCONSOLE_ADMINS", "bob@example.com,ALICE@example.com")
    at = run_console(console_down, secrets={"auth": AUTH}, user=SIGNED_IN_ADMIN)
    assert connected(at)


def test_with_sign_in_another_address_is_fine(console_down: list[AppTest]) -> None:
    secrets = {"auth": AUTH, "console": {"admins": [ADMIN]}}
    at = run_console(console_down, secrets=secrets, user=SIGNED_IN_ADMIN, address="0.0.0.0")
    assert connected(at)


def test_someone_not_on_the_list_is_refused_and_can_sign_out(console_down: list[AppTest]) -> None:
    at = run_console(console_down, secrets={"auth": AUTH, "console": {"admins": [ADMIN]}}, user=SIGNED_IN_STRANGER)
    assert titles(at) == ["Not allowed"]
    assert "`mallory@example.com`" in at.error[0].value
    assert not connected(at)
    assert "Tenant" not in sidebar_text(at)
    assert ADMIN not in "\n".join(item.value for item in at.markdown)  # the list is not shown to strangers

    at.button(key="signin.sign_out_refused").click()
    rerun(at)
    assert at.user == {"is_logged_in": False}
    rerun(at)
    assert titles(at) == ["Mail console"]
    assert not connected(at)


def test_an_administrator_signs_out_from_the_sidebar(console_down: list[AppTest]) -> None:
    at = run_console(console_down, secrets={"auth": AUTH, "console": {"admins": [ADMIN]}}, user=SIGNED_IN_ADMIN)
    at.sidebar.button(key="signin.sign_out").click()
    rerun(at)
    assert at.user == {"is_logged_in": False}
    rerun(at)
    assert titles(at) == ["Mail console"]


def test_an_email_the_provider_has_not_verified_is_refused(console_down: list[AppTest]) -> None:
    user = SIGNED_IN_ADMIN | {"email_verified": False}
    at = run_console(console_down, secrets={"auth": AUTH, "console": {"admins": [ADMIN]}}, user=user)
    assert titles(at) == ["Not allowed"]
    assert "has not verified" in at.error[0].value
    assert not connected(at)


def test_an_empty_list_lets_nobody_in_and_says_so(console_down: list[AppTest]) -> None:
    at = run_console(console_down, secrets={"auth": AUTH}, user=SIGNED_IN_ADMIN)
    assert titles(at) == ["Not allowed"]
    assert "MAILCONSOLE_ADMINS" in at.info[0].value
    assert not connected(at)


def test_an_incomplete_auth_section_stops_the_console(console_down: list[AppTest]) -> None:
    auth = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    at = run_console(console_down, secrets={"auth": auth, "console": {"admins": [ADMIN]}}, user=SIGNED_IN_ADMIN)
    assert titles(at) == ["Sign-in is configured incompletely"]
    assert "cookie_secret" in at.error[0].value
    assert not connected(at)


def admin_probe() -> None:
    """A script that shows what ``current_admin_email`` says in its run."""
    import streamlit as st

    from components.sign_in import current_admin_email

    st.text(repr(current_admin_email()))


@pytest.mark.parametrize(
    ("secrets", "user", "expected"),
    [
        ({"auth": AUTH, "console": {"admins": [ADMIN]}}, SIGNED_IN_ADMIN, "'Alice@Example.COM'"),
        ({"auth": AUTH, "console": {"admins": [ADMIN]}}, SIGNED_IN_STRANGER, "None"),
        ({"auth": AUTH, "console": {"admins": [ADMIN]}}, {"is_logged_in": False}, "None"),
        ({"console": {"admins": [ADMIN]}}, SIGNED_IN_ADMIN, "None"),  # no sign-in configured: nobody is known
    ],
)
def test_the_console_knows_who_the_administrator_is(
    secrets: dict[str, Any], user: dict[str, Any], expected: str
) -> None:
    at = AppTest.from_function(admin_probe, default_timeout=TIMEOUT)
    at.secrets = secrets
    at.user = user
    at.run()
    assert not at.exception
    assert at.text[0].value == expected
