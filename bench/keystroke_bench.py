"""From a keystroke in the template editor to the changed live preview, in headless Chromium, for a ~22 KB template
or a built-in one.

    .venv/bin/python bench/keystroke_bench.py [--keystrokes N] [--engine handlebar|ejs] [--template big|builtin]

Starts ``streamlit run console_app.py`` on a free loopback port with the embedded service on a fresh data dir in a
temporary directory, opens the templates page in Debian's chromium (Playwright, as tests/browser does), loads the
~22 KB template of bench/engines_bench.py (built-ins in a row, with a marker ``keystroke:`` in its first body), or
with ``--template builtin`` the built-in welcome mail (about 3 KB) with that marker, into the Ace editor, and then,
N times, types one digit after the marker and waits until the mail in the preview frame shows it. A keystroke's time
runs from just before Playwright sends the key to the first poll of the preview that finds the change (a poll every
2 ms or so, plus the time to read the frame). The editor's pause after the last key before it sends the text
(components/code_editor.py: 10 ms; streamlit-ace's was 200 ms) is inside every figure. The first keystroke warms up
and is not counted.

Prints each time, the median and the spread (min, max) in milliseconds, and where the time goes: the moments after
the key, by the browser's clock, when the rerun request left, the run's first delta arrived, the delta with the
preview frame arrived, the run finished and the preview showed the key; and how many deltas (bytes) a keystroke
costs. The machine's load average is printed too: on a shared machine it moves the figures more than anything.
Measures only: the pages are not changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the worktree: tests/ and bench/ are importable

from bench.engines_bench import workload  # noqa: E402
from tests.browser.support import (  # noqa: E402
    CHROMIUM_FLAGS,
    ace_editor,
    clean_env,
    console_command,
    start_process,
    stop_process,
)
from tests.support import free_port  # noqa: E402

MARKER = "keystroke:"
KEYSTROKES = 9
TIMEOUT_S = 60.0
POLL_MS = 2


def builtin_template(engine: str) -> str:
    """The built-in welcome mail with the marker at the start of its body."""
    return _with_marker(workload()["builtins"][0]["hbs" if engine == "handlebar" else "ejs"])


def big_template(engine: str) -> str:
    """A ~22 KB template with the marker at the start of its first mail's body: for Handlebars the one of
    engines_bench (built-ins in a row); for EJS the welcome mail, the page's template, over and over (EJS stops at
    a name its sample context lacks, and each built-in has names of its own)."""
    work = workload()
    if engine == "handlebar":
        source: str = work["big"]["hbs"]
    else:
        welcome = work["builtins"][0]["ejs"]
        source = "\n".join([welcome] * round(len(work["big"]["hbs"]) / len(welcome)))
    return _with_marker(source)


def _with_marker(source: str) -> str:
    body = source.index("<body")
    opened = source.index(">", body) + 1
    return f"{source[:opened]}<p>{MARKER}</p>{source[opened:]}"


# Logs every websocket message with the browser's clock, in the page before Streamlit opens its socket.
_WIRE_LOG = """
window.__wire = [];
const now = () => performance.timeOrigin + performance.now();
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  window.__wire.push([now(), "sent", Array.from(new Uint8Array(data))]);
  return send.call(this, data);
};
const Socket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Socket(...args);
  socket.addEventListener("message", (event) => {  // Streamlit's socket takes ArrayBuffers
    window.__wire.push([now(), "received", Array.from(new Uint8Array(event.data))]);
  });
  return socket;
};
window.WebSocket.prototype = Socket.prototype;
Object.assign(window.WebSocket, Socket);
"""


class Wire:
    """When the page's websocket carried what, by the browser's clock, to split a keystroke's time: the rerun
    request the editor's value starts, the first delta of the run, the delta holding the preview frame, and the end
    of the run."""

    def __init__(self, page: Page) -> None:
        self.page = page
        page.add_init_script(_WIRE_LOG)

    def now(self) -> float:
        return float(self.page.evaluate("performance.timeOrigin + performance.now()"))

    def since(self, start: float) -> dict[str, float]:
        """The first moment of each kind after ``start`` (the browser's clock), in ms from it, and the deltas and their
        bytes since; forgets the log."""
        split: dict[str, float] = {"deltas": 0, "delta bytes": 0}
        for moment, direction, data in self.page.evaluate("window.__wire.splice(0)"):
            kind = _kind(direction, bytes(data))
            if moment >= start and kind in ("delta", "preview delta"):
                split["deltas"] += 1
                split["delta bytes"] += len(data)
            if moment >= start and kind and kind not in split:
                split[kind] = moment - start
        return split


def _kind(direction: str, payload: bytes) -> str:
    if direction == "sent":
        back = BackMsg()
        back.ParseFromString(payload)
        return "rerun sent" if back.WhichOneof("type") == "rerun_script" else ""
    forward = ForwardMsg()
    forward.ParseFromString(payload)
    kind = forward.WhichOneof("type")
    if kind == "delta":
        # The preview's document: in an st.iframe's srcdoc, or escaped in the JSON arguments of the live preview's frame
        return "preview delta" if b'id="mail"' in payload or b'id=\\"mail\\"' in payload else "delta"
    return "run finished" if kind == "script_finished" else ""


def preview_html(page: Page) -> str:
    """The mail in the sandboxed inner frame of the preview ("" while Streamlit replaces the frames)."""
    for frame in page.frames:
        if frame.parent_frame is not None and frame.parent_frame.parent_frame is not None:
            return _content(frame)
    return ""


def _content(frame: Frame) -> str:
    try:
        return frame.content()
    except PlaywrightError:  # the frame went away meanwhile
        return ""


def wait_for_preview(page: Page, text: str) -> float:
    """Poll the preview until it holds ``text``; the moment it first did, from time.perf_counter()."""
    deadline = time.monotonic() + TIMEOUT_S
    while text not in preview_html(page):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the preview did not show {text!r} within {TIMEOUT_S:.0f} s")
        page.wait_for_timeout(POLL_MS)  # Playwright's sync API learns of new frames only while it waits
    return time.perf_counter()


def load_template(page: Page, source: str) -> None:
    """Put ``source`` into the Ace editor, with the cursor right after the marker, and focus it."""
    editor = ace_editor(page).locator(".ace_editor").first
    editor.locator(".ace_content").click()
    editor.evaluate(
        """(element, args) => {
            const editor = (element.env && element.env.editor) || window.ace.edit(element);
            editor.setValue(args.source, -1);
            editor.find(args.marker);
            editor.clearSelection();
            editor.focus();
        }""",
        {"source": source, "marker": MARKER},
    )


def measure(url: str, source: str, engine: str, keystrokes: int) -> tuple[list[float], list[dict[str, float]]]:
    timings: list[float] = []
    splits: list[dict[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
        )
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        wire = Wire(page)
        page.set_default_timeout(TIMEOUT_S * 1000)
        page.goto(f"{url}/templates")
        page.get_by_role("heading", name="Templates").wait_for()
        ace_editor(page).locator(".ace_content").first.wait_for()
        wait_for_preview(page, "</body>")  # the first run is over: the editor keeps what it is given now
        if engine != "handlebar":
            page.get_by_text("EJS", exact=True).first.click()
            page.wait_for_timeout(1000)  # the run the switch starts draws the editor anew
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
        load_template(page, source)
        wait_for_preview(page, f"{MARKER}<")
        typed = ""
        for number in range(keystrokes + 1):
            page.wait_for_timeout(500)  # let the last run settle, as between real keystrokes
            digit = str((number + 1) % 10)
            typed += digit
            wire.since(float("inf"))  # forget what came before
            browser_start = wire.now()
            start = time.perf_counter()
            page.keyboard.type(digit)
            shown = wait_for_preview(page, f"{MARKER}{typed}<")
            browser_shown = wire.now()
            if number:  # the first one warms up
                timings.append((shown - start) * 1000)
                splits.append(wire.since(browser_start) | {"preview shown": browser_shown - browser_start})
        browser.close()
    return timings, splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keystrokes", type=int, default=KEYSTROKES)
    parser.add_argument("--engine", choices=["handlebar", "ejs"], default="handlebar")
    parser.add_argument("--template", choices=["big", "builtin"], default="big")
    options = parser.parse_args()
    source = (big_template if options.template == "big" else builtin_template)(options.engine)
    if shutil.which("chromium") is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="keystroke-bench-") as scratch:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_process(
            console_command(port),
            f"{url}/_stcore/health",
            Path(scratch) / "streamlit.log",
            clean_env(MAILCONSOLE_DATA_DIR=str(Path(scratch) / "data")),
        )
        try:
            timings, splits = measure(url, source, options.engine, options.keystrokes)
        finally:
            stop_process(process)
    size = len(source.encode()) / 1024
    print(f"keystroke to changed preview, {options.engine} template of {size:.0f} KB, headless Chromium, ms")
    print("each:   " + " ".join(f"{timing:.0f}" for timing in timings))
    print(
        f"median: {statistics.median(timings):.0f}  min: {min(timings):.0f}  max: {max(timings):.0f}  "
        f"(n={len(timings)}; load average {os.getloadavg()[0]:.1f})"
    )
    print("medians: moments in ms after the key (the browser's clock), and deltas and bytes per keystroke")
    for kind in ("rerun sent", "delta", "preview delta", "run finished", "preview shown", "deltas", "delta bytes"):
        moments = [split[kind] for split in splits if kind in split]
        if moments:
            print(f"  {kind:14} {statistics.median(moments):5.0f}  (n={len(moments)})")


if __name__ == "__main__":
    main()
