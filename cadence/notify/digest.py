"""Digests: many changes within a person's window become one email.

`add` records the change and enqueues one `notify.digest` job per person and window (the
job key names the window, so a hundred changes enqueue one job). The job takes every item
not yet sent, marks them and queues one email, all in one transaction: a retried job finds
the items already sent and does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.jobs import JobRun, enqueue, handler
from cadence.notify import timing
from cadence.notify.models import DigestItem, NotificationSettings
from cadence.notify.outbox import queue_email

DIGEST_JOB = "notify.digest"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def window_end(now: datetime, minutes: int) -> datetime:
    """The end of the fixed window (counted from a fixed epoch) that `now` falls in."""
    size = timedelta(minutes=minutes)
    return EPOCH + ((now - EPOCH) // size + 1) * size


async def add(
    ctx: Ctx,
    settings: NotificationSettings,
    *,
    zone: str,
    kind: str,
    title: str,
    body: str,
    url: str | None,
    org_id: str | None,
) -> DigestItem:
    assert settings.digest_minutes is not None
    now = ctx.now()
    item = DigestItem(
        user_id=settings.user_id,
        org_id=org_id,
        kind=kind,
        title=title,
        body=body,
        url=url,
        created_at=now,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    end = window_end(now, settings.digest_minutes)
    run_at = timing.deliver_at(settings, zone, end, not_after=None) or end
    await enqueue(
        ctx,
        DIGEST_JOB,
        {"user_id": settings.user_id},
        run_at=run_at,
        key=f"digest:{settings.user_id}:{end.strftime('%Y%m%dT%H%M%SZ')}",
    )
    return item


def render(items: list[DigestItem]) -> str:
    lines = [f"{len(items)} updates since your last digest:", ""]
    for item in items:
        lines.append(f"* {item.title}")
        if item.body:
            lines.extend(f"  {line}" for line in item.body.splitlines())
        if item.url:
            lines.append(f"  {item.url}")
    return "\n".join(lines) + "\n"


@handler(DIGEST_JOB, max_attempts=5)
async def send_digest(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        user = await ctx.session.get(User, run.payload["user_id"])
        if user is None:
            return
        items = list(
            await ctx.session.scalars(
                select(DigestItem)
                .where(DigestItem.user_id == user.id, DigestItem.sent_at.is_(None))
                .order_by(DigestItem.created_at, DigestItem.id)
            )
        )
        if not items:
            return  # an earlier window's job took them
        for item in items:
            item.sent_at = ctx.now()
        orgs = {item.org_id for item in items}
        subject = items[0].title if len(items) == 1 else f"{len(items)} updates from Cadence"
        await queue_email(
            ctx,
            to=user.email,
            subject=subject,
            text=render(items),
            kind="digest",
            org_id=orgs.pop() if len(orgs) == 1 else None,
        )
