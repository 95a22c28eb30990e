"""Reading and writing a person's availability layers, and turning them into the core's model.

The pure core (`cadence.time.layers`) validates and merges; this module only persists. A
pattern is stored exactly as it was accepted (sorted by weekday and start), so `GET` answers
what `PUT` stored.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, select

from cadence.audit import service as audit
from cadence.availability.models import AvailabilityException, WeeklyAvailability
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.time.layers import (
    Adjustment,
    Availability,
    InvalidPatternError,
    Level,
    WeeklyPattern,
    WeeklyRange,
    format_hhmm,
    parse_hhmm,
)


@dataclass(frozen=True)
class RangeIn:
    weekday: int
    start: str
    end: str
    level: str


def _to_core(timezone: str, weekly: Sequence[RangeIn]) -> WeeklyPattern:
    ranges = []
    for i, r in enumerate(weekly):
        try:
            start, end = parse_hhmm(r.start), parse_hhmm(r.end)
        except ValueError as exc:
            raise InvalidInput(str(exc), field=f"weekly.{i}") from None
        ranges.append(WeeklyRange(r.weekday, start, end, Level(r.level)))
    try:
        return WeeklyPattern(timezone, tuple(ranges))
    except InvalidPatternError as exc:
        field = exc.field.replace("[", ".").rstrip("]")
        raise InvalidInput(exc.message, field=field) from None


def _stored(pattern: WeeklyPattern) -> list[dict[str, object]]:
    ranges = sorted(pattern.ranges, key=lambda r: (r.weekday, r.start))
    return [
        {
            "weekday": r.weekday,
            "start": format_hhmm(r.start),
            "end": format_hhmm(r.end),
            "level": str(r.level),
        }
        for r in ranges
    ]


async def get_pattern(ctx: Ctx, *, user_id: str) -> WeeklyAvailability | None:
    query = select(WeeklyAvailability).where(WeeklyAvailability.user_id == user_id)
    return (await ctx.session.scalars(query)).first()


async def set_pattern(
    ctx: Ctx, *, user_id: str, timezone: str, weekly: Sequence[RangeIn]
) -> WeeklyAvailability:
    """Replace the person's weekly pattern (422 on an unknown zone or a bad range)."""
    stored = _stored(_to_core(timezone, weekly))
    row = await get_pattern(ctx, user_id=user_id)
    before = None
    if row is None:
        row = WeeklyAvailability(user_id=user_id, timezone=timezone, weekly=stored)
        ctx.session.add(row)
    else:
        before = {"timezone": row.timezone, "weekly": row.weekly}
        row.timezone, row.weekly = timezone, stored
    row.updated_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="availability.set",
        target_type="availability",
        target_id=row.id,
        before=before,
        after={"timezone": timezone, "weekly": stored},
    )
    return row


def check_exception(starts_at: datetime, ends_at: datetime, level: str) -> None:
    """The rules every exception obeys, a person's or a resource's."""
    if ends_at <= starts_at:
        raise InvalidInput("An exception must end after it starts.", field="ends_at")
    Level(level)


async def next_position(ctx: Ctx, position: Any, owner: Any, owner_id: str) -> int:
    """Exceptions apply in the order they were added: the owner's next position."""
    last = await ctx.session.scalar(select(func.max(position)).where(owner == owner_id))
    return int(last or 0) + 1


def exception_summary(starts_at: datetime, ends_at: datetime, level: str) -> dict[str, str]:
    """What the audit log keeps of a new exception."""
    return {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "level": level}


async def add_exception(
    ctx: Ctx,
    *,
    user_id: str,
    starts_at: datetime,
    ends_at: datetime,
    level: str,
    note: str | None = None,
) -> AvailabilityException:
    check_exception(starts_at, ends_at, level)
    row = AvailabilityException(
        user_id=user_id,
        position=await next_position(
            ctx, AvailabilityException.position, AvailabilityException.user_id, user_id
        ),
        starts_at=starts_at,
        ends_at=ends_at,
        level=level,
        note=note,
        created_at=ctx.now(),
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="availability.exception.create",
        target_type="availability_exception",
        target_id=row.id,
        after=exception_summary(starts_at, ends_at, level),
    )
    return row


async def list_exceptions(
    ctx: Ctx, *, user_id: str, until_after: datetime | None = None
) -> list[AvailabilityException]:
    query = select(AvailabilityException).where(AvailabilityException.user_id == user_id)
    if until_after is not None:
        query = query.where(AvailabilityException.ends_at > until_after)
    query = query.order_by(AvailabilityException.position)
    return list((await ctx.session.scalars(query)).all())


async def delete_exception(ctx: Ctx, *, user_id: str, exception_id: str) -> None:
    row = await ctx.session.get(AvailabilityException, exception_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such exception.")
    await ctx.session.execute(
        delete(AvailabilityException).where(AvailabilityException.id == exception_id)
    )
    await audit.record(
        ctx,
        action="availability.exception.delete",
        target_type="availability_exception",
        target_id=exception_id,
    )


def weekly_pattern(timezone: str, weekly: Sequence[Mapping[str, object]]) -> WeeklyPattern:
    """The core pattern of stored ranges (as `_stored` wrote them).

    Patterns are immutable values keyed by their content, so parsed ones are shared: a
    find-a-time over 100 people would otherwise parse and validate 700 ranges per request.
    """
    key = tuple((r["weekday"], r["start"], r["end"], r["level"]) for r in weekly)
    return _parsed_pattern(timezone, key)


@lru_cache(maxsize=4096)
def _parsed_pattern(timezone: str, ranges: tuple[tuple[object, ...], ...]) -> WeeklyPattern:
    return WeeklyPattern(
        timezone,
        tuple(
            WeeklyRange(
                int(str(weekday)), parse_hhmm(str(start)), parse_hhmm(str(end)), Level(str(level))
            )
            for weekday, start, end, level in ranges
        ),
    )


def pattern_of(row: WeeklyAvailability | None) -> WeeklyPattern | None:
    if row is None:
        return None
    return weekly_pattern(row.timezone, row.weekly)


# Exceptions are never edited (only added and deleted), so the core value of each is kept per
# process by id: a request then reads ids only, and the rows of new ones.
_ADJUSTMENTS: OrderedDict[str, Adjustment] = OrderedDict()
_ADJUSTMENTS_MAX = 200_000


async def _adjustments(ctx: Ctx, exception_ids: Sequence[str]) -> dict[str, Adjustment]:
    found = {}
    for exc_id in exception_ids:
        adj = _ADJUSTMENTS.get(exc_id)
        if adj is not None:
            found[exc_id] = adj
    missing = [e for e in exception_ids if e not in found]
    if missing:
        rows = await ctx.session.execute(
            select(
                AvailabilityException.id,
                AvailabilityException.starts_at,
                AvailabilityException.ends_at,
                AvailabilityException.level,
            ).where(AvailabilityException.id.in_(missing))
        )
        for exc_id, start, end, level in rows:
            found[exc_id] = _ADJUSTMENTS[exc_id] = Adjustment(start, end, Level(level))
        while len(_ADJUSTMENTS) > _ADJUSTMENTS_MAX:
            _ADJUSTMENTS.popitem(last=False)
    return found


async def availability_of(
    ctx: Ctx, user_ids: Sequence[str], *, window_start: datetime, window_end: datetime
) -> dict[str, Availability]:
    """Every listed person's layers (patterns and the exceptions touching the window).

    Two queries whatever the number of people (a third for exceptions not seen before by
    this process). Exceptions keep creation order, which is the order the core applies them
    in ("the one created last applies").
    """
    ids = list(dict.fromkeys(user_ids))
    patterns = {
        user_id: weekly_pattern(timezone, weekly)
        for user_id, timezone, weekly in await ctx.session.execute(
            select(
                WeeklyAvailability.user_id,
                WeeklyAvailability.timezone,
                WeeklyAvailability.weekly,
            ).where(WeeklyAvailability.user_id.in_(ids))
        )
    }
    rows = (
        await ctx.session.execute(
            select(AvailabilityException.user_id, AvailabilityException.id)
            .where(
                AvailabilityException.user_id.in_(ids),
                AvailabilityException.ends_at > window_start,
                AvailabilityException.starts_at < window_end,
            )
            .order_by(AvailabilityException.user_id, AvailabilityException.position)
        )
    ).all()
    values = await _adjustments(ctx, [exc_id for _, exc_id in rows])
    adjustments: dict[str, list[Adjustment]] = defaultdict(list)
    for user_id, exc_id in rows:
        if exc_id in values:  # not deleted between the two reads
            adjustments[user_id].append(values[exc_id])
    return {
        uid: Availability(pattern=patterns.get(uid), adjustments=tuple(adjustments[uid]))
        for uid in ids
    }
