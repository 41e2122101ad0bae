"""Progress that tells the truth: phases weighted by their cost, and never "done" before the end.

A run whose last phase is expensive (batchnorm's loss surfaces after training; a 101 × 101 surface
of a 512-wide net can cost more than the training) used to report 100 % when training ended, so the
bar said "done" for minutes.  ``WorkPlan`` turns an engine's estimate of each phase's work (in any
unit, e.g. example passes) into the fraction of the whole run, and ``before_end`` keeps what is
shown below 1 until the run has actually returned (only the platform, not a frame, says "done").
"""
from __future__ import annotations

import math
from typing import Mapping

BEFORE_END = 0.999


def before_end(fraction: float | None) -> float | None:
    """A frame's progress as shown while the run is still going: in [0, BEFORE_END], NaN as 0."""
    if fraction is None:
        return None
    if not math.isfinite(fraction):
        return 0.0
    return min(max(float(fraction), 0.0), BEFORE_END)


class WorkPlan:
    """Phases with estimated costs; ``fraction(done)`` maps work done (same unit) to progress."""

    def __init__(self, costs: Mapping[str, float]):
        if any(c < 0 or not math.isfinite(c) for c in costs.values()):
            raise ValueError(f"phase costs must be finite and non-negative: {dict(costs)}")
        self.costs = dict(costs)
        self.total = sum(self.costs.values()) or 1.0

    def share(self, phase: str) -> float:
        return self.costs[phase] / self.total

    def fraction(self, done: float) -> float:
        return min(max(done / self.total, 0.0), 1.0)
