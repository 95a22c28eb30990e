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
# Unique per test run, so two runs at once (two terminals, CI and a developer) never share
# a database.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]


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
    return f"{base}/cadence_test_{RUN_ID}_{WORKER}"


async def _pg_admin(statement: str) -> None:
    admin = create_async_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this run and worker, migrated once, dropped at the end."""
    need("PostgreSQL", postgres_available())
    name = _pg_worker_url().rpartition("/")[2]
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    asyncio.run(upgrade_url(_pg_worker_url()))
    yield _pg_worker_url()
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
