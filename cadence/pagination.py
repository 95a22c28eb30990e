"""Cursor pagination over time-sortable ids: `{"items": [...], "next_cursor": ...}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


async def paginate(
    session: AsyncSession,
    query: Select[T],
    key: InstrumentedAttribute[Any],
    *,
    cursor: str | None,
    limit: int,
    desc: bool = False,
) -> Page[T]:
    """Keyset pagination: the cursor is the last key of the previous page."""
    if cursor:
        query = query.where(key < cursor if desc else key > cursor)
    query = query.order_by(key.desc() if desc else key.asc()).limit(limit + 1)
    rows = list((await session.scalars(query)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = str(getattr(rows[-1], key.key)) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
