"""The per-process hub: who is connected, and how events reach them.

Events caused in this process are dispatched to local connections at once and published on
a Redis channel; every other process's hub receives them there. Each hub also polls the
replay log every few seconds for ids it has not seen, which fills whatever Redis dropped
(an outage, a restart) and lets processes without Redis, and `cadence worker` processes,
reach connected clients. Redis failures are logged and retried with backoff; local clients
keep being served meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.db import make_sessionmaker, new_id, read_only
from cadence.realtime import service
from cadence.realtime.events import HUB_ONLY, MEMBER_ADDED, MEMBER_REMOVED, Event
from cadence.settings import Settings

log = logging.getLogger("cadence.realtime")

CHANNEL = "events"  # under the deployment's namespace: "<Settings.redis_namespace>:events"
RECENT = 20_000
LOGIN_CHECK_SECONDS = 5.0  # how soon a logout closes the login's sockets, at most


class Connection:
    """One WebSocket's subscription: its organisations and a bounded queue of events."""

    def __init__(
        self, user_id: str, org_ids: set[str], maxsize: int = 2000, *, login_id: str | None = None
    ) -> None:
        self.user_id = user_id
        self.org_ids = org_ids
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        self.overflowed = asyncio.Event()
        self.expires_at: datetime | None = None  # when its credentials end (realtime.api)
        self.login_id = login_id  # the auth session it rides on; its end closes the socket
        self.logged_out = asyncio.Event()

    def offer(self, event: Event) -> None:
        if event.user_id is not None and event.user_id != self.user_id:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed.set()  # the client reconnects with `after` and catches up


class Hub:
    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        *,
        serve_clients: bool = True,
        poll_interval: float = 2.0,
        channel: str | None = None,
    ) -> None:
        self.settings = settings
        self.read_sessions = make_sessionmaker(read_only(engine))
        self.serve_clients = serve_clients
        self.poll_interval = poll_interval
        self.channel = channel or f"{settings.redis_namespace}:{CHANNEL}"
        self.origin = new_id()
        self.by_org: dict[str, set[Connection]] = {}
        self.by_user: dict[str, set[Connection]] = {}
        self.recent: OrderedDict[int, None] = OrderedDict()
        self.redis: aioredis.Redis | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.redis_up = asyncio.Event()
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        url = self.settings.redis_url
        if url:
            self.redis = aioredis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        if self.serve_clients:
            async with self.read_sessions() as session:
                cursor = await service.last_id(session)
            self.tasks.append(asyncio.create_task(self._poll(cursor)))
            self.tasks.append(asyncio.create_task(self._check_logins()))
            if url:
                self.tasks.append(asyncio.create_task(self._listen(url)))

    async def stop(self) -> None:
        # The poller is asked to stop rather than cancelled: cancelling a query in flight
        # leaves the SQLite driver's thread answering a loop that may be gone.
        self._stopping.set()
        for task in self.tasks[1:]:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        if self.redis is not None:
            await self.redis.aclose()

    def subscribe(self, conn: Connection) -> None:
        self.by_user.setdefault(conn.user_id, set()).add(conn)
        for org in conn.org_ids:
            self.by_org.setdefault(org, set()).add(conn)

    def unsubscribe(self, conn: Connection) -> None:
        for org in list(conn.org_ids):
            self._leave(conn, org)
        mine = self.by_user.get(conn.user_id)
        if mine is not None:
            mine.discard(conn)
            if not mine:
                del self.by_user[conn.user_id]

    def _leave(self, conn: Connection, org: str) -> None:
        members = self.by_org.get(org)
        if members is not None:
            members.discard(conn)
            if not members:
                del self.by_org[org]

    @property
    def connection_count(self) -> int:
        return sum(len(conns) for conns in self.by_user.values())

    def dispatch(self, event: Event) -> None:
        """Hand one event to every local connection of its organisation, once."""
        if event.id in self.recent:
            return
        self.recent[event.id] = None
        if len(self.recent) > RECENT:
            self.recent.popitem(last=False)
        if event.user_id == HUB_ONLY:
            self._follow_membership(event)
            return
        for conn in list(self.by_org.get(event.org_id, ())):
            conn.offer(event)

    def _follow_membership(self, event: Event) -> None:
        """A member removed stops receiving the organisation's events at once; one added
        starts receiving them on the connections already open."""
        for conn in list(self.by_user.get(str(event.data.get("user_id")), ())):
            if event.type == MEMBER_REMOVED:
                conn.org_ids.discard(event.org_id)
                self._leave(conn, event.org_id)
            elif event.type == MEMBER_ADDED:
                conn.org_ids.add(event.org_id)
                self.by_org.setdefault(event.org_id, set()).add(conn)

    async def announce(self, events: list[Event]) -> None:
        """After commit: local clients first, then every other process through Redis."""
        for event in events:
            self.dispatch(event)
        if self.redis is None:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for event in events:
                    pipe.publish(self.channel, f"{self.origin}|{event.to_json()}")
                await pipe.execute()
        except (aioredis.RedisError, OSError) as exc:
            log.warning("redis publish failed; other processes catch up by polling: %s", exc)

    async def _listen(self, url: str) -> None:
        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(url, socket_connect_timeout=2, health_check_interval=5)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.redis_up.set()
                delay = 0.5
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    origin, _, body = bytes(message["data"]).decode().partition("|")
                    if origin != self.origin:
                        self.dispatch(Event.from_json(body))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.redis_up.clear()
                log.warning("redis subscription lost (%s); retrying in %.1fs", exc, delay)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
                await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _poll(self, cursor: int) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_interval)
                return
            try:
                async with self.read_sessions() as session:
                    if not self.by_user:  # nobody to serve: just keep the cursor current
                        cursor = max(cursor, await service.last_id(session))
                        continue
                    events = await service.events_after(session, after=cursor, limit=1000)
            except Exception:
                log.exception("replay-log poll failed")
                continue
            for event in events:
                self.dispatch(event)
                cursor = max(cursor, event.id)

    async def _check_logins(self) -> None:
        """Close the sockets of logins that ended (logout, password change, expiry).

        An access token stays valid until it expires, so without this a socket would outlive
        its logout by up to the token's lifetime. Logins end in any process, so every hub
        asks the database, in one query for all its connections.
        """
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), LOGIN_CHECK_SECONDS)
                return
            conns = [conn for mine in self.by_user.values() for conn in mine]
            watched = {conn.login_id for conn in conns if conn.login_id is not None}
            if not watched:
                continue
            try:
                async with self.read_sessions() as session:
                    ended = await service.ended_logins(session, watched)
            except Exception:
                log.exception("login check failed")
                continue
            for conn in conns:
                if conn.login_id in ended:
                    conn.logged_out.set()


_current: list[Hub] = []


def current_hub() -> Hub | None:
    return _current[-1] if _current else None


@asynccontextmanager
async def running_hub(
    settings: Settings, engine: AsyncEngine, *, serve_clients: bool = True
) -> AsyncIterator[Hub]:
    """Start this process's hub for the duration of the block."""
    hub = Hub(settings, engine, serve_clients=serve_clients)
    await hub.start()
    _current.append(hub)
    try:
        yield hub
    finally:
        _current.remove(hub)
        await hub.stop()
