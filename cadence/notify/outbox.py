"""Queue emails in the outbox, inside the caller's transaction.

Nothing is sent here: a row is written (with its attachments), and when SMTP is configured
(`CADENCE_SMTP_URL`) an `email.send` job in the same transaction. A worker sends it after
commit, so a rolled-back change never emails and a committed one always does. Without SMTP
the email stays in the outbox, where the admin page shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cadence.context import Ctx
from cadence.db import new_id
from cadence.jobs import enqueue
from cadence.notify.models import OutboxAttachment, OutboxEmail
from cadence.pagination import Page, paginate

log = logging.getLogger("cadence.outbox")

SEND_JOB = "email.send"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar", "image/png", "application/pdf", ...
    data: bytes


def _host(ctx: Ctx) -> str:
    host = ctx.settings.public_host
    return host or "cadence"


async def queue_email(
    ctx: Ctx,
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    org_id: str | None = None,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    send_at: datetime | None = None,
) -> OutboxEmail:
    email = OutboxEmail(
        id=new_id(),
        org_id=org_id,
        kind=kind,
        to_addr=to,
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=f"<{new_id()}@{_host(ctx)}>",
        created_at=ctx.now(),
    )
    ctx.session.add(email)
    await ctx.session.flush()  # attachments refer to it (no ORM relationship orders them)
    for item in attachments:
        ctx.session.add(
            OutboxAttachment(
                email_id=email.id,
                filename=item.filename,
                content_type=item.content_type,
                data=item.data,
            )
        )
    await ctx.session.flush()
    if ctx.settings.smtp_url:
        await enqueue(
            ctx,
            SEND_JOB,
            {"email_id": email.id},
            run_at=send_at,  # later than now: held back until the person's quiet hours end
            key=f"email:{email.id}",
            org_id=org_id,
        )
    log.info(
        "email queued",
        extra={"to": to, "subject": subject, "kind": kind, "body": text, "email_id": email.id},
    )
    return email


async def list_outbox(
    ctx: Ctx,
    *,
    org_id: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[OutboxEmail]:
    """Emails newest first, for the admin's outbox page (one organisation, or all)."""
    query = select(OutboxEmail)
    if org_id is not None:
        query = query.where(OutboxEmail.org_id == org_id)
    if status is not None:
        query = query.where(OutboxEmail.status == status)
    return await paginate(ctx.session, query, OutboxEmail.id, cursor=cursor, limit=limit, desc=True)


async def attachments_of(ctx: Ctx, email_id: str) -> list[OutboxAttachment]:
    rows = await ctx.session.scalars(
        select(OutboxAttachment)
        .where(OutboxAttachment.email_id == email_id)
        .order_by(OutboxAttachment.id)
    )
    return list(rows)
