"""Imports of external calendars (pasted text or a URL) as the importer's busy time.

The text is validated and counted when imported (`events`: every VEVENT, overrides,
transparent and cancelled ones included, as the contract says) and stored; busy time is
expanded from it for each window asked about (`cadence.calendar.busy`).

Fetching a URL happens before anything is written, with a timeout and a size cap. In
production, addresses that are not public (loopback, private, link-local) are refused so
the server cannot be made to read its own network; other environments allow them so tests
and self-hosters on a LAN can import from local servers.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from cadence.audit import service as audit
from cadence.calendar.models import CalendarImport
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.time.ical import InvalidCalendarError, import_busy

MAX_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 15.0


def count_events(text: str, *, timezone: str, ctx: Ctx) -> int:
    """Validate the text as a calendar and count its VEVENTs (422 if unreadable)."""
    now = ctx.now()
    try:
        return import_busy(
            text, window_start=now, window_end=now + timedelta(days=1), timezone=timezone
        ).events
    except InvalidCalendarError as exc:
        raise InvalidInput(f"Not a readable iCalendar text: {exc}", field="ics") from None


async def _check_public(host: str) -> None:
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, None)
    except OSError:
        raise InvalidInput(f"Cannot resolve {host!r}.", field="url") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise InvalidInput("The URL must point to a public address.", field="url")


async def fetch(ctx: Ctx, url: str) -> str:
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("Use an http(s) or webcal URL.", field="url")
    if ctx.settings.env == "production":
        await _check_public(parts.hostname)
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "text/calendar"}) as response,
        ):
            if response.status_code != 200:
                raise InvalidInput(f"The URL answered HTTP {response.status_code}.", field="url")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InvalidInput("The calendar is larger than 5 MiB.", field="url")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise InvalidInput(f"Could not fetch the calendar: {exc}", field="url") from None
    return b"".join(chunks).decode("utf-8", errors="replace")


async def create_import(
    ctx: Ctx,
    *,
    user_id: str,
    timezone: str,
    ics: str | None,
    url: str | None,
    name: str | None = None,
) -> CalendarImport:
    if (ics is None) == (url is None):
        raise InvalidInput("Send exactly one of `ics` and `url`.", field="ics")
    text = ics if ics is not None else await fetch(ctx, url or "")
    events = count_events(text, timezone=timezone, ctx=ctx)
    row = CalendarImport(
        user_id=user_id,
        name=name,
        url=url,
        ics=text,
        events=events,
        created_at=ctx.now(),
        refreshed_at=ctx.now(),
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="calendar_import.create",
        target_type="calendar_import",
        target_id=row.id,
        after={"url": url, "events": events, "name": name},
    )
    return row


async def get_import(ctx: Ctx, *, user_id: str, import_id: str) -> CalendarImport:
    row = await ctx.session.get(CalendarImport, import_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such calendar import.")
    return row


async def refresh_import(
    ctx: Ctx, *, user_id: str, import_id: str, timezone: str
) -> CalendarImport:
    """Fetch a URL import again and replace its text."""
    row = await get_import(ctx, user_id=user_id, import_id=import_id)
    if row.url is None:
        raise InvalidInput("Only imports from a URL can be refreshed.", field="url")
    text = await fetch(ctx, row.url)
    row.events = count_events(text, timezone=timezone, ctx=ctx)
    row.ics, row.refreshed_at = text, ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="calendar_import.refresh",
        target_type="calendar_import",
        target_id=row.id,
        after={"events": row.events},
    )
    return row


async def list_imports(ctx: Ctx, *, user_id: str) -> list[CalendarImport]:
    query = select(CalendarImport).where(CalendarImport.user_id == user_id)
    return list((await ctx.session.scalars(query.order_by(CalendarImport.id))).all())


async def delete_import(ctx: Ctx, *, user_id: str, import_id: str) -> None:
    row = await get_import(ctx, user_id=user_id, import_id=import_id)
    await ctx.session.delete(row)
    await ctx.session.flush()
    await audit.record(
        ctx, action="calendar_import.delete", target_type="calendar_import", target_id=import_id
    )
