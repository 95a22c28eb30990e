"""Load-or-404 dependencies for `{event_id}` routes.

They run before the request body is validated, so another tenant's event answers 404 even
to a malformed body (the tenancy walk checks this for every route).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from cadence.calendar.models import Event
from cadence.events import service
from cadence.http.deps import CtxDep, CurrentUser

EventId = Annotated[str, Path(max_length=64)]


async def readable_event(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> Event:
    return await service.readable(ctx, event_id=event_id, user=user)


async def managed_event(event_id: EventId, ctx: CtxDep, user: CurrentUser) -> Event:
    return await service.managed(ctx, event_id=event_id, user=user)


ReadableEvent = Annotated[Event, Depends(readable_event)]
ManagedEvent = Annotated[Event, Depends(managed_event)]
