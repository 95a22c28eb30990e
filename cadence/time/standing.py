"""Standing weekly slot: the weekday and local time whose next N weekly occurrences lose the
fewest people, scoring every occurrence (not the first two, which is where such tools
usually cut corners and then the slot fails in week five).

Each candidate (weekday, local start time on the granularity grid, inside the optional
:class:`~cadence.time.findtime.SlotRules` frame) is placed in ``timezone`` week by week, so it
keeps its wall-clock time across clock changes (range-edge rule of the contract: a start in a
skipped hour moves to the first instant after the gap, one in a repeated hour takes the
first instance). For every occurrence and every asked person the find-a-time rule decides
whether they can come. Candidates are ranked by:

1. required-person misses (occurrences a required person cannot come to), fewest first;
2. total misses (person-occurrences lost), fewest first;
3. the worst single occurrence (most people missing), fewest first;
4. if-need-be attendances, fewest first;
5. earlier in the week (Monday first), then earlier in the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from cadence.time import _kernel as K
from cadence.time.findtime import FindTimeError, Person, SlotRules, _minutes
from cadence.time.layers import layer_batch
from cadence.time.zones import date_to_day, from_minute, get_zone, zone_table

__all__ = ["StandingOccurrence", "StandingSlot", "standing_weekly_slot"]


@dataclass(frozen=True, slots=True)
class StandingOccurrence:
    starts_at: datetime
    ends_at: datetime
    available: tuple[str, ...]
    if_need_be: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StandingSlot:
    weekday: int
    start: time
    timezone: str
    required_misses: int
    misses: int
    worst: int
    if_need_be: int
    occurrences: tuple[StandingOccurrence, ...]


def standing_weekly_slot(
    people: Sequence[Person],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    duration: timedelta,
    first_day: date,
    weeks: int,
    timezone: str,
    granularity: timedelta = timedelta(minutes=15),
    rules: SlotRules | None = None,
    limit: int = 10,
) -> list[StandingSlot]:
    """Rank weekly slots over ``weeks`` weeks starting on ``first_day`` (local, in ``timezone``).

    ``rules`` restricts weekdays and time of day (its own ``timezone`` is ignored: the
    candidates are read in ``timezone``); buffers apply as in find-a-time.
    """
    rules = rules or SlotRules()
    get_zone(timezone)
    length = _minutes(duration, "duration", positive=True)
    step = _minutes(granularity, "granularity", positive=True)
    if not 1 <= weeks <= 106:
        raise FindTimeError("weeks", "must be between 1 and 106")
    if not 1 <= limit <= 100:
        raise FindTimeError("limit", "must be between 1 and 100")
    by_id = {p.user_id: p for p in people}
    ids = list(dict.fromkeys([*required, *optional]))
    missing_ids = [u for u in ids if u not in by_id]
    if missing_ids:
        raise FindTimeError("required", f"unknown user {missing_ids[0]!r}")
    asked = [by_id[u] for u in ids]
    n_req = len(set(required))

    lo_t = 0 if rules.earliest is None else rules.earliest.hour * 60 + rules.earliest.minute
    hi_t = 1440 if rules.latest is None else rules.latest.hour * 60 + rules.latest.minute
    days_allowed = sorted(rules.weekdays) if rules.weekdays is not None else list(range(7))
    times = np.arange(lo_t, hi_t - length + 1, step, dtype=np.int64)
    if len(times) == 0 or not days_allowed:
        return []
    # candidates: (weekday, minute of day); occurrences: the next `weeks` dates of that weekday
    day0 = date_to_day(first_day)
    cand_wd = np.repeat(np.array(days_allowed, dtype=np.int64), len(times))
    cand_t = np.tile(times, len(days_allowed))
    first_date = day0 + (cand_wd - (day0 + 3) % 7) % 7  # 1970-01-01 was a Thursday
    local = (first_date[:, None] + 7 * np.arange(weeks)[None, :]) * 1440 + cand_t[:, None]
    table = zone_table(timezone, int(local.min()) - 1440, int(local.max()) + 1440)
    starts = table.to_utc(local.ravel())  # (C * W,)
    ws, we = int(starts.min()), int(starts.max()) + length
    stride = we - ws + 2

    n = len(asked)
    before = _minutes(rules.buffer_before, "rules.buffer_before", positive=False)
    after = _minutes(rules.buffer_after, "rules.buffer_after", positive=False)
    bs = [b.start_minute - after for p in asked for b in p.busy]
    be = [b.end_minute + before for p in asked for b in p.busy]
    owner = np.repeat(np.arange(n, dtype=np.int64), [len(p.busy) for p in asked])
    busy = (
        np.clip(np.array(bs, dtype=np.int64), ws, we) + owner * stride - ws,
        np.clip(np.array(be, dtype=np.int64), ws, we) + owner * stride - ws,
    )
    _, nb, usable = layer_batch([p.availability for p in asked], ws, we, stride, busy)
    # Every occurrence start lies on a grid of step g from the earliest one (g divides the
    # granularity and every offset difference), so the find-a-time range machinery answers
    # all of them at once: per grid slot, how many (required) people can come.
    g = int(np.gcd.reduce(np.append(starts - ws, step)))
    n_grid = (int(starts.max()) - ws) // g + 1
    can_r = K.slot_ranges(usable, stride, n_grid, g, length, inside=True)
    nb_r = K.intersect_ranges(
        can_r, K.slot_ranges(nb, stride, n_grid, g, length, inside=False), n_grid
    )
    k = ((starts - ws) // g).reshape(len(cand_t), weeks)
    come = K.count_ranges(can_r, n_grid)[k]
    req_come = K.count_ranges(can_r, n_grid, can_r[0] < n_req)[k]
    req_miss = (n_req - req_come).sum(axis=1)
    total_miss = (n - come).sum(axis=1)
    worst = (n - come).max(axis=1)
    nb_total = K.count_ranges(nb_r, n_grid)[k].sum(axis=1)
    order = np.lexsort((cand_t, cand_wd, nb_total, worst, total_miss, req_miss))[:limit]

    out: list[StandingSlot] = []
    starts_2d = starts.reshape(len(cand_t), weeks)
    rows = (np.arange(n, dtype=np.int64) * stride)[:, None]
    for c in order.tolist():
        x = (rows + (starts_2d[c] - ws)[None, :]).ravel()
        can_c = K.inside_points(usable, x, length).reshape(n, weeks).T.tolist()
        nb_c = K.hits_points(nb, x, length).reshape(n, weeks).T.tolist()
        occ = tuple(
            StandingOccurrence(
                starts_at=from_minute(int(starts_2d[c, w])),
                ends_at=from_minute(int(starts_2d[c, w]) + length),
                available=tuple(u for u, ok in zip(ids, can_c[w], strict=True) if ok),
                if_need_be=tuple(
                    u for u, ok, nb_ok in zip(ids, can_c[w], nb_c[w], strict=True) if ok and nb_ok
                ),
                missing=tuple(u for u, ok in zip(ids, can_c[w], strict=True) if not ok),
            )
            for w in range(weeks)
        )
        t = int(cand_t[c])
        out.append(
            StandingSlot(
                weekday=int(cand_wd[c]),
                start=time(t // 60, t % 60),
                timezone=timezone,
                required_misses=int(req_miss[c]),
                misses=int(total_miss[c]),
                worst=int(worst[c]),
                if_need_be=int(nb_total[c]),
                occurrences=occ,
            )
        )
    return out
