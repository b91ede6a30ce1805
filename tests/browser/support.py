"""What the browser tests share: starting `streamlit run console_app.py` (or another server) as a real process,
and reading the page the way an administrator does."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page, expect

from mailconsole.service.embedded import RunningService
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
# The flags this machine's closed network needs (no background fetches, no QUIC, no first-run pages).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def clean_env(**overrides: str) -> dict[str, str]:
    """This environment without the console's own settings, plus ``overrides``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAILCONSOLE_", "STREAMLIT_"))}
    return env | overrides


def console_command(port: int, *options: str, address: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "console_app.py",
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.fileWatcherType=none",  # the tree may change meanwhile: no "file changed" prompts
        "--browser.gatherUsageStats=false",
        *options,
    ]


def start_process(command: list[str], ready_url: str, log_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a server process and wait until ``ready_url`` answers 200; its output goes to ``log_path``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{command[2]} did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def console_for(service: RunningService, log_dir: Path) -> Iterator[str]:
    """`streamlit run console_app.py` on loopback without sign-in, configured (by environment) for ``service``;
    yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(
        MAILCONSOLE_API_HOST=service.base_url,
        MAILCONSOLE_USERPOOL_ID=service.userpool.id,
        MAILCONSOLE_USERPOOL_SECRET=service.userpool.secret,
    )
    process = start_process(console_command(port), f"{url}/_stcore/health", log_dir / "streamlit.log", env)
    try:
        yield url
    finally:
        stop_process(process)


@contextlib.contextmanager
def embedded_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`streamlit run console_app.py` on its embedded default with a fresh data dir; yields its URL and the dir."""
    data_dir = tmp_path_factory.mktemp("console-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_process(
        console_command(port),
        f"{url}/_stcore/health",
        tmp_path_factory.mktemp("console-log") / "streamlit.log",
        clean_env(MAILCONSOLE_DATA_DIR=str(data_dir)),
    )
    try:
        yield url, data_dir
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---- reading the page -----------------------------------------------------------------------------------------


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def shown_text(page: Page, text: str) -> Locator:
    """The first visible element with this text (hidden tabs and the data grid's off-screen copy hold it too)."""
    return page.get_by_text(text).filter(visible=True).first


def settle(page: Page) -> None:
    """Wait for the script run a widget change started to finish (Streamlit shows a status widget meanwhile)."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let iframes paint
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_layout(page: Page, name: str) -> None:
    """Click the editor's layout switch ``name`` as an admin does, once it is in view and the page is still: a click
    that Playwright makes right after scrolling the switch in, or while a run redraws it, can be lost (both happen
    in a browser, not in the console: the same click on a switch in view and at rest takes effect)."""
    switch = page.get_by_text(name, exact=True)
    switch.scroll_into_view_if_needed()
    settle(page)
    switch.click()
    settle(page)


def ace_editor(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title*='code_editor']").first


def wait_until(page: Page, condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        page.wait_for_timeout(200)


def mails_showing(page: Page, text: str) -> int:
    """How many mails on the page show ``text``: the sandboxed frames inside the console's preview frames."""
    count = 0
    for frame in page.frames:
        if frame.parent_frame is None or frame.parent_frame.parent_frame is None:
            continue
        with contextlib.suppress(PlaywrightError):  # the frame went away meanwhile (Streamlit replaced it)
            count += text in frame.content()
    return count
