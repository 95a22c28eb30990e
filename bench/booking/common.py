"""What the booking benchmarks share: a database, real uvicorn processes, people, percentiles.

The servers are real `uvicorn cadence.app:create_app` processes on loopback ports, like a
deployment behind a load balancer; the load comes from one asyncio client process.
`CADENCE_ENV=test` only makes password hashing cheap (the setup registers many people);
the booking and page paths are the production ones.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.pg import scratch_database
from cadence.migrate import upgrade_url
from tests.live import free_port, wait_healthy, web_processes

PASSWORD = "correct horse battery"  # noqa: S105 - benchmark accounts
Headers = dict[str, str]
PIDS: dict[str, int] = {}  # base URL -> server process id, for CPU accounting


def cpu_seconds(bases: Sequence[str]) -> float:
    """CPU time (user + system) the server processes have used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for base in bases:
        fields = Path(f"/proc/{PIDS[base]}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextmanager
def database(kind: str, name: str) -> Iterator[str]:
    """A fresh, migrated database (PostgreSQL beside the test one, or a SQLite file)."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        asyncio.run(upgrade_url(url))
        yield url
        return
    with scratch_database(name, schema="migrations") as url:
        yield url


@contextmanager
def servers(url: str, processes: int) -> Iterator[list[str]]:
    """`processes` web processes on one (migrated) database, each on its own port."""
    folder = Path(tempfile.mkdtemp(prefix="cadence-bench-logs-"))
    with web_processes(
        folder, processes, database_url=url, migrate=False, timeout=180, backlog=4096, pids=PIDS
    ) as bases:
        yield bases
    print(f"server logs: {folder}", file=sys.stderr)


def client(base: str, connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(base_url=base, timeout=900, limits=limits)


async def person(c: httpx.AsyncClient, email: str) -> Headers:
    r = await c.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": email}
    )
    r.raise_for_status()
    r = await c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def people(clients: Sequence[httpx.AsyncClient], n: int, prefix: str) -> list[Headers]:
    gate = asyncio.Semaphore(10)

    async def one(i: int) -> Headers:
        async with gate:
            return await person(clients[i % len(clients)], f"{prefix}{i}@bench.example")

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def organiser(c: httpx.AsyncClient) -> tuple[Headers, str]:
    owner = await person(c, "owner@bench.example")
    r = await c.post("/api/v1/orgs", json={"name": "Bench", "timezone": "UTC"}, headers=owner)
    r.raise_for_status()
    return owner, str(r.json()["id"])


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


NGINX_CONF = """
{user}
worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_cache_path {folder}/cache keys_zone=pages:10m max_size=100m inactive=10m;
    upstream cadence {{ {upstreams} keepalive 64; }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            proxy_pass http://cadence;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # What the pages' headers allow: Cache-Control decides what is stored and for
            # how long (stale-while-revalidate included); signed-in visitors pass through.
            proxy_cache pages;
            proxy_cache_key $scheme$http_host$request_uri$http_hx_request;
            proxy_cache_bypass $cookie_cadence_session;
            proxy_no_cache $cookie_cadence_session;
            proxy_cache_lock on;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout;
            proxy_cache_revalidate on;
        }}
    }}
}}
"""


@contextmanager
def nginx_cache(bases: Sequence[str]) -> Iterator[str]:
    """nginx (Debian's package) with a proxy cache in front of the web processes."""
    folder = Path(tempfile.mkdtemp(prefix="cadence-bench-nginx-"))
    port = free_port()
    upstreams = " ".join(f"server {b.removeprefix('http://')};" for b in bases)
    conf = folder / "nginx.conf"
    # As root, nginx's workers would run as nobody, who cannot write the private folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, folder=folder, port=port, upstreams=upstreams))
    proc = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(conf), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, time.monotonic() + 30, folder / "error.log")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
