"""The invariance monitor: which rules ignore a change of a task's units (λ) or an added constant (c)
(multitask.md M-3, M-4), decided by runs rather than asserted.

Every scheme trains a *reference* member (no stress), a *scaled* one (task k's loss λL_k) and a
*shifted* one (L_k + c) from the same start on the same batches, and a *control*: the reference
started from θ₀ moved by one rounding error.  Training a network is chaotic: two runs a rounding
error apart drift apart too (measured: to O(0.1) within a few hundred steps for the real-time
rule).  So a scaled run is compared with the control, not with zero: the verdict is the largest
ratio, over the evaluations so far, of distance(scaled, reference) to distance(control, reference).
An invariant rule differs from its reference only by rounding, like the control (ratio measured
≤ 20); a rule that is not invariant moves by a learning-rate-sized step at once (ratio ≥ 10⁴).
"""
from __future__ import annotations

import math

import numpy as np

INVARIANT_BELOW, NOT_INVARIANT_ABOVE = 1e2, 1e4
YES, NO, APPROX = 1.0, 0.0, 0.5
COLUMNS = ("scheme", "scale_ratio", "shift_ratio", "expected_scale", "expected_shift", "measured_scale",
           "measured_shift")

WHY = {
    "equal": "the gradient λ∇L_k grows with λ; a constant has no gradient",
    "manual": "fixed weights: λ∇L_k grows with λ; a constant has no gradient",
    "init": "λL_k/(λL_k(0)) cancels λ; 1/(L_k(0) + c) changes the weight",
    "prior": "λL_k/(λL_k^prior) cancels λ; 1/(L_k^prior + c) changes the weight",
    "realtime": "∇L_k/L_k cancels λ; ∇L_k/(L_k + c) does not cancel c",
    "log": "∇log(λL_k) = ∇log L_k; log(L_k + c) does not",
    "power_mean": "the contribution scales by λ^γ: invariant only at γ = 0; weights L^{γ−1} see c unless γ = 1",
    "grad_normalized": "∇L_k/‖∇L_k‖ ignores both λ and c (eq. 13)",
    "uncertainty": "s_k tracks log(λL_k): invariant when s starts at its optimum; c changes e^{−s}",
    "gradnorm": "weights re-adapt to a rescaled task, but the transient differs; L/L(0) sees c",
    "mgda": "the min-norm point of the hull moves when one gradient grows; a constant has no gradient",
}


def expected(scheme: str, gamma: float, uncertainty_start: str) -> tuple[float, float]:
    """(scale invariant, translation invariant) by the M-4 table: YES, NO or APPROX."""
    table = {"equal": (NO, YES), "manual": (NO, YES), "init": (YES, NO), "prior": (YES, NO),
             "realtime": (YES, NO), "log": (YES, NO), "grad_normalized": (YES, YES),
             "gradnorm": (APPROX, NO), "mgda": (NO, YES)}
    if scheme == "power_mean":
        return (YES if gamma == 0.0 else NO), (YES if gamma == 1.0 else NO)
    if scheme == "uncertainty":
        return (YES if uncertainty_start == "optimum" else NO), NO
    return table[scheme]


def verdict(ratio: float) -> float:
    """YES below INVARIANT_BELOW, NO above NOT_INVARIANT_ABOVE, NaN between or untested."""
    if math.isnan(ratio):
        return math.nan
    return YES if ratio < INVARIANT_BELOW else NO if ratio > NOT_INVARIANT_ABOVE else math.nan


def agrees(expected_value: float, measured: float) -> bool | None:
    """Whether a run confirms the table; None when it cannot say (undecided, untested, "approx.")."""
    if math.isnan(measured) or expected_value == APPROX:
        return None
    return bool(expected_value == measured)


class RatioTracker:
    """The running max of distance(stressed)/distance(control) per scheme and stress."""

    def __init__(self):
        self.ratio: dict[tuple[str, str], float] = {}

    def update(self, scheme: str, stress: str, distance: float, control: float) -> float:
        key = (scheme, stress)
        if control > 0.0 and math.isfinite(distance):
            self.ratio[key] = max(self.ratio.get(key, 0.0), distance / control)
        return self.ratio.get(key, math.nan)

    def table(self, schemes, gamma: float, uncertainty_start: str, scheme_index) -> np.ndarray:
        rows = []
        for s in schemes:
            scale, shift = self.ratio.get((s, "scaled"), math.nan), self.ratio.get((s, "shifted"), math.nan)
            rows.append((scheme_index(s), scale, shift, *expected(s, gamma, uncertainty_start),
                         verdict(scale), verdict(shift)))
        return np.array(rows, dtype=np.float64).reshape(-1, len(COLUMNS))
