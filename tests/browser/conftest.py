"""Debian's headless Chromium, driven by Playwright: one browser per module, a fresh profile per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.support import CHROMIUM_FLAGS, embedded_console


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile per test: no cookie or session state carries over."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)  # a loaded machine renders slower than Playwright's default 5 s
    yield opened
    context.close()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`streamlit run console_app.py` on the embedded default, on a free port with a fresh data dir, one per test
    module: its URL and the data dir."""
    with embedded_console(tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def embedded_url(embedded: tuple[str, Path]) -> str:
    """The URL of the module's console on the embedded default (``embedded``)."""
    return embedded[0]
