"""Imported busy time, materialised at import/refresh time over a bounded horizon.

Expanding an external calendar with `recurring_ical_events` costs tens of milliseconds per
calendar, so it is done once, when the calendar is imported or refreshed, for the horizon
[`now - HORIZON_BACK`, `now + HORIZON_AHEAD`), and the occurrences are stored in
`calendar_import_busy` (indexed by person and start). Busy time for a window is then one
indexed range query. The periodic job `calendar.extend_horizons` re-materialises imports
whose horizon ends within `EXTEND_WHEN_LEFT`, so the horizon keeps moving forward.

An import whose horizon does not cover a window (far future or past, a calendar too big to
materialise, or a person whose zone changed since it was materialised: floating times and
all-day events are read in the person's zone) is expanded from its text for that window,
so the answer is the same either way.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import delete, insert

from cadence.calendar.models import CalendarImport, CalendarImportBusy
from cadence.context import Ctx
from cadence.time.findtime import Busy
from cadence.time.ical import InvalidCalendarError, import_busy

HORIZON_BACK = timedelta(days=365)
HORIZON_AHEAD = timedelta(days=730)
EXTEND_WHEN_LEFT = timedelta(days=700)  # extended about monthly (daily job, 30-day slack)
MAX_ROWS = 50_000  # a bigger calendar is expanded per window instead
_BATCH = 2_000


def horizon(now: datetime) -> tuple[datetime, datetime]:
    start = (now - HORIZON_BACK).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + HORIZON_BACK + HORIZON_AHEAD


async def expand(text: str, zone: str, start: datetime, end: datetime) -> tuple[Busy, ...]:
    """Every busy occurrence of the text overlapping [start, end), off the event loop."""
    try:
        result = await asyncio.to_thread(
            import_busy, text, window_start=start, window_end=end, timezone=zone
        )
    except InvalidCalendarError:
        return ()  # validated when stored; a library upgrade must not break busy time
    return result.busy


async def materialise(ctx: Ctx, row: CalendarImport, zone: str, busy: tuple[Busy, ...]) -> None:
    """Replace the stored occurrences of `row` with `busy`, expanded over `horizon(now)`."""
    start, end = horizon(ctx.now())
    await ctx.session.flush()
    await ctx.session.execute(
        delete(CalendarImportBusy).where(CalendarImportBusy.import_id == row.id)
    )
    if len(busy) > MAX_ROWS:
        row.busy_from = row.busy_until = None
        row.busy_timezone, row.busy_longest_minutes = None, 0
        await ctx.session.flush()
        return
    values = [
        {
            "import_id": row.id,
            "user_id": row.user_id,
            "start_minute": b.start_minute,
            "end_minute": b.end_minute,
            "title": b.title,
            "source": b.source,
        }
        for b in busy
    ]
    for i in range(0, len(values), _BATCH):
        await ctx.session.execute(insert(CalendarImportBusy), values[i : i + _BATCH])
    row.busy_from, row.busy_until, row.busy_timezone = start, end, zone
    row.busy_longest_minutes = max((b.end_minute - b.start_minute for b in busy), default=0)
    await ctx.session.flush()


async def expand_for_horizon(ctx: Ctx, text: str, zone: str) -> tuple[Busy, ...]:
    start, end = horizon(ctx.now())
    return await expand(text, zone, start, end)
