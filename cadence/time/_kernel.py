"""Vectorised interval kernels behind layering and find-a-time (numpy, internal).

Why this exists: find-a-time over a hundred people and a quarter of a year is hundreds of
thousands of (slot, person) questions. Instead of asking them one by one, every person's
intervals are laid on one shared integer line, person ``p`` owning the stretch
``[p * stride, (p + 1) * stride)`` (minutes counted from the window start). Intervals of
different people can then never touch, so one sort and a few cumulative sums compute a
boolean combination of interval sets for everybody at once (:func:`sweep` / :func:`runs`),
and slot questions on the granularity grid become difference arrays (:func:`grid_mask`).

The public, pure-Python :class:`~cadence.time.intervals.IntervalSet` stays the reference:
the tests check these kernels against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Spans = tuple[IntArray, IntArray]

EMPTY: Spans = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def spans(starts: Sequence[int] | IntArray, ends: Sequence[int] | IntArray) -> Spans:
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


_CODE_BITS = 4  # low bits of a sort key: 2 * input + (1 if an end else 0); up to 8 inputs
_FIELD_BITS = 7  # bits per input in the packed running count (the last input gets the rest)


def sweep(inputs: Sequence[Spans]) -> tuple[IntArray, list[BoolArray]]:
    """Cut the line at every boundary of every input.

    Returns the start of each elementary segment (a segment runs to the next start; the last
    one is unbounded) and, for each input, whether it covers that segment. Inputs need not be
    sorted or merged. Only the last input may have more than 127 of its intervals overlapping
    one point (pass busy time, which may pile up, last).

    One sort of ``position << 4 | code`` keys and one cumulative sum of per-input counts
    packed into 7-bit fields of an int64 do the work for all inputs together.
    """
    assert 1 <= len(inputs) <= 8
    parts: list[IntArray] = []
    for j, (s, e) in enumerate(inputs):
        parts.append((s << _CODE_BITS) | (2 * j))
        parts.append((e << _CODE_BITS) | (2 * j + 1))
    keys = np.sort(np.concatenate(parts))
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), [np.zeros(0, dtype=np.bool_) for _ in inputs]
    code = keys & ((1 << _CODE_BITS) - 1)
    pos = keys >> _CODE_BITS
    shift = (code >> 1) * _FIELD_BITS
    delta = np.where(code & 1, -1, 1).astype(np.int64) << shift
    running = np.cumsum(delta)
    last = np.ones(len(pos), dtype=np.bool_)
    last[:-1] = pos[1:] != pos[:-1]
    seg, state = pos[last], running[last]
    mask = (1 << _FIELD_BITS) - 1
    covs: list[BoolArray] = []
    for j in range(len(inputs)):
        field = state >> (j * _FIELD_BITS)
        covs.append((field if j == len(inputs) - 1 else field & mask) > 0)
    return seg, covs


def runs(seg: IntArray, pred: BoolArray) -> Spans:
    """Maximal runs of segments where ``pred`` holds, as merged, sorted spans."""
    if len(seg) == 0:
        return EMPTY
    assert not pred[-1], "predicate must be false where no input covers"
    prev = np.empty_like(pred)
    prev[0] = False
    prev[1:] = pred[:-1]
    return seg[pred & ~prev], seg[~pred & prev]


def union(*inputs: Spans) -> Spans:
    seg, covs = sweep(inputs)
    acc = np.zeros(len(seg), dtype=np.bool_)
    for c in covs:
        acc |= c
    return runs(seg, acc)


def difference(a: Spans, b: Spans) -> Spans:
    seg, (ca, cb) = sweep([a, b])
    return runs(seg, ca & ~cb)


def ceil_div(a: IntArray, b: int) -> IntArray:
    return -((-a) // b)


Ranges = tuple[IntArray, IntArray, IntArray]  # row, first slot, one past the last slot


def slot_ranges(
    sp: Spans, stride: int, n_slots: int, step: int, length: int, *, inside: bool
) -> Ranges:
    """The slots of the grid ``[k*step, k*step+length)`` that lie inside (``inside=True``) or
    share a minute with (``inside=False``) the merged spans of each row, as merged ranges.

    Rows are the people on the shared line. Ranges come out sorted by row then slot,
    disjoint and non-touching within a row.
    """
    s, e = sp
    owner = s // stride
    a, b = s - owner * stride, e - owner * stride
    if inside:
        lo, hi = ceil_div(a, step), (b - length) // step + 1
    else:
        lo, hi = (a - length) // step + 1, ceil_div(b, step)
    lo = np.clip(lo, 0, n_slots)
    hi = np.clip(hi, 0, n_slots)
    keep = lo < hi
    o, lo, hi = owner[keep], lo[keep], hi[keep]
    if len(o) > 1:  # ranges of one row are sorted with non-decreasing ends: merge runs
        new = np.ones(len(o), dtype=np.bool_)
        new[1:] = (o[1:] != o[:-1]) | (lo[1:] > hi[:-1])
        last = np.ones(len(o), dtype=np.bool_)
        last[:-1] = new[1:]
        o, lo, hi = o[new], lo[new], hi[last]
    return o, lo, hi


def count_ranges(r: Ranges, n_slots: int, rows: BoolArray | None = None) -> IntArray:
    """For each slot, how many rows' ranges hold it (only ``rows`` if given, per range)."""
    _, lo, hi = r
    if rows is not None:
        lo, hi = lo[rows], hi[rows]
    diff = np.bincount(lo, minlength=n_slots + 1) - np.bincount(hi, minlength=n_slots + 1)
    out: IntArray = np.cumsum(diff[:n_slots])
    return out


def intersect_ranges(a: Ranges, b: Ranges, n_slots: int) -> Ranges:
    """Row-wise intersection of two range lists."""
    width = n_slots + 1
    seg, (ca, cb) = sweep([(a[0] * width + a[1], a[0] * width + a[2]),
                           (b[0] * width + b[1], b[0] * width + b[2])])  # fmt: skip
    s, e = runs(seg, ca & cb)
    return s // width, s % width, e - (s // width) * width


def ranges_to_mask(r: Ranges, n_rows: int, n_slots: int) -> BoolArray:
    """Dense ``[row, slot]`` mask (for tests and small grids)."""
    mask = np.zeros((n_rows, n_slots), dtype=np.bool_)
    for o, lo, hi in zip(*r, strict=True):
        mask[o, lo:hi] = True
    return mask


def inside_points(sp: Spans, starts: IntArray, length: int) -> BoolArray:
    """For arbitrary (embedded) slot starts: does ``[x, x+length)`` lie inside a merged span?"""
    s, e = sp
    if len(s) == 0:
        return np.zeros(len(starts), dtype=np.bool_)
    idx = np.searchsorted(s, starts, side="right") - 1
    ok = idx >= 0
    return ok & (e[np.maximum(idx, 0)] >= starts + length)


def hits_points(sp: Spans, starts: IntArray, length: int) -> BoolArray:
    """For arbitrary slot starts: does ``[x, x+length)`` share a minute with a merged span?"""
    s, e = sp
    if len(s) == 0:
        return np.zeros(len(starts), dtype=np.bool_)
    idx = np.searchsorted(s, starts + length, side="left") - 1
    ok = idx >= 0
    return ok & (e[np.maximum(idx, 0)] > starts)
