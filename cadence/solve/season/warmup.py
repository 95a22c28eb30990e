"""The annealer's compiled kernels, loaded off the caller's thread.

Why: loading them takes about half a second (compiling them, on a machine's first run,
about twenty), and neither can be interrupted. ``solve_season`` starts the loading when it
starts, so it overlaps with CP-SAT's construction; the solver then waits for it only while
it keeps polling cancellation and the clock. Importing the annealer here, and not at the top
of the solver, also keeps numba out of every process that only evaluates schedules.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

POLL_SECONDS = 0.02

_lock = threading.Lock()
_ready = threading.Event()
_errors: list[BaseException] = []
_thread: threading.Thread | None = None


def _load() -> None:
    try:
        from cadence.solve.season.anneal import warm_up

        warm_up()
    except BaseException as exc:  # re-raised on the caller's thread by wait()
        _errors.append(exc)
    finally:
        _ready.set()


def start() -> None:
    """Start loading the kernels (once per process)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_load, name="season-kernels", daemon=True)
            _thread.start()


def wait(over: Callable[[], bool]) -> bool:
    """Wait for the kernels; False if ``over()`` says stop first (``over`` is polled)."""
    start()
    while not _ready.wait(POLL_SECONDS):
        if over():
            return False
    if _errors:
        raise _errors[0]
    return True
