"""`cadence worker` and `cadence jobs dead|retry`."""

from __future__ import annotations

import asyncio
import signal

import click

from cadence.clock import SystemClock
from cadence.context import Ctx
from cadence.db import create_engine, make_sessionmaker, transaction
from cadence.jobs import service
from cadence.jobs.worker import Worker
from cadence.settings import Settings


async def run_worker(settings: Settings, *, concurrency: int, poll_interval: float) -> None:
    """Run jobs until SIGTERM/SIGINT; the running job is finished or released first."""
    from cadence.http.logging import configure
    from cadence.realtime.hub import running_hub

    configure(settings.log_level, json_lines=settings.log_json)
    engine = create_engine(settings.database_url, pool_size=concurrency + 2)
    try:
        async with running_hub(settings, engine, serve_clients=False):
            worker = Worker(
                engine,
                settings,
                SystemClock(),
                concurrency=concurrency,
                poll_interval=poll_interval,
            )
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
            await worker.run()
    finally:
        await engine.dispose()


@click.group()
def jobs() -> None:
    """Inspect and retry background jobs."""


@jobs.command("dead")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 200))
def dead(limit: int) -> None:
    """List dead jobs (all organisations), newest first."""

    async def go() -> None:
        settings = Settings()
        engine = create_engine(settings.database_url, pool_size=1)
        try:
            async with transaction(make_sessionmaker(engine)) as session:
                ctx = Ctx(session=session, settings=settings, clock=SystemClock())
                page = await service.dead_jobs(ctx, org_id=None, limit=limit)
                for job in page.items:
                    click.echo(f"{job.id}\t{job.kind}\t{job.attempts}\t{job.last_error or ''}")
                if not page.items:
                    click.echo("No dead jobs.")
        finally:
            await engine.dispose()

    asyncio.run(go())


@jobs.command("retry")
@click.argument("job_id")
def retry(job_id: str) -> None:
    """Queue a dead job again with a fresh set of attempts."""

    async def go() -> None:
        settings = Settings()
        engine = create_engine(settings.database_url, pool_size=1)
        try:
            async with transaction(make_sessionmaker(engine)) as session:
                ctx = Ctx(session=session, settings=settings, clock=SystemClock())
                await service.retry(ctx, job_id=job_id, org_id=None)
        finally:
            await engine.dispose()
        click.echo(f"Job {job_id} queued again.")

    asyncio.run(go())
