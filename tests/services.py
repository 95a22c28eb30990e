"""Which real services the tests can reach, and what to do when one is missing.

A new user's plain `make test` skips tests whose service is not running, with a clear
message; CI sets CADENCE_REQUIRE_SERVICES=1 so a missing service fails the run instead.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REQUIRE = os.environ.get("CADENCE_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "CADENCE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("CADENCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    rest = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = rest.partition(":")
    return host or "127.0.0.1", int(port or default_port)


def postgres_available() -> bool:
    return _reachable(*_host_port(POSTGRES_URL, 5432))


def redis_available() -> bool:
    return _reachable(*_host_port(REDIS_URL, 6379))


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def need(service: str, available: bool) -> None:
    """Skip (or, under CADENCE_REQUIRE_SERVICES=1, fail) when a service is missing."""
    if available:
        return
    message = f"{service} is not available; start it to run this test"
    if REQUIRE:
        pytest.fail(f"{message} (CADENCE_REQUIRE_SERVICES=1)")
    pytest.skip(message)
