"""Scratch PostgreSQL databases for the benchmarks: made fresh, dropped afterwards.

They live on the server of `CADENCE_BENCH_POSTGRES_URL` (default: the local test server),
beside its `test` database, so a benchmark never touches data it did not make.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import cadence.models  # noqa: F401 - every table, for create_all
from cadence.db import Base
from cadence.migrate import upgrade_url

ADMIN_URL = os.environ.get(
    "CADENCE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


async def admin(statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def create_tables(url: str) -> None:
    """The tables as the models declare them (the schema the migrations build, faster)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await engine.dispose()


@contextmanager
def scratch_database(name: str, *, schema: Literal["migrations", "tables"]) -> Iterator[str]:
    """A new database `name` with Cadence's schema; its URL. Dropped when the block ends."""
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(upgrade_url(url) if schema == "migrations" else create_tables(url))
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def load_average() -> str:
    """The 1, 5 and 15 minute load, printed beside every figure of a shared machine."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
