"""Progress for the caller: every improvement, coalesced to at most ten calls a second, plus a
heartbeat each second so that a progress bar keeps moving while nothing improves."""

from __future__ import annotations

import time
from collections.abc import Callable

from cadence.solve.season.model import SeasonProgress

MIN_INTERVAL = 0.1
HEARTBEAT = 1.0


class Reporter:
    def __init__(self, on_progress: Callable[[SeasonProgress], None] | None, start: float) -> None:
        self.on_progress = on_progress
        self.start = start
        self.best: tuple[int, int] | None = None
        self.done = 0.0
        self._pending = False
        self._last = -1e9

    def improved(self, hard: int, cost: int) -> None:
        if self.best is None or (hard, cost) < self.best:
            self.best = (hard, cost)
            self._pending = True
        self.flush()

    def flush(self, *, final: bool = False) -> None:
        """Send the pending improvement (or a heartbeat) if the rate limit allows."""
        if self.on_progress is None or self.best is None:
            return
        now = time.perf_counter()
        due = self._pending and now - self._last >= MIN_INTERVAL
        if (final and self._pending) or due or now - self._last >= HEARTBEAT:
            self._pending = False
            self._last = now
            hard, cost = self.best
            self.on_progress(
                SeasonProgress(hard=hard, cost=cost, elapsed=now - self.start, done=self.done)
            )
