"""Apply Alembic migrations from code, on SQLite or PostgreSQL, inside or outside an event loop."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.db import create_engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "cadence:migrations")
    return config


async def upgrade_engine(engine: AsyncEngine, revision: str = "heads") -> None:
    config = alembic_config()

    def run(sync_conn: Any) -> None:
        config.attributes["connection"] = sync_conn
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def upgrade_url(url: str, revision: str = "heads") -> None:
    engine = create_engine(url, pool_size=1)
    try:
        await upgrade_engine(engine, revision)
    finally:
        await engine.dispose()


def upgrade(url: str, revision: str = "heads") -> None:
    asyncio.run(upgrade_url(url, revision))
