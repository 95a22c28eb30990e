"""Notify tests run webhook receivers on this machine: let webhooks reach loopback."""

from __future__ import annotations

import pytest

from cadence.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        log_level="WARNING",
        base_url="http://testserver",
        webhook_allow_private=True,
    )
