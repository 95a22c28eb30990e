"""Rendered anonymous pages, kept in each web process and dropped when their data changes.

A page declares itself the same for every anonymous visitor by answering with
`Cache-Control: public` (see `cadence.web.session.page`). This ASGI middleware is a small
shared cache in front of the routes that honours exactly that promise (decision 0015):

- Only GET requests without credentials are looked up or stored: a request carrying the
  session cookie, a flash cookie or an Authorization header goes straight to the routes,
  and only 200 answers marked `public` with no Set-Cookie are kept. A manager's view of a
  draft is rendered for a signed-in request (`private, no-store`), so it is never stored;
  the public view of a draft is a 404, never stored either.
- Every stored page gets a strong ETag (a hash of its bytes); `If-None-Match` answers 304.
- An entry is fresh for `ttl` seconds; for `stale` seconds more it is still served while
  one request renders the next copy in the background (so readers never wait for a
  render at expiry); a page whose data changed is never served again.
- Changes are noticed on the SQLAlchemy session of any transaction (rows of events, seat
  pools and booking rules, including the conditional UPDATEs that sell seats) and applied
  when it commits: the event's own page and every other page (listings) are dropped, in
  this process at once and, when `CADENCE_REDIS_URL` is set, in every other process through
  Redis pub/sub. Changes this process cannot see (another process without Redis, a worker,
  raw SQL) are bounded by the TTL: 2 s fresh + 3 s stale without Redis (5 s in all, the
  `max-age` the pages promise browsers anyway), 5 s + 5 s with it.
- Memory is bounded: at most `max_entries` pages and `max_bytes` bytes, least recently used
  first out; larger pages are served but not kept.
- Concurrent misses of one page wait for a single render instead of rendering it each.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.schema import Column
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cadence.db import Base, new_id

log = logging.getLogger("cadence.web.pagecache")

ALL = "*"  # the tag of a change that may touch any page
SESSION_COOKIE = b"cadence_session="  # cadence.web.session.SESSION_COOKIE
FLASH_COOKIE = b"cadence_flash="  # cadence.web.session.FLASH_COOKIE
EVENT_PAGE = re.compile(r"^/events/([^/]+)$")
# Tables whose rows public pages show: an event, its seats and ticket types, its rules.
WATCHED = frozenset({"events", "capacity_pools", "booking_rules"})
CHANGED = "cadence.pagecache.changed"
MAX_TAGS = 100_000

Key = tuple[bytes, str, bytes, bytes]  # host, path, query string, HX-Request


def monotonic() -> float:
    """The cache's clock (a function of its own, so tests can move it)."""
    return time.monotonic()


def scope_of(path: str) -> str:
    """The tag a page depends on beyond ALL: an event page depends on its event."""
    match = EVENT_PAGE.match(path)
    return match.group(1) if match else ALL


@dataclass(slots=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    born: float
    stamp: tuple[int, int]
    route: object = None  # the route that rendered it, so logs and metrics name it on a hit


def etag_of(body: bytes) -> bytes:
    digest = hashlib.blake2b(body, digest_size=12).digest()
    return b'"' + base64.urlsafe_b64encode(digest) + b'"'


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """RFC 9110 weak comparison, as If-None-Match asks."""
    if if_none_match.strip() == b"*":
        return True
    return any(t.strip().removeprefix(b"W/") == etag for t in if_none_match.split(b","))


class PageCache:
    """One process's pages: an LRU bounded in count and bytes, with versioned tags."""

    def __init__(
        self,
        *,
        ttl: float = 2.0,
        stale: float = 3.0,
        max_entries: int = 2000,
        max_bytes: int = 64 << 20,
    ) -> None:
        self.ttl = ttl
        self.stale = stale
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body = max_bytes // 16
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.size = 0
        self.epoch = 0
        self.versions: dict[str, int] = {}
        self.inflight: dict[Key, asyncio.Future[Entry | None]] = {}
        self.broadcast: Broadcast | None = None
        CACHES.add(self)

    def stamp(self, path: str) -> tuple[int, int]:
        return self.epoch, self.versions.get(scope_of(path), 0)

    def get(self, key: Key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.stamp != self.stamp(key[1]):
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        if len(entry.body) > self.max_body or entry.stamp != self.stamp(key[1]):
            return  # too big to keep, or its data changed while it was rendered
        self._drop(key)
        self.entries[key] = entry
        self.size += len(entry.body)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: Key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry.body)

    def invalidate(self, tags: Iterable[str]) -> None:
        """Drop the pages that depend on `tags` (ALL: every page)."""
        tags = set(tags)
        if ALL in tags or len(self.versions) > MAX_TAGS:
            self.epoch += 1
            self.versions.clear()
            return
        for tag in (*tags, ALL):
            self.versions[tag] = self.versions.get(tag, 0) + 1

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0
        self.invalidate([ALL])

    @asynccontextmanager
    async def running(self, redis_url: str | None, channel: str) -> AsyncIterator[None]:
        """Share invalidations with the other processes through Redis, when configured."""
        if not redis_url:
            yield
            return
        self.ttl, self.stale = max(self.ttl, 5.0), max(self.stale, 5.0)
        broadcast = Broadcast(self, redis_url, channel)
        self.broadcast = broadcast
        task = asyncio.create_task(broadcast.listen())
        try:
            yield
        finally:
            self.broadcast = None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await broadcast.close()


CACHES: weakref.WeakSet[PageCache] = weakref.WeakSet()


class Broadcast:
    """Invalidations to and from the other processes, on `<namespace>:pages`."""

    def __init__(self, cache: PageCache, url: str, channel: str) -> None:
        self.cache = cache
        self.redis: aioredis.Redis = aioredis.from_url(url)
        self.channel = channel
        self.origin = new_id()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.subscribed = asyncio.Event()

    def publish(self, tags: set[str]) -> None:
        message = f"{self.origin} {','.join(sorted(tags))}"
        task = asyncio.get_running_loop().create_task(self._publish(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _publish(self, message: str) -> None:
        try:
            await self.redis.publish(self.channel, message)
        except (aioredis.RedisError, OSError) as exc:
            log.warning("page cache: publishing an invalidation failed: %r", exc)

    async def listen(self) -> None:
        delay = 0.5
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    delay = 0.5
                    # Whatever was missed while unsubscribed is unknown: start afresh.
                    self.cache.clear()
                    self.subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        origin, _, tags = bytes(message["data"]).decode().partition(" ")
                        if origin != self.origin:
                            self.cache.invalidate(tags.split(","))
            except (aioredis.RedisError, OSError) as exc:
                self.subscribed.clear()
                log.warning("page cache: Redis subscription lost (%r); retrying", exc)
                self.cache.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def close(self) -> None:
        for task in list(self.tasks):
            with contextlib.suppress(Exception):
                await task
        await self.redis.aclose()


def invalidate(tags: set[str]) -> None:
    """Apply a committed change to every page cache of this process (and announce it)."""
    for cache in list(CACHES):
        cache.invalidate(tags)
        if cache.broadcast is not None:
            # No running loop (a synchronous session): the TTL bounds the other processes.
            with contextlib.suppress(RuntimeError):
                cache.broadcast.publish(tags)


# --- noticing changes in the committing transaction ----------------------------------------


def _note(session: Session, tag: str | None) -> None:
    session.info.setdefault(CHANGED, set()).add(tag or ALL)


def _after_flush(session: Session, _context: object) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in WATCHED:
            _note(session, obj.id if table == "events" else getattr(obj, "event_id", None))


def _statement_target(state: ORMExecuteState, table: str) -> str | None:
    """The event a bulk UPDATE/DELETE touches, when it names one row by id and that row's
    event is known (the row itself for `events`, else the loaded instance); else None."""
    where = getattr(state.statement, "whereclause", None)
    if where is None:
        return None
    for element in visitors.iterate(where):
        if not (
            isinstance(element, BinaryExpression)
            and element.operator is operators.eq
            and isinstance(element.left, Column)
            and element.left.name == "id"
            and getattr(element.left.table, "name", None) == table
            and isinstance(element.right, BindParameter)
        ):
            continue
        value = element.right.effective_value
        if value is None and isinstance(state.parameters, dict):  # a named bind: `:pool_id`
            value = state.parameters.get(element.right.key)
        if value is None:
            return None
        if table == "events":
            return str(value)
        mapper = state.bind_mapper or _mapper_of(table)
        if mapper is None:
            return None
        loaded = state.session.identity_map.get(mapper.identity_key_from_primary_key((value,)))
        event_id = getattr(loaded, "event_id", None)
        return str(event_id) if event_id else None
    return None


@lru_cache(maxsize=64)
def _mapper_of(table: str) -> Mapper[Any] | None:
    """The mapper of a table, for Core statements (`table.update()`) that name none."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper
    return None


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in WATCHED:
        _note(state.session, _statement_target(state, str(table)))


def _after_commit(session: Session) -> None:
    tags: set[str] | None = session.info.pop(CHANGED, None)
    if tags:
        invalidate(tags)


def _after_rollback(session: Session, _transaction: object) -> None:
    session.info.pop(CHANGED, None)


sa_event.listen(Session, "after_flush", _after_flush)
sa_event.listen(Session, "do_orm_execute", _do_orm_execute)
sa_event.listen(Session, "after_commit", _after_commit)
sa_event.listen(Session, "after_soft_rollback", _after_rollback)


# --- the middleware ---------------------------------------------------------------------------


def _empty_receive() -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    return receive


class PageCacheMiddleware:
    """Serve stored anonymous pages; store the answers the routes mark `public`."""

    def __init__(self, app: ASGIApp, *, cache: PageCache) -> None:
        self.app = app
        self.cache = cache
        self.refreshing: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        host = hx = inm = b""
        for name, value in scope["headers"]:
            if name == b"cookie":
                if SESSION_COOKIE in value or FLASH_COOKIE in value:
                    await self.app(scope, receive, send)
                    return
            elif name == b"authorization":
                await self.app(scope, receive, send)
                return
            elif name == b"host":
                host = value
            elif name == b"hx-request":
                hx = value
            elif name == b"if-none-match":
                inm = value
        key: Key = (host, scope["path"], scope["query_string"], hx)
        cache = self.cache
        entry = cache.get(key)
        if entry is not None:
            age = monotonic() - entry.born
            if age <= cache.ttl + cache.stale:
                if age > cache.ttl and key not in cache.inflight:
                    self._refresh(key, scope)
                scope["route"] = entry.route
                await self._send(entry, inm, send, b"hit", age)
                return
        waiting = cache.inflight.get(key)
        if waiting is not None:
            entry = await asyncio.shield(waiting)
            if entry is not None:
                scope["route"] = entry.route
                await self._send(entry, inm, send, b"hit", monotonic() - entry.born)
                return
        await self._render(key, self._begin(key), scope, receive, send, inm)

    def _refresh(self, key: Key, scope: Scope) -> None:
        """Render the next copy of a page in the background (no cookie, no validator)."""
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"cookie", b"if-none-match")]
        fresh_scope = {**scope, "headers": headers}
        for dropped in ("router", "endpoint", "route", "path_params", "fastapi_astack"):
            fresh_scope.pop(dropped, None)

        async def discard(_message: Message) -> None:
            return None

        future = self._begin(key)
        task = asyncio.create_task(
            self._render(key, future, fresh_scope, _empty_receive(), discard, b"")
        )
        self.refreshing.add(task)
        task.add_done_callback(self.refreshing.discard)

    def _begin(self, key: Key) -> asyncio.Future[Entry | None]:
        """Announce a render of `key`: later misses wait for it instead of rendering too."""
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self.cache.inflight[key] = future
        return future

    async def _render(
        self,
        key: Key,
        future: asyncio.Future[Entry | None],
        scope: Scope,
        receive: Receive,
        send: Send,
        inm: bytes,
    ) -> None:
        cache = self.cache
        stamp = cache.stamp(key[1])
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                if _storable(message):
                    start = message
                else:
                    passing = True
                    await send(message)
            elif passing:
                await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        entry: Entry | None = None
        try:
            await self.app(scope, receive, capture)
            if start is not None:
                body = b"".join(chunks)
                etag = etag_of(body)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"] + [
                    (b"etag", etag)
                ]
                entry = Entry(
                    start["status"], headers, body, etag, monotonic(), stamp, scope.get("route")
                )
                cache.put(key, entry)
        finally:
            if cache.inflight.get(key) is future:
                del cache.inflight[key]
            future.set_result(entry)
        if entry is not None:
            await self._send(entry, inm, send, b"miss", 0.0)

    async def _send(self, entry: Entry, inm: bytes, send: Send, how: bytes, age: float) -> None:
        extra = [(b"x-page-cache", how)]
        if age >= 1:
            extra.append((b"age", str(int(age)).encode()))
        if inm and matches(inm, entry.etag):
            headers = [
                (k, v)
                for k, v in entry.headers
                if k in (b"etag", b"cache-control", b"vary", b"date")
            ]
            await send({"type": "http.response.start", "status": 304, "headers": headers + extra})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = entry.headers + extra
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})


def _storable(start: Message) -> bool:
    if start["status"] != 200:
        return False
    public = False
    for name, value in start.get("headers", []):
        name = name.lower()
        if name == b"set-cookie" or name == b"content-encoding":
            return False
        if name == b"cache-control":
            public = b"public" in value and b"private" not in value and b"no-store" not in value
    return public
