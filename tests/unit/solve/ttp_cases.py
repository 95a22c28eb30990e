"""TTP instances and a hand-checked schedule shared by the TTP test modules."""

from __future__ import annotations

import math
import random

from cadence.solve.ttp import TTPInstance, parse_matrix
from cadence.solve.ttp.model import Rounds

NL4 = """\
  0 745 665 929
745   0  80 337
665  80   0 380
929 337 380   0
"""

# Team travel, by hand: 0 -> 0,0,0,2,1,3,0 = 665+80+337+929 = 2011; 1 -> 1,1,2,0,3,1 = 2011;
# 2 -> 2,0,2,2,2,3,1,2 = 2127; 3 -> 3,1,0,2,3,3,3,3 = 2127. Total 8276 (the NL4 optimum).
NL4_OPTIMAL: Rounds = [
    [(0, 2), (1, 3)],
    [(0, 3), (2, 1)],
    [(0, 1), (2, 3)],
    [(2, 0), (3, 1)],
    [(1, 0), (3, 2)],
    [(1, 2), (3, 0)],
]


def circ(n: int) -> TTPInstance:
    rows = [" ".join(str(min(abs(i - j), n - abs(i - j))) for j in range(n)) for i in range(n)]
    return parse_matrix("\n".join(rows), name=f"CIRC{n}")


def random_instance(n: int, seed: int) -> TTPInstance:
    """Cities at random points in a square: symmetric, uneven distances (like NL)."""
    rng = random.Random(seed)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(n)]
    rows = [" ".join(str(round(math.dist(p, q))) for q in pts) for p in pts]
    return parse_matrix("\n".join(rows), name=f"RAND{n}")
