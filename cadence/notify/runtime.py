"""Background services of a web process: the realtime hub and, in the embedded mode, the
job worker (SQLite, or `CADENCE_RUN_WORKER=1`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cadence.http.state import AppState
from cadence.jobs.worker import Worker
from cadence.realtime.hub import running_hub


def worker_wanted(state: AppState) -> bool:
    # Read here, once at start-up: Settings has no field for it (yet).
    flag = os.environ.get("CADENCE_RUN_WORKER", "").strip().lower()
    if flag in ("0", "false", "no"):
        return False
    return state.settings.is_sqlite or flag in ("1", "true", "yes")


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
