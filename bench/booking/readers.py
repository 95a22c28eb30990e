"""Event listing and event page under N concurrent readers.

    .venv/bin/python -m bench.booking.readers [--mode closed|crowd|both] [--readers 500]
        [--rounds 4] [--think 5] [--duration 60] [--events 30] [--processes 2]
        [--db postgres|sqlite] [--revalidate] [--proxy nginx] [--sales 0]

Two load models, both anonymous readers (visitors from a search engine):

- `closed`: every reader loads the listing `/events` and then an event page `/events/{id}`,
  `rounds` times, one request right after the other; all readers start at the same instant.
  This is a stampede (500 requests always in flight), a stress test of throughput: its
  latency is mostly the queue, about readers / throughput.
- `crowd`: what "500 concurrent readers" means for a site (after each page has been
  fetched once through each process, as a deployment warms up before taking traffic).
  Each reader reads a page, then thinks for an exponentially distributed time (mean
  `think` seconds) before the next one,
  alternating listing and event pages, for `duration` seconds; the arrivals of the crowd
  are a Poisson process of about readers / think requests per second. The load is open:
  a request is sent at its planned instant whether or not the reader's previous one has
  been answered, and its latency is counted from that planned instant (no coordinated
  omission: a stalled server is charged for the time requests waited to be sent).

With `--revalidate` a reader sends back the ETag it was given, as a browser does on a
reload. `--sales N` books N seats per second through the API during the crowd run, so the
pages' cache is invalidated as it would be during a sale. `--proxy nginx` puts nginx with a
proxy cache in front of the processes (it honours the pages' Cache-Control), to show what
the headers enable. Reported per page: p50/p99 latency, answers by status, latency by the
server's cache answer (`x-page-cache`: hit, miss, or not cached), how late the client itself
sent requests (it shares the cores), throughput, the
servers' CPU time per request (the figure a loaded machine distorts least) and the load
average. The client runs on the same machine. Figures go to docs/benchmarks_booking.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bench.booking.common import (
    client,
    cpu_seconds,
    database,
    load_average,
    nginx_cache,
    organiser,
    percentile,
    person,
    servers,
)

Samples = dict[str, list[float]]
Codes = Counter[tuple[str, int]]


async def _setup(c: httpx.AsyncClient, count: int) -> tuple[dict[str, str], list[str]]:
    owner, org = await organiser(c)
    events = []
    for i in range(count):
        r = await c.post(
            f"/api/v1/orgs/{org}/events",
            json={
                "name": f"Concert {i}",
                "starts_at": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}T19:00:00Z",
                "ends_at": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}T22:00:00Z",
                "capacity": 100 + i,
                "category": ("music", "theatre", "talk")[i % 3],
                "venue": f"Hall {i % 4}",
                "description": "An evening of music. " * 10,
            },
            headers=owner,
        )
        r.raise_for_status()
        events.append(r.json()["id"])
    return owner, events


class Response:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class Connection:
    """One keep-alive HTTP/1.1 connection, as a browser keeps one to a site.

    The readers do not use httpx: its connection pool scans every waiting request against
    every connection, so with hundreds of requests in flight the client itself burned the
    CPU the servers needed (seen with py-spy in the first runs of this benchmark).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> Response:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: text/html"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        found: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                found[name.strip().lower()] = value.strip()
        body = b""
        if found.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        elif status != 304 and "content-length" in found:
            body = await self.reader.readexactly(int(found["content-length"]))
        if found.get("connection", "").lower() == "close":
            self.close()
        return Response(status, found, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


class Reader:
    """One visitor: its keep-alive connections and the ETags its browser would keep."""

    def __init__(self, base: str, revalidate: bool) -> None:
        address = base.removeprefix("http://")
        host, _, port = address.partition(":")
        self.host, self.port = host, int(port)
        self.idle: list[Connection] = []
        self.revalidate = revalidate
        self.tags: dict[str, str] = {}

    async def get(self, kind: str, path: str, since: float, samples: Samples, codes: Codes) -> None:
        headers = {"If-None-Match": self.tags[path]} if path in self.tags else {}
        reused = bool(self.idle)
        conn = self.idle.pop() if reused else Connection(self.host, self.port)
        # How late the client itself is (it shares the two cores): planned instant -> send.
        samples["client lateness"].append((time.perf_counter() - since) * 1000)
        try:
            try:
                r = await conn.get(path, headers)
            except (ConnectionError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                # The server closed the idle connection (keep-alive timeout): as a browser
                # does, send the request again on a new one.
                conn.close()
                r = await conn.get(path, headers)
            status = r.status
            self.idle.append(conn)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            print(f"client error: {exc!r}", file=sys.stderr)
            conn.close()
            status = 0
        elapsed = (time.perf_counter() - since) * 1000
        samples[kind].append(elapsed)
        codes[(kind, status)] += 1
        if status:
            samples.setdefault(f"  {r.headers.get('x-page-cache', 'not cached')}", []).append(
                elapsed
            )
        if self.revalidate and status == 200 and "etag" in r.headers:
            self.tags[path] = r.headers["etag"]

    def close(self) -> None:
        for conn in self.idle:
            conn.close()


async def closed(
    bases: list[str], events: list[str], args: argparse.Namespace
) -> tuple[Samples, Codes]:
    samples: Samples = {"listing": [], "event": [], "client lateness": []}
    codes: Codes = Counter()
    go = asyncio.Event()

    async def reader(i: int) -> None:
        me = Reader(bases[i % len(bases)], args.revalidate)
        await go.wait()
        for round_ in range(args.rounds):
            for kind, path in (
                ("listing", "/events"),
                ("event", f"/events/{events[(i + round_) % len(events)]}"),
            ):
                await me.get(kind, path, time.perf_counter(), samples, codes)
        me.close()

    tasks = [asyncio.create_task(reader(i)) for i in range(args.readers)]
    await asyncio.sleep(0.5)
    go.set()
    await asyncio.gather(*tasks)
    return samples, codes


async def crowd(
    bases: list[str],
    setup: httpx.AsyncClient,
    events: list[str],
    args: argparse.Namespace,
) -> tuple[Samples, Codes]:
    samples: Samples = {"listing": [], "event": [], "client lateness": []}
    codes: Codes = Counter()
    rng = random.Random(6)
    began = time.perf_counter()
    end = began + args.duration
    pending: set[asyncio.Task[None]] = set()

    readers = [Reader(bases[i % len(bases)], args.revalidate) for i in range(args.readers)]

    async def reader(i: int) -> None:
        me = readers[i]
        # Arrivals spread over the first think time, so the run starts in steady state.
        at = began + rng.uniform(0, args.think)
        step = 0
        while at < end:
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if step % 2 == 0:
                kind, path = "listing", "/events"
            else:
                kind, path = "event", f"/events/{events[rng.randrange(len(events))]}"
            task = asyncio.create_task(me.get(kind, path, at, samples, codes))
            pending.add(task)
            task.add_done_callback(pending.discard)
            step += 1
            at += rng.expovariate(1 / args.think)

    async def sales() -> None:
        """Seats sold while the crowd reads: each sale changes what the pages show."""
        if not args.sales:
            return
        c = setup
        buyer = await person(c, "buyer@bench.example")
        while time.perf_counter() < end:
            event = events[rng.randrange(len(events))]
            await c.post(
                f"/api/v1/events/{event}/bookings",
                json={"quantity": 1},
                headers={**buyer, "Idempotency-Key": f"sale-{time.perf_counter_ns()}"},
            )
            await asyncio.sleep(1 / args.sales)

    await asyncio.gather(sales(), *(reader(i) for i in range(args.readers)))
    while pending:
        await asyncio.gather(*list(pending))
    for me in readers:
        me.close()
    return samples, codes


async def warm_up(bases: list[str], events: list[str]) -> None:
    """Each page once through each process, as a deployment warms up before taking traffic:
    the crowd measures the steady state, not the first renders after a start."""
    for base in bases:
        me = Reader(base, revalidate=False)
        scratch: Samples = {"listing": [], "event": [], "client lateness": []}
        for event in events:
            await me.get("event", f"/events/{event}", time.perf_counter(), scratch, Counter())
        await me.get("listing", "/events", time.perf_counter(), scratch, Counter())
        me.close()


def report(title: str, samples: Samples, codes: Codes, wall: float, cpu: float) -> None:
    total = sum(codes.values())
    print(f"-- {title}")
    for kind, values in samples.items():
        answers = {s: n for (k, s), n in sorted(codes.items()) if k == kind}
        print(
            f"{kind:<15} p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms"
            f", max {max(values, default=0):.0f} ms"
            + (f", answers {answers}" if answers else f", {len(values)} requests")
        )
    print(f"throughput      {total / wall:.0f} requests/s over {wall:.1f} s")
    print(f"server CPU      {cpu:.1f} s, {cpu / max(total, 1) * 1000:.2f} ms per request")
    print(f"load average    {load_average()}")


@contextmanager
def front(bases: list[str], proxy: str | None) -> Iterator[list[str]]:
    """The addresses readers use: the processes themselves, or nginx in front of them."""
    if proxy == "nginx":
        with nginx_cache(bases) as base:
            yield [base]
    else:
        yield bases


async def run(bases: list[str], args: argparse.Namespace) -> None:
    with front(bases, args.proxy) as entry:
        setup = client(bases[0], 10)
        try:
            _, events = await _setup(setup, args.events)
            print(f"database        {args.db}, {len(bases)} web process(es), {args.events} events")
            if args.proxy:
                print(f"in front        {args.proxy} (proxy cache honouring Cache-Control)")
            if args.mode in ("closed", "both"):
                cpu = cpu_seconds(bases)
                began = time.perf_counter()
                samples, codes = await closed(entry, events, args)
                wall = time.perf_counter() - began - 0.5
                report(
                    f"closed loop: {args.readers} readers x {args.rounds} rounds at once"
                    f"{', revalidating' if args.revalidate else ''}",
                    samples,
                    codes,
                    wall,
                    cpu_seconds(bases) - cpu,
                )
            if args.mode in ("crowd", "both"):
                await warm_up(bases, events)
                cpu = cpu_seconds(bases)
                began = time.perf_counter()
                samples, codes = await crowd(entry, setup, events, args)
                wall = time.perf_counter() - began
                report(
                    f"crowd: {args.readers} readers, think {args.think} s (Poisson),"
                    f" {args.duration} s{', revalidating' if args.revalidate else ''}"
                    f"{f', {args.sales} sales/s' if args.sales else ''}",
                    samples,
                    codes,
                    wall,
                    cpu_seconds(bases) - cpu,
                )
        finally:
            await setup.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("closed", "crowd", "both"), default="both")
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--revalidate", action="store_true")
    parser.add_argument("--sales", type=float, default=0.0, help="seats sold per second (crowd)")
    parser.add_argument("--proxy", choices=("nginx",), default=None)
    args = parser.parse_args()
    print(f"load average    {load_average()} before the run")
    with database(args.db, "cadence_bench_readers") as url, servers(url, args.processes) as bases:
        asyncio.run(run(bases, args))


if __name__ == "__main__":
    main()
