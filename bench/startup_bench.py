"""How long a fresh start takes: `streamlit run console_app.py` on an empty data dir, until the server answers its
health check and until Chromium shows the overview page (the embedded service started and connected).

    .venv/bin/python bench/startup_bench.py

Needs Debian's chromium. Prints seconds from the launch of the process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8766


def main() -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MAILCONSOLE_")}
    env["MAILCONSOLE_DATA_DIR"] = tempfile.mkdtemp(prefix="startup-bench-")
    command = [sys.executable, "-m", "streamlit", "run", "console_app.py", "--server.headless=true"]
    command += [f"--server.port={PORT}", "--server.address=127.0.0.1"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        healthy = time.perf_counter() - start
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{PORT}/")
            page.get_by_role("heading", name="Email console").wait_for(timeout=30_000)
            page.get_by_text("Built-in mail service").first.wait_for(timeout=30_000)
            ready = time.perf_counter() - start
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    print(f"health check answers after   {healthy:5.2f} s")
    print(f"overview page ready after    {ready:5.2f} s  (browser launch included)")


if __name__ == "__main__":
    main()
