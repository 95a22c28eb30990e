"""Never oversell under real concurrency: real uvicorn processes, requests all at once.

PostgreSQL runs two web processes on one database, SQLite one process. Two scenarios run on
each (issue 6):

- the rush: 500 booking requests (quantities 1-4, from 25 people) for 100 seats, all sent
  at once: every request answers 201 or 409 sold-out, the confirmed seats never exceed the
  capacity, and the rows in the database match the answers one for one (nothing lost);
- the churn: bookings, cancellations, waitlist joins and offer acceptances interleaved, in
  rounds; after each round the seats confirmed + held + offered equal the pool's count and
  stay within the capacity, no entry holds two offers, offers went in queue order, and no
  freed seat stays on sale while an entry that fits is waiting.

The servers and the people are made once per database (module fixtures): starting a
server is most of the cost on a small CI machine.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cadence.db import create_engine
from tests.conftest import _truncate_all
from tests.live import live_server

PASSWORD = "correct horse battery"
PEOPLE = 35  # the first 25 are the fans of the rush and the buyers of the churn; all wait
RUSH_SEATS, RUSH_REQUESTS, RUSH_FANS = 100, 500, 25
CHURN_SEATS = 40
Headers = dict[str, str]
Answer = tuple[int, dict[str, Any]]


@dataclass
class Site:
    """Running servers on one database, with an organiser and people signed in."""

    bases: list[str]
    url: str
    owner: Headers
    org: str
    people: list[Headers]


def _server(folder: Path, url: str) -> AbstractContextManager[str]:
    """A server on a database that is migrated already."""
    return live_server(folder, database_url=url, migrate=False)


def _start_all(servers: list[AbstractContextManager[str]], stack: ExitStack) -> list[str]:
    """Start the servers in parallel (each takes seconds to import)."""
    with ThreadPoolExecutor(len(servers)) as pool:
        futures = [pool.submit(server.__enter__) for server in servers]
        bases, failure = [], None
        for server, future in zip(servers, futures, strict=True):
            try:
                bases.append(future.result())
                stack.push(server)
            except Exception as exc:  # re-raised below, once the others are registered
                failure = failure or exc
    if failure is not None:
        raise failure
    return bases


async def _person(client: httpx.AsyncClient, email: str) -> Headers:
    r = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": email}
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _clients(bases: list[str]) -> list[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=RUSH_REQUESTS + 50, max_keepalive_connections=100)
    return [httpx.AsyncClient(base_url=b, timeout=120, limits=limits) for b in bases]


async def _close(clients: list[httpx.AsyncClient]) -> None:
    for client in clients:
        await client.aclose()


async def _people(bases: list[str]) -> tuple[Headers, str, list[Headers]]:
    clients = _clients(bases)
    try:
        owner = await _person(clients[0], "owner@rush.example")
        r = await clients[0].post(
            "/api/v1/orgs", json={"name": "Rush", "timezone": "UTC"}, headers=owner
        )
        assert r.status_code == 201, r.text
        gate = asyncio.Semaphore(10)

        async def one(i: int) -> Headers:
            async with gate:
                return await _person(clients[i % len(clients)], f"fan{i}@rush.example")

        people = await asyncio.gather(*(one(i) for i in range(PEOPLE)))
        return owner, str(r.json()["id"]), list(people)
    finally:
        await _close(clients)


@pytest.fixture(scope="module")
def postgres_site(
    postgres_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    asyncio.run(_truncate_all(postgres_database))
    folders = [tmp_path_factory.mktemp(f"web{n}") for n in range(2)]
    with ExitStack() as stack:
        bases = _start_all([_server(f, postgres_database) for f in folders], stack)
        owner, org, people = asyncio.run(_people(bases))
        yield Site(bases, postgres_database, owner, org, people)


@pytest.fixture(scope="module")
def sqlite_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("sqlite-web")
    path = folder / "live.db"
    path.write_bytes(sqlite_template.read_bytes())  # already migrated
    url = f"sqlite+aiosqlite:///{path}"
    with ExitStack() as stack:
        bases = _start_all([_server(folder, url)], stack)
        owner, org, people = asyncio.run(_people(bases))
        yield Site(bases, url, owner, org, people)


# --- reading the database itself ------------------------------------------------------------


@dataclass
class Rows:
    capacity: int
    taken: int
    bookings: dict[str, dict[str, Any]]  # id -> status, quantity, waitlist_entry_id, created_at
    entries: dict[str, dict[str, Any]]  # id -> status, quantity, offer_booking_id
    tickets: dict[str, int]  # booking id -> tickets issued (any status)

    def live(self) -> int:
        return sum(
            b["quantity"] for b in self.bookings.values() if b["status"] in ("confirmed", "held")
        )


async def _rows(url: str, event_id: str) -> Rows:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            where = {"e": event_id}
            pool = (
                await conn.execute(
                    text(
                        "SELECT capacity, taken FROM capacity_pools "
                        "WHERE event_id = :e AND kind = 'seats'"
                    ),
                    where,
                )
            ).one()
            bookings = await conn.execute(
                text(
                    "SELECT id, status, quantity, waitlist_entry_id, created_at FROM bookings "
                    "WHERE event_id = :e"
                ),
                where,
            )
            entries = await conn.execute(
                text(
                    "SELECT id, status, quantity, offer_booking_id FROM waitlist_entries "
                    "WHERE event_id = :e"
                ),
                where,
            )
            tickets = await conn.execute(
                text(
                    "SELECT booking_id, count(*) FROM tickets WHERE event_id = :e "
                    "GROUP BY booking_id"
                ),
                where,
            )
            return Rows(
                capacity=pool.capacity,
                taken=pool.taken,
                bookings={r.id: dict(r._mapping) for r in bookings},
                entries={r.id: dict(r._mapping) for r in entries},
                tickets={str(b): int(n) for b, n in tickets},
            )
    finally:
        await engine.dispose()


def _aware(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the API calls ---------------------------------------------------------------------------


async def _event(client: httpx.AsyncClient, site: Site, name: str, capacity: int) -> str:
    r = await client.post(
        f"/api/v1/orgs/{site.org}/events",
        json={
            "name": name,
            "starts_at": "2027-06-01T19:00:00Z",
            "ends_at": "2027-06-01T22:00:00Z",
            "capacity": capacity,
        },
        headers=site.owner,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _call(
    client: httpx.AsyncClient, method: str, path: str, who: Headers, body: object = None
) -> Answer:
    r = await client.request(method, path, json=body, headers=who)
    data = r.json() if r.headers.get("content-type", "").endswith("json") else {}
    return r.status_code, data


def _booked(answer: Answer, quantity: int) -> bool:
    """A booking answer is 201 with that many tickets, or 409 sold-out; True for 201."""
    status, data = answer
    assert status in (201, 409), answer
    if status == 409:
        assert data["type"].endswith("sold-out"), data
        return False
    assert data["status"] == "confirmed" and data["quantity"] == quantity, data
    assert len(data["tickets"]) == quantity, data
    return True


async def _available(client: httpx.AsyncClient, site: Site, event: str) -> int:
    status, data = await _call(client, "GET", f"/api/v1/events/{event}", site.owner)
    assert status == 200, data
    return int(data["available"])


# --- the rush --------------------------------------------------------------------------------


async def _rush(site: Site) -> None:
    clients = _clients(site.bases)
    try:
        event = await _event(clients[0], site, "Rush", RUSH_SEATS)
        rnd = random.Random(6)
        asks = [rnd.randint(1, 4) for _ in range(RUSH_REQUESTS)]

        async def book(i: int) -> Answer:
            client = clients[i % len(clients)]
            who = site.people[i % RUSH_FANS]
            body = {"quantity": asks[i]}
            return await _call(client, "POST", f"/api/v1/events/{event}/bookings", who, body)

        answers = await asyncio.gather(*(book(i) for i in range(RUSH_REQUESTS)))
        available = await _available(clients[-1], site, event)
    finally:
        await _close(clients)

    assert len(answers) == RUSH_REQUESTS
    won = {a[1]["id"]: asks[i] for i, a in enumerate(answers) if _booked(a, asks[i])}
    refused = [asks[i] for i, a in enumerate(answers) if a[0] == 409]
    sold = sum(won.values())
    assert len(won) + len(refused) == RUSH_REQUESTS
    assert 0 < sold <= RUSH_SEATS
    assert available == RUSH_SEATS - sold
    # Seats only ever went down: a refusal saw fewer seats than it asked for, so whatever is
    # left now is fewer still (no request was refused while its seats were there).
    assert available < min(refused)

    rows = await _rows(site.url, event)
    assert rows.taken == sold and rows.capacity == RUSH_SEATS
    assert {b: r["quantity"] for b, r in rows.bookings.items()} == won  # one row per 201
    assert {r["status"] for r in rows.bookings.values()} == {"confirmed"}
    assert rows.tickets == won  # one ticket per seat


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_rush_through_two_processes_on_postgres(postgres_site: Site) -> None:
    asyncio.run(_rush(postgres_site))


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_rush_through_one_process_on_sqlite(sqlite_site: Site) -> None:
    asyncio.run(_rush(sqlite_site))


# --- the churn -------------------------------------------------------------------------------


def _check(rows: Rows, available: int, *, queued_before: set[str], round_start: datetime) -> None:
    """The invariants after a round, read from the rows themselves."""
    live = rows.live()
    assert live == rows.taken <= rows.capacity  # confirmed + held + offered, and no seat lost
    assert available == rows.capacity - rows.taken
    offers: dict[str, list[str]] = {}
    for booking_id, b in rows.bookings.items():
        if b["waitlist_entry_id"] is not None:
            offers.setdefault(b["waitlist_entry_id"], []).append(booking_id)
    for entry_id, made in offers.items():
        assert len(made) == 1, f"entry {entry_id} got {len(made)} offers"
        assert rows.entries[entry_id]["offer_booking_id"] == made[0]
    for entry in rows.entries.values():
        offer = rows.bookings.get(entry["offer_booking_id"] or "")
        if entry["status"] == "offered":
            assert offer is not None and offer["status"] == "held", entry
        if entry["status"] == "converted":  # accepted; its holder may have cancelled since
            assert offer is not None and offer["status"] in ("confirmed", "cancelled"), entry
    waiting = {i: e for i, e in rows.entries.items() if e["status"] == "waiting"}
    # Every freed seat went back to sale or to an offer: none is left on sale while an
    # entry that fits waits.
    assert all(e["quantity"] > available for e in waiting.values()), (available, waiting)
    # Queue order: an entry that waited through the whole round was not passed over by a
    # later entry asking for as many seats or more.
    for later, made in offers.items():
        offer = rows.bookings[made[0]]
        if _aware(offer["created_at"]) < round_start:
            continue
        for earlier, entry in waiting.items():
            if earlier in queued_before and earlier < later:
                assert entry["quantity"] > rows.entries[later]["quantity"], (earlier, later)


@dataclass
class Churn:
    site: Site
    clients: list[httpx.AsyncClient]
    event: str
    rnd: random.Random
    mine: dict[str, Headers]  # confirmed booking id -> its holder
    entries: dict[str, Headers]  # waitlist entry id -> its holder
    calls: int = 0

    def client(self) -> httpx.AsyncClient:
        self.calls += 1
        return self.clients[self.calls % len(self.clients)]

    async def book(self, who: Headers, *, cancel: bool = False) -> None:
        quantity = self.rnd.randint(1, 4)
        path = f"/api/v1/events/{self.event}/bookings"
        answer = await _call(self.client(), "POST", path, who, {"quantity": quantity})
        if not _booked(answer, quantity):
            return
        booking = answer[1]["id"]
        if cancel:
            await self.cancel(booking, who)
        else:
            self.mine[booking] = who

    async def cancel(self, booking: str, who: Headers) -> None:
        self.mine.pop(booking, None)
        status, data = await _call(self.client(), "POST", f"/api/v1/bookings/{booking}/cancel", who)
        assert (status, data.get("status")) == (200, "cancelled"), data

    async def join(self, who: Headers) -> None:
        path = f"/api/v1/events/{self.event}/waitlist"
        status, data = await _call(
            self.client(), "POST", path, who, {"quantity": self.rnd.randint(1, 4)}
        )
        assert status == 201 and data["position"] >= 0, data
        self.entries[data["id"]] = who

    async def take_offer(self, entry: str) -> None:
        who = self.entries[entry]
        status, data = await _call(self.client(), "GET", f"/api/v1/waitlist/{entry}", who)
        assert status == 200, data
        if data["status"] != "offered":
            return
        status, data = await _call(self.client(), "POST", f"/api/v1/waitlist/{entry}/accept", who)
        assert status == 200 and data["status"] == "confirmed", data
        self.mine[data["id"]] = who

    async def round(self, calls: Sequence[Callable[[], Awaitable[None]]]) -> None:
        """Run the calls all at once, then check the invariants on the quiet database."""
        queued_before = set((await _rows(self.site.url, self.event)).entries)
        start = datetime.now(UTC)
        mixed = list(calls)
        self.rnd.shuffle(mixed)
        await asyncio.gather(*(call() for call in mixed))
        available = await _available(self.clients[0], self.site, self.event)
        rows = await _rows(self.site.url, self.event)
        _check(rows, available, queued_before=queued_before, round_start=start)
        confirmed = {b for b, r in rows.bookings.items() if r["status"] == "confirmed"}
        assert set(self.mine) == confirmed  # every 201 and accepted offer is there, no more


async def _churn(site: Site) -> None:
    clients = _clients(site.bases)
    try:
        event = await _event(clients[0], site, "Churn", CHURN_SEATS)
        run = Churn(site, clients, event, random.Random(9), {}, {})
        buyers, waiters = site.people[:RUSH_FANS], site.people

        def booking(i: int, cancel: bool) -> Callable[[], Awaitable[None]]:
            return partial(run.book, buyers[i % len(buyers)], cancel=cancel)

        # 1: a rush with instant cancellations (seats free up mid-rush) and people joining
        # the waitlist while it sells out.
        await run.round(
            [booking(i, cancel=i % 4 == 0) for i in range(80)]
            + [partial(run.join, who) for who in waiters[:20]]
        )
        # 2: half the bookings cancelled while new people book, more join, offers are taken.
        held = list(run.mine.items())
        run.rnd.shuffle(held)
        await run.round(
            [partial(run.cancel, b, w) for b, w in held[: len(held) // 2]]
            + [booking(i, cancel=False) for i in range(40)]
            + [partial(run.join, who) for who in waiters[20:]]
            + [partial(run.take_offer, e) for e in list(run.entries)]
        )
        # 3: everyone with an offer takes it; a few more cancel.
        held = list(run.mine.items())[:5]
        await run.round(
            [partial(run.take_offer, e) for e in list(run.entries)]
            + [partial(run.cancel, b, w) for b, w in held]
        )
        rows = await _rows(site.url, event)
        assert any(e["status"] == "converted" for e in rows.entries.values())
    finally:
        await _close(clients)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_churn_through_two_processes_on_postgres(postgres_site: Site) -> None:
    asyncio.run(_churn(postgres_site))


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_churn_through_one_process_on_sqlite(sqlite_site: Site) -> None:
    asyncio.run(_churn(sqlite_site))
