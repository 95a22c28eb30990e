"""Pruning the replay log (every ten minutes, events older than `RETENTION`)."""

from __future__ import annotations

from cadence.jobs import JobRun, handler, periodic
from cadence.realtime import service


@handler("realtime.prune")
async def prune(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        await service.prune(ctx.session, before=ctx.now() - service.RETENTION)


periodic("realtime.prune", "*/10 * * * *", "realtime.prune")
