"""``multitask:power_mean`` (panel M2): the power-mean dial (multitask.md §a.1.6, eqs. 10–11, M-5).

Given losses L_1..L_n, L(γ) = ((1/n) Σ L_i^γ)^{1/γ} rises from min L_i to max L_i as γ goes from −∞
to +∞, through the harmonic (γ = −1), geometric (0), arithmetic (1) and quadratic (2) means.  Its
effective weights are ∂L(γ)/∂L_i ∝ L_i^{γ−1}.  Scaling task k's loss by λ multiplies its weight by
λ^{γ−1} and its gradient by λ, so task k's contribution to the update, relative to every other
task's, changes by λ^γ: only γ = 0 (Σ log L, the real-time rule) ignores a change of units.  The
"measured" ratio below is taken from the exact derivatives ∂L/∂L_i before and after the scaling, not
from the formula λ^γ it should equal.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema, ParameterError, parse_list
from engines.multitask.weighting import MEAN_MARKS, power_mean, power_mean_gradient, power_mean_weights

MAX_LOSSES = 10
GAMMA_RANGE = (-5.0, 5.0)
CURVE_POINTS = 401

POWER_MEAN_PARAMS = ParamSchema([
    Param("losses", "0.5, 2, 8", kind="str",
          help=f"the task losses L_i, comma-separated: 2–{MAX_LOSSES} positive numbers in [1e-6, 1e6]"),
    Param("gamma", 0.5, lo=GAMMA_RANGE[0], hi=GAMMA_RANGE[1], live=True,
          help="exponent γ of the power mean (eq. 10): −1 harmonic, 0 geometric (Σ log L), 1 arithmetic "
               "(equal weights), 2 quadratic"),
    Param("scaled_task", 3, kind="int", lo=1, hi=MAX_LOSSES, live=True,
          help="the task k whose loss is rescaled by λ (1-based)"),
    Param("task_scale", 10.0, lo=1e-3, hi=1e3, log=True, live=True,
          help="λ: task k's loss in other units, L_k → λ·L_k"),
])


def parse_losses(text: str) -> np.ndarray:
    values = np.array(parse_list("losses", text, Param("losses", 1.0, lo=1e-6, hi=1e6)), dtype=np.float64)
    if not 2 <= values.size <= MAX_LOSSES:
        raise ParameterError("losses", f"losses: {values.size} values; allowed: 2 to {MAX_LOSSES} numbers "
                                       f"in [1e-06, 1e+06]")
    return values


def relative_contribution(losses: np.ndarray, scaled: np.ndarray, gamma: float, k: int, scale: float) -> float:
    """How much task k's share of the update grows against the others when its loss is scaled:
    (∂L/∂L_k′ · λ / ∂L/∂L_j′) ÷ (∂L/∂L_k / ∂L/∂L_j), averaged over the other tasks j (all equal)."""
    before, after = power_mean_gradient(losses, gamma), power_mean_gradient(scaled, gamma)
    others = [j for j in range(len(losses)) if j != k]
    ratios = [(after[k] * scale / after[j]) / (before[k] / before[j]) for j in others]
    return float(np.mean(ratios))


def dial(p: dict[str, Any]) -> Frame:
    losses = parse_losses(p["losses"])
    k = p["scaled_task"] - 1
    if k >= losses.size:
        raise ParameterError("scaled_task", f"scaled_task = {p['scaled_task']} is out of range; allowed: an "
                                            f"integer in [1, {losses.size}] (the losses given)")
    gamma, scale = p["gamma"], p["task_scale"]
    scaled = losses.copy()
    scaled[k] *= scale
    grid = np.linspace(*GAMMA_RANGE, CURVE_POINTS)
    curve = np.column_stack([grid, [power_mean(losses, g) for g in grid], [power_mean(scaled, g) for g in grid]])
    means = np.array([[g, power_mean(losses, g)] for _, g in MEAN_MARKS])
    weights, weights_scaled = power_mean_weights(losses, gamma), power_mean_weights(scaled, gamma)
    bars = np.column_stack([np.arange(1, losses.size + 1), losses, scaled, weights, weights_scaled])
    measured = relative_contribution(losses, scaled, gamma, k, scale)
    value = power_mean(losses, gamma)
    scalars = {"power_mean": value, "power_mean_scaled": power_mean(scaled, gamma),
               "min_loss": float(losses.min()), "max_loss": float(losses.max()),
               "contribution_factor": measured, "lambda_power_gamma": scale ** gamma,
               **{f"{name}_mean": float(v) for (name, _), v in zip(MEAN_MARKS, means[:, 1])}}
    message = (f"L({gamma:g}) = {value:.5g} in [{losses.min():.4g}, {losses.max():.4g}] · scaling task {k + 1} "
               f"by λ = {scale:g} changes its share by {measured:.4g} (λ^γ = {scale ** gamma:.4g})")
    return Frame(step=0, progress=1.0, scalars=scalars, message=message,
                 arrays={"curve": curve, "means": means, "bars": bars},
                 columns={"curve": ("gamma", "power_mean", "power_mean_scaled"), "means": ("gamma", "value"),
                          "bars": ("task", "loss", "loss_scaled", "weight", "weight_scaled")})


def run_power_mean(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    yield dial(POWER_MEAN_PARAMS.validate(params))


def is_monotone(curve: np.ndarray, rtol: float = 1e-12) -> bool:
    """L(γ) non-decreasing along the grid (eq. 11), to rounding."""
    values = curve[:, 1]
    return bool(np.all(np.diff(values) >= -rtol * np.abs(values[1:])))

