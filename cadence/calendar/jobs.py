"""Background work of the calendar engine: imported calendars kept fresh.

- `calendar.extend_horizons` (hourly): re-materialises imports whose busy-time horizon is
  running out (about monthly each), that were never materialised (rows from before the
  table existed) or that were materialised in a zone the person no longer uses.
- `calendar.refresh_url_imports` (every 6 hours): enqueues one `calendar.refresh_import`
  job per URL import, keyed by import and 6-hour slot, so a slow or failing address delays
  nobody else and is never refreshed twice for the same slot.

Each import is read in one short transaction, fetched and expanded with none open, and
written in another (which also completes the job); a deleted import is skipped.

- `calendar.caldav_publish`: publishes an organisation's events to one stored CalDAV target
  (queued by `cadence.calendar.publish` when events change). Same shape: read the events,
  talk to the server with no transaction open, record `ok` or `error` on the target. A
  failure is retried with backoff (the error stays visible on the target meanwhile).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from caldav.lib.error import DAVError
from sqlalchemy import or_, select

from cadence import netguard
from cadence.accounts.models import User
from cadence.calendar import caldav, imports, publish
from cadence.calendar.materialise import EXTEND_WHEN_LEFT, materialise
from cadence.calendar.models import CaldavTarget, CalendarImport
from cadence.errors import InvalidInput, NotFound
from cadence.jobs import JobRun, enqueue, handler, periodic

log = logging.getLogger(__name__)
EXTEND_BATCH = 200
REFRESH_EVERY_HOURS = 6


async def _source(run: JobRun, import_id: str) -> tuple[str, str, str | None, str] | None:
    """(user id, text, url, the person's zone) of an import, or None if it is gone."""
    async with run.unit_of_work() as ctx:
        row = (
            await ctx.session.execute(
                select(
                    CalendarImport.user_id, CalendarImport.ics, CalendarImport.url, User.timezone
                )
                .join(User, User.id == CalendarImport.user_id)
                .where(CalendarImport.id == import_id)
            )
        ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


async def _store(
    run: JobRun, import_id: str, user_id: str, prepared: imports.Prepared, action: str
) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        try:
            await imports.store_refresh(
                ctx, user_id=user_id, import_id=import_id, prepared=prepared, action=action
            )
        except NotFound:
            return  # deleted meanwhile


@handler("calendar.extend_horizons", max_attempts=3)
async def extend_horizons(run: JobRun) -> None:
    now = run.clock.now()
    async with run.unit_of_work() as ctx:
        ids = list(
            (
                await ctx.session.scalars(
                    select(CalendarImport.id)
                    .join(User, User.id == CalendarImport.user_id)
                    .where(
                        or_(
                            CalendarImport.busy_until.is_(None),
                            CalendarImport.busy_timezone != User.timezone,
                            (CalendarImport.busy_until < now + EXTEND_WHEN_LEFT)
                            & (CalendarImport.busy_until > CalendarImport.busy_from),
                        )
                    )
                    .order_by(CalendarImport.busy_until)
                    .limit(EXTEND_BATCH)
                )
            ).all()
        )
    for import_id in ids:
        source = await _source(run, import_id)
        if source is None:
            continue
        _user_id, text, _url, zone = source
        try:
            prepared = await imports.prepare(run.clock.now(), text, timezone=zone)
        except InvalidInput:
            log.warning("calendar import %s can no longer be read", import_id)
            continue
        async with run.unit_of_work() as ctx:
            row = await ctx.session.get(CalendarImport, import_id)
            if row is not None and row.ics == text:  # not refreshed meanwhile
                await materialise(ctx, row, zone, prepared.busy)
    async with run.unit_of_work(complete=True):
        pass


def _slot(now: datetime) -> str:
    return now.strftime("%Y%m%d") + f"{now.hour // REFRESH_EVERY_HOURS}"


@handler("calendar.refresh_url_imports", max_attempts=3)
async def refresh_url_imports(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        slot = _slot(ctx.now())
        ids = (
            await ctx.session.scalars(
                select(CalendarImport.id).where(CalendarImport.url.is_not(None))
            )
        ).all()
        for import_id in ids:
            await enqueue(
                ctx,
                "calendar.refresh_import",
                {"import_id": import_id},
                key=f"calendar.refresh_import:{import_id}:{slot}",
            )


@handler("calendar.refresh_import", max_attempts=3, backoff_base=60.0)
async def refresh_import(run: JobRun) -> None:
    import_id = str(run.payload["import_id"])
    source = await _source(run, import_id)
    if source is None or source[2] is None:
        async with run.unit_of_work(complete=True):
            return
    user_id, _text, url, zone = source
    try:
        prepared = await imports.load(
            run.settings, run.clock.now(), ics=None, url=url, timezone=zone
        )
    except InvalidInput as exc:
        # The address is unreachable or no longer a calendar: keep the last good copy.
        log.warning("calendar import %s not refreshed: %s", import_id, exc)
        async with run.unit_of_work(complete=True):
            return
    await _store(run, import_id, user_id, prepared, "calendar_import.refresh_scheduled")


periodic("calendar.extend_horizons", "41 * * * *", "calendar.extend_horizons")
periodic("calendar.refresh_url_imports", "7 */6 * * *", "calendar.refresh_url_imports")


class PublishFailed(RuntimeError):
    """The CalDAV server could not be reached or refused the calendar (retried)."""


@handler(publish.PUBLISH_JOB, max_attempts=5, backoff_base=30.0)
async def caldav_publish(run: JobRun) -> None:
    target_id = str(run.payload["target_id"])
    async with run.unit_of_work() as ctx:
        target = await ctx.session.get(CaldavTarget, target_id)
        if target is not None:
            wanted, url, username = target.wanted, target.url, target.username
            password = publish.unseal(run.settings, target.password)
            objects = await caldav.org_objects(ctx, target.org_id)
    if target is None:
        async with run.unit_of_work(complete=True):
            return
    error: str | None = None
    removed = 0
    try:
        await netguard.resolve_public(url, run.settings)
        _, removed = await asyncio.to_thread(
            caldav.push, url, objects, username=username, password=password
        )
    except netguard.BlockedAddress as exc:
        error = str(exc)
    except (DAVError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    done = error is None or run.is_last_attempt
    async with run.unit_of_work(complete=done) as ctx:
        row = await ctx.session.get(CaldavTarget, target_id)
        if row is None:
            return
        now = ctx.now()
        row.last_attempt_at = now
        if error is None:
            row.status, row.last_error = "ok", None
            row.published, row.objects, row.last_published_at = wanted, len(objects), now
            if row.wanted > wanted:  # changed while we were publishing: once more
                await publish.enqueue_publish(ctx, row)
            log.info("caldav target %s: %d objects, %d removed", target_id, len(objects), removed)
        else:
            row.status, row.last_error = "error", error[:2000]
    if not done:
        raise PublishFailed(error)
