"""Alembic environment: always handed a live connection by `cadence.migrate`."""

from __future__ import annotations

from alembic import context

from cadence import models  # noqa: F401 - registers every table
from cadence.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `cadence migrate` (cadence.migrate.upgrade).")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
