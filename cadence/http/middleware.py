"""The edge of every HTTP request: request id, body size limit, security headers, metrics.

Plain ASGI (no BaseHTTPMiddleware) so streaming and WebSockets pass through untouched.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

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


EDGE_HEADERS = [*SECURITY_HEADERS]
CSP_HEADER = (b"content-security-policy", CSP.encode())
HSTS_HEADER = (b"strict-transport-security", b"max-age=31536000")
INFO = logging.INFO


class EdgeMiddleware:
    """Runs on every request, cached pages included, so it is kept cheap: one pass over the
    headers, precomputed response headers, metric children looked up once per label set and
    the access line built only when INFO is logged."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, secure: bool) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.secure = secure
        self.extra = EDGE_HEADERS + ([HSTS_HEADER] if secure else [])
        self.metrics: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = ""
        declared: bytes | None = None
        for name, value in scope.get("headers") or ():
            if name == b"x-request-id":
                incoming = value.decode("latin-1")[:64]
            elif name == b"content-length":
                declared = value
        request_id = incoming if incoming and incoming.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            else:
                await self._http(scope, receive, send, declared, request_id)
        finally:
            request_id_var.reset(token)

    def _observe(self, method: str, route: str, status: int, elapsed: float) -> None:
        key = (method, route, status)
        children = self.metrics.get(key)
        if children is None:
            children = (
                REQUESTS.labels(method, route, str(status)),
                LATENCY.labels(method, route),
            )
            if len(self.metrics) < 10_000:  # routes are templates; bounded anyway
                self.metrics[key] = children
        children[0].inc()
        children[1].observe(elapsed)

    async def _http(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        declared: bytes | None,
        request_id: str,
    ) -> None:
        start = time.perf_counter()
        status = 500
        extra = [(b"x-request-id", request_id.encode()), *self.extra]

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append(CSP_HEADER)
                message["headers"] = headers + extra
            await send(message)

        try:
            if scope["method"] in BODY_METHODS:
                body = await self._read_body(declared, receive)
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
            self._observe(scope["method"], route, status, elapsed)
            if log.isEnabledFor(INFO):
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope.get("path", ""),
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )

    async def _read_body(self, declared: bytes | None, receive: Receive) -> bytes:
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
