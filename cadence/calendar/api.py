"""HTTP API of the calendar engine: feeds, `.ics`, imports, calendar events, CalDAV."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from cadence.accounts.models import Membership
from cadence.calendar import caldav, feeds, imports, publish
from cadence.calendar import service as events
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.models import CaldavTarget, CalendarImport, Event
from cadence.calendar.schemas import (
    AttendeeIn,
    AttendeeOut,
    CaldavPublishIn,
    CaldavPublishOut,
    CaldavTargetIn,
    CaldavTargetOut,
    CaldavTargetPage,
    CaldavTargetUpdate,
    CancelIn,
    ConflictOut,
    EventIn,
    EventOut,
    EventPage,
    EventUpdate,
    FeedOut,
    ImportIn,
    ImportOut,
    ImportPage,
    OccurrenceOut,
    OccurrencePage,
    OverrideIn,
    OverrideOut,
    ResourceConflictOut,
    RsvpIn,
)
from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.http.deps import CtxDep, CurrentUser, ManagerDep, MemberDep, ViewerDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES, Limit

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["calendar"])
ICS = "text/calendar; charset=utf-8"
EventId = Annotated[str, Path(max_length=64)]


async def _visible_event(
    event_id: EventId, ctx: CtxDep, user: CurrentUser
) -> tuple[Event, Membership | None]:
    """Load the event (or 404) before the body is validated, so an outsider learns nothing."""
    return await events.get_event(ctx, event_id=event_id, user_id=user.id)


VisibleEvent = Annotated[tuple[Event, Membership | None], Depends(_visible_event)]


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type=ICS,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _import_out(row: CalendarImport) -> ImportOut:
    return ImportOut(
        id=row.id,
        events=row.events,
        name=row.name,
        url=row.url,
        created_at=row.created_at,
        refreshed_at=row.refreshed_at,
    )


async def _event_out(
    ctx: Ctx, event: Event, conflicts: list[events.ConflictWarning] | None = None
) -> EventOut:
    attendees = await events.attendees_of(ctx, event.id)
    resource_conflicts = (
        await events.resource_conflicts_for(ctx, event) if conflicts is not None else []
    )
    overrides = (await overrides_of(ctx, [event.id])).get(event.id, [])
    return EventOut(
        id=event.id,
        org_id=event.org_id,
        uid=event.uid,
        name=event.name,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        rrule=event.rrule,
        exdates=list(event.exdates or []),
        description=event.description,
        category=event.category,
        venue=event.venue,
        status=event.status,
        sequence=event.sequence,
        version=event.version,
        attendees=[
            AttendeeOut(user_id=a.user_id, rsvp=a.rsvp, required=a.required) for a in attendees
        ],
        overrides=[
            OverrideOut(
                recurrence_id=o.recurrence_id,
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                cancelled=o.cancelled,
                name=o.name,
            )
            for o in overrides
        ],
        conflicts=[ConflictOut(**vars(c)) for c in conflicts or []],
        resources=await events.resources_of(ctx, event.id),
        resource_conflicts=[ResourceConflictOut(**vars(c)) for c in resource_conflicts],
    )


# --- feeds and .ics ------------------------------------------------------------------------


@router.get("/me/calendar-feed", response_model=FeedOut)
async def get_feed(ctx: CtxDep, user: CurrentUser) -> FeedOut:
    """The secret URL of the caller's calendar feed."""
    return FeedOut(url=await feeds.feed_url(ctx, user_id=user.id))


@router.delete("/me/calendar-feed", status_code=204)
async def revoke_feed(ctx: CtxDep, user: CurrentUser) -> Response:
    """Revoke the feed: the old URL answers 404; the next GET gives a new one."""
    await feeds.revoke_feeds(ctx, user_id=user.id)
    return Response(status_code=204)


@router.get(
    "/calendar-feeds/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def serve_feed(token: Annotated[str, Path(max_length=200)], ctx: CtxDep) -> Response:
    """The feed itself: readable with the secret URL alone (no other credentials)."""
    return _ics(await feeds.feed_ics(ctx, token=token), "cadence.ics")


@router.get(
    "/events/{event_id}/ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def event_ics(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> Response:
    return _ics(await feeds.event_ics(ctx, event_id=event_id, user_id=user.id), "event.ics")


@router.get("/me/calendar", response_model=OccurrencePage, tags=["me"])
async def my_calendar(
    ctx: CtxDep,
    user: CurrentUser,
    start: Annotated[datetime, Query(alias="from")],
    end: Annotated[datetime, Query(alias="to")],
) -> OccurrencePage:
    """Occurrences of every event the caller takes part in, in [from, to) (≤ 366 days)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("from and to need a timezone offset.", field="from")
    if not start < end <= start + timedelta(days=366):
        raise InvalidInput("to must be after from, at most 366 days later.", field="to")
    rows = await feeds.events_of_person(ctx, user_id=user.id)
    overrides = await overrides_of(ctx, [e.id for e in rows])
    items = [
        OccurrenceOut(
            event_id=e.id,
            org_id=e.org_id,
            name=o.summary or e.name,
            starts_at=o.start,
            ends_at=o.end,
            recurrence_id=o.recurrence_id,
            status=e.status,
        )
        for e in rows
        for o in occurrences_of(e, overrides.get(e.id, []), start, end)
    ]
    items.sort(key=lambda i: (i.starts_at, i.event_id))
    return OccurrencePage(items=items)


# --- imports -------------------------------------------------------------------------------


@router.post("/me/calendar-imports", status_code=201, response_model=ImportOut, tags=["me"])
async def create_import(body: ImportIn, ctx: CtxDep, user: CurrentUser) -> ImportOut:
    """Import an external calendar (`ics` text or a `url`) as the caller's busy time."""
    # Fetch and expand with no transaction open (on SQLite it would hold the write lock).
    await imports.release(ctx)
    prepared = await imports.load(
        ctx.settings, ctx.now(), ics=body.ics, url=body.url, timezone=user.timezone
    )
    row = await imports.create_import(
        ctx, user_id=user.id, prepared=prepared, url=body.url, name=body.name
    )
    return _import_out(row)


@router.get("/me/calendar-imports", response_model=ImportPage, tags=["me"])
async def list_imports(ctx: CtxDep, user: CurrentUser) -> ImportPage:
    return ImportPage(
        items=[_import_out(r) for r in await imports.list_imports(ctx, user_id=user.id)]
    )


@router.post("/me/calendar-imports/{import_id}/refresh", response_model=ImportOut, tags=["me"])
async def refresh_import(import_id: EventId, ctx: CtxDep, user: CurrentUser) -> ImportOut:
    """Fetch a URL import again and replace its busy time."""
    row = await imports.get_import(ctx, user_id=user.id, import_id=import_id)
    if row.url is None:
        raise InvalidInput("Only imports from a URL can be refreshed.", field="url")
    await imports.release(ctx)
    prepared = await imports.load(
        ctx.settings, ctx.now(), ics=None, url=row.url, timezone=user.timezone
    )
    row = await imports.store_refresh(
        ctx,
        user_id=user.id,
        import_id=import_id,
        prepared=prepared,
        action="calendar_import.refresh",
    )
    return _import_out(row)


@router.delete("/me/calendar-imports/{import_id}", status_code=204, tags=["me"])
async def delete_import(import_id: EventId, ctx: CtxDep, user: CurrentUser) -> Response:
    await imports.delete_import(ctx, user_id=user.id, import_id=import_id)
    return Response(status_code=204)


# --- calendar events -----------------------------------------------------------------------


@router.post("/orgs/{org_id}/calendar-events", status_code=201, response_model=EventOut)
async def create_event(body: EventIn, ctx: CtxDep, membership: MemberDep) -> EventOut:
    """Create a one-off or recurring event; answers conflict warnings for its attendees and
    for the organisation's resources it books (`resources`: taken by another event, or closed)."""
    org = await load_org(ctx, membership)
    fields = body.model_dump(exclude={"attendees", "resources"})
    fields["timezone"] = body.timezone or org.timezone
    event = await events.create_event(
        ctx,
        org_id=org.id,
        creator_id=membership.user_id,
        fields=fields,
        attendees=body.attendees,
        resources=body.resources,
    )
    return await _event_out(ctx, event, await events.conflicts_for(ctx, event))


@router.get("/orgs/{org_id}/calendar-events", response_model=EventPage)
async def list_events(
    ctx: CtxDep, membership: ViewerDep, cursor: str | None = None, limit: Limit = 50
) -> EventPage:
    rows, next_cursor = await events.list_org_events(
        ctx, org_id=membership.org_id, cursor=cursor, limit=limit
    )
    return EventPage(items=[await _event_out(ctx, e) for e in rows], next_cursor=next_cursor)


@router.get("/calendar-events/{event_id}", response_model=EventOut)
async def get_event(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> EventOut:
    event, _ = await events.get_event(ctx, event_id=event_id, user_id=user.id)
    return await _event_out(ctx, event)


@router.patch("/calendar-events/{event_id}", response_model=EventOut)
async def update_event(
    loaded: VisibleEvent, body: EventUpdate, ctx: CtxDep, user: CurrentUser
) -> EventOut:
    """Change an event (send the `version` you read; a stale one answers 409)."""
    event, membership = loaded
    events.ensure_can_edit(event, membership, user.id)
    changes = body.model_dump(exclude={"version"}, exclude_unset=True)
    for required in ("name", "starts_at", "ends_at", "timezone"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} cannot be removed.", field=required)
    event = await events.update_event(ctx, event, version=body.version, changes=changes)
    return await _event_out(ctx, event, await events.conflicts_for(ctx, event))


@router.post("/calendar-events/{event_id}/cancel", response_model=EventOut)
async def cancel_event(
    loaded: VisibleEvent, body: CancelIn, ctx: CtxDep, user: CurrentUser
) -> EventOut:
    event, membership = loaded
    events.ensure_can_edit(event, membership, user.id)
    return await _event_out(ctx, await events.cancel_event(ctx, event, version=body.version))


@router.put("/calendar-events/{event_id}/overrides", response_model=EventOut)
async def set_override(
    loaded: VisibleEvent, body: OverrideIn, ctx: CtxDep, user: CurrentUser
) -> EventOut:
    """Move, rename or cancel one occurrence of a series (named by its original start)."""
    event, membership = loaded
    events.ensure_can_edit(event, membership, user.id)
    await events.set_override(
        ctx,
        event,
        recurrence_id=body.recurrence_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        cancelled=body.cancelled,
        name=body.name,
    )
    return await _event_out(ctx, event, await events.conflicts_for(ctx, event))


@router.post("/calendar-events/{event_id}/attendees", status_code=201, response_model=EventOut)
async def add_attendee(
    loaded: VisibleEvent, body: AttendeeIn, ctx: CtxDep, user: CurrentUser
) -> EventOut:
    event, membership = loaded
    events.ensure_can_edit(event, membership, user.id)
    await events.add_attendee(ctx, event, user_id=body.user_id, required=body.required)
    return await _event_out(ctx, event, await events.conflicts_for(ctx, event))


@router.delete("/calendar-events/{event_id}/attendees/{user_id}", status_code=204)
async def remove_attendee(
    event_id: EventId, user_id: EventId, ctx: CtxDep, user: CurrentUser
) -> Response:
    event, membership = await events.get_event(ctx, event_id=event_id, user_id=user.id)
    if user_id != user.id:
        events.ensure_can_edit(event, membership, user.id)
    await events.remove_attendee(ctx, event, user_id=user_id)
    return Response(status_code=204)


@router.post("/calendar-events/{event_id}/rsvp", response_model=AttendeeOut)
async def rsvp(loaded: VisibleEvent, body: RsvpIn, ctx: CtxDep, user: CurrentUser) -> AttendeeOut:
    """The caller's answer to an invitation (members may also answer uninvited)."""
    event, _ = loaded
    row = await events.rsvp(ctx, event, user_id=user.id, answer=body.rsvp)
    return AttendeeOut(user_id=row.user_id, rsvp=row.rsvp, required=row.required)


# --- CalDAV --------------------------------------------------------------------------------


@router.post("/orgs/{org_id}/caldav-publish", response_model=CaldavPublishOut)
async def caldav_publish(
    body: CaldavPublishIn, ctx: CtxDep, membership: ManagerDep
) -> CaldavPublishOut:
    """Publish every event of the organisation to a CalDAV calendar collection once, now
    (manager+). Store a target (`/caldav-targets`) to keep it published automatically."""
    published, removed = await caldav.publish_org(
        ctx,
        org_id=membership.org_id,
        url=body.url,
        username=body.username,
        password=body.password,
    )
    return CaldavPublishOut(published=published, removed=removed)


def _target_out(row: CaldavTarget) -> CaldavTargetOut:
    return CaldavTargetOut(
        id=row.id,
        org_id=row.org_id,
        url=row.url,
        username=row.username,
        has_password=row.password is not None,
        status=row.status,
        up_to_date=row.status == "ok" and row.published >= row.wanted,
        last_error=row.last_error,
        last_published_at=row.last_published_at,
        last_attempt_at=row.last_attempt_at,
        objects=row.objects,
        created_at=row.created_at,
    )


TargetId = Annotated[str, Path(max_length=64)]


@router.post("/orgs/{org_id}/caldav-targets", status_code=201, response_model=CaldavTargetOut)
async def create_caldav_target(
    body: CaldavTargetIn, ctx: CtxDep, membership: ManagerDep
) -> CaldavTargetOut:
    """Keep the organisation's events published to a CalDAV collection (manager+).

    The first publish and every later one (whenever an event of the organisation changes)
    run in the background; `status`, `last_error` and `last_published_at` tell how it went.
    The password is stored encrypted and never returned.
    """
    row = await publish.create_target(
        ctx,
        org_id=membership.org_id,
        url=body.url,
        username=body.username,
        password=body.password,
    )
    return _target_out(row)


@router.get("/orgs/{org_id}/caldav-targets", response_model=CaldavTargetPage)
async def list_caldav_targets(ctx: CtxDep, membership: ManagerDep) -> CaldavTargetPage:
    rows = await publish.list_targets(ctx, org_id=membership.org_id)
    return CaldavTargetPage(items=[_target_out(r) for r in rows])


@router.get("/orgs/{org_id}/caldav-targets/{target_id}", response_model=CaldavTargetOut)
async def get_caldav_target(
    target_id: TargetId, ctx: CtxDep, membership: ManagerDep
) -> CaldavTargetOut:
    return _target_out(await publish.get_target(ctx, org_id=membership.org_id, target_id=target_id))


@router.patch("/orgs/{org_id}/caldav-targets/{target_id}", response_model=CaldavTargetOut)
async def update_caldav_target(
    target_id: TargetId, body: CaldavTargetUpdate, ctx: CtxDep, membership: ManagerDep
) -> CaldavTargetOut:
    """Change the URL or credentials; publishes again in the background."""
    changes = body.model_dump(exclude_unset=True)
    if "url" in changes and changes["url"] is None:
        raise InvalidInput("url cannot be removed.", field="url")
    row = await publish.update_target(
        ctx, org_id=membership.org_id, target_id=target_id, changes=changes
    )
    return _target_out(row)


@router.post(
    "/orgs/{org_id}/caldav-targets/{target_id}/publish",
    status_code=202,
    response_model=CaldavTargetOut,
)
async def publish_caldav_target(
    target_id: TargetId, ctx: CtxDep, membership: ManagerDep
) -> CaldavTargetOut:
    """Publish again in the background (after fixing the server, say)."""
    row = await publish.request_publish(ctx, org_id=membership.org_id, target_id=target_id)
    return _target_out(row)


@router.delete("/orgs/{org_id}/caldav-targets/{target_id}", status_code=204)
async def delete_caldav_target(
    target_id: TargetId, ctx: CtxDep, membership: ManagerDep
) -> Response:
    """Stop publishing there (what was published stays on the server)."""
    await publish.delete_target(ctx, org_id=membership.org_id, target_id=target_id)
    return Response(status_code=204)
