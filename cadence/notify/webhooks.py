"""Webhooks per organisation: CRUD, fan-out of domain events, signed delivery.

Every domain event published for an organisation becomes one `WebhookDelivery` (and one
job) per active webhook that wants its type, in the publishing transaction. The POST body is
`{"id", "type", "org_id", "at", "data"}` (`id`: the delivery id, also sent as
`Cadence-Delivery`, stable across retries). `Cadence-Signature: t=<unix>,v1=<hex>` where
`v1 = HMAC-SHA256(secret, "<t>.<body>")`; receivers recompute it and reject stale `t`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from cadence import netguard
from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import InvalidInput, NotFound
from cadence.jobs import enqueue
from cadence.notify.models import DeliveryAttempt, Webhook, WebhookDelivery
from cadence.pagination import Page, paginate
from cadence.realtime import events as realtime_events
from cadence.settings import Settings

DELIVER_JOB = "webhook.deliver"
SIGNATURE_HEADER = "Cadence-Signature"
DELIVERY_HEADER = "Cadence-Delivery"


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the job is retried."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = sign(secret, int(parts.get("t", "0")), body)
    return hmac.compare_digest(expected, header)


def _guard_options(settings: Settings) -> dict[str, bool]:
    allow = settings.webhook_allow_private
    return {"allow_private": allow, "loopback_in_dev": allow}


async def check_url(settings: Settings, url: str) -> None:
    """Refuse a webhook URL on a loopback, private or link-local address (SSRF), 422.

    Resolves the host: call it with no transaction open. Delivery checks again, since
    what a name resolves to can change.
    """
    try:
        await netguard.resolve_public(url, settings, **_guard_options(settings))
    except netguard.BlockedAddress as exc:
        raise InvalidInput(str(exc), field="url") from None


async def post(
    hook: Webhook, delivery: WebhookDelivery, *, now: datetime, settings: Settings
) -> tuple[int | None, str | None]:
    """POST one delivery; returns (status code, error). Never raises for network trouble.

    The connection goes to the address that passed the SSRF check (`cadence.netguard`).
    """
    try:
        target = await netguard.resolve_public(hook.url, settings, **_guard_options(settings))
    except netguard.BlockedAddress as exc:
        return None, f"refused: {exc}"
    body = json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Cadence-Webhooks/1",
        DELIVERY_HEADER: delivery.id,
        "Cadence-Event": delivery.event_type,
        SIGNATURE_HEADER: sign(hook.secret, int(now.timestamp()), body),
        "Host": target.host_header,
    }
    try:
        async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
            response = await client.post(
                target.pinned,
                content=body,
                headers=headers,
                extensions={"sni_hostname": target.hostname},
            )
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:2000]
    return response.status_code, None if response.is_success else response.text[:500]


async def fan_out(ctx: Ctx, org_id: str, type: str, data: dict[str, Any]) -> None:
    """Publish hook: queue a delivery for each webhook of `org_id` that wants `type`."""
    hooks = await ctx.session.scalars(
        select(Webhook).where(Webhook.org_id == org_id, Webhook.active.is_(True))
    )
    for hook in hooks:
        if hook.event_types and type not in hook.event_types:
            continue
        delivery = WebhookDelivery(
            id=new_id(),
            webhook_id=hook.id,
            event_type=type,
            created_at=ctx.now(),
            payload={"type": type, "org_id": org_id, "at": ctx.now().isoformat(), "data": data},
        )
        ctx.session.add(delivery)
        await ctx.session.flush()
        await enqueue(
            ctx,
            DELIVER_JOB,
            {"delivery_id": delivery.id},
            key=f"webhook:{delivery.id}",
            org_id=org_id,
        )


realtime_events.add_publish_hook(fan_out)


async def create(ctx: Ctx, *, org_id: str, url: str, event_types: list[str]) -> Webhook:
    hook = Webhook(
        org_id=org_id,
        url=url,
        event_types=event_types,
        secret=secrets.token_urlsafe(32),
        active=True,
        created_at=ctx.now(),
    )
    ctx.session.add(hook)
    await ctx.session.flush()
    return hook


async def get(ctx: Ctx, *, org_id: str, webhook_id: str) -> Webhook:
    hook = await ctx.session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != org_id:
        raise NotFound("No such webhook.")
    return hook


async def list_for_org(ctx: Ctx, *, org_id: str) -> list[Webhook]:
    rows = await ctx.session.scalars(
        select(Webhook).where(Webhook.org_id == org_id).order_by(Webhook.id)
    )
    return list(rows)


async def update(
    ctx: Ctx,
    *,
    org_id: str,
    webhook_id: str,
    url: str | None = None,
    event_types: list[str] | None = None,
    active: bool | None = None,
) -> Webhook:
    hook = await get(ctx, org_id=org_id, webhook_id=webhook_id)
    if url is not None:
        hook.url = url
    if event_types is not None:
        hook.event_types = event_types
    if active is not None:
        hook.active = active
    await ctx.session.flush()
    return hook


async def delete(ctx: Ctx, *, org_id: str, webhook_id: str) -> None:
    hook = await get(ctx, org_id=org_id, webhook_id=webhook_id)
    await ctx.session.delete(hook)
    await ctx.session.flush()


async def delivery_log(
    ctx: Ctx, *, org_id: str, webhook_id: str, cursor: str | None, limit: int
) -> Page[DeliveryAttempt]:
    await get(ctx, org_id=org_id, webhook_id=webhook_id)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.webhook_id == webhook_id)
    query = select(DeliveryAttempt).where(
        DeliveryAttempt.channel == "webhook", DeliveryAttempt.ref_id.in_(deliveries)
    )
    return await paginate(
        ctx.session, query, DeliveryAttempt.id, cursor=cursor, limit=limit, desc=True
    )
