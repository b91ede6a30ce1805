"""How long the review gallery takes for the 15 built-in templates (render and lint of each mail), and in
headless Chromium how long until an administrator sees all 15.

    .venv/bin/python bench/gallery_bench.py [--rounds N] [--no-browser]

Library (``render_gallery``): the first gallery of a process (the pool starts its zygote and workers), then into an
empty cache with 1, the default (one per core) and 8 mails at once, another profile (mails render again, their
findings are kept) and an unchanged gallery (all from the cache).
Browser: a fresh `streamlit run console_app.py` on an empty data dir; from opening /gallery until the 15 mails show,
from choosing another profile until the 15 show it, and from choosing the first profile again (from the cache)
until they show it. Prints milliseconds; medians of the rounds where there are several.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the worktree: tests/ and bench/ are importable

from mailconsole.console import gallery  # noqa: E402
from mailconsole.console.drafts import Drafts  # noqa: E402
from mailconsole.console.gallery import MailCache, gallery_entries, render_gallery  # noqa: E402
from mailconsole.rendering.profiles import SampleProfile  # noqa: E402
from mailconsole.service.defaults import default_templates  # noqa: E402
from tests.browser.support import CHROMIUM_FLAGS, clean_env, console_command, mails_showing, stop_process  # noqa: E402
from tests.support import free_port  # noqa: E402

ROUNDS = 5
TIMEOUT_S = 60


def median_ms(action: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def library(rounds: int) -> dict[str, float]:
    templates = {str(template.type): template for template in default_templates()}
    entries = gallery_entries(templates, Drafts())
    profiles = list(SampleProfile)
    figures = {"first": render_gallery(entries, SampleProfile.DEFAULT, MailCache()).seconds * 1000}
    counter = iter(range(1_000_000))

    def fresh() -> None:  # another profile each time, into an empty cache: every mail renders
        result = render_gallery(entries, profiles[next(counter) % len(profiles)], MailCache())
        assert result.rendered == 15 and all(card.preview.ok for card in result.cards)

    parallel = gallery.PARALLEL_RENDERS
    for threads in (1, parallel, 8):
        gallery.PARALLEL_RENDERS = threads
        figures[f"{threads} at once"] = median_ms(fresh, rounds)
    gallery.PARALLEL_RENDERS = parallel
    cache = MailCache()
    render_gallery(entries, SampleProfile.DEFAULT, cache)
    figures["unchanged"] = median_ms(lambda: render_gallery(entries, SampleProfile.DEFAULT, cache), rounds)
    switches = iter(profiles[1:] * rounds)
    figures["another profile"] = median_ms(lambda: render_gallery(entries, next(switches), cache), rounds)
    return figures


def wait_for_mails(page: Page, text: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while mails_showing(page, text) < 15:
        if time.monotonic() > deadline:
            raise TimeoutError(f"15 mails did not show {text!r}")
        page.wait_for_timeout(20)


def choose_profile(page: Page, label: str, shows: str) -> float:
    start = time.perf_counter()
    page.get_by_role("combobox", name="Sample profile").click()
    page.get_by_role("option", name=label).click()
    wait_for_mails(page, shows)
    return (time.perf_counter() - start) * 1000


def browser() -> dict[str, float]:
    import httpx

    figures: dict[str, float] = {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="gallery-bench-") as scratch:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
        )
        page = chromium.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = clean_env(MAILCONSOLE_DATA_DIR=str(Path(scratch) / "data"))
        with (Path(scratch) / "streamlit.log").open("wb") as log:
            process = subprocess.Popen(console_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            page.goto(url)  # the first page of a session warms the console up; not counted
            page.get_by_role("heading", name="Email console").wait_for()
            start = time.perf_counter()
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Gallery").click()
            wait_for_mails(page, "Alice Chen")
            figures["gallery page"] = (time.perf_counter() - start) * 1000
            figures["another profile"] = choose_profile(page, "Chinese text", "陈爱丽")
            figures["back (cached)"] = choose_profile(page, "Default", "Alice Chen")
            # The resolution of the figures above: one look at the 15 frames.
            figures["one check"] = median_ms(lambda: mails_showing(page, "Alice Chen"), 5)
        finally:
            stop_process(process)
            chromium.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--no-browser", action="store_true")
    options = parser.parse_args()
    figures = library(options.rounds)
    print(f"gallery of 15, first in the process (pool starting)     {figures['first']:6.0f} ms")
    for threads in dict.fromkeys((1, gallery.PARALLEL_RENDERS, 8)):
        label = f"{threads} at once" + (" (default)" if threads == gallery.PARALLEL_RENDERS else "")
        print(f"gallery of 15, empty cache, {label:<28}{figures[f'{threads} at once']:6.0f} ms")
    print(f"gallery of 15, another profile (findings kept)          {figures['another profile']:6.0f} ms")
    print(f"gallery of 15, unchanged (all from the cache)           {figures['unchanged']:6.1f} ms")
    if options.no_browser:
        return
    if shutil.which("chromium") is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium")
    shown = browser()
    print(f"browser: /gallery until 15 mails show                 {shown['gallery page']:6.0f} ms")
    print(f"browser: another profile until 15 mails show it       {shown['another profile']:6.0f} ms")
    print(f"browser: back to the first profile (cached)           {shown['back (cached)']:6.0f} ms")
    print(f"browser: one look at the 15 frames (the resolution)   {shown['one check']:6.0f} ms")


if __name__ == "__main__":
    main()
