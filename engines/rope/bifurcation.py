"""Bifurcation diagram of the rotating hanging rope: free-end radius r_f/L against λ = ω²L/g.

Depends only on r0/L (not on ω, g or L separately), so it is memoised per (r0/L, λ range) and a
slider drag on ω reuses it.  The λ range is bucketed (60, 90, 135, ... ×1.5) so the cache is not
refilled on every step of a drag.  Branches are solved by the numba kernel ``branch`` at a coarser
resolution than the main solve (plot accuracy ~1e-7, see STEPS_*).

Long format, one row per point: (lam, free_end_radius_over_length, mode).  With the top on the
axis, mode 0 is the trivial vertical branch (r_f = 0) and mode n starts at (λn, 0); with r0 > 0
only mode 1 (free end on the tie-point side) is traced, from λ = 0.1.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from engines.rope import kolodner_numba as kn
from engines.rope.hanging import critical_lambdas, modes_available

LAM_MIN = 0.1
LAM_BUCKET_BASE = 60.0
LAM_BUCKET_FACTOR = 1.5
LAM_CAP = 1000.0  # the diagram stops here even when λ is larger (cost grows like √λ per mode)
MAX_MODES = 20  # the schema's highest mode
POINTS_PER_BRANCH = 40
STEPS_MIN = 300
STEPS_PER_SQRT_LAMBDA = 20

COLUMNS = ("lam", "free_end_radius_over_length", "mode")
THRESHOLD_COLUMNS = ("mode", "lam")


def lam_range(lam: float) -> float:
    """Upper end of the diagram: the smallest bucket ≥ max(60, 1.5 λ), capped at LAM_CAP."""
    want = max(LAM_BUCKET_BASE, LAM_BUCKET_FACTOR * lam)
    top = LAM_BUCKET_BASE
    while top < want and top < LAM_CAP:
        top *= LAM_BUCKET_FACTOR
    return min(top, LAM_CAP)


def _solve_branch(lams: np.ndarray, r0: float, mode: int) -> np.ndarray:
    out = np.empty(lams.size)
    return kn.branch(np.ascontiguousarray(lams, dtype=np.float64), float(r0), int(mode),
                     STEPS_MIN, float(STEPS_PER_SQRT_LAMBDA), out)


@lru_cache(maxsize=32)
def _diagram(r0: float, lam_max: float) -> np.ndarray:
    blocks = []
    if r0 == 0.0:
        blocks.append(np.array([[LAM_MIN, 0.0, 0.0], [lam_max, 0.0, 0.0]]))
        count = min(modes_available(lam_max), MAX_MODES)
        for n, lam_n in enumerate(critical_lambdas(count)[:count], start=1):
            offsets = np.geomspace(1e-6, 1.0, POINTS_PER_BRANCH - 1) * (lam_max - lam_n)
            lams = lam_n + offsets
            r_f = _solve_branch(lams, 0.0, n)
            block = np.column_stack([np.r_[lam_n, lams], np.r_[0.0, r_f],
                                     np.full(lams.size + 1, float(n))])
            blocks.append(block[np.isfinite(block[:, 1])])
    else:
        lams = np.geomspace(LAM_MIN, lam_max, POINTS_PER_BRANCH + 20)
        r_f = _solve_branch(lams, r0, 1)
        block = np.column_stack([lams, r_f, np.ones(lams.size)])
        blocks.append(block[np.isfinite(block[:, 1])])
    table = np.concatenate(blocks)
    table.setflags(write=False)
    return table


def diagram(r0_over_length: float, lam: float) -> np.ndarray:
    """The (rows, 3) long-format diagram for this r0/L covering λ up to lam_range(lam)."""
    key = float(round(r0_over_length, 12))
    return _diagram(key, lam_range(lam))


def thresholds(lam_max: float) -> np.ndarray:
    """Rows (n, λn) for every λn ≤ lam_max (at least the first five)."""
    count = max(5, min(modes_available(lam_max), MAX_MODES))
    lams = critical_lambdas(count)
    return np.column_stack([np.arange(1, count + 1, dtype=float), lams])


def extras(r0_over_length: float, lam: float) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    table = diagram(r0_over_length, lam)
    found = {"bifurcation": (table, COLUMNS)}  # the cached read-only table: views can tell it is unchanged
    if r0_over_length == 0.0:  # off the axis the bifurcation is imperfect: no thresholds
        found["thresholds"] = (thresholds(lam_range(lam)), THRESHOLD_COLUMNS)
    return found


def clear_cache() -> None:
    _diagram.cache_clear()
