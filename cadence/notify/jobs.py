"""Delivery jobs: `email.send` (SMTP) and `webhook.deliver` (signed HTTP POST).

Each runs as: read in one short transaction, deliver with no transaction open, record the
outcome and finish the job in a second transaction. A worker that dies between delivering
and recording re-delivers once, with the same Message-ID / `Cadence-Delivery` id, which is
how the receiving side recognises the duplicate.
"""

from __future__ import annotations

from sqlalchemy import select

from cadence.jobs import JobRun, handler
from cadence.notify import webhooks
from cadence.notify.models import DeliveryAttempt, OutboxEmail, Webhook, WebhookDelivery
from cadence.notify.outbox import SEND_JOB, attachments_of
from cadence.notify.smtp import SmtpTarget, build_message


def _host(run: JobRun) -> str:
    host = run.settings.public_host
    return host or "localhost"


def _sender(run: JobRun, target: SmtpTarget) -> str:
    return target.sender or f"Cadence <cadence@{_host(run)}>"


@handler(SEND_JOB, max_attempts=10, backoff_base=10.0)
async def send_email(run: JobRun) -> None:
    url = run.settings.smtp_url
    async with run.unit_of_work() as ctx:
        email = await ctx.session.get(OutboxEmail, run.payload["email_id"])
        if email is None or email.status == "sent" or not url:
            return  # deleted, already sent, or SMTP switched off: it stays in the outbox
        if not await run.still_mine(ctx):
            return  # another worker took it over after our lease ran out
        target = SmtpTarget.parse(url)
        message = build_message(
            email, await attachments_of(ctx, email.id), sender=_sender(run, target)
        )
    try:
        await target.send(message, local_hostname=_host(run))
    except Exception as exc:
        async with run.unit_of_work() as ctx:
            row = await ctx.session.get(OutboxEmail, email.id)
            status = "dead" if run.is_last_attempt else "failed"
            if row is not None:
                row.status, row.attempts, row.last_error = status, run.attempt, str(exc)[:2000]
            ctx.session.add(_attempt(run, email, status, str(exc)[:2000], ctx.now()))
        raise
    async with run.unit_of_work(complete=True) as ctx:
        row = await ctx.session.get(OutboxEmail, email.id)
        if row is not None:
            row.status, row.attempts, row.sent_at, row.last_error = (
                "sent",
                run.attempt,
                ctx.now(),
                None,
            )
        ctx.session.add(_attempt(run, email, "sent", None, ctx.now()))


def _attempt(
    run: JobRun, email: OutboxEmail, status: str, error: str | None, at: object
) -> DeliveryAttempt:
    return DeliveryAttempt(
        org_id=email.org_id,
        channel="email",
        ref_id=email.id,
        target=email.to_addr,
        attempt=run.attempt,
        status=status,
        error=error,
        at=at,
    )


@handler(webhooks.DELIVER_JOB, max_attempts=8, backoff_base=15.0)
async def deliver_webhook(run: JobRun) -> None:
    async with run.unit_of_work() as ctx:
        found = (
            await ctx.session.execute(
                select(WebhookDelivery, Webhook)
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id == run.payload["delivery_id"])
            )
        ).first()
        if found is None or found[0].status == "delivered" or not found[1].active:
            return
        delivery, hook = found
    code, error = await webhooks.post(hook, delivery, now=run.clock.now(), settings=run.settings)
    ok = code is not None and 200 <= code < 300
    status = "delivered" if ok else ("dead" if run.is_last_attempt else "failed")
    async with run.unit_of_work(complete=ok) as ctx:
        row = await ctx.session.get(WebhookDelivery, delivery.id)
        if row is not None:
            row.status, row.attempts, row.response_code = status, run.attempt, code
            row.delivered_at = ctx.now() if ok else None
        ctx.session.add(
            DeliveryAttempt(
                org_id=hook.org_id,
                channel="webhook",
                ref_id=delivery.id,
                target=hook.url,
                attempt=run.attempt,
                status="sent" if ok else status,
                response_code=code,
                error=error,
                at=ctx.now(),
            )
        )
    if not ok:
        raise webhooks.DeliveryFailed(error or f"HTTP {code}")


# Registered here so that `load_all()` (which imports `cadence.notify.jobs`) finds them.
from cadence.notify import digest, push, reminders  # noqa: E402

__all__ = ["deliver_webhook", "digest", "push", "reminders", "send_email"]
