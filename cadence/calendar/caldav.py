"""Publishing an organisation's events to a CalDAV calendar collection.

Each series (master and overrides) is one calendar object, PUT at
`<collection>/cadence-<sha1 of UID>.ics`, as CalDAV requires one UID per resource
(`cadence.time.ical.caldav_objects`). Objects whose name starts with `cadence-` but whose
event no longer exists in Cadence are deleted; anything else in the collection is left
alone, so a shared calendar can hold other people's events too. Publishing is idempotent:
running it twice PUTs the same bodies.

The `caldav` library is synchronous, so the network part runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
from urllib.parse import urlsplit

import caldav as caldav_lib
from caldav.lib.error import DAVError
from sqlalchemy import select

from cadence.audit import service as audit
from cadence.calendar.feeds import calendar_events
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.time.ical import caldav_objects

PREFIX = "cadence-"


def object_name(uid: str) -> str:
    return f"{PREFIX}{hashlib.sha1(uid.encode(), usedforsecurity=False).hexdigest()}.ics"


def push(
    url: str, objects: dict[str, bytes], *, username: str | None, password: str | None
) -> tuple[int, int]:
    """PUT every object into the collection at `url`, delete stale `cadence-` objects."""
    base = url if url.endswith("/") else url + "/"
    wanted = {object_name(uid): body for uid, body in objects.items()}
    with caldav_lib.DAVClient(url=base, username=username, password=password) as client:
        calendar = client.calendar(url=base)  # type: ignore[no-untyped-call]
        existing = {
            str(child[0]).rstrip("/").rsplit("/", 1)[-1]: str(child[0])
            for child in calendar.children()
        }
        for name, body in wanted.items():
            response = client.put(
                base + name, body.decode(), {"Content-Type": "text/calendar; charset=utf-8"}
            )
            if response.status not in (200, 201, 204):
                raise DAVError(f"PUT {name} answered {response.status}")
        removed = 0
        for name, href in existing.items():
            if name.startswith(PREFIX) and name not in wanted:
                client.delete(str(calendar.url.join(href)))
                removed += 1
    return len(wanted), removed


async def org_objects(ctx: Ctx, org_id: str) -> dict[str, bytes]:
    """Every event of the organisation as CalDAV objects (one per UID)."""
    events = list((await ctx.session.scalars(select(Event).where(Event.org_id == org_id))).all())
    return caldav_objects(await calendar_events(ctx, events))


async def publish_org(
    ctx: Ctx, *, org_id: str, url: str, username: str | None, password: str | None
) -> tuple[int, int]:
    """Publish once, now (the stored targets of `calendar.publish` do it in the background).

    The events are read, then the request's transaction ends before the server is called,
    so no database lock is held across the network; the audit entry is a second one.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise InvalidInput("Use an http(s) URL of a CalDAV calendar collection.", field="url")
    objects = await org_objects(ctx, org_id)
    await ctx.session.commit()
    try:
        published, removed = await asyncio.to_thread(
            push, url, objects, username=username, password=password
        )
    except (DAVError, OSError) as exc:
        raise InvalidInput(f"The CalDAV server refused the calendar: {exc}", field="url") from None
    await audit.record(
        ctx,
        org_id=org_id,
        action="calendar.caldav_publish",
        target_type="organisation",
        target_id=org_id,
        after={"url": url, "published": published, "removed": removed},
    )
    return published, removed
