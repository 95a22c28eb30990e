"""`publish()`: the one call site of every domain event.

An event is buffered on the session and written as a row just before the transaction
commits (a `before_commit` hook), under a transaction-level advisory lock on PostgreSQL.
Ids are therefore assigned in commit order: a client that has seen id N has seen every
committed event below N, so resuming with `after=N` loses nothing. (Taking the lock at the
very end of the transaction keeps it short and means no row lock is ever waited for while
holding it, so it cannot deadlock.) After commit the events are handed to the process's hub,
which fans them out in memory and through Redis.

Membership rows added or deleted in a transaction become `member.added` / `member.removed`
rows of it (an `after_flush` hook; no caller has to remember), addressed to no client
(`HUB_ONLY`): hubs use them to move live subscriptions in or out of the organisation.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import event, insert, text
from sqlalchemy.orm import Session

from cadence.accounts.models import Membership, Organisation
from cadence.clock import SystemClock
from cadence.context import Ctx
from cadence.realtime.models import DomainEvent

PENDING = "cadence.realtime.pending"
UNANNOUNCED = "cadence.realtime.unannounced"
# Membership changes travel the log and Redis like events, for the hubs only: addressed to
# this pseudo-person, no client ever receives or replays them (they are not API events).
HUB_ONLY = "~hub"
MEMBER_ADDED = "member.added"
MEMBER_REMOVED = "member.removed"
# pg_advisory_xact_lock key serialising the assignment of event ids (arbitrary constant).
LOCK_KEY = 0x0CADE11CE


@dataclass(frozen=True)
class Event:
    id: int
    org_id: str
    type: str
    at: datetime
    data: dict[str, Any]
    user_id: str | None = None

    def message(self) -> dict[str, Any]:
        """The wire shape of the API contract."""
        return {
            "id": self.id,
            "type": self.type,
            "org_id": self.org_id,
            "at": self.at.isoformat(),
            "data": self.data,
        }

    @cached_property
    def wire(self) -> str:
        """`message()` as JSON text, serialised once however many connections receive it."""
        return json.dumps(self.message(), separators=(",", ":"), ensure_ascii=False)

    def to_json(self) -> str:
        return json.dumps({**self.message(), "user_id": self.user_id})

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        d = json.loads(raw)
        return cls(
            id=int(d["id"]),
            org_id=d["org_id"],
            type=d["type"],
            at=datetime.fromisoformat(d["at"]),
            data=d["data"],
            user_id=d.get("user_id"),
        )

    @classmethod
    def from_row(cls, row: DomainEvent) -> Event:
        return cls(row.id, row.org_id, row.type, row.at, row.data, row.user_id)


class AnyData(BaseModel):
    model_config = ConfigDict(extra="allow")


class BookingChange(BaseModel):
    event_id: str
    booking_id: str
    quantity: int
    available: int | None


class NotificationCreated(BaseModel):
    notification_id: str
    kind: str
    title: str


EVENT_TYPES: dict[str, type[BaseModel]] = {
    "booking.confirmed": BookingChange,
    "booking.cancelled": BookingChange,
    "notification.created": NotificationCreated,
    "schedule.updated": AnyData,
    "approval.requested": AnyData,
    "approval.decided": AnyData,
}


# Called inside the publishing transaction (the webhooks of notify use it to queue deliveries).
PublishHook = Callable[[Ctx, str, str, dict[str, Any]], Awaitable[None]]
PUBLISH_HOOKS: list[PublishHook] = []


def add_publish_hook(hook: PublishHook) -> None:
    if hook not in PUBLISH_HOOKS:
        PUBLISH_HOOKS.append(hook)


def register_event_type(name: str, schema: type[BaseModel] = AnyData) -> None:
    """Declare an event type and the schema its `data` must satisfy."""
    EVENT_TYPES[name] = schema


@dataclass
class _Pending:
    rows: list[dict[str, Any]] = field(default_factory=list)
    committed: list[Event] = field(default_factory=list)
    announced: bool = False  # a Ctx after-commit action announces it


def _pending_of(session: Session) -> _Pending:
    pending: _Pending | None = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = _Pending()
    return pending


async def publish(
    ctx: Ctx, *, org_id: str, type: str, data: dict[str, Any], user_id: str | None = None
) -> None:
    """Record a domain event in the caller's transaction; it is pushed after commit.

    `user_id` limits the event to that member's connections (personal notifications).
    """
    schema = EVENT_TYPES.get(type)
    if schema is None:
        raise ValueError(f"unknown event type {type!r}: declare it with register_event_type")
    payload = schema.model_validate(data).model_dump(mode="json")
    pending = _pending_of(ctx.session.sync_session)
    if not pending.announced:
        pending.announced = True
        ctx.on_commit(lambda: _announce(pending))
    pending.rows.append(
        {"org_id": org_id, "type": type, "data": payload, "user_id": user_id, "at": ctx.now()}
    )
    if user_id is None:  # personal events stay inside Cadence
        for hook in PUBLISH_HOOKS:
            await hook(ctx, org_id, type, payload)


async def _announce(pending: _Pending) -> None:
    from cadence.realtime.hub import current_hub

    hub = current_hub()
    if hub is not None and pending.committed:
        await hub.announce(pending.committed)


@event.listens_for(Session, "after_flush")
def _membership_changes(session: Session, _context: object) -> None:
    """Memberships added or deleted in this flush become hub-only `member.*` rows of the
    same transaction, so live subscriptions follow them (a removed member stops receiving)."""
    changes = [(MEMBER_ADDED, m) for m in session.new if isinstance(m, Membership)]
    gone = {o.id for o in session.deleted if isinstance(o, Organisation)}
    changes += [
        (MEMBER_REMOVED, m)
        for m in session.deleted
        if isinstance(m, Membership) and m.org_id not in gone  # its events go with it
    ]
    if not changes:
        return
    pending = _pending_of(session)
    now = SystemClock().now()  # no Ctx (and so no injected clock) reaches a flush hook
    for type_, membership in changes:
        pending.rows.append(
            {
                "org_id": membership.org_id,
                "type": type_,
                "data": {"user_id": membership.user_id},
                "user_id": HUB_ONLY,
                "at": now,
            }
        )


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: _Pending | None = session.info.pop(PENDING, None)
    if pending is None or not pending.rows:
        return
    if not pending.announced:  # only membership changes: no Ctx to announce after commit
        session.info[UNANNOUNCED] = pending
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    for row in pending.rows:
        new_id = session.execute(
            insert(DomainEvent).values(**row).returning(DomainEvent.id)
        ).scalar_one()
        pending.committed.append(Event(id=int(new_id), **row))


@event.listens_for(Session, "after_commit")
def _announce_unannounced(session: Session) -> None:
    pending: _Pending | None = session.info.pop(UNANNOUNCED, None)
    if pending is None or not pending.committed:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a synchronous session (migrations, scripts): the poll catches up
        return
    task = loop.create_task(_announce(pending))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


_BACKGROUND: set[asyncio.Task[None]] = set()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(UNANNOUNCED, None)
