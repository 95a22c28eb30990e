"""Benchmarks of the pure time core (figures go to docs/benchmarks_time.md).

Run: .venv/bin/python bench/time/run.py [--repeat N]

Each case is timed ``repeat`` times after one warm-up call (which fills the per-zone
transition caches, as a running server would have); median and p95 are printed in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from data import WINDOW_START, people

from cadence.time.findtime import Busy, Person, find_a_time
from cadence.time.ical import CalendarEvent, EventStatus, to_ics
from cadence.time.layers import Adjustment, Availability
from cadence.time.standing import standing_weekly_slot


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def feed_events(n: int = 2000, orgs: int = 5) -> list[CalendarEvent]:
    rng = random.Random(5)
    zones = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", None]
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        org = i % orgs
        start = stamp + timedelta(minutes=15 * rng.randrange(4 * 24 * 365))
        recurring = i % 20 == 0
        out.append(
            CalendarEvent(
                uid=f"event-{i}@org-{org}.cadence",
                start=start,
                end=start + timedelta(minutes=rng.choice((60, 90, 120, 180))),
                summary=f"Org {org}: rehearsal, gig or shift #{i}",
                stamp=stamp,
                sequence=rng.randrange(5),
                timezone=zones[org],
                status=EventStatus.CANCELLED if i % 37 == 0 else EventStatus.CONFIRMED,
                location="Studio; room 2",
                rrule="FREQ=WEEKLY;COUNT=12" if recurring else None,
                exdates=(start + timedelta(weeks=2),) if recurring else (),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    repeat = parser.parse_args().repeat

    crowd = people(100, 90, 200, 20)
    ids = [p.user_id for p in crowd]

    def find() -> object:
        return find_a_time(
            crowd,
            required=ids[:2],
            optional=ids[2:],
            duration=timedelta(hours=1),
            window_start=WINDOW_START,
            window_end=WINDOW_START + timedelta(days=90),
            granularity=timedelta(minutes=15),
            limit=10,
        )

    def find_with_inputs() -> object:
        # what the persistence layer pays: building the input dataclasses from row values
        fresh = [
            Person(
                p.user_id,
                Availability(
                    p.availability.pattern,
                    adjustments=tuple(
                        Adjustment(a.start, a.end, a.level) for a in p.availability.adjustments
                    ),
                ),
                tuple(Busy(b.start, b.end, b.title) for b in p.busy),
            )
            for p in crowd
        ]
        return find_a_time(
            fresh,
            required=ids[:2],
            optional=ids[2:],
            duration=timedelta(hours=1),
            window_start=WINDOW_START,
            window_end=WINDOW_START + timedelta(days=90),
        )

    band = people(12, 26 * 7, 60, 5, seed=7)
    band_ids = [p.user_id for p in band]

    def standing() -> object:
        return standing_weekly_slot(
            band,
            required=band_ids[:2],
            optional=band_ids[2:],
            duration=timedelta(hours=2),
            first_day=date(2025, 3, 3),
            weeks=26,
            timezone="Europe/London",
        )

    events = feed_events()

    def feed() -> object:
        return to_ics(events, name="My Cadence calendar")

    cases = [
        ("find-a-time: 100 people x (pattern, 200 busy, 20 exceptions), 90 days, 15 min, top 10",
         find, repeat),
        ("  same, including building the 20,000 Busy/2,000 Adjustment inputs", find_with_inputs,
         max(5, repeat // 5)),
        ("standing weekly slot: 12 people, 26 weeks, 15 min, all 7 days", standing, repeat),
        ("feed: 2,000 events across 5 organisations (to_ics)", feed, repeat),
    ]  # fmt: skip
    print(f"python {sys.version.split()[0]}, repeat={repeat}")
    for name, fn, n in cases:
        med, p95 = measure(fn, n)
        print(f"{name}\n    median {med:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
