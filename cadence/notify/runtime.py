"""Background services of a web process: the realtime hub and, in the embedded mode, the
job worker (SQLite, or `CADENCE_RUN_WORKER=1`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cadence.context import unit_of_work
from cadence.http.state import AppState
from cadence.jobs.worker import Worker
from cadence.notify.push import ensure_vapid_key
from cadence.realtime.hub import running_hub


def worker_wanted(state: AppState) -> bool:
    """`CADENCE_RUN_WORKER` decides; unset, the embedded SQLite mode runs its own worker."""
    chosen = state.settings.run_worker
    return state.settings.is_sqlite if chosen is None else chosen


log = logging.getLogger("cadence.notify")


async def first_start(state: AppState) -> None:
    """Make the deployment's VAPID key pair if it has none yet (Web Push)."""
    try:
        async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
            await ensure_vapid_key(ctx)
    except Exception:  # the push endpoints make it on first use instead
        log.exception("could not make the VAPID key pair at start")


@asynccontextmanager
async def background(state: AppState) -> AsyncIterator[None]:
    await first_start(state)
    async with running_hub(state.settings, state.engine):
        if not worker_wanted(state):
            yield
            return
        worker = Worker(state.engine, state.settings, state.clock)
        task = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            worker.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
