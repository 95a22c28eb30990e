"""A real Cadence server in a subprocess, on a free loopback port, for browser and fuzz tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from cadence.migrate import upgrade


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    tmp: Path,
    *,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    migrate: bool = True,
) -> Iterator[str]:
    """Migrate a database (unless it is already: Alembic cannot run in two threads at once),
    start uvicorn on it, yield the base URL, stop it afterwards."""
    url = database_url or f"sqlite+aiosqlite:///{tmp / 'live.db'}"
    if migrate:
        upgrade(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CADENCE_DATABASE_URL": url,
        "CADENCE_ENV": "test",
        "CADENCE_BASE_URL": base,
        "CADENCE_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "cadence.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core CI machine starts slowly
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "server.log").read_text()[-3000:])
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
