from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from cadence.realtime.events import Event
from cadence.realtime.hub import Connection


def test_wire_shape_and_json_round_trip() -> None:
    event = Event(7, "org", "booking.confirmed", datetime(2026, 1, 1, tzinfo=UTC), {"a": 1}, None)
    assert event.message() == {
        "id": 7,
        "type": "booking.confirmed",
        "org_id": "org",
        "at": "2026-01-01T00:00:00+00:00",
        "data": {"a": 1},
    }
    assert Event.from_json(event.to_json()) == event


async def test_a_full_queue_flags_the_connection_instead_of_blocking() -> None:
    conn = Connection("u", {"org"}, maxsize=1)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    conn.offer(Event(1, "org", "t", at, {}))
    conn.offer(Event(2, "org", "t", at, {}, user_id="someone-else"))  # not for this user
    assert not conn.overflowed.is_set()
    conn.offer(Event(3, "org", "t", at, {}))
    assert conn.overflowed.is_set()
    assert (await asyncio.wait_for(conn.queue.get(), 1)).id == 1
