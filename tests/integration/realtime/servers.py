"""Several Cadence web processes on one database, started in parallel (imports are slow on
a loaded machine, so starting them one after another would double the wait)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from cadence.migrate import upgrade
from tests.live import free_port


@contextmanager
def web_processes(
    tmp: Path, count: int, *, database_url: str, extra_env: dict[str, str], timeout: float = 120
) -> Iterator[list[str]]:
    upgrade(database_url)
    with ExitStack() as stack:
        procs: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        for i in range(count):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {
                **os.environ,
                "CADENCE_DATABASE_URL": database_url,
                "CADENCE_ENV": "test",
                "CADENCE_BASE_URL": base,
                "CADENCE_LOG_LEVEL": "WARNING",
                **extra_env,
            }
            log_path = tmp / f"server{i}.log"
            log = stack.enter_context(log_path.open("wb"))
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
            stack.callback(_stop, proc)
            procs.append((base, proc, log_path))
        deadline = time.monotonic() + timeout
        for base, proc, log_path in procs:
            while not _up(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()[-3000:])
                time.sleep(0.2)
        yield [base for base, _, _ in procs]


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
