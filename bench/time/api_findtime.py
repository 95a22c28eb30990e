"""Find-a-time through the HTTP API, end to end (SQLite, in-process ASGI): N people, each
with a weekly pattern, exceptions and an imported calendar; median and p95 of the request.

    .venv/bin/python -m bench.time.api_findtime [people] [repeats] [--profile]

With `--profile`, the warm requests also run under cProfile and the top functions by
cumulative time are printed (where the time of a request goes).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from cadence.app import create_app
from cadence.migrate import upgrade_url
from cadence.settings import Settings

PASSWORD = "correct horse battery"  # noqa: S105 - a benchmark account


def _ics(i: int) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}-{k}@bench\r\nDTSTAMP:20270101T000000Z\r\n"
        f"DTSTART:2027030{1 + k % 7}T{8 + k % 10:02d}{(k * 15) % 60:02d}00Z\r\n"
        f"DTEND:2027030{1 + k % 7}T{9 + k % 10:02d}{(k * 15) % 60:02d}00Z\r\n"
        f"RRULE:FREQ=WEEKLY;COUNT=13\r\nSUMMARY:busy {k}\r\nEND:VEVENT\r\n"
        for k in range(16)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n{events}END:VCALENDAR\r\n"


async def main(n: int, repeats: int, profile: bool = False) -> None:
    # BENCH_DB=path keeps the populated database for the next run (setup takes minutes).
    kept = os.environ.get("BENCH_DB")
    path = Path(kept) if kept else Path(tempfile.mkdtemp()) / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    reuse = path.exists()
    await upgrade_url(url)
    app = create_app(Settings(env="test", database_url=url, log_level="WARNING"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            if reuse:
                org, ids, tokens = await _existing(c, path)
            else:
                org, ids, tokens = await _populate(c, n)
            await _measure(c, org, ids, tokens, n, repeats, profile)


async def _existing(
    c: httpx.AsyncClient, path: Path
) -> tuple[str, list[str], list[dict[str, str]]]:
    with sqlite3.connect(path) as db:
        org = db.execute("SELECT id FROM organisations").fetchone()[0]
        ids = [
            r[0]
            for r in db.execute(
                "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id "
                "ORDER BY CAST(substr(u.email, 2, instr(u.email, '@') - 2) AS INTEGER)"
            )
        ]
    r = await c.post("/api/v1/auth/login", json={"email": "p0@bench.example", "password": PASSWORD})
    return org, ids, [{"Authorization": f"Bearer {r.json()['access_token']}"}]


async def _populate(c: httpx.AsyncClient, n: int) -> tuple[str, list[str], list[dict[str, str]]]:
    tokens, ids = [], []
    for i in range(n):
        email = f"p{i}@bench.example"
        r = await c.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": f"P{i}"},
        )
        ids.append(r.json()["id"])
        r = await c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        tokens.append({"Authorization": f"Bearer {r.json()['access_token']}"})
    r = await c.post(
        "/api/v1/orgs",
        json={"name": "Bench", "timezone": "Europe/London"},
        headers=tokens[0],
    )
    org = r.json()["id"]
    for i in range(1, n):
        r = await c.post(
            f"/api/v1/orgs/{org}/invitations",
            json={"email": f"p{i}@bench.example", "role": "member"},
            headers=tokens[0],
        )
        await c.post(f"/api/v1/invitations/{r.json()['token']}/accept", headers=tokens[i])
    for i, auth in enumerate(tokens):
        weekly = [
            {
                "weekday": d,
                "start": f"{9 + i % 5:02d}:00",
                "end": "21:00",
                "level": "available" if d < 5 else "if_need_be",
            }
            for d in range(7)
        ]
        await c.put(
            "/api/v1/me/availability",
            json={"timezone": "Europe/London", "weekly": weekly},
            headers=auth,
        )
        for k in range(20):
            await c.post(
                "/api/v1/me/exceptions",
                headers=auth,
                json={
                    "starts_at": f"2027-03-{1 + k:02d}T12:00:00Z",
                    "ends_at": f"2027-03-{1 + k:02d}T13:00:00Z",
                    "level": "unavailable",
                },
            )
        await c.post("/api/v1/me/calendar-imports", json={"ics": _ics(i)}, headers=auth)
    return org, ids, tokens


async def _measure(
    c: httpx.AsyncClient,
    org: str,
    ids: list[str],
    tokens: list[dict[str, str]],
    n: int,
    repeats: int,
    profile: bool,
) -> None:
    body = {
        "duration_minutes": 60,
        "window_start": "2027-03-01T00:00:00Z",
        "window_end": "2027-05-30T00:00:00Z",
        "required": [],
        "optional": ids,
        "limit": 10,
    }
    times = []
    profiler = cProfile.Profile()
    for k in range(repeats):
        t0 = time.perf_counter()
        if profile and k > 0:
            profiler.enable()
        r = await c.post(f"/api/v1/orgs/{org}/find-a-time", json=body, headers=tokens[0])
        profiler.disable()
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    cold, warm = times[0], sorted(times[1:]) or times
    p95 = warm[min(len(warm) - 1, int(len(warm) * 0.95))]
    print(
        f"find-a-time API, {n} people, 90-day window, 15-min grid, 20 exceptions and "
        f"an imported weekly calendar (16 series, ~200 occurrences) each: "
        f"cold (first request) {cold:.0f} ms; warm median "
        f"{statistics.median(warm):.0f} ms, p95 {p95:.0f} ms ({repeats - 1} runs)"
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(
        main(
            int(args[0]) if args else 100,
            int(args[1]) if len(args) > 1 else 10,
            profile="--profile" in sys.argv,
        )
    )
