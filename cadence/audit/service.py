"""Writing and reading the audit log. Every write path of the API calls `record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cadence.audit.models import AuditEntry
from cadence.context import Ctx
from cadence.db import new_id
from cadence.pagination import Page, paginate


async def record(
    ctx: Ctx,
    *,
    action: str,
    target_type: str,
    target_id: str | None,
    org_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    flush: bool = True,
) -> AuditEntry:
    """Add the audit entry to the caller's transaction.

    `flush=False` leaves the INSERT to the caller's next flush (or the commit), so a write
    path that adds several rows sends them together; the entry's id is set here either way.
    """
    entry = AuditEntry(
        id=new_id(),
        org_id=org_id,
        actor_id=ctx.actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        at=ctx.now(),
        request_id=ctx.request_id,
    )
    ctx.session.add(entry)
    if flush:
        await ctx.session.flush()
    return entry


async def list_for_org(
    ctx: Ctx, *, org_id: str, cursor: str | None, limit: int
) -> Page[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.org_id == org_id)
    return await paginate(ctx.session, query, AuditEntry.id, cursor=cursor, limit=limit, desc=True)
