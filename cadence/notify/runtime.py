"""Background services of a web process: the realtime hub and, in the embedded mode, the
job worker (SQLite, or `CADENCE_RUN_WORKER=1`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cadence.http.state import AppState
from cadence.jobs.worker import Worker
from cadence.realtime.hub import running_hub


def worker_wanted(state: AppState) -> bool:
    """`CADENCE_RUN_WORKER` decides; unset, the embedded SQLite mode runs its own worker."""
    chosen = state.settings.run_worker
    return state.settings.is_sqlite if chosen is None else chosen


@asynccontextmanager
async def background(state: AppState) -> AsyncIterator[None]:
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
