"""Load-or-404 dependencies for `{event_id}` routes.

They run before the request body is validated, so another tenant's event answers 404 even
to a malformed body (the tenancy walk checks this for every route).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from cadence.booking.service import Stock
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.events import service
from cadence.http.deps import (
    BearerDep,
    CtxDep,
    CurrentUser,
    StateDep,
    app_state,
    authenticated_id,
)

EventId = Annotated[str, Path(max_length=64)]


async def readable_event(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> Event:
    return await service.readable(ctx, event_id=event_id, user=user)


async def managed_event(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> Event:
    return await service.managed(ctx, event_id=event_id, user=user)


@dataclass(frozen=True)
class Shopper:
    """Who books, and the event's seats as read before the write queue."""

    user_id: str
    stock: Stock


async def shopper(
    event_id: EventId, ctx: CtxDep, state: StateDep, credentials: BearerDep
) -> Shopper:
    """The caller and the event (with its seats) in one short read-only transaction.

    For the booking route, instead of `CurrentUser` plus `ReadableEvent`: one read
    transaction (one pooled connection, one BEGIN) for both, two statements that read
    plain columns, and the seats come with the event, so a sure refusal needs nothing
    more. It is not the request's own transaction: on SQLite that one takes the write lock
    at its first statement, so reading there would queue a request that ends up refused
    behind every booking in flight.
    """
    async with state.read_sessions() as session:
        reading = Ctx(session=session, settings=state.settings, clock=state.clock)
        user_id = await authenticated_id(reading, credentials)
        stock = await service.readable_stock(reading, event_id=event_id, user_id=user_id)
    ctx.actor_id = user_id
    return Shopper(user_id, stock)


ShopperDep = Annotated[Shopper, Depends(shopper)]
ReadableEvent = Annotated[Event, Depends(readable_event)]
ManagedEvent = Annotated[Event, Depends(managed_event)]


class Gates:
    """In-process queues, one per key, that drop out of memory once nobody waits."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def acquire(self, key: str) -> None:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._drop(key)
            raise

    def release(self, key: str) -> None:
        self._locks[key][0].release()
        self._drop(key)

    def _drop(self, key: str) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


class WriteGate:
    """Booking writes of one process queue in memory, first come first served, until the
    transaction before them has committed.

    PostgreSQL: bookings of one event wait on its seats row; without the gate each waiter
    holds a pooled connection while it waits, and under a rush the pool runs dry (the
    requests that would be refused at once time out instead). The gate is per event.
    SQLite: one writer at a time per database, the others polling (`busy_timeout`) with
    sleeps of up to 100 ms, so the lock sits idle between polls and a late waiter can
    starve past the timeout. The gate is per process and hands the lock straight on.
    """

    def __init__(self, gates: Gates, key: str) -> None:
        self._gates, self._key = gates, key
        self._held = False

    async def enter(self) -> None:
        if not self._held:
            await self._gates.acquire(self._key)
            self._held = True

    def leave(self) -> None:
        if self._held:
            self._held = False
            self._gates.release(self._key)


ADMITTED = 16  # booking requests in progress per process; below the pool's 20 connections


async def write_gate(request: Request, event_id: EventId) -> AsyncIterator[WriteGate]:
    """Admit a booking request, then give it its place in the write queue.

    Listed first among the route's dependencies: the admission comes before the sign-in
    check and the unit of work, so at most `ADMITTED` booking requests of a process are in
    progress. Under a rush the rest wait here, costing nothing; otherwise every step of the
    request holding the seats would wait behind thousands of others in the event loop (and
    for pooled connections), and the queue would crawl. The gate is left after the commit.
    """
    state = request.app.state
    gates: Gates | None = getattr(state, "booking_write_gates", None)
    admission: asyncio.Semaphore | None = getattr(state, "booking_admission", None)
    if gates is None or admission is None:
        gates = state.booking_write_gates = Gates()
        admission = state.booking_admission = asyncio.Semaphore(ADMITTED)
    key = "sqlite" if app_state(request).settings.is_sqlite else event_id
    async with admission:
        gate = WriteGate(gates, key)
        try:
            yield gate
        finally:
            gate.leave()


WriteGateDep = Annotated[WriteGate, Depends(write_gate, scope="function")]
