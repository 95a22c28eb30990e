"""Shared fixtures: a clean database per test on SQLite and on PostgreSQL, and the app."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cadence.db import Base
from cadence.migrate import upgrade_url
from tests.services import POSTGRES_URL, need, postgres_available

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    asyncio.run(upgrade_url(f"sqlite+aiosqlite:///{path}"))
    return path


def _pg_admin_url() -> str:
    return POSTGRES_URL


def _pg_worker_url() -> str:
    base, _, _db = POSTGRES_URL.rpartition("/")
    return f"{base}/cadence_test_{WORKER}"


async def _recreate_pg_database() -> None:
    admin = create_async_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = _pg_worker_url().rpartition("/")[2]
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    await upgrade_url(_pg_worker_url())


@pytest.fixture(scope="session")
def postgres_database() -> str:
    need("PostgreSQL", postgres_available())
    asyncio.run(_recreate_pg_database())
    return _pg_worker_url()


async def _truncate_all(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A clean, migrated database for one test: a fresh SQLite copy or a truncated PG db."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "cadence.db"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url: str = request.getfixturevalue("postgres_database")
        asyncio.run(_truncate_all(url))
        yield url
