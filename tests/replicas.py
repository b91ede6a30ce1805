"""Replicas of ``mailconsole serve`` as an operator runs them: separate processes on one PostgreSQL database, each
on its own port, with the same sealing key and user pool; the test plays the load balancer (round-robin)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import free_port

SECRET_KEY = "replicas' shared sealing key, from a vault"
USERPOOL_ID = "65a1b2c3d4e5f60718293a4b"
USERPOOL_SECRET = "replica-pool-Secret-5521"
APP_ID = "65a1b2c3d4e5f60718293a4c"


@dataclass
class Replica:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def start_replica(database_url: str, data_dir: Path, log: Path, **environment: str) -> Replica:
    """One ``mailconsole serve`` process; returns once /local/v1/ready answers 200."""
    port = free_port()
    env = os.environ | {
        "MAILCONSOLE_SECRET_KEY": SECRET_KEY,
        "MAILCONSOLE_USERPOOL_ID": USERPOOL_ID,
        "MAILCONSOLE_USERPOOL_SECRET": USERPOOL_SECRET,
        "MAILCONSOLE_APP_ID": APP_ID,
        **environment,
    }
    command = [sys.executable, "-m", "mailconsole", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "--database-url", database_url], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    replica = Replica(port, process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"replica exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{replica.base_url}/local/v1/ready", timeout=2).status_code == 200:
                return replica
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            replica.kill()
            raise RuntimeError(f"replica did not become ready; see {log}")
        time.sleep(0.2)


@dataclass
class Replicas:
    """Several replicas and a round-robin over them (each call goes to the next replica)."""

    members: list[Replica]
    _turn: itertools.cycle[int] = field(init=False)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(range(len(self.members)))

    def next(self) -> Replica:
        return self.members[next(self._turn)]

    def alive(self) -> list[Replica]:
        return [replica for replica in self.members if replica.process.poll() is None]

    def stop(self) -> None:
        for replica in self.alive():
            replica.process.terminate()
        for replica in self.members:
            replica.process.wait(timeout=15)


def start_replicas(count: int, database_url: str, root: Path, **environment: str) -> Replicas:
    members = [
        start_replica(database_url, root / f"replica-{number}", root / f"replica-{number}.log", **environment)
        for number in range(count)
    ]
    return Replicas(members)
