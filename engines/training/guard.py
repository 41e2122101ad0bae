"""Stop a training run whose loss blew up, and say which quantity did it and when (DESIGN.md §3).

A metric diverges when it is NaN or ±inf, or when it exceeds ``explode_factor`` times the largest
magnitude it had over its first ``warmup`` checks (a loss that grows a million-fold has left the
basin even if it is still a finite float).  The guard checks only the metrics it is given, in order,
so the message names the first one that failed; metrics that may legitimately grow without bound
(the KL bound of a β = 0 VIB run, fact 8 of the note) are simply not handed to it.
"""
from __future__ import annotations

import math
from typing import Mapping


class DivergenceGuard:
    def __init__(self, explode_factor: float = 1e6, warmup: int = 10):
        self.explode_factor = explode_factor
        self.warmup = warmup
        self._scale: dict[str, float] = {}
        self._seen: dict[str, int] = {}

    def check(self, step: int, metrics: Mapping[str, float]) -> str:
        """'' when all is well, else a message such as ``loss became nan at step 120``."""
        for name, value in metrics.items():
            value = float(value)
            if not math.isfinite(value):
                return f"{name} became {value} at step {step}"
            seen = self._seen.get(name, 0)
            if seen < self.warmup:
                self._scale[name] = max(self._scale.get(name, 0.0), abs(value), 1e-12)
                self._seen[name] = seen + 1
            elif abs(value) > self.explode_factor * self._scale[name]:
                return (f"{name} exploded to {value:.3g} at step {step} "
                        f"(more than {self.explode_factor:.0e} × its early size {self._scale[name]:.3g})")
        return ""
