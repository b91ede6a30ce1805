"""The service under runaway templates: how fast it answers others while eight renders run into the deadline.

    .venv/bin/python bench/runaway_bench.py

Starts `mailconsole serve` (its own process, a fresh data dir) and, as the reference, a bare uvicorn app that
answers a fixed JSON reply. Saves a login template that backtracks for ever (an EJS regular expression) for the
attacker's addresses only, then measures, in milliseconds, `get-email-provider` and a preview of a normal
template: idle, while eight anonymous sends of the runaway template run at once, and afterwards; then whether a
ninth send of it is refused without running (quarantined). Prints the worker processes and the memory (RSS) of the
service's process tree before and after, and the ratio of the service's answers under attack to the bare server's
idle answer.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from mailconsole import ManagementClient

RUNAWAY = "<%= user_email.indexOf('mallory') === 0 ? /^(a+)+$/.test('a'.repeat(40) + 'b') : 'ok' %>"
NORMAL = {"type": "LOGIN_VERIFY_CODE", "content": "<p>Your code: {{verify_code}}</p>", "tpl_engine": "handlebar"}
BARE_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def reply(request):
    return JSONResponse({"statusCode": 200, "message": "", "data": {"enabled": False}})
uvicorn.run(Starlette(routes=[Route("/api/v3/get-email-provider", reply, methods=["GET"])]),
            host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def main() -> None:
    port, bare_port = free_port(), free_port()
    env = {
        **os.environ,
        "MAILCONSOLE_DATA_DIR": tempfile.mkdtemp(prefix="runaway-bench-"),
        "MAILCONSOLE_USERPOOL_ID": "bench-pool",
        "MAILCONSOLE_USERPOOL_SECRET": "bench-secret-0123456789",
        "MAILCONSOLE_APP_ID": "bench-app",
    }
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    service = subprocess.Popen([sys.executable, "-m", "mailconsole", "serve", "--port", str(port)], env=env, **quiet)
    bare = subprocess.Popen([sys.executable, "-c", BARE_APP, str(bare_port)], **quiet)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/api/v3/get-management-token", method="POST")
        wait_for(f"http://127.0.0.1:{bare_port}/api/v3/get-email-provider")
        with ManagementClient(base, "bench-pool", "bench-secret-0123456789") as client, httpx.Client() as http:
            report(client, http, base, service.pid, f"http://127.0.0.1:{bare_port}/api/v3/get-email-provider")
    finally:
        for process in (service, bare):
            process.terminate()
            process.wait(10)


def report(client: ManagementClient, http: httpx.Client, base: str, service_pid: int, bare_url: str) -> None:
    client.update_email_template(
        type="LOGIN_VERIFY_CODE", customize_enabled=True, name="Login", subject="Code", sender="Acme",
        content=RUNAWAY, tpl_engine="ejs",
    )  # fmt: skip
    provider = client.get_email_provider
    preview: Callable[[], object] = lambda: client.preview_email_template(**NORMAL)  # noqa: E731
    bare_idle = timings(lambda: http.get(bare_url).raise_for_status(), 50)
    idle = {"get-email-provider": timings(provider, 50), "preview": timings(preview, 50)}
    before = tree(service_pid)

    storm: dict[str, list[float]] = {"get-email-provider": [], "preview": []}
    sends = [threading.Thread(target=send_runaway, args=(http, base, index)) for index in range(8)]
    started = time.monotonic()
    for thread in sends:
        thread.start()
    time.sleep(0.2)
    while any(thread.is_alive() for thread in sends):
        storm["get-email-provider"] += timings(provider, 1)
        storm["preview"] += timings(preview, 1)
        if os.environ.get("DEBUG_BENCH") and storm["preview"][-1] > 100:
            print("slow preview at", time.monotonic() - started, storm["preview"][-1])
    storm_seconds = time.monotonic() - started
    started = time.perf_counter()
    quarantined = "refused without running" in send_runaway(http, base, len(sends))
    ninth_ms = (time.perf_counter() - started) * 1000
    after = {"get-email-provider": timings(provider, 50), "preview": timings(preview, 50)}
    later = tree(service_pid)

    print(f"bare server, idle: median {statistics.median(bare_idle):.1f} ms, max {max(bare_idle):.1f} ms")
    print(f"8 runaway sends at once, all refused after {storm_seconds:.2f} s (deadline 2 s)")
    ninth = "refused without running (quarantined)" if quarantined else "NOT quarantined"
    print(f"a ninth send of the template afterwards: {ninth}, in {ninth_ms:.1f} ms")
    print(f"{'ms':24} {'idle':>16} {'under attack':>16} {'after':>16} {'attack/bare':>12}")
    for name in idle:
        cells = [f"{statistics.median(run):6.1f} / {max(run):6.1f}" for run in (idle[name], storm[name], after[name])]
        ratio = statistics.median(storm[name]) / statistics.median(bare_idle)
        print(f"{name + ' (median / max)':24} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16} {ratio:11.1f}x")
    print(f"requests answered during the attack: {len(storm['get-email-provider']) + len(storm['preview'])}")
    for label, (processes, rss) in (("before", before), ("after", later)):
        print(f"service process tree {label}: {processes} processes, {rss / 1024:.0f} MB RSS")


def send_runaway(http: httpx.Client, base: str, index: int) -> str:
    """The service's refusal of a send of the runaway template, in English."""
    reply = http.post(
        f"{base}/api/v3/send-email",
        headers={"x-authing-app-id": "bench-app", "x-authing-lang": "en-US"},
        json={"channel": "CHANNEL_LOGIN", "email": f"mallory{index}@example.com"},
        timeout=30,
    ).json()
    assert reply["statusCode"] == 400 and "MAILCONSOLE_RENDER_TIMEOUT" in reply["message"], reply
    message: str = reply["message"]
    return message


def timings(action: Callable[[], object], count: int) -> list[float]:
    result = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        result.append((time.perf_counter() - started) * 1000)
    return result


def tree(pid: int) -> tuple[int, int]:
    """Processes and RSS (KB) of ``pid`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in stat.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields["PPid"])
        rss[child] = int(fields.get("VmRSS", "0 kB").split()[0])
    members = {pid}
    while grown := {child for child, parent in parents.items() if parent in members} - members:
        members |= grown
    return len(members), sum(rss.get(member, 0) for member in members)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, method: str = "GET") -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.request(method, url, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


if __name__ == "__main__":
    main()
