"""Deterministic synthetic inputs for the time-core benchmarks (seeded, no I/O)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from cadence.time.findtime import Busy, Person
from cadence.time.layers import Adjustment, Availability, Level, WeeklyPattern, WeeklyRange

ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")
WINDOW_START = datetime(2025, 3, 1, tzinfo=UTC)


def weekly_pattern(rng: random.Random, zone: str) -> WeeklyPattern:
    ranges = []
    for day in range(7):
        if rng.random() < 0.2:
            continue
        start = rng.choice((8, 9, 10, 17, 18)) * 60
        ranges.append(WeeklyRange(day, start, start + rng.choice((3, 4, 5)) * 60))
        if start < 12 * 60 and rng.random() < 0.5:
            ranges.append(WeeklyRange(day, 19 * 60, 22 * 60, Level.IF_NEED_BE))
    return WeeklyPattern(zone, tuple(ranges))


def person(rng: random.Random, uid: str, days: int, n_busy: int, n_exc: int) -> Person:
    busy = []
    for i in range(n_busy):
        start = WINDOW_START + timedelta(minutes=rng.randrange(days * 96) * 15)
        end = start + timedelta(minutes=rng.choice((30, 60, 90, 120)))
        busy.append(Busy(start, end, f"busy {i}"))
    adjustments = []
    for _ in range(n_exc):
        start = WINDOW_START + timedelta(hours=rng.randrange(days * 24))
        end = start + timedelta(hours=rng.choice((2, 4, 24, 48)))
        level = rng.choice((Level.UNAVAILABLE, Level.AVAILABLE, Level.IF_NEED_BE))
        adjustments.append(Adjustment(start, end, level))
    pattern = weekly_pattern(rng, rng.choice(ZONES))
    return Person(uid, Availability(pattern, adjustments=tuple(adjustments)), tuple(busy))


def people(n: int, days: int, n_busy: int, n_exc: int, seed: int = 4) -> list[Person]:
    rng = random.Random(seed)
    return [person(rng, f"user-{i:03d}", days, n_busy, n_exc) for i in range(n)]
