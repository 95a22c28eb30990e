"""How the solvers' numba kernels (the TTP and season annealers, the TTP beam search) are
compiled, in one place.

- ``cache=True``: compiled once per machine (about 5 CPU-seconds), then loaded from
  ``__pycache__`` beside the source (about 0.4 CPU-seconds).
- ``_nrt=False``: the kernels allocate nothing, and without numba's reference-counting
  runtime a call that passes arrays no longer costs an atomic increment and decrement per
  array; measured 2-3x faster moves (decision 0014).
- ``inlined`` helpers are pasted into their callers at numba's IR level, so the hot loop is
  one function with no calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import njit

F = TypeVar("F", bound=Callable[..., Any])

_njit = cast(Any, njit)


def compiled(fn: F) -> F:
    """A kernel entry point (called from Python or from other kernels)."""
    return cast(F, _njit(cache=True, _nrt=False)(fn))


def inlined(fn: F) -> F:
    """A kernel helper, inlined into every kernel that calls it."""
    return cast(F, _njit(cache=True, _nrt=False, inline="always")(fn))
