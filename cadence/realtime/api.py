"""`GET /api/v1/ws?token=ACCESS[&after=ID]`: domain events of the caller's organisations.

Order of the handshake, which is what makes resume lossless and duplicate-free:
authenticate, subscribe to the hub (live events start queueing), then read the replay log
(`after`) or its current end (no `after`), then accept and send the replay; queued live
events at or below the last id sent (or the starting point) are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect, WebSocketState

from cadence.accounts import orgs as org_service
from cadence.accounts import sessions
from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.errors import CadenceError
from cadence.http.state import AppState
from cadence.realtime import service
from cadence.realtime.hub import Connection, Hub, current_hub

log = logging.getLogger("cadence.realtime")
router = APIRouter(prefix="/api/v1", tags=["live"])

SESSION_COOKIE = "cadence_session"  # the web UI's cookie (cadence.web.session)
UNAUTHORIZED = 4401
OVERLOADED = 1013


async def _authenticate(websocket: WebSocket, state: AppState) -> tuple[User, set[str]] | None:
    token = websocket.query_params.get("token")
    cookie = websocket.cookies.get(SESSION_COOKIE)
    async with state.read_sessions() as session:
        ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
        try:
            if token:
                user, _ = await sessions.user_for_access_token(ctx, token)
            elif cookie and _same_origin(websocket, state):
                user, _ = await sessions.user_for_web_token(ctx, cookie)
            else:
                return None
        except CadenceError:
            return None
        orgs = {org.id for org, _role in await org_service.orgs_of(ctx, user.id)}
    return user, orgs


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
    user, org_ids = found
    after = _after(websocket)
    conn = Connection(user.id, org_ids)
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
    reader = asyncio.create_task(_drain_incoming(websocket))
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
        await _forward(websocket, conn, floor, reader)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


async def _forward(
    websocket: WebSocket, conn: Connection, floor: int, reader: asyncio.Task[None]
) -> None:
    overflow = asyncio.create_task(conn.overflowed.wait())
    try:
        while not reader.done():
            getter = asyncio.create_task(conn.queue.get())
            done, _ = await asyncio.wait(
                {getter, reader, overflow}, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
                if overflow in done and websocket.client_state == WebSocketState.CONNECTED:
                    await websocket.close(code=OVERLOADED)
                return
            event = getter.result()
            if event.id <= floor:
                continue
            await websocket.send_json(event.message())
    finally:
        overflow.cancel()


async def _drain_incoming(websocket: WebSocket) -> None:
    """Ignore what the client sends; return when it goes away."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
