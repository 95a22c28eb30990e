"""Shared fixtures: a clean database per test on SQLite and on PostgreSQL, and the app."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cadence.db import Base
from cadence.migrate import upgrade_url
from tests.services import POSTGRES_URL, need, postgres_available

T = TypeVar("T")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Unique per test run, so two runs at once (two terminals, CI and a developer) never share
# a database.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous fixture code.

    A session fixture is set up by whichever test first needs it, and when that is an async
    test its event loop is already running in this thread, where `asyncio.run` refuses to
    start another: the coroutine then runs on a loop of its own in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    run(upgrade_url(f"sqlite+aiosqlite:///{path}"))
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
    run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    run(_pg_admin(f'CREATE DATABASE "{name}"'))
    run(upgrade_url(_pg_worker_url()))
    yield _pg_worker_url()
    run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
        run(_truncate_all(url))
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the longest tests first (marked ``slow``): with the workers stealing work from
    each other (``--dist worksteal``), none is then left running one of them alone at the
    end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
