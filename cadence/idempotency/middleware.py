"""`Idempotency-Key` for every POST of the API, in one place.

The first request with a key claims it by inserting a `pending` row (its own short
transaction; the unique constraint settles races), runs, and stores its response. A second
request with the same key and body waits for the first to finish and replays its response;
with another body it answers 422. Keys are per caller: the user of the access token, or
for calls without one (registration) the client address.
Server errors and refusals of authentication are not stored, so the client can retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cadence.accounts.security import read_access_token
from cadence.errors import Unauthorized
from cadence.http.middleware import header, replay_body
from cadence.http.problems import problem
from cadence.http.state import AppState
from cadence.idempotency.models import IdempotentRequest

WAIT_STEP_SECONDS = 0.05
WAIT_LIMIT_SECONDS = 30.0
STALE_AFTER = timedelta(minutes=2)
NOT_STORED = {401, 429}


def _fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
        payload = canonical.encode()
    except ValueError:
        payload = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + payload).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, state_of: ASGIApp) -> None:
        self.app = app
        self.fastapi = state_of

    def _state(self) -> AppState:
        state: AppState = self.fastapi.state.cadence  # type: ignore[attr-defined]
        return state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if not key or scope["method"] != "POST" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        caller = self._caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        if len(key) > 255:
            await problem(422, "The Idempotency-Key header is longer than 255 characters.")(
                scope, receive, send
            )
            return
        body = await _read_all(receive)
        receive = replay_body(body, receive)
        fingerprint = _fingerprint(scope["method"], scope["path"], body)
        outcome = await self._claim(caller, key, fingerprint)
        if outcome is not None:
            await self._answer(outcome, fingerprint, scope, receive, send)
            return
        await self._run_and_store(scope, receive, send, caller, key)

    def _caller(self, scope: Scope) -> str | None:
        """The user of the access token; without one, the client address (for register)."""
        auth = header(scope, b"authorization") or ""
        if not auth:
            client = scope.get("client") or ("unknown", 0)
            return f"anon:{client[0]}"[:64]
        if not auth.lower().startswith("bearer "):
            return None
        state = self._state()
        try:
            claims = read_access_token(
                auth[7:].strip(), secret=state.settings.secret_key, now=state.clock.now()
            )
        except Unauthorized:
            return None
        return claims.user_id

    async def _claim(self, caller: str, key: str, fingerprint: str) -> IdempotentRequest | None:
        """Claim the key, or return the earlier request's row once it has finished."""
        state = self._state()
        waited = 0.0
        while True:
            try:
                async with state.sessions() as session, session.begin():
                    session.add(
                        IdempotentRequest(
                            caller=caller,
                            key=key,
                            request_hash=fingerprint,
                            created_at=state.clock.now(),
                        )
                    )
                return None
            except IntegrityError:
                pass
            async with state.read_sessions() as session:
                row = (
                    await session.scalars(
                        select(IdempotentRequest).where(
                            IdempotentRequest.caller == caller, IdempotentRequest.key == key
                        )
                    )
                ).first()
            if row is None:
                continue  # the earlier request failed and released the key: claim it now
            if row.request_hash != fingerprint or row.state == "done":
                return row
            if waited >= WAIT_LIMIT_SECONDS or row.created_at < state.clock.now() - STALE_AFTER:
                return row
            await asyncio.sleep(WAIT_STEP_SECONDS)
            waited += WAIT_STEP_SECONDS

    async def _answer(
        self, row: IdempotentRequest, fingerprint: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        response: Response
        if row.request_hash != fingerprint:
            response = problem(
                422,
                "This Idempotency-Key was already used with a different request body.",
                slug="idempotency-key-reused",
            )
        elif row.state != "done":
            response = problem(
                409,
                "A request with this Idempotency-Key is still in progress.",
                slug="idempotency-in-progress",
                headers={"Retry-After": "1"},
            )
        else:
            response = Response(
                row.body or b"",
                status_code=row.status_code or 200,
                media_type=row.content_type,
                headers={"Idempotent-Replayed": "true"},
            )
        await response(scope, receive, send)

    async def _run_and_store(
        self, scope: Scope, receive: Receive, send: Send, caller: str, key: str
    ) -> None:
        captured: dict[str, object] = {"status": 500, "type": None, "chunks": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        captured["type"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks = captured["chunks"]
                assert isinstance(chunks, list)
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await self._store(caller, key, captured)

    async def _store(self, caller: str, key: str, captured: dict[str, object]) -> None:
        state = self._state()
        status = captured["status"]
        assert isinstance(status, int)
        where = (IdempotentRequest.caller == caller, IdempotentRequest.key == key)
        async with state.sessions() as session, session.begin():
            if status >= 500 or status in NOT_STORED:
                await session.execute(delete(IdempotentRequest).where(*where))
                return
            chunks = captured["chunks"]
            assert isinstance(chunks, list)
            await session.execute(
                update(IdempotentRequest)
                .where(*where)
                .values(
                    state="done",
                    status_code=status,
                    content_type=captured["type"],
                    body=b"".join(chunks),
                )
            )


async def _read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
