"""Housekeeping of the queue itself: finished jobs are kept a week, then deleted."""

from __future__ import annotations

from datetime import timedelta

from cadence.jobs import service
from cadence.jobs.registry import JobRun, handler, periodic

KEEP_DONE = timedelta(days=7)


@handler("jobs.prune")
async def prune(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        await service.prune_done(ctx, older_than=KEEP_DONE)


periodic("jobs.prune", "17 3 * * *", "jobs.prune")
