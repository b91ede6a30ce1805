"""The console's frame and record pages in a real headless Chromium (issue 13): an unknown address says so, times
show in the browser's time zone, and a change made on a loopback console without sign-in is recorded as the local
administrator's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import (
    clean_env,
    console_command,
    shoot,
    shown_text,
    start_process,
    stop_process,
)
from tests.support import free_port

pytestmark = pytest.mark.browser

BROWSER_ZONE = "Asia/Shanghai"  # UTC+8 all year: a time shown in it differs from UTC by eight hours


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_process(
        console_command(port),
        f"{url}/_stcore/health",
        tmp_path_factory.mktemp("pages-log") / "streamlit.log",
        clean_env(MAILCONSOLE_DATA_DIR=str(tmp_path_factory.mktemp("pages-data"))),
    )
    yield url
    stop_process(process)


@pytest.fixture
def zoned_page(browser: Browser) -> Iterator[Page]:
    """A browser whose time zone is not UTC."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, timezone_id=BROWSER_ZONE)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def test_an_unknown_address_says_page_not_found(console: str, page: Page) -> None:
    page.goto(f"{console}/send_test")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(shown_text(page, "/send_test")).to_be_visible()
    expect(page.get_by_role("heading", name="Email console")).to_be_hidden()
    shoot(page, "page-not-found")
    page.get_by_role("link", name="Test sends").click()  # the right address is one click away
    expect(page.get_by_role("heading", name="Test sends")).to_be_visible()
