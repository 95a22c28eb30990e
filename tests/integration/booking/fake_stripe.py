"""A local HTTP server speaking the part of Stripe's documented API that Cadence uses.

`POST /v1/checkout/sessions` and `POST /v1/refunds` take form-encoded bodies (Stripe's
`a[b][0][c]=v` notation) and answer JSON objects of the documented shape; every request is
recorded so tests can check what the official library sent. The network here reaches no
payment provider, so this is how the Stripe adapter is tested.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    path: str
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeStripe:
    base: str
    requests: list[Recorded] = field(default_factory=list)


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append(Recorded(self.path, form, headers))
            n = len(fake.requests)
            if not headers.get("authorization", "").startswith("Bearer sk_test_"):
                self._send(401, {"error": {"type": "invalid_request_error", "message": "key"}})
            elif self.path == "/v1/checkout/sessions":
                amount = sum(
                    int(form[f"line_items[{i}][price_data][unit_amount]"])
                    * int(form[f"line_items[{i}][quantity]"])
                    for i in range(10)
                    if f"line_items[{i}][quantity]" in form
                )
                sid = f"cs_test_{n:04d}"
                self._send(
                    200,
                    {
                        "id": sid,
                        "object": "checkout.session",
                        "mode": form.get("mode"),
                        "status": "open",
                        "payment_status": "unpaid",
                        "amount_total": amount,
                        "currency": form.get("line_items[0][price_data][currency]"),
                        "client_reference_id": form.get("client_reference_id"),
                        "metadata": {
                            "booking_id": form.get("metadata[booking_id]"),
                            "payment_id": form.get("metadata[payment_id]"),
                        },
                        "payment_intent": None,
                        "url": f"https://checkout.stripe.com/c/pay/{sid}",
                    },
                )
            elif self.path == "/v1/refunds":
                self._send(
                    200,
                    {
                        "id": f"re_test_{n:04d}",
                        "object": "refund",
                        "amount": int(form.get("amount", "0")),
                        "payment_intent": form.get("payment_intent"),
                        "status": "succeeded",
                    },
                )
            else:
                self._send(404, {"error": {"type": "invalid_request_error", "message": "path"}})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_test")
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FakeStripe("")))
    fake = FakeStripe(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def signed(payload: str, secret: str, *, at: int | None = None) -> str:
    """A `Stripe-Signature` header as Stripe documents it: t=<unix>,v1=<HMAC-SHA256>."""
    timestamp = at or int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def completed_event(event_id: str, session_id: str, payment_intent: str) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "payment_status": "paid",
                    "status": "complete",
                    "payment_intent": payment_intent,
                }
            },
        }
    )
