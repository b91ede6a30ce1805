"""What an administrator waits for in headless Chromium, on a fresh start of `streamlit run console_app.py` with the
embedded service on an empty data dir: the first full page after the server answers, the templates page, and
switching from one template to another.

    .venv/bin/python bench/browser_pages_bench.py [--switches N]

Chromium is launched before the console, so its start-up is not counted. "First full page": from the request of
/ (just after the health check answers) until the overview shows the provider state and no script runs any more.
"Templates page": from the click on its link until the editor and the rendered preview show. "Switch": from
choosing another template in the picker until its heading and its own mail in the preview show (a different
template each time). Prints milliseconds (seconds for the start).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the worktree: tests/ and bench/ are importable

from bench.keystroke_bench import preview_html  # noqa: E402
from mailconsole.catalog import TEMPLATE_TITLES  # noqa: E402
from tests.browser.support import CHROMIUM_FLAGS, ace_editor, clean_env, console_command, stop_process  # noqa: E402
from tests.support import free_port  # noqa: E402

SWITCHES = 6
TIMEOUT_MS = 60_000


def wait_until_idle(page: Page) -> None:
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")


def wait_for_preview_change(page: Page, before: str) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (shown := preview_html(page)) == before or "</body>" not in shown:
        if time.monotonic() > deadline:
            raise TimeoutError("the preview did not change")
        page.wait_for_timeout(2)


def measure(switches: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"health": [], "first page": [], "templates page": [], "switch": []}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="pages-bench-") as scratch:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
        )
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        import subprocess

        import httpx

        env = clean_env(MAILCONSOLE_DATA_DIR=str(Path(scratch) / "data"))
        start = time.perf_counter()
        with (Path(scratch) / "streamlit.log").open("wb") as log:
            process = subprocess.Popen(console_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            answered = time.perf_counter()
            figures["health"].append(answered - start)
            page.goto(url)
            expect(page.get_by_role("heading", name="Email console")).to_be_visible()
            page.get_by_text("Who sends this tenant's mail").first.wait_for()
            wait_until_idle(page)
            figures["first page"].append(time.perf_counter() - answered)

            clicked = time.perf_counter()
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Templates").click()
            ace_editor(page).locator(".ace_content").first.wait_for()
            wait_for_preview_change(page, "")
            wait_until_idle(page)
            figures["templates page"].append((time.perf_counter() - clicked) * 1000)

            kinds = list(TEMPLATE_TITLES.items())
            for number in range(switches + 1):
                kind, title = kinds[(number + 1) % len(kinds)]
                page.wait_for_timeout(500)
                before = preview_html(page)
                chosen = time.perf_counter()
                page.get_by_role("combobox", name="Template").click()
                page.get_by_role("option").filter(has_text=f"· {kind.value}").first.click()  # labels end with the type
                page.get_by_role("heading", name=title, exact=True).wait_for()
                wait_for_preview_change(page, before)
                wait_until_idle(page)
                if number:  # the first one warms up
                    figures["switch"].append((time.perf_counter() - chosen) * 1000)
        finally:
            stop_process(process)
            browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=SWITCHES)
    options = parser.parse_args()
    if shutil.which("chromium") is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium")
    figures = measure(options.switches)
    print(f"health check answers after launch   {figures['health'][0]:5.2f} s")
    print(f"first full page after that          {figures['first page'][0]:5.2f} s")
    print(f"templates page after its link       {figures['templates page'][0]:5.0f} ms")
    switch = figures["switch"]
    print(
        f"switching templates, ms             median {statistics.median(switch):.0f}  min {min(switch):.0f}  "
        f"max {max(switch):.0f}  (n={len(switch)}): " + " ".join(f"{value:.0f}" for value in switch)
    )


if __name__ == "__main__":
    main()
