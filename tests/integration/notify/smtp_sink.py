"""A real SMTP server (aiosmtpd) on loopback that records what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.live import free_port


class Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.ids: list[str] = []  # Message-IDs in arrival order (cheap to poll)
        self.rejected: list[str] = []
        self.reject_next = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            if self.reject_next > 0:
                self.reject_next -= 1
                self.rejected.append(str(message["Message-ID"]))
                return "451 4.3.0 Try again later"
            self.messages.append(message)
            self.ids.append(str(message["Message-ID"]))
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return list(self.ids)


@contextmanager
def smtp_sink(sink: Sink | None = None, port: int | None = None) -> Iterator[tuple[Sink, int]]:
    sink = sink or Sink()
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
