"""The edge of every HTTP request: request id, body size limit, security headers, metrics.

Plain ASGI (no BaseHTTPMiddleware) so streaming and WebSockets pass through untouched.
"""

from __future__ import annotations

import logging
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cadence.http.problems import problem
from cadence.http.requestctx import request_id_var

log = logging.getLogger("cadence.access")

REQUESTS = Counter(
    "cadence_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
LATENCY = Histogram(
    "cadence_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
]
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class TooLarge(Exception):
    pass


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, secure: bool) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = incoming if incoming.isprintable() and incoming else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            else:
                await self._http(scope, receive, send, headers, request_id)
        finally:
            request_id_var.reset(token)

    async def _http(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
        request_id: str,
    ) -> None:
        start = time.perf_counter()
        status = {"code": 500}
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                extra = [(b"x-request-id", request_id.encode())]
                extra += SECURITY_HEADERS
                existing = {k.lower() for k, _ in message.get("headers", [])}
                if b"content-security-policy" not in existing:
                    extra.append((b"content-security-policy", _csp_for(path).encode()))
                if self.secure:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            if scope["method"] in BODY_METHODS:
                body = await self._read_body(headers, receive)
                receive = replay_body(body, receive)
            await self.app(scope, receive, send_with_headers)
        except TooLarge:
            response = problem(
                413,
                f"The request body is larger than {self.max_body} bytes.",
            )
            await response(scope, receive, send_with_headers)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            elapsed = time.perf_counter() - start
            REQUESTS.labels(scope["method"], route, str(status["code"])).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": path,
                    "route": route,
                    "status": status["code"],
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _csp_for(path: str) -> str:
    return CSP


def replay_body(body: bytes, receive: Receive) -> Receive:
    sent = {"done": False}

    async def replay() -> Message:
        if not sent["done"]:
            sent["done"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
