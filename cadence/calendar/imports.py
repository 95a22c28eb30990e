"""Imports of external calendars (pasted text or a URL) as the importer's busy time.

The text is validated, counted (`events`: every VEVENT, overrides, transparent and
cancelled ones included, as the contract says) and expanded over the materialisation
horizon *before* anything is written (`prepare`), and a URL is fetched before that
(`fetch`): the API handler ends the transaction its authentication opened first
(`release`), so no database lock is held while talking to the network or expanding
recurrences; the write that follows is one short transaction (`cadence.calendar.materialise`).

Fetching has a timeout and a size cap and follows no redirects; the URL goes through the
SSRF guard of `cadence.netguard` (public addresses only, loopback in test and development,
the connection pinned to the checked address).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import select

from cadence import netguard
from cadence.audit import service as audit
from cadence.calendar.materialise import horizon, materialise
from cadence.calendar.models import CalendarImport
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.settings import Settings
from cadence.time.findtime import Busy
from cadence.time.ical import InvalidCalendarError, import_busy

MAX_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 15.0


@dataclass(frozen=True)
class Prepared:
    """A calendar text read and expanded, ready to be stored."""

    text: str
    events: int
    busy: tuple[Busy, ...]
    timezone: str


async def release(ctx: Ctx) -> None:
    """End the request's transaction so far (authentication reads) before slow work."""
    await ctx.session.commit()


async def prepare(now: datetime, text: str, *, timezone: str) -> Prepared:
    """Validate and count the text and expand it over the horizon (422 if unreadable)."""
    start, end = horizon(now)
    try:
        result = await asyncio.to_thread(
            import_busy, text, window_start=start, window_end=end, timezone=timezone
        )
    except InvalidCalendarError as exc:
        raise InvalidInput(f"Not a readable iCalendar text: {exc}", field="ics") from None
    return Prepared(text, result.events, result.busy, timezone)


async def fetch(settings: Settings, url: str) -> str:
    """The text at an http(s)/webcal URL on a public address (422 otherwise)."""
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    try:
        target = await netguard.resolve_public(url, settings)
    except netguard.BlockedAddress as exc:
        raise InvalidInput(str(exc), field="url") from None
    headers = {"Accept": "text/calendar", "Host": target.host_header}
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as client,
            client.stream(
                "GET", target.pinned, headers=headers, extensions={"sni_hostname": target.hostname}
            ) as response,
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


async def load(
    settings: Settings, now: datetime, *, ics: str | None, url: str | None, timezone: str
) -> Prepared:
    """Read the text (or fetch the URL) and prepare it; touches no table."""
    if (ics is None) == (url is None):
        raise InvalidInput("Send exactly one of `ics` and `url`.", field="ics")
    text = ics if ics is not None else await fetch(settings, url or "")
    return await prepare(now, text, timezone=timezone)


async def create_import(
    ctx: Ctx,
    *,
    user_id: str,
    prepared: Prepared,
    url: str | None,
    name: str | None = None,
) -> CalendarImport:
    row = CalendarImport(
        user_id=user_id,
        name=name,
        url=url,
        ics=prepared.text,
        events=prepared.events,
        created_at=ctx.now(),
        refreshed_at=ctx.now(),
    )
    ctx.session.add(row)
    await materialise(ctx, row, prepared.timezone, prepared.busy)
    await audit.record(
        ctx,
        action="calendar_import.create",
        target_type="calendar_import",
        target_id=row.id,
        after={"url": url, "events": prepared.events, "name": name},
    )
    return row


async def get_import(ctx: Ctx, *, user_id: str, import_id: str) -> CalendarImport:
    row = await ctx.session.get(CalendarImport, import_id, populate_existing=True)
    if row is None or row.user_id != user_id:
        raise NotFound("No such calendar import.")
    return row


async def store_refresh(
    ctx: Ctx, *, user_id: str, import_id: str, prepared: Prepared, action: str
) -> CalendarImport:
    """Replace an import's text and materialised busy time (the import must still exist)."""
    row = await get_import(ctx, user_id=user_id, import_id=import_id)
    row.events, row.ics, row.refreshed_at = prepared.events, prepared.text, ctx.now()
    await materialise(ctx, row, prepared.timezone, prepared.busy)
    await audit.record(
        ctx,
        action=action,
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
