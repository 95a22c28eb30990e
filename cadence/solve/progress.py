"""Progress on stderr: a rich bar on a terminal, plain lines otherwise (logs, CI, pipes).

stdout stays reserved for the machine-readable result, so scripts can parse the last line.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class ProgressReporter:
    """Context manager; call :meth:`update` with a one-line status and the elapsed time."""

    def __init__(self, label: str, time_limit: float, stream: TextIO | None = None) -> None:
        self.label = label
        self.time_limit = max(time_limit, 1e-9)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._last = ""

    def __enter__(self) -> ProgressReporter:
        if self.tty:
            self._bar = Progress(
                TextColumn("[bold]{task.fields[label]}"),
                BarColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[status]}"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(
                self.label, total=self.time_limit, label=self.label, status="starting"
            )
        return self

    def update(self, status: str, elapsed: float) -> None:
        self._last = status
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=min(elapsed, self.time_limit), status=status)
        else:
            print(f"{self.label} {elapsed:7.1f}s {status}", file=self.stream, flush=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self.time_limit)
            self._bar.stop()
