"""The worker loop: claim one job, run it under a renewed lease, record the outcome.

One loop runs one job at a time, so a worker that dies mid-way leaves at most the one job
it was running (re-run by another worker after `CADENCE_JOB_LEASE_SECONDS`). `concurrency`
runs several such loops in one process. `stop()` finishes the running job, or, after
`grace` seconds, cancels it and gives it back unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from cadence.clock import Clock
from cadence.context import Ctx
from cadence.db import make_sessionmaker, new_id, read_only
from cadence.jobs import service
from cadence.jobs.registry import HANDLERS, PERIODIC, HandlerSpec, JobRun, load_all
from cadence.settings import Settings

log = logging.getLogger("cadence.jobs")


class Worker:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        clock: Clock,
        *,
        concurrency: int = 1,
        poll_interval: float = 0.5,
        grace: float | None = None,
        backoff_base: float | None = None,
        schedule_periodic: bool = True,
    ) -> None:
        load_all()
        self.sessions = make_sessionmaker(engine)
        self.read_sessions = make_sessionmaker(read_only(engine))
        self.settings = settings
        self.clock = clock
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{new_id()[-6:]}"
        self.lease = float(settings.job_lease_seconds)
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.grace = self.lease / 2 if grace is None else grace
        self.backoff_base = backoff_base
        self.schedule_periodic = schedule_periodic
        self.processed = 0
        self.sqlite = engine.dialect.name == "sqlite"
        self._last_bury = float("-inf")
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Run until `stop()`; returns once every loop has finished or released its job."""
        service.WAKERS.add(self.wake)
        try:
            if self.schedule_periodic:
                await self._schedule_periodic()
            loops = [asyncio.create_task(self._loop(i)) for i in range(self.concurrency)]
            await asyncio.gather(*loops)
        finally:
            service.WAKERS.discard(self.wake)

    async def run_until_idle(self) -> int:
        """Run due jobs until none is left (for tests and one-shot CLI use)."""
        count = 0
        while (job := await self._claim()) is not None:
            await self._execute(job)
            count += 1
        return count

    async def _loop(self, index: int) -> None:
        last_schedule = asyncio.get_running_loop().time()
        while not self._stopping.is_set():
            now_mono = asyncio.get_running_loop().time()
            if index == 0 and self.schedule_periodic and now_mono - last_schedule > 30:
                last_schedule = now_mono
                await self._guard(self._schedule_periodic())
            job = await self._guard(self._claim())
            if job is not None:
                await self._execute(job)
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def _guard(self, step: Awaitable[service.Claimed | None]) -> service.Claimed | None:
        """A database hiccup must not kill the loop: log it, pause, go on."""
        try:
            return await step
        except Exception:
            log.exception("worker database step failed; retrying shortly")
            await asyncio.sleep(min(5.0, self.poll_interval * 4))
            return None

    async def _claim(self) -> service.Claimed | None:
        now = self.clock.now()
        if self.sqlite:  # look before taking SQLite's one write lock
            async with self.read_sessions() as session:
                if not await service.any_due(session, now):
                    return None
        async with self.sessions() as session, session.begin():
            mono = asyncio.get_running_loop().time()
            if mono - self._last_bury > self.lease / 2:
                self._last_bury = mono
                await service.bury_expired(session, now=now)
            return await service.claim(session, worker=self.name, now=now, lease=self.lease)

    async def _schedule_periodic(self) -> None:
        async with self.sessions() as session, session.begin():
            ctx = Ctx(session=session, settings=self.settings, clock=self.clock)
            for item in PERIODIC.values():
                at = item.cron.next_after(ctx.now())
                key = f"cron:{item.name}:{at.isoformat()}"
                await service.enqueue(ctx, item.kind, item.payload, run_at=at, key=key)
        return None

    async def _write(self, step: Callable[[AsyncSession], Awaitable[object]]) -> None:
        async with self.sessions() as session, session.begin():
            await step(session)

    async def _execute(self, job: service.Claimed) -> None:
        spec = HANDLERS.get(job.kind)
        run = JobRun(
            id=job.id,
            kind=job.kind,
            payload=job.payload,
            attempt=job.attempts,
            max_attempts=job.max_attempts,
            key=job.key,
            org_id=job.org_id,
            worker=self.name,
            sessions=self.sessions,
            settings=self.settings,
            clock=self.clock,
        )
        heartbeat = asyncio.create_task(self._heartbeat(job.id))
        task = asyncio.create_task(self._call(spec, run))
        try:
            stop = asyncio.create_task(self._stopping.wait())
            try:
                await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
                if not task.done():
                    await asyncio.wait({task}, timeout=self.grace)
            finally:
                stop.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await self._write(
                    lambda s: service.release(
                        s, job_id=job.id, worker=self.name, now=self.clock.now()
                    )
                )
                log.warning("job released at shutdown", extra={"job_id": job.id})
                return
            error = task.exception()
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        await self._record(job, run, error)

    async def _call(self, spec: HandlerSpec | None, run: JobRun) -> None:
        if spec is None:
            raise LookupError(f"no handler registered for job kind {run.kind!r}")
        await spec.fn(run)

    async def _record(self, job: service.Claimed, run: JobRun, error: BaseException | None) -> None:
        now = self.clock.now()
        self.processed += 1
        if error is None:
            if not run.completed:
                await self._write(
                    lambda s: service.finish(s, job_id=job.id, worker=self.name, now=now)
                )
            return
        spec = HANDLERS.get(job.kind)
        base = self.backoff_base or (spec.backoff_base if spec else 5.0)
        delay = service.backoff(job.attempts, base=base, cap=spec.backoff_cap if spec else 3600)
        text = f"{type(error).__name__}: {error}"

        async def record(session: AsyncSession) -> None:
            status = await service.fail(
                session, job=job, worker=self.name, now=now, error=text, retry_in=delay
            )
            level = logging.ERROR if status == "dead" else logging.WARNING
            log.log(
                level,
                "job %s (%s) attempt %d failed, now %s: %s",
                job.id,
                job.kind,
                job.attempts,
                status,
                text,
                extra={
                    "job_id": job.id,
                    "kind": job.kind,
                    "attempt": job.attempts,
                    "error": text,
                    "status": status,
                },
            )

        await self._write(record)

    async def _heartbeat(self, job_id: str) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            until = self.clock.now() + timedelta(seconds=self.lease)

            async def renew(session: AsyncSession, until: datetime = until) -> None:
                await service.renew(session, job_id=job_id, worker=self.name, until=until)

            try:
                await self._write(renew)
            except Exception:
                log.exception("lease renewal failed", extra={"job_id": job_id})
