"""HTTP API: the caller's notifications and preferences, organisation webhooks, Web Push
subscriptions, and the admin's test notification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from cadence.context import Ctx, unit_of_work
from cadence.http.deps import AdminDep, CtxDep, CurrentUser, StateDep
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page
from cadence.notify import push, reminders, service, timing, webhooks
from cadence.notify.schemas import (
    DeliveryAttemptOut,
    NotificationOut,
    NotificationPage,
    PreferenceIn,
    PreferenceOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    TimingIn,
    TimingOut,
    VapidPublicKey,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=64)]


@router.get("/notifications", response_model=NotificationPage)
async def my_notifications(
    ctx: CtxDep, user: CurrentUser, unread: bool = False, cursor: Cursor = None, limit: Limit = 50
) -> NotificationPage:
    page, count = await service.list_for_user(
        ctx, user_id=user.id, unread_only=unread, cursor=cursor, limit=limit
    )
    items = [NotificationOut.model_validate(n) for n in page.items]
    return NotificationPage(items=items, next_cursor=page.next_cursor, unread_count=count)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
async def mark_read(ctx: CtxDep, user: CurrentUser, notification_id: str) -> NotificationOut:
    row = await service.mark_read(ctx, user_id=user.id, notification_id=notification_id)
    return NotificationOut.model_validate(row)


@router.post("/notifications/read-all", status_code=204)
async def mark_all_read(ctx: CtxDep, user: CurrentUser) -> Response:
    await service.mark_all_read(ctx, user_id=user.id)
    return Response(status_code=204)


@router.get("/notifications/preferences", response_model=list[PreferenceOut])
async def my_preferences(ctx: CtxDep, user: CurrentUser) -> list[PreferenceOut]:
    return [
        PreferenceOut.model_validate(p) for p in await service.preferences(ctx, user_id=user.id)
    ]


@router.put("/notifications/preferences", response_model=PreferenceOut)
async def set_preference(ctx: CtxDep, user: CurrentUser, body: PreferenceIn) -> PreferenceOut:
    row = await service.set_preference(
        ctx, user_id=user.id, kind=body.kind, channel=body.channel, enabled=body.enabled
    )
    return PreferenceOut.model_validate(row)


@router.post("/orgs/{org_id}/notifications/test", status_code=201, response_model=NotificationOut)
async def send_test(ctx: CtxDep, membership: AdminDep, user: CurrentUser) -> NotificationOut:
    """Sends the caller a test notification (in-app, live) to check the setup."""
    row = await service.notify(
        ctx,
        user_id=user.id,
        org_id=membership.org_id,
        kind="test",
        title="Test notification",
        body="Notifications reach you.",
        always_inapp=True,
    )
    assert row is not None
    return NotificationOut.model_validate(row)


async def _check_url(ctx: Ctx, url: str) -> None:
    """SSRF check of a webhook URL; the read transaction ends first (DNS can be slow)."""
    await ctx.session.commit()
    await webhooks.check_url(ctx.settings, url)


@router.get("/orgs/{org_id}/webhooks", response_model=list[WebhookOut])
async def list_webhooks(ctx: CtxDep, membership: AdminDep) -> list[WebhookOut]:
    hooks = await webhooks.list_for_org(ctx, org_id=membership.org_id)
    return [WebhookOut.model_validate(h) for h in hooks]


@router.post("/orgs/{org_id}/webhooks", status_code=201, response_model=WebhookCreated)
async def create_webhook(ctx: CtxDep, membership: AdminDep, body: WebhookCreate) -> WebhookCreated:
    await _check_url(ctx, str(body.url))
    hook = await webhooks.create(
        ctx, org_id=membership.org_id, url=str(body.url), event_types=body.event_types
    )
    return WebhookCreated.model_validate(hook)


@router.get("/orgs/{org_id}/webhooks/{webhook_id}", response_model=WebhookOut)
async def get_webhook(ctx: CtxDep, membership: AdminDep, webhook_id: str) -> WebhookOut:
    hook = await webhooks.get(ctx, org_id=membership.org_id, webhook_id=webhook_id)
    return WebhookOut.model_validate(hook)


@router.patch("/orgs/{org_id}/webhooks/{webhook_id}", response_model=WebhookOut)
async def update_webhook(
    ctx: CtxDep, membership: AdminDep, webhook_id: str, body: WebhookUpdate
) -> WebhookOut:
    await webhooks.get(ctx, org_id=membership.org_id, webhook_id=webhook_id)  # 404 first
    if body.url is not None:
        await _check_url(ctx, str(body.url))
    hook = await webhooks.update(
        ctx,
        org_id=membership.org_id,
        webhook_id=webhook_id,
        url=str(body.url) if body.url else None,
        event_types=body.event_types,
        active=body.active,
    )
    return WebhookOut.model_validate(hook)


@router.delete("/orgs/{org_id}/webhooks/{webhook_id}", status_code=204)
async def delete_webhook(ctx: CtxDep, membership: AdminDep, webhook_id: str) -> Response:
    await webhooks.delete(ctx, org_id=membership.org_id, webhook_id=webhook_id)
    return Response(status_code=204)


@router.get(
    "/orgs/{org_id}/webhooks/{webhook_id}/deliveries", response_model=Page[DeliveryAttemptOut]
)
async def webhook_deliveries(
    ctx: CtxDep, membership: AdminDep, webhook_id: str, cursor: Cursor = None, limit: Limit = 50
) -> Page[DeliveryAttemptOut]:
    page = await webhooks.delivery_log(
        ctx, org_id=membership.org_id, webhook_id=webhook_id, cursor=cursor, limit=limit
    )
    items = [DeliveryAttemptOut.model_validate(a) for a in page.items]
    return Page(items=items, next_cursor=page.next_cursor)


@router.post("/push/subscriptions", status_code=201, response_model=PushSubscriptionOut)
async def subscribe_push(
    ctx: CtxDep, user: CurrentUser, body: PushSubscriptionIn
) -> PushSubscriptionOut:
    row = await push.subscribe(
        ctx, user_id=user.id, endpoint=str(body.endpoint), p256dh=body.p256dh, auth=body.auth
    )
    return PushSubscriptionOut.model_validate(row)


@router.get("/push/vapid-public-key", response_model=VapidPublicKey)
async def vapid_public_key(ctx: CtxDep, state: StateDep) -> VapidPublicKey:
    """The deployment's VAPID public key: the browser's `applicationServerKey`."""
    key = await push.vapid_key(ctx)
    if key is None:  # made at start; this covers a start that could not write
        async with unit_of_work(state.sessions, state.settings, state.clock) as write:
            key = await push.ensure_vapid_key(write)
    return VapidPublicKey(public_key=key.public_key)


@router.get("/notifications/timing", response_model=TimingOut)
async def my_timing(ctx: CtxDep, user: CurrentUser) -> TimingOut:
    """Reminder offsets (minutes before an event), quiet hours and digest window."""
    row = await timing.settings_of(ctx, user.id)
    return TimingOut(
        reminder_minutes=timing.reminder_minutes(row),
        quiet_start=row.quiet_start if row else None,
        quiet_end=row.quiet_end if row else None,
        digest_minutes=row.digest_minutes if row else None,
    )


@router.put("/notifications/timing", response_model=TimingOut)
async def set_timing(ctx: CtxDep, user: CurrentUser, body: TimingIn) -> TimingOut:
    row = await timing.update_settings(
        ctx,
        user_id=user.id,
        reminder_minutes=body.reminder_minutes,
        quiet_start=body.quiet_start,
        quiet_end=body.quiet_end,
        digest_minutes=body.digest_minutes,
    )
    await reminders.reschedule_for_person(ctx, user.id)
    return TimingOut(
        reminder_minutes=timing.reminder_minutes(row),
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        digest_minutes=row.digest_minutes,
    )
