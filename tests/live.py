"""Real Cadence web processes in subprocesses, on free loopback ports.

One launcher for the browser, fuzz and multi-process tests and for the benchmarks in
`bench/`: a uvicorn process of `cadence.app:create_app` on a database, its output in a log
file, reported with its last lines when it fails to start.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from cadence.migrate import upgrade

KEEP_ALIVE_SECONDS = 30
"""How long the servers keep an idle connection: longer than any client here keeps one."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(
    log: Path, database_url: str, extra_env: dict[str, str], backlog: int | None
) -> tuple[str, subprocess.Popen[bytes]]:
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
    command = [sys.executable, "-m", "uvicorn", "cadence.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    # Idle connections outlive the clients' (httpx: 5 s), so a client never sends a request
    # on a connection the server is closing at that moment (seen as httpx.ReadError under
    # load, when uvicorn's default of 5 s raced httpx's).
    command += ["--timeout-keep-alive", str(KEEP_ALIVE_SECONDS)]
    if backlog is not None:
        command += ["--backlog", str(backlog)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return base, proc


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait_healthy(base: str, proc: subprocess.Popen[bytes], deadline: float, log: Path) -> None:
    """Wait until `base/healthz` answers 200; raise with the log's end if `proc` dies first
    or `deadline` (a `time.monotonic()` value) passes."""
    while not _up(base):
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log.is_file() else f"see {log}"
            raise RuntimeError(f"{base} did not start:\n{tail}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def web_processes(
    tmp: Path,
    count: int,
    *,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    migrate: bool = True,
    timeout: float = 120,
    backlog: int | None = None,
    pids: dict[str, int] | None = None,
) -> Iterator[list[str]]:
    """`count` web processes on one database; their base URLs.

    They start in parallel (imports take seconds on a loaded machine). `migrate=False` when
    the database is ready: Alembic cannot run in two threads at once. `timeout` is generous
    because a loaded 2-core CI machine starts slowly. `pids` receives each base URL's
    process id (the benchmarks read their CPU time from /proc).
    """
    if migrate:
        upgrade(database_url)
    with ExitStack() as stack:
        started: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        for i in range(count):
            log = tmp / f"server{i}.log"
            base, proc = _spawn(log, database_url, extra_env or {}, backlog)
            stack.callback(_stop, proc)
            started.append((base, proc, log))
            if pids is not None:
                pids[base] = proc.pid
        deadline = time.monotonic() + timeout
        for base, proc, log in started:
            wait_healthy(base, proc, deadline, log)
        yield [base for base, _, _ in started]


@contextmanager
def live_server(
    tmp: Path,
    *,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    migrate: bool = True,
) -> Iterator[str]:
    """One web process (on a new SQLite file unless a database is given); its base URL."""
    url = database_url or f"sqlite+aiosqlite:///{tmp / 'live.db'}"
    with web_processes(tmp, 1, database_url=url, extra_env=extra_env, migrate=migrate) as bases:
        yield bases[0]
