"""What one booking request costs in SQL statements, pinned so a regression shows.

Counted on SQLite, where every statement of the request passes `before_cursor_execute`
(including the `BEGIN`s; the COMMIT goes through the driver and is not counted). The
counts are exact on purpose: a change that adds a statement to the booking path should
change this file too, with a reason. Under a rush every statement is paid two thousand
times, and a statement per attendee (as re-planning everyone's reminders was) is paid
hundreds of times per booking.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from cadence.http.state import AppState
from tests.integration.booking.helpers import event_of, organiser, set_rules, ticket_type
from tests.integration.conftest import Person, signup


def _background(statement: str) -> bool:
    """The live-update hub's poll of the event log, which runs on the same engine on its
    own clock (a BEGIN and a SELECT); a booking only ever INSERTs into that table."""
    return statement.startswith("SELECT") and "FROM domain_events" in statement


@contextmanager
def counted(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's engine sends for the request while the block runs,
    first line each (the hub's poll, if it happens to run meanwhile, left out)."""
    state: AppState = app.state.cadence
    engine = state.engine.sync_engine
    sent: list[tuple[int, str]] = []  # (connection, statement)

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        line = statement.split("\n", 1)[0][:100]
        if not _background(statement):
            sent.append((id(conn.connection), line))
            return
        for i in range(len(sent) - 1, -1, -1):  # and the poll's own BEGIN
            if sent[i][0] == id(conn.connection):
                if sent[i][1].startswith("BEGIN"):
                    del sent[i]
                break

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
        # A BEGIN that nothing followed on its connection is a poll caught half-way.
        used = [(conn, line) for i, (conn, line) in enumerate(sent) if not _idle(sent, i)]
        seen.extend(line for _, line in used)


def _idle(sent: list[tuple[int, str]], i: int) -> bool:
    conn, line = sent[i]
    return line.startswith("BEGIN") and all(other != conn for other, _ in sent[i + 1 :])


def _only_sqlite(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("statements are pinned on SQLite (PostgreSQL's BEGIN is not a statement)")


async def _book(
    client: httpx.AsyncClient, app: FastAPI, event_id: str, who: Person, quantity: int
) -> tuple[int, list[str]]:
    with counted(app) as statements:
        r = await client.post(
            f"/api/v1/events/{event_id}/bookings", json={"quantity": quantity}, headers=who.auth
        )
    return r.status_code, statements


# The read before the write queue: BEGIN, the caller with their login, the event with its
# seats (and whether a lapsed hold or offer could free any).
READ = 3
# The write: BEGIN IMMEDIATE, everything the booking needs in one SELECT, the conditional
# UPDATE (RETURNING the seats left), then one INSERT each for the booking, its items, its
# tickets, the audit entry and the live update's event row, the webhooks lookup of the
# publish hook, and the tickets-email job (one INSERT ... ON CONFLICT ... RETURNING).
FREE_REPEAT = READ + 10
# A first booking of the person also makes them an attendee (one INSERT) and plans their
# two reminders (their notification settings, then two keyed jobs).
FREE_FIRST = FREE_REPEAT + 1 + 1 + 2
# A paid booking takes the type's quota too (a second UPDATE), has two items (one INSERT),
# a payment (one INSERT), no tickets and no tickets email yet.
PAID = READ + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1
# A surely sold-out request is refused from the read alone.
SOLD_OUT = READ
# An event with ticket types takes the write path even when sold out (other answers, 422,
# come first); it is refused from the write's one SELECT, with no UPDATE.
SOLD_OUT_TYPED = READ + 2
# The organisation's signing key is read once per process, by its first booking.
KEY = 1


async def test_a_booking_costs_a_handful_of_statements(
    client: httpx.AsyncClient, app: FastAPI, database_url: str
) -> None:
    _only_sqlite(database_url)
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=6)
    fan, other = await signup(client, "fan@example.com"), await signup(client, "o@example.com")

    status, first = await _book(client, app, event["id"], fan, 2)
    assert status == 201 and len(first) == FREE_FIRST + KEY, "\n".join(first)
    status, again = await _book(client, app, event["id"], fan, 1)
    assert status == 201 and len(again) == FREE_REPEAT, "\n".join(again)
    status, second = await _book(client, app, event["id"], other, 3)
    assert status == 201 and len(second) == FREE_FIRST, "\n".join(second)

    status, refused = await _book(client, app, event["id"], other, 1)
    assert status == 409 and len(refused) == SOLD_OUT, "\n".join(refused)


async def test_a_held_booking_costs_a_handful_of_statements(
    client: httpx.AsyncClient, app: FastAPI, database_url: str
) -> None:
    _only_sqlite(database_url)
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=10)
    await ticket_type(client, owner, event["id"], name="Standard", price_cents=2500, quota=10)
    await set_rules(client, owner, event["id"], hold_minutes=15)
    fan = await signup(client, "fan@example.com")

    status, held = await _book(client, app, event["id"], fan, 2)
    assert status == 201 and len(held) == PAID, "\n".join(held)
    status, again = await _book(client, app, event["id"], fan, 1)
    assert status == 201 and len(again) == PAID, "\n".join(again)
    status, refused = await _book(client, app, event["id"], fan, 8)
    assert status == 409 and len(refused) == SOLD_OUT_TYPED, "\n".join(refused)
