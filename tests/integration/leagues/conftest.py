"""League tests run the job worker inside the app on both databases, as the embedded mode does."""

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
        run_worker=True,
    )
