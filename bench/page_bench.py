"""How long each page's script run takes, measured with Streamlit's AppTest against a real embedded service.

    .venv/bin/python bench/page_bench.py [--language zh-CN] [--app OTHER_CHECKOUT/console_app.py]

For each page: its first run in a connected session (fetching from the backend), the median over FIRST_VISITS new
sessions, and the median of the reruns that follow (what an administrator waits for after each interaction), in
milliseconds. The process's very first visit of each page (imports, the engines' first compiles: the cost of
starting, see startup_bench.py) is printed apart. ``--app`` times another checkout's
console (an earlier commit's, for a before/after comparison in the same run of the machine); ``--language`` opens
the sessions in that language.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mailconsole.service.embedded import start_service
from mailconsole.service.settings import ServiceSettings

APP = str(Path(__file__).resolve().parents[1] / "console_app.py")
PAGES = {
    "/": None,
    "/provider": "app_pages/provider.py",
    "/templates": "app_pages/templates.py",
    "/send-test": "app_pages/send_test.py",
    "/gallery": "app_pages/gallery.py",
    "/outbox": "app_pages/outbox.py",
    "/audit": "app_pages/audit.py",
}
RERUNS = 40  # a rerun takes 5-60 ms: fewer left medians that moved by 10% between runs
# A single first visit moved by 25% between runs (the gallery's: 113 against 141 ms, of one build), with what the
# pages visited before it had warmed; the median of a few new sessions did not.
FIRST_VISITS = 5


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    assert not at.exception, at.exception
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default=APP, help="the console_app.py to time")
    parser.add_argument("--language", help="zh-CN or en-US (default: the console's, English)")
    options = parser.parse_args()
    service = start_service(ServiceSettings(data_dir=Path(tempfile.mkdtemp(prefix="page-bench-"))))
    os.environ.update(
        MAILCONSOLE_API_HOST=service.base_url,
        MAILCONSOLE_USERPOOL_ID=service.userpool.id,
        MAILCONSOLE_USERPOOL_SECRET=service.userpool.secret,
        MAILCONSOLE_APP_ID=service.userpool.app_id,
        MAILCONSOLE_APP_HOST=service.base_url,
    )
    try:
        for url, page in PAGES.items():
            firsts = []
            for _ in range(FIRST_VISITS + 1):
                at = AppTest.from_file(str(Path(options.app).resolve()), default_timeout=60)
                at.secrets = {"bench": True}
                if options.language:
                    at.session_state["mc.language"] = options.language
                at.run()
                if page is not None:
                    at.switch_page(page)
                firsts.append(timed_run(at))
            reruns = [timed_run(at) for _ in range(RERUNS)]
            print(
                f"{url:<11} first visit {statistics.median(firsts[1:]):7.1f} ms (the process's first "
                f"{firsts[0]:6.1f})   rerun median {statistics.median(reruns):7.1f} ms"
            )
    finally:
        service.stop()


if __name__ == "__main__":
    main()
