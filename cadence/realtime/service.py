"""Reading the replay log and pruning it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.accounts.models import AuthSession
from cadence.realtime.events import Event
from cadence.realtime.models import DomainEvent

# The contract promises at least one hour of replay; keep a comfortable margin.
RETENTION = timedelta(hours=6)


async def last_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(DomainEvent.id))) or 0)


async def events_after(
    session: AsyncSession,
    *,
    after: int,
    org_ids: Collection[str] | None = None,
    user_id: str | None = None,
    limit: int = 500,
) -> list[Event]:
    """Events with an id above `after`, oldest first; for `org_ids` (and `user_id`) only."""
    query = select(DomainEvent).where(DomainEvent.id > after)
    if org_ids is not None:
        query = query.where(
            DomainEvent.org_id.in_(list(org_ids)),
            or_(DomainEvent.user_id.is_(None), DomainEvent.user_id == user_id),
        )
    rows = await session.scalars(query.order_by(DomainEvent.id).limit(limit))
    return [Event.from_row(r) for r in rows]


async def prune(session: AsyncSession, *, before: object) -> int:
    result = await session.execute(delete(DomainEvent).where(DomainEvent.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def ended_logins(session: AsyncSession, login_ids: Collection[str]) -> set[str]:
    """Which of these logins (auth sessions) were ended: logout, password change, reuse of a
    spent refresh token. (Running out is the connection's own clock's business.)

    One query for every connection of the process, so it costs the same for one or a
    thousand open sockets.
    """
    if not login_ids:
        return set()
    rows = await session.scalars(
        select(AuthSession.id).where(
            AuthSession.id.in_(list(login_ids)),
            AuthSession.revoked_at.is_not(None),
        )
    )
    return set(rows)
