"""In-app notifications and per-person preferences.

`notify()` is what other modules call to tell one person something: it honours their
preferences, writes the in-app row (idempotent by `key`), pushes it live as a personal
`notification.created` event, and emails it when asked and allowed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.notify import digest, kinds, push, timing
from cadence.notify.models import Notification, NotificationPreference
from cadence.notify.outbox import queue_email
from cadence.pagination import Page, paginate
from cadence.realtime import publish

CHANNELS = ("inapp", "email", "push")


async def preferences(ctx: Ctx, *, user_id: str) -> list[NotificationPreference]:
    rows = await ctx.session.scalars(
        select(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .order_by(NotificationPreference.kind, NotificationPreference.channel)
    )
    return list(rows)


async def set_preference(
    ctx: Ctx, *, user_id: str, kind: str, channel: str, enabled: bool
) -> NotificationPreference:
    row = (
        await ctx.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.user_id == user_id,
                NotificationPreference.kind == kind,
                NotificationPreference.channel == channel,
            )
        )
    ).first()
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind, channel=channel, enabled=enabled)
        ctx.session.add(row)
    row.enabled = enabled
    await ctx.session.flush()
    return row


async def preference_grid(ctx: Ctx, *, user_id: str) -> list[tuple[str, dict[str, bool]]]:
    """Every kind the person can tune with its effective setting per channel.

    Known kinds, then kinds they received or set, then "*" (everything else); a missing
    preference falls back to "*" and then to on, exactly as `wants` decides.
    """
    rows = {(p.kind, p.channel): p.enabled for p in await preferences(ctx, user_id=user_id)}
    received = await ctx.session.scalars(
        select(Notification.kind).where(Notification.user_id == user_id).distinct()
    )
    ordered = list(kinds.KINDS)
    for kind in sorted({*received, *(k for k, _ in rows)} - {kinds.EVERYTHING_ELSE}):
        if kind not in ordered:
            ordered.append(kind)
    ordered.append(kinds.EVERYTHING_ELSE)
    return [
        (
            kind,
            {
                channel: rows.get((kind, channel), rows.get((kinds.EVERYTHING_ELSE, channel), True))
                for channel in kinds.CHANNELS
            },
        )
        for kind in ordered
    ]


async def set_preferences(ctx: Ctx, *, user_id: str, grid: dict[tuple[str, str], bool]) -> None:
    """Store a whole grid of (kind, channel) → on/off in the caller's transaction."""
    for (kind, channel), enabled in grid.items():
        if channel not in kinds.CHANNELS:
            raise InvalidInput(f"Unknown channel {channel!r}.", field="preferences")
        await set_preference(ctx, user_id=user_id, kind=kind, channel=channel, enabled=enabled)


async def wants(ctx: Ctx, *, user_id: str, kind: str, channel: str) -> bool:
    """A preference for the kind beats one for "*"; with neither, the channel is on."""
    rows = {
        p.kind: p.enabled
        for p in await ctx.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.user_id == user_id,
                NotificationPreference.channel == channel,
                NotificationPreference.kind.in_([kind, "*"]),
            )
        )
    }
    return rows.get(kind, rows.get("*", True))


async def notify(
    ctx: Ctx,
    *,
    user_id: str,
    kind: str,
    title: str,
    body: str = "",
    url: str | None = None,
    org_id: str | None = None,
    key: str | None = None,
    email_to: str | None = None,
    always_inapp: bool = False,
    not_after: datetime | None = None,
    urgent: bool = False,
) -> Notification | None:
    """Tell one person something on the channels they want. Returns the in-app row, if any.

    With `key`, a second call with the same key does nothing (safe in retried jobs).
    Email and Web Push wait for the end of the person's quiet hours (unless `urgent`, or
    unless that would be after `not_after`); with a digest window, emails of non-urgent
    kinds are batched into one digest email.
    """
    if key is not None:
        existing = (
            await ctx.session.scalars(select(Notification).where(Notification.key == key))
        ).first()
        if existing is not None:
            return existing
    row: Notification | None = None
    if always_inapp or await wants(ctx, user_id=user_id, kind=kind, channel="inapp"):
        row = Notification(
            user_id=user_id,
            org_id=org_id,
            kind=kind,
            title=title,
            body=body,
            url=url,
            key=key,
            created_at=ctx.now(),
        )
        ctx.session.add(row)
        await ctx.session.flush()
        if org_id is not None:
            await publish(
                ctx,
                org_id=org_id,
                type="notification.created",
                user_id=user_id,
                data={"notification_id": row.id, "kind": kind, "title": title},
            )
    want_email = bool(email_to) and await wants(ctx, user_id=user_id, kind=kind, channel="email")
    want_push = await wants(ctx, user_id=user_id, kind=kind, channel="push")
    if not (want_email or want_push):
        return row
    settings = await timing.settings_of(ctx, user_id)
    person = await ctx.session.get(User, user_id)
    zone = person.timezone if person is not None else "UTC"
    later = None if urgent else timing.deliver_at(settings, zone, ctx.now(), not_after=not_after)
    if want_email and email_to:
        batch = (
            not urgent
            and not_after is None
            and settings is not None
            and settings.digest_minutes is not None
            and await wants(ctx, user_id=user_id, kind=kind, channel="digest")
        )
        if batch and settings is not None:
            await digest.add(
                ctx, settings, zone=zone, kind=kind, title=title, body=body, url=url, org_id=org_id
            )
        else:
            text = f"{body}\n\n{url}" if url else body
            await queue_email(
                ctx, to=email_to, subject=title, text=text, kind=kind, org_id=org_id, send_at=later
            )
    if want_push:
        await push.queue_push(
            ctx,
            user_id=user_id,
            org_id=org_id,
            data={"kind": kind, "title": title, "body": body, "url": url},
            key=key,
            send_at=later,
        )
    return row


async def list_for_user(
    ctx: Ctx, *, user_id: str, unread_only: bool, cursor: str | None, limit: int
) -> tuple[Page[Notification], int]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    page = await paginate(
        ctx.session, query, Notification.id, cursor=cursor, limit=limit, desc=True
    )
    return page, await unread_count(ctx, user_id=user_id)


async def unread_count(ctx: Ctx, *, user_id: str) -> int:
    query = select(func.count()).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return int(await ctx.session.scalar(query) or 0)


async def mark_read(ctx: Ctx, *, user_id: str, notification_id: str) -> Notification:
    row = await ctx.session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such notification.")
    if row.read_at is None:
        row.read_at = ctx.now()
        await ctx.session.flush()
    return row


async def mark_all_read(ctx: Ctx, *, user_id: str) -> int:
    result = await ctx.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=ctx.now())
    )
    return int(getattr(result, "rowcount", 0) or 0)
