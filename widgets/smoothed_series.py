"""One metric of one training run: raw points kept against step and against seconds, and their
debiased-EMA smoothing extended as points arrive (recomputed only when the weight changes or the
ring thins its older half)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .ema import _Ema
from .ring_series import RingSeries

SMOOTHED_SUFFIX = " (smoothed)"


class SmoothedSeries:
    """One metric of one run: raw points against step and against seconds, and their smoothing,
    kept up to date incrementally."""

    def __init__(self, capacity: int, raw_item: pg.PlotDataItem, smooth_item: pg.PlotDataItem,
                 key: str):
        self.by_step = RingSeries(capacity)
        self.by_time = RingSeries(capacity)
        self.raw_item = raw_item
        self.smooth_item = smooth_item
        self.raw_key = key
        self.smooth_key = key + SMOOTHED_SUFFIX
        self.dirty = False
        self._appended = 0
        self._smoothed = np.empty(capacity)
        self._ema: _Ema | None = None
        self._n_smoothed = 0
        self._appended_then = 0

    def append(self, steps: np.ndarray, seconds: np.ndarray, values: np.ndarray) -> None:
        self.by_step.append(steps, values)
        self.by_time.append(seconds, values)
        self._appended += values.size
        self.dirty = True

    def raw(self, x_mode: str) -> tuple[np.ndarray, np.ndarray]:
        return (self.by_step if x_mode == "step" else self.by_time).data()

    def smoothed(self, weight: float) -> np.ndarray:
        """The smoothed stored values (a view): new points extend it; a new weight, or the ring
        thinning its older half, recomputes it from the stored raw values."""
        stored = len(self.by_step)
        thinned = self._n_smoothed + (self._appended - self._appended_then) != stored
        if self._ema is None or self._ema.weight != weight or thinned:
            self._ema, self._n_smoothed = _Ema(weight), 0
        if self._n_smoothed < stored:
            new = self.by_step.data()[1][self._n_smoothed:]
            self._smoothed[self._n_smoothed:stored] = self._ema.extend(new)
            self._n_smoothed = stored
        self._appended_then = self._appended
        return self._smoothed[:stored]
