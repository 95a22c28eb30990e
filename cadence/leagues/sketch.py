"""Geometry for the schedule page's two SVG drawings: travel bars and a sketch of grounds.

Pure functions returning numbers for the template, so the page needs no chart library and
no script (the CSP forbids inline scripts anyway). The map is an equirectangular projection
with longitude scaled by cos(mean latitude): not a map, but distances look right for the
few tens of kilometres a league spans.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 560
BAR_HEIGHT = 22
LABEL_WIDTH = 170
MAP_W, MAP_H, MARGIN = 560, 320, 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    teams: str


def bars(items: list[tuple[str, int]]) -> tuple[list[Bar], int]:
    """Horizontal bars, longest travel first; returns the bars and the drawing's height."""
    top = max([v for _, v in items] + [1])
    span = WIDTH - LABEL_WIDTH - 70
    ordered = sorted(items, key=lambda kv: -kv[1])
    out = [
        Bar(label, value, 6 + i * (BAR_HEIGHT + 6), span * value / top)
        for i, (label, value) in enumerate(ordered)
    ]
    return out, 12 + len(out) * (BAR_HEIGHT + 6)


def points(grounds: list[tuple[str, float | None, float | None, str]]) -> list[Point]:
    """Grounds with coordinates placed in the drawing box; the others are left out."""
    placed = [(n, lat, lon, t) for n, lat, lon, t in grounds if lat is not None and lon is not None]
    if not placed:
        return []
    lats = [float(lat) for _, lat, _, _ in placed if lat is not None]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    xs = [float(lon) * scale_x for _, _, lon, _ in placed if lon is not None]
    ys = [-la for la in lats]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    size = min(MAP_W, MAP_H) - 2 * MARGIN
    off_x = (MAP_W - size * (max(xs) - min(xs)) / span) / 2
    off_y = (MAP_H - size * (max(ys) - min(ys)) / span) / 2
    return [
        Point(
            name,
            round(off_x + size * (x - min(xs)) / span, 1),
            round(off_y + size * (y - min(ys)) / span, 1),
            teams,
        )
        for (name, _, _, teams), x, y in zip(placed, xs, ys, strict=True)
    ]
