"""Web Push: the deployment's VAPID key pair, and one delivery job per subscription.

The key pair is made on first start (`ensure_vapid_key`, from the web process's lifespan)
and kept in the database, so every process and worker signs with the same key and browsers'
subscriptions survive restarts. A delivery reads what it needs in one transaction, sends
with none open (aes128gcm, pywebpush), then records the attempt and finishes the job. A push
service answering 404 or 410 has forgotten the subscription: it is deleted.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid  # type: ignore[import-untyped]
from pywebpush import WebPushException, webpush_async  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cadence.context import Ctx
from cadence.db import new_id
from cadence.jobs import JobRun, enqueue, handler
from cadence.notify.models import DeliveryAttempt, PushSubscription, VapidKey

PUSH_JOB = "push.send"
KEY_NAME = "default"
TTL_SECONDS = 24 * 3600
GONE = (404, 410)


class PushFailed(Exception):
    pass


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key_pair() -> tuple[str, str]:
    """A fresh P-256 pair: (PKCS#8 PEM of the private key, base64url public point)."""
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return pem, b64url(point)


async def vapid_key(ctx: Ctx) -> VapidKey | None:
    return (await ctx.session.scalars(select(VapidKey).where(VapidKey.name == KEY_NAME))).first()


async def ensure_vapid_key(ctx: Ctx) -> VapidKey:
    """The deployment's key pair, made once (concurrent first starts agree on one row)."""
    found = await vapid_key(ctx)
    if found is not None:
        return found
    pem, public = new_key_pair()
    dialect = ctx.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await ctx.session.execute(
        insert(VapidKey)
        .values(
            id=new_id(), name=KEY_NAME, private_pem=pem, public_key=public, created_at=ctx.now()
        )
        .on_conflict_do_nothing(index_elements=["name"])
    )
    found = await vapid_key(ctx)
    assert found is not None
    return found


async def queue_push(
    ctx: Ctx,
    *,
    user_id: str,
    org_id: str | None,
    data: dict[str, Any],
    key: str | None,
    send_at: datetime | None = None,
) -> int:
    """One delivery job per subscription of the person; returns how many were queued."""
    subs = list(
        await ctx.session.scalars(
            select(PushSubscription.id).where(PushSubscription.user_id == user_id)
        )
    )
    for sub_id in subs:
        await enqueue(
            ctx,
            PUSH_JOB,
            {"subscription_id": sub_id, "data": data},
            run_at=send_at,
            key=f"push:{sub_id}:{key}" if key else None,
            org_id=org_id,
        )
    return len(subs)


async def subscribe(
    ctx: Ctx, *, user_id: str, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Store a browser's subscription for `user_id` (a known endpoint changes hands)."""
    row = (
        await ctx.session.scalars(
            select(PushSubscription).where(PushSubscription.endpoint == endpoint)
        )
    ).first()
    if row is None:
        row = PushSubscription(endpoint=endpoint, created_at=ctx.now())
        ctx.session.add(row)
    row.user_id, row.p256dh, row.auth = user_id, p256dh, auth
    await ctx.session.flush()
    return row


async def unsubscribe(ctx: Ctx, *, user_id: str, endpoint: str) -> bool:
    """Forget one of the person's subscriptions; False if they had none at `endpoint`."""
    row = (
        await ctx.session.scalars(
            select(PushSubscription).where(
                PushSubscription.endpoint == endpoint, PushSubscription.user_id == user_id
            )
        )
    ).first()
    if row is None:
        return False
    await ctx.session.delete(row)
    await ctx.session.flush()
    return True


async def subscription_count(ctx: Ctx, *, user_id: str) -> int:
    query = select(func.count()).where(PushSubscription.user_id == user_id)
    return int(await ctx.session.scalar(query) or 0)


def _claims(run: JobRun) -> dict[str, str | int]:
    host = run.settings.public_host
    return {"sub": f"mailto:cadence@{host or 'localhost'}"}


async def send(
    subscription: dict[str, Any], payload: str, *, pem: str, claims: dict[str, str | int]
) -> tuple[int | None, str | None]:
    """POST one encrypted push; (HTTP status, error) — status None if nothing answered."""
    vapid = Vapid.from_pem(pem.encode())
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
            response = await webpush_async(
                subscription,
                data=payload,
                vapid_private_key=vapid,
                vapid_claims=dict(claims),
                content_encoding="aes128gcm",
                ttl=TTL_SECONDS,
                aiohttp_session=session,
            )
            assert not isinstance(response, str)
            return response.status, None
    except WebPushException as exc:
        return exc.status_code, str(exc)[:2000]
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:2000]


@handler(PUSH_JOB, max_attempts=6, backoff_base=30.0)
async def deliver_push(run: JobRun) -> None:
    async with run.unit_of_work() as ctx:
        sub = await ctx.session.get(PushSubscription, run.payload["subscription_id"])
        pem = (await ensure_vapid_key(ctx)).private_pem
        mine = await run.still_mine(ctx)
    if sub is None or not mine:
        return  # unsubscribed since, or taken over by another worker
    info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    code, error = await send(info, json.dumps(run.payload["data"]), pem=pem, claims=_claims(run))
    ok = code is not None and 200 <= code < 300
    gone = code in GONE
    status = "sent" if ok else ("dead" if gone or run.is_last_attempt else "failed")
    async with run.unit_of_work(complete=ok or gone) as ctx:
        if gone:
            row = await ctx.session.get(PushSubscription, sub.id)
            if row is not None:
                await ctx.session.delete(row)
        ctx.session.add(
            DeliveryAttempt(
                org_id=run.org_id,
                channel="push",
                ref_id=sub.id,
                target=sub.endpoint[:500],
                attempt=run.attempt,
                status=status,
                response_code=code,
                error=error,
                at=ctx.now(),
            )
        )
    if not (ok or gone):
        raise PushFailed(error or f"HTTP {code}")
