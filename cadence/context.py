"""The unit-of-work context handed to every service call.

Built the same way for a request, a background job and a CLI command, so a job never runs
differently from a request: one session (one transaction), the settings, the clock, who is
acting and the request id that ties log lines and audit rows together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.clock import Clock
from cadence.settings import Settings


@dataclass
class Ctx:
    session: AsyncSession
    settings: Settings
    clock: Clock
    actor_id: str | None = None
    request_id: str | None = None
    after_commit: list[object] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock.now()
