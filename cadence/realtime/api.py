"""`GET /api/v1/ws?token=ACCESS[&after=ID]`: domain events of the caller's organisations.

Order of the handshake, which is what makes resume lossless and duplicate-free:
authenticate, subscribe to the hub (live events start queueing), then read the replay log
(`after`) or its current end (no `after`), then accept and send the replay; queued live
events at or below the last id sent (or the starting point) are skipped.

A connection lives as long as its credentials: when the access token (or the web login of a
cookie connection) expires, the server closes it with code 4401 ("token expired"). A client
keeps it open by sending `{"type": "refresh", "token": "<new access token>"}` (a token of the
same person) before then; a refresh with a bad token closes it with 4401 at once. When the
login itself ends (logout, a password change), the socket closes with 4401 ("logged out")
within a few seconds, whichever process it is on. Other
close codes: 1013 when the client reads too slowly (reconnect with `after`). Which
organisations a connection hears follows membership changes while it is open (see
`cadence.realtime.hub`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect, WebSocketState

from cadence.accounts import orgs as org_service
from cadence.accounts import sessions
from cadence.accounts.models import User
from cadence.accounts.security import read_access_token
from cadence.context import Ctx
from cadence.errors import CadenceError
from cadence.http.state import AppState
from cadence.realtime import service
from cadence.realtime.hub import Connection, Hub, current_hub

log = logging.getLogger("cadence.realtime")
router = APIRouter(prefix="/api/v1", tags=["live"])

SESSION_COOKIE = "cadence_session"  # the web UI's cookie (cadence.web.session)
UNAUTHORIZED = 4401  # refused, or the credentials expired / a refresh was refused
OVERLOADED = 1013
# How often an open connection compares its expiry with the clock (at most; it also wakes
# exactly at the expiry).
EXPIRY_CHECK_SECONDS = 30.0


@dataclass(frozen=True)
class Credentials:
    """Who a connection speaks for, on which login, until when."""

    user: User
    login_id: str
    expires_at: datetime


async def _token_login(ctx: Ctx, token: str) -> Credentials:
    """The person of an access token, its login, and when the token (or its login) ends."""
    user, login = await sessions.user_for_access_token(ctx, token)
    claims = read_access_token(token, secret=ctx.settings.secret_key, now=ctx.now())
    return Credentials(user, login.id, min(claims.expires_at, login.expires_at))


async def _authenticate(
    websocket: WebSocket, state: AppState
) -> tuple[Credentials, set[str]] | None:
    token = websocket.query_params.get("token")
    cookie = websocket.cookies.get(SESSION_COOKIE)
    async with state.read_sessions() as session:
        ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
        try:
            if token:
                found = await _token_login(ctx, token)
            elif cookie and _same_origin(websocket, state):
                user, login = await sessions.user_for_web_token(ctx, cookie)
                found = Credentials(user, login.id, login.expires_at)
            else:
                return None
        except CadenceError:
            return None
        orgs = {org.id for org, _role in await org_service.orgs_of(ctx, found.user.id)}
    return found, orgs


def _same_origin(websocket: WebSocket, state: AppState) -> bool:
    """Cookies ride along cross-site too: accept them only from our own pages."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return False
    theirs = urlsplit(origin)
    if "base_url" in state.settings.model_fields_set:
        ours = urlsplit(state.settings.base_url)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)
    # No public URL configured: our own pages are the ones served on this very host.
    return theirs.netloc == websocket.headers.get("host")


async def _refuse(websocket: WebSocket) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        problem = {
            "type": "/problems/unauthorized",
            "title": "Authentication required",
            "status": 401,
            "detail": "Connect with ?token=<access token>.",
        }
        await websocket.send_denial_response(
            JSONResponse(problem, status_code=401, media_type="application/problem+json")
        )
    else:
        await websocket.accept()
        await websocket.close(code=UNAUTHORIZED)


def _after(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("after")
    if raw is None or raw == "":
        return None
    try:
        return max(0, int(raw))
    except ValueError:
        return None


@router.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.cadence
    hub = current_hub()
    found = await _authenticate(websocket, state)
    if found is None or hub is None:
        await _refuse(websocket)
        return
    credentials, org_ids = found
    after = _after(websocket)
    conn = Connection(credentials.user.id, org_ids, login_id=credentials.login_id)
    conn.expires_at = credentials.expires_at
    hub.subscribe(conn)
    try:
        await _serve(websocket, hub, conn, state, after)
    finally:
        hub.unsubscribe(conn)


async def _serve(
    websocket: WebSocket, hub: Hub, conn: Connection, state: AppState, after: int | None
) -> None:
    async with state.read_sessions() as session:
        floor = after if after is not None else await service.last_id(session)
    await websocket.accept()
    reader = asyncio.create_task(_read_incoming(websocket, conn, state))
    try:
        if after is not None:
            cursor = after
            while True:
                async with state.read_sessions() as session:
                    batch = await service.events_after(
                        session, after=cursor, org_ids=conn.org_ids, user_id=conn.user_id
                    )
                for event in batch:
                    await websocket.send_json(event.message())
                    cursor = event.id
                if len(batch) < 500:
                    break
            # Ids follow commit order, so everything up to the last one replayed was sent.
            floor = cursor
        await _forward(websocket, conn, floor, reader, state)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


async def _close(websocket: WebSocket, code: int, reason: str = "") -> None:
    if websocket.client_state == WebSocketState.CONNECTED:
        await websocket.close(code=code, reason=reason)


async def _expiry(conn: Connection, state: AppState) -> None:
    """Return once the connection's credentials have expired (a refresh moves the time)."""
    while True:
        left = (conn.expires_at - state.clock.now()).total_seconds() if conn.expires_at else None
        if left is not None and left <= 0:
            return
        await asyncio.sleep(
            EXPIRY_CHECK_SECONDS if left is None else min(left, EXPIRY_CHECK_SECONDS)
        )


async def _forward(
    websocket: WebSocket,
    conn: Connection,
    floor: int,
    reader: asyncio.Task[str | None],
    state: AppState,
) -> None:
    """Send live events until the client leaves, reads too slowly, or its credentials end.

    One long-lived sending task per connection: a fan-out to a thousand connections then
    costs a queue hand-off and a send each, not a set of new tasks each.
    """
    pump = asyncio.create_task(_pump(websocket, conn, floor))
    overflow = asyncio.create_task(conn.overflowed.wait())
    expired = asyncio.create_task(_expiry(conn, state))
    logged_out = asyncio.create_task(conn.logged_out.wait())
    try:
        done, _ = await asyncio.wait(
            {pump, reader, overflow, expired, logged_out}, return_when=asyncio.FIRST_COMPLETED
        )
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump  # re-raises a failed send (the client went away)
        if overflow in done:
            await _close(websocket, OVERLOADED)
        elif expired in done:
            await _close(websocket, UNAUTHORIZED, "token expired")
        elif logged_out in done:
            await _close(websocket, UNAUTHORIZED, "logged out")
        elif reader in done and (refused := _refusal(reader)) is not None:
            await _close(websocket, UNAUTHORIZED, refused)
    finally:
        overflow.cancel()
        expired.cancel()
        logged_out.cancel()


async def _pump(websocket: WebSocket, conn: Connection, floor: int) -> None:
    while True:
        event = await conn.queue.get()
        if event.id > floor:
            await websocket.send_text(event.wire)


def _refusal(reader: asyncio.Task[str | None]) -> str | None:
    if reader.cancelled() or reader.exception() is not None:
        return None
    return reader.result()


async def _read_incoming(websocket: WebSocket, conn: Connection, state: AppState) -> str | None:
    """Apply the client's token refreshes; ignore anything else it sends.

    Returns None when the client goes away, or the reason to close when a refresh fails.
    """
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        try:
            sent = json.loads(message.get("text") or "null")
        except ValueError:
            continue
        if not isinstance(sent, dict) or sent.get("type") != "refresh":
            continue
        token = sent.get("token")
        async with state.read_sessions() as session:
            ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
            try:
                if not isinstance(token, str):
                    return "refresh without a token"
                found = await _token_login(ctx, token)
            except CadenceError:
                return "refresh refused"
        if found.user.id != conn.user_id:
            return "refresh for another person"
        conn.expires_at = max(found.expires_at, conn.expires_at or found.expires_at)
        conn.login_id = found.login_id  # a token of a newer login carries the socket on
