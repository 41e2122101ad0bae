"""A bounded buffer for a curve that grows for hours: older points are thinned, spikes survive.

When the buffer is full its older half is decimated by two: each block of four consecutive points
is replaced by the two holding the block's minimum and maximum y, in their original order.  Recent
data stays at full resolution, older data gets progressively coarser, the x order is preserved and
a single-sample spike is never averaged away.  Memory is fixed at construction.
"""
from __future__ import annotations

import numpy as np


class RingSeries:
    """Preallocated (x, y) float64 storage for at most ``capacity`` points."""

    def __init__(self, capacity: int):
        if capacity < 8:
            raise ValueError(f"RingSeries capacity must be at least 8, got {capacity}")
        self._capacity = int(capacity)
        self._x = np.empty(self._capacity, dtype=np.float64)
        self._y = np.empty(self._capacity, dtype=np.float64)
        self._n = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    def __len__(self) -> int:
        return self._n

    def clear(self) -> None:
        self._n = 0

    def append(self, x, y) -> None:
        """Append one point or arrays of points (x and y of equal length)."""
        xs = np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel()
        ys = np.atleast_1d(np.asarray(y, dtype=np.float64)).ravel()
        if xs.shape != ys.shape:
            raise ValueError(f"x and y differ in length: {xs.size} vs {ys.size}")
        start = 0
        while start < xs.size:
            if self._n == self._capacity:
                self._decimate_older_half()
            take = min(self._capacity - self._n, xs.size - start)
            self._x[self._n:self._n + take] = xs[start:start + take]
            self._y[self._n:self._n + take] = ys[start:start + take]
            self._n += take
            start += take

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the stored points, oldest first (safe to hand to a plot item)."""
        return self._x[:self._n].copy(), self._y[:self._n].copy()

    def _decimate_older_half(self) -> None:
        """Replace each block of 4 in the older half by its min-y and max-y points (2 of 4 kept).

        A flat block keeps its extreme point and one end; NaN (a gap) counts as both extremes,
        so gaps survive too."""
        half = (self._n // 2) // 4 * 4
        blocks = half // 4
        if blocks == 0:
            return
        yb = self._y[:half].reshape(blocks, 4)
        i_min = np.argmin(yb, axis=1)
        i_max = np.argmax(yb, axis=1)
        partner = np.where(i_min == i_max, np.where(i_max == 3, 0, 3), i_max)
        first = np.minimum(i_min, partner)
        second = np.maximum(i_min, partner)
        base = np.arange(blocks) * 4
        keep = np.empty(2 * blocks, dtype=np.intp)
        keep[0::2] = base + first
        keep[1::2] = base + second
        kept = 2 * blocks
        self._x[:kept] = self._x[keep]
        self._y[:kept] = self._y[keep]
        rest = self._n - half
        self._x[kept:kept + rest] = self._x[half:self._n]
        self._y[kept:kept + rest] = self._y[half:self._n]
        self._n = kept + rest
