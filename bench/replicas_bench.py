"""Throughput of the email service on SQLite and on PostgreSQL with 1, 2 and 3 replicas (`mailconsole serve`
processes behind the bench's round-robin): send-email per second (to the built-in outbox) and get-email-provider
per second, with the CPU each request cost (replicas and PostgreSQL together) and a check that every acknowledged
send is in the outbox exactly once.

    PYTHONPATH=$PWD .venv/bin/python bench/replicas_bench.py [seconds per run, default 6] [concurrency, default 8]

Needs Debian's postgresql (a throwaway cluster is started in /tmp and removed). The load generator is one asyncio
process on the same machine: its own CPU is not counted in the cost per request, but it shares the cores.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.postgres import ThrowawayPostgres, postgres_bin
from tests.replicas import APP_ID, USERPOOL_ID, USERPOOL_SECRET, Replicas, start_replicas

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # utime stime cutime cstime
    return total / TICKS


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (the replicas' render workers, PostgreSQL's backends)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


async def run_load(
    replicas: Replicas,
    seconds: float,
    concurrency: int,
    request: Callable[[httpx.AsyncClient, str], Coroutine[Any, Any, bool]],
) -> tuple[int, int, float]:
    """(succeeded, failed, elapsed): ``concurrency`` workers, each call to the next replica in turn."""
    urls = itertools.cycle([replica.base_url for replica in replicas.members])
    ok = failed = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency * 3)) as http:

        async def worker() -> None:
            nonlocal ok, failed
            while time.perf_counter() < deadline:
                if await request(http, next(urls)):
                    ok += 1
                else:
                    failed += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed, time.perf_counter() - started


def token(base_url: str) -> str:
    reply = httpx.post(
        f"{base_url}/api/v3/get-management-token",
        json={"accessKeyId": USERPOOL_ID, "accessKeySecret": USERPOOL_SECRET},
    ).json()
    return str(reply["data"]["access_token"])


def outbox_count(database_url: str) -> tuple[int, int]:
    """(rows, distinct recipients) of the outbox."""
    sql = "SELECT COUNT(*), COUNT(DISTINCT message) FROM outbox"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            rows, distinct = db.execute(sql).fetchone()
        db.close()
        return int(rows), int(distinct)
    with psycopg.connect(database_url) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def measure(
    name: str, database_url: str, count: int, root: Path, seconds: float, concurrency: int, pg_pid: int | None
) -> None:
    replicas = start_replicas(count, database_url, root)
    try:
        bearer = {"authorization": f"Bearer {token(replicas.members[0].base_url)}"}
        acknowledged: set[str] = set()

        async def send(http: httpx.AsyncClient, url: str) -> bool:
            email = f"{uuid.uuid4().hex}@bench.example"
            reply = await http.post(
                f"{url}/api/v3/send-email",
                json={"channel": "CHANNEL_LOGIN", "email": email},
                headers={"x-authing-app-id": APP_ID},
            )
            if reply.json().get("statusCode") == 200:
                acknowledged.add(email)
                return True
            return False

        async def read(http: httpx.AsyncClient, url: str) -> bool:
            reply = await http.get(f"{url}/api/v3/get-email-provider", headers=bearer)
            return bool(reply.json().get("statusCode") == 200)

        for label, request in (("send-email", send), ("get-email-provider", read)):
            pids = [pid for replica in replicas.members for pid in descendants(replica.process.pid)]
            pids += descendants(pg_pid) if pg_pid else []
            cpu_before, client_before = cpu_seconds(pids), time.process_time()
            ok, failed, elapsed = asyncio.run(run_load(replicas, seconds, concurrency, request))
            client = (time.process_time() - client_before) / max(ok, 1) * 1000
            pids = [pid for replica in replicas.members for pid in descendants(replica.process.pid)]
            pids += descendants(pg_pid) if pg_pid else []
            cost = (cpu_seconds(pids) - cpu_before) / max(ok, 1) * 1000
            print(
                f"{name:<24} {label:<20} {ok / elapsed:7.1f}/s  {cost:6.2f} ms CPU/request "
                f"(load generator {client:.2f} ms)  failed {failed}",
                flush=True,
            )
        rows, distinct = outbox_count(database_url)
        verdict = "ok" if rows == distinct == len(acknowledged) else "MISMATCH"
        print(
            f"{name:<24} outbox {rows} rows, {distinct} distinct, {len(acknowledged)} acknowledged: {verdict}",
            flush=True,
        )
    finally:
        replicas.stop()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise SystemExit("Install Debian's postgresql first (apt-get install postgresql).")
    server = ThrowawayPostgres(bin_dir)
    pg_pid = int((server.data / "postmaster.pid").read_text().split()[0])
    print(f"{os.cpu_count()} cores, {seconds:g} s per run, {concurrency} concurrent requests", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="replicas-bench-") as temp:
            root = Path(temp)
            sqlite_url = f"sqlite:///{root / 'sqlite' / 'mailconsole.sqlite3'}"
            (root / "sqlite").mkdir()
            measure("sqlite, 1 replica", sqlite_url, 1, root / "sqlite", seconds, concurrency, None)
            for count in (1, 2, 3):
                url = server.new_database()
                (root / f"pg{count}").mkdir()
                measure(
                    f"postgresql, {count} replica(s)", url, count, root / f"pg{count}", seconds, concurrency, pg_pid
                )
    finally:
        server.remove()


if __name__ == "__main__":
    main()
