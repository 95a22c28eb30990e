"""The `cadence` command line."""

from __future__ import annotations

import asyncio
import importlib
import os

import click

from cadence.settings import Settings


class LazyGroup(click.Group):
    """Imports a sub-command only when it runs, so `cadence league ttp` starts in a blink
    instead of loading the web stack it never uses (its time limit counts from start-up)."""

    lazy = {
        "league": "cadence.solve.cli:league",
        "jobs": "cadence.jobs.cli:jobs",
        "season": "cadence.leagues.cli:season",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, _, attr = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
def main() -> None:
    """Cadence: scheduling and booking for bands, companies, events, venues and leagues."""


def _migrate(settings: Settings) -> None:
    from cadence.migrate import upgrade

    upgrade(settings.database_url)


def _serve(host: str, port: int, workers: int, settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "cadence.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = Settings()
    _migrate(settings)
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web UI and the API, applying pending migrations first."""
    settings = Settings()
    _migrate(settings)
    _serve(host, port, workers, settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Migrate the embedded database, load demo data and serve on http://HOST:PORT."""
    from cadence import demo as demo_data

    os.environ.setdefault("CADENCE_BASE_URL", f"http://{host}:{port}")
    settings = Settings()
    _migrate(settings)
    created = asyncio.run(demo_data.load(settings))
    click.echo("Loaded demo data." if created else "Demo data already present.")
    click.echo(demo_data.login_help(settings.base_url))
    _serve(host, port, 1, settings)


@main.command()
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once by this process.",
)
@click.option(
    "--poll", default=0.5, show_default=True, type=float, help="Seconds between polls when idle."
)
def worker(concurrency: int, poll: float) -> None:
    """Run background jobs until SIGTERM/SIGINT (the embedded SQLite mode needs none)."""
    from cadence.jobs import cli as jobs_cli

    asyncio.run(jobs_cli.run_worker(Settings(), concurrency=concurrency, poll_interval=poll))
