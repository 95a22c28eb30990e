"""Queue emails in the outbox, inside the caller's transaction.

Nothing is sent here: a row is written, and a log line shows it to the developer. Delivery
happens after commit (the notifications engine), so a rolled-back change never emails.
"""

from __future__ import annotations

import logging

from cadence.context import Ctx
from cadence.db import new_id
from cadence.notify.models import OutboxEmail

log = logging.getLogger("cadence.outbox")


async def queue_email(
    ctx: Ctx,
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    org_id: str | None = None,
    html: str | None = None,
) -> OutboxEmail:
    host = ctx.settings.base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    email = OutboxEmail(
        org_id=org_id,
        kind=kind,
        to_addr=to,
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=f"<{new_id()}@{host or 'cadence'}>",
        created_at=ctx.now(),
    )
    ctx.session.add(email)
    await ctx.session.flush()
    log.info(
        "email queued",
        extra={"to": to, "subject": subject, "kind": kind, "body": text, "email_id": email.id},
    )
    return email
