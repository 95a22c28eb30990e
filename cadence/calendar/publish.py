"""Stored CalDAV publish targets, republished by a background job whenever events change.

An organisation stores one or more targets (collection URL, username, password). The
password is encrypted with a key derived from the deployment's secret key and never leaves
through the API. Every transaction that changes one of the organisation's events (created,
edited, cancelled, an occurrence moved, deleted; whichever module did it) grows each of its
targets' `wanted` counter and enqueues one `calendar.caldav_publish` job per target, unless
one is already queued. That happens in the committing transaction itself (a SQLAlchemy
`before_commit` hook), so a rolled-back change enqueues nothing and a committed one is never
forgotten. The job reads the events in one short transaction, talks to the CalDAV server with
no transaction open, and records the outcome (`ok` or `error` with its message) in another;
if `wanted` grew meanwhile it enqueues itself again, so the last change is always published.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cadence.audit import service as audit
from cadence.calendar.models import CaldavTarget, Event, EventOverride
from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import InvalidInput, NotFound
from cadence.jobs import enqueue
from cadence.jobs.models import QUEUED, Job
from cadence.jobs.service import WAKERS
from cadence.settings import Settings

PUBLISH_JOB = "calendar.caldav_publish"
_CHANGED = "cadence.calendar.changed_orgs"  # session.info: org id -> latest change time
_EVENTS = "cadence.calendar.changed_events"  # session.info: event ids of changed overrides
_ENQUEUED = "cadence.calendar.enqueued_publish"


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(b"cadence caldav password\0" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(settings: Settings, password: str | None) -> str | None:
    return None if password is None else _fernet(settings).encrypt(password.encode()).decode()


def unseal(settings: Settings, sealed: str | None) -> str | None:
    """The stored password, or None if there is none (or the secret key changed since)."""
    if sealed is None:
        return None
    try:
        return _fernet(settings).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def job_key_prefix(target_id: str) -> str:
    return f"{PUBLISH_JOB}:{target_id}:"


# --- targets ------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise InvalidInput("Use an http(s) URL of a CalDAV calendar collection.", field="url")


async def enqueue_publish(ctx: Ctx, target: CaldavTarget) -> None:
    """Queue a publish of the target now, or bring forward one already waiting (a retry)."""
    queued = await ctx.session.scalar(
        select(Job.id).where(Job.key.startswith(job_key_prefix(target.id)), Job.status == QUEUED)
    )
    if queued is not None:
        await ctx.session.execute(
            update(Job).where(Job.id == queued, Job.run_at > ctx.now()).values(run_at=ctx.now())
        )
    else:
        await enqueue(
            ctx,
            PUBLISH_JOB,
            {"target_id": target.id},
            key=job_key_prefix(target.id) + new_id(),
            org_id=target.org_id,
        )


async def list_targets(ctx: Ctx, *, org_id: str) -> list[CaldavTarget]:
    query = select(CaldavTarget).where(CaldavTarget.org_id == org_id).order_by(CaldavTarget.id)
    return list((await ctx.session.scalars(query)).all())


async def get_target(ctx: Ctx, *, org_id: str, target_id: str) -> CaldavTarget:
    row = await ctx.session.get(CaldavTarget, target_id)
    if row is None or row.org_id != org_id:
        raise NotFound("No such CalDAV target.")
    return row


async def create_target(
    ctx: Ctx, *, org_id: str, url: str, username: str | None, password: str | None
) -> CaldavTarget:
    """Store a target and queue its first publish."""
    _check_url(url)
    now = ctx.now()
    row = CaldavTarget(
        org_id=org_id,
        url=url,
        username=username,
        password=seal(ctx.settings, password),
        wanted=1,
        published=0,
        status="pending",
        objects=0,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org_id,
        action="caldav_target.create",
        target_type="caldav_target",
        target_id=row.id,
        after={"url": url, "username": username, "password": password is not None},
    )
    await enqueue_publish(ctx, row)
    return row


async def update_target(
    ctx: Ctx, *, org_id: str, target_id: str, changes: dict[str, Any]
) -> CaldavTarget:
    """Change the URL or credentials (a `password` of None removes it) and republish."""
    row = await get_target(ctx, org_id=org_id, target_id=target_id)
    before = {"url": row.url, "username": row.username, "password": row.password is not None}
    if "url" in changes:
        _check_url(changes["url"])
        row.url = changes["url"]
    if "username" in changes:
        row.username = changes["username"]
    if "password" in changes:
        row.password = seal(ctx.settings, changes["password"])
    row.wanted += 1
    row.status, row.updated_at = "pending", ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org_id,
        action="caldav_target.update",
        target_type="caldav_target",
        target_id=row.id,
        before=before,
        after={"url": row.url, "username": row.username, "password": row.password is not None},
    )
    await enqueue_publish(ctx, row)
    return row


async def request_publish(ctx: Ctx, *, org_id: str, target_id: str) -> CaldavTarget:
    """Publish again now (after the server was fixed, say), through the job."""
    row = await get_target(ctx, org_id=org_id, target_id=target_id)
    row.wanted += 1
    await ctx.session.flush()
    await enqueue_publish(ctx, row)
    return row


async def delete_target(ctx: Ctx, *, org_id: str, target_id: str) -> None:
    """Forget the target (what was published stays on the server)."""
    row = await get_target(ctx, org_id=org_id, target_id=target_id)
    await ctx.session.delete(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org_id,
        action="caldav_target.delete",
        target_type="caldav_target",
        target_id=target_id,
        before={"url": row.url},
    )


# --- noticing changes in the committing transaction ----------------------------------------


def _note(session: Session, org_id: str, at: datetime | None) -> None:
    changed: dict[str, datetime | None] = session.info.setdefault(_CHANGED, {})
    seen = changed.get(org_id)
    changed[org_id] = at if seen is None else max(seen, at or seen)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    dirty = [o for o in session.dirty if isinstance(o, Event) and session.is_modified(o)]
    for obj in chain(session.new, dirty, session.deleted):
        if isinstance(obj, Event) and obj.org_id is not None:
            _note(session, obj.org_id, obj.updated_at)
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, EventOverride) and obj.event_id is not None:
            session.info.setdefault(_EVENTS, set()).add(obj.event_id)


def _targets_to_publish(session: Session, changed: dict[str, datetime | None]) -> list[str]:
    ids = list(
        session.scalars(select(CaldavTarget.id).where(CaldavTarget.org_id.in_(list(changed))))
    )
    if ids:
        session.execute(
            update(CaldavTarget)
            .where(CaldavTarget.id.in_(ids))
            .values(wanted=CaldavTarget.wanted + 1)
            .execution_options(synchronize_session=False)
        )
    return ids


def _enqueue_sync(session: Session, target_ids: Iterable[str], at: datetime) -> bool:
    added = False
    for target_id, org_id in session.execute(
        select(CaldavTarget.id, CaldavTarget.org_id).where(CaldavTarget.id.in_(list(target_ids)))
    ).all():
        prefix = job_key_prefix(target_id)
        queued = session.scalar(
            select(Job.id).where(Job.key.startswith(prefix), Job.status == QUEUED)
        )
        if queued is None:
            session.add(
                Job(
                    id=new_id(),
                    kind=PUBLISH_JOB,
                    payload={"target_id": target_id},
                    key=job_key_prefix(target_id) + new_id(),
                    org_id=org_id,
                    status=QUEUED,
                    run_at=at,
                    attempts=0,
                    max_attempts=5,
                    created_at=at,
                )
            )
            added = True
    return added


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the final flush comes after this hook; collect its changes now
    changed: dict[str, datetime | None] = session.info.pop(_CHANGED, {})
    override_events = session.info.pop(_EVENTS, set())
    if override_events:
        for _event_id, org_id in session.execute(
            select(Event.id, Event.org_id).where(Event.id.in_(list(override_events)))
        ).all():
            changed.setdefault(org_id, None)
    if not changed:
        return
    targets = _targets_to_publish(session, changed)
    if not targets:
        return
    # The change's own time (from the caller's clock, through updated_at) is when the job is
    # due; the wall clock only if no changed row said.
    at = max((t for t in changed.values() if t is not None), default=None) or datetime.now(UTC)
    if _enqueue_sync(session, targets, at):
        session.flush()
        session.info[_ENQUEUED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        for wake in list(WAKERS):
            wake()


def _after_rollback(session: Session) -> None:
    for key in (_CHANGED, _EVENTS, _ENQUEUED):
        session.info.pop(key, None)


sa_event.listen(Session, "before_flush", _before_flush)
sa_event.listen(Session, "before_commit", _before_commit)
sa_event.listen(Session, "after_commit", _after_commit)
sa_event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
