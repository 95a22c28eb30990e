"""The solvers' compiled random numbers: splitmix64 on a one-element ``uint64`` state that
each run owns, so a run replays exactly for a given seed and move count, whatever else runs
in the process (numba's own generator is shared by the whole process)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cadence.solve.jit import inlined

Rng = npt.NDArray[np.uint64]


@inlined
def next_bits(rng: Rng) -> np.uint64:
    """splitmix64: the next 64 random bits."""
    x = rng[0] + np.uint64(0x9E3779B97F4A7C15)
    rng[0] = x
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.uint64(x ^ (x >> np.uint64(31)))


@inlined
def uniform(rng: Rng) -> float:
    """A float in [0, 1) from the top 53 bits."""
    return np.float64(next_bits(rng) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@inlined
def below(rng: Rng, k: int) -> int:
    """An int in [0, k)."""
    return int(uniform(rng) * k)
