"""`mailconsole serve` as an operator runs it: a separate process, credentials printed, the API on the port."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mailconsole import ManagementClient
from tests.support import free_port


def test_serve_prints_credentials_and_serves_the_api(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mailconsole", "serve", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(5))
        userpool_id = re.search(r"user pool id\s+(\S+)", banner)
        secret = re.search(r"user pool secret\s+(\S+)", banner)
        assert userpool_id and secret and re.search(r"app id\s+\S+", banner), banner
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.1)
        with ManagementClient(f"http://127.0.0.1:{port}", userpool_id[1], secret[1]) as client:
            assert client.get_email_provider().enabled is False
        assert (tmp_path / "mailconsole.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
