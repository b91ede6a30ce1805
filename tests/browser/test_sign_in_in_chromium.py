"""Sign-in end to end: `streamlit run console_app.py` with an `[auth]` section pointing at a real OpenID Connect
provider (oidc-provider-mock, run as a process on a loopback port), driven in Debian's headless Chromium.

The provider's login form takes any subject and issues an ID token whose email is that subject, so typing an email
there signs in as it. The console's secrets come from a temporary file (``--secrets.files``), never from the
repository's .streamlit/secrets.toml; it runs on its embedded service with a temporary data dir.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import clean_env, console_command, shoot, start_process, stop_process
from tests.support import free_port

pytestmark = pytest.mark.browser

ADMIN = "admin@example.com"


@dataclass
class Console:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OIDC provider on a free loopback port; yields its issuer URL."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = start_process(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        f"{issuer}/.well-known/openid-configuration",
        tmp_path_factory.mktemp("provider-log") / "provider.log",
        clean_env(),
    )
    yield issuer
    stop_process(process)


def start_console(tmp_path_factory: pytest.TempPathFactory, *, address: str, secrets_text: str) -> Console:
    port = free_port()
    secrets_file = tmp_path_factory.mktemp("console-secrets") / "secrets.toml"
    secrets_file.write_text(secrets_text.replace("CONSOLE_URL", f"http://127.0.0.1:{port}"))
    data_dir = tmp_path_factory.mktemp("console") / "data"  # made by the embedded service when it starts
    env = clean_env(MAILCONSOLE_DATA_DIR=str(data_dir), MAILCONSOLE_ADMINS=f"someone-else@example.com, {ADMIN.upper()}")
    process = start_process(
        console_command(port, f"--secrets.files={secrets_file}", address=address),
        f"http://127.0.0.1:{port}/_stcore/health",
        tmp_path_factory.mktemp("console-log") / "streamlit.log",
        env,
    )
    return Console(f"http://127.0.0.1:{port}", data_dir, process)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, provider: str) -> Iterator[str]:
    """The console on loopback with sign-in against ``provider`` and ADMIN on the allow-list; yields its URL."""
    running = start_console(
        tmp_path_factory,
        address="127.0.0.1",
        secrets_text=(
            "[auth]\n"
            'redirect_uri = "CONSOLE_URL/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "mail-console"\n'
            f'client_secret = "{secrets.token_urlsafe(16)}"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        ),
    )
    yield running.url
    stop_process(running.process)


def sign_in_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Mail console")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def sign_in_as(page: Page, url: str, email: str) -> None:
    """From the console's sign-in page through the provider's login form and back to the console."""
    page.goto(url)
    sign_in_page(page)
    page.get_by_role("button", name="Sign in").click()
    subject = page.locator("input[name=sub]")
    expect(subject).to_be_visible()  # the provider's form
    subject.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")


def sign_out(page: Page, url: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's own sign-out
    page.wait_for_url(f"{url}/**")
    sign_in_page(page)


def test_an_administrator_signs_in_and_out(console: str, page: Page) -> None:
    page.goto(console)
    sign_in_page(page)
    expect(page.get_by_text("Tenant", exact=True)).to_have_count(0)
    shoot(page, "sign-in")

    sign_in_as(page, console, "Admin@Example.com")  # the allow-list ignores case
    expect(page.get_by_role("heading", name="Email console")).to_be_visible()  # the overview
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Admin@Example.com")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Provider settings")).to_be_visible()

    sign_out(page, console)
    page.goto(f"{console}/provider")  # the cookie is gone: a tenant page asks for sign-in again
    sign_in_page(page)
    expect(page.get_by_role("heading", name="Provider settings")).to_have_count(0)


def test_someone_not_on_the_list_is_refused(console: str, page: Page) -> None:
    sign_in_as(page, console, "mallory@example.com")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("mallory@example.com")).to_be_visible()
    shoot(page, "not-allowed")
    # Nothing of the tenant: no overview, no navigation, no backend badge; a tenant page's URL changes nothing.
    expect(page.get_by_role("heading", name="Email console")).to_have_count(0)
    expect(page.get_by_role("link", name="Provider settings")).to_have_count(0)
    expect(page.get_by_text("Backend", exact=True)).to_have_count(0)
    page.goto(f"{console}/provider")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("heading", name="Provider settings")).to_have_count(0)

    sign_out(page, console)


def test_without_sign_in_a_console_on_every_interface_shows_no_tenant(
    tmp_path_factory: pytest.TempPathFactory, page: Page
) -> None:
    running = start_console(tmp_path_factory, address="0.0.0.0", secrets_text="console_tests = true\n")
    try:
        page.goto(running.url)
        expect(page.get_by_role("heading", name="Sign-in is not configured")).to_be_visible()
        expect(page.get_by_text("--server.address 127.0.0.1")).to_be_visible()
        page.goto(f"{running.url}/provider")
        expect(page.get_by_role("heading", name="Sign-in is not configured")).to_be_visible()
        expect(page.get_by_role("heading", name="Provider settings")).to_have_count(0)
        shoot(page, "sign-in-not-configured")
        assert not running.data_dir.exists()  # the embedded service never started
    finally:
        stop_process(running.process)
