"""``regularization:explorer`` (panel W1): shift scale between layers of a fitted ReLU MLP and read
what changes (the L2 penalty) and what does not (the function, Σlog‖W‖, the WEISSI value, the
product of norms, the input-gradient bound) — acceptance facts W-1, W-2, W-3, W-7.

One frame per solve, in milliseconds: the fitted network is cached per (depth, width, bias,
activation, seed), so dragging the shift slider only re-scales and re-measures.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.relations import Order
from engines.regularization import mlp
from engines.regularization.train import fit

MODES = ("pair", "balance", "random")
GRID = 41  # the decision map's resolution per side

EXPLORER_PARAMS = ParamSchema([
    Param("depth", 3, kind="int", lo=2, hi=4, help="number of weight layers of the MLP (2–4)"),
    Param("width", 16, kind="int", lo=2, hi=64, help="units per hidden layer"),
    Param("pair", 1, kind="int", lo=1, hi=3, live=True,
          help="the shift scales layer `pair` by a and layer `pair`+1 by 1/a (layers counted from 1)"),
    Param("log10_a", 0.0, lo=-2.0, hi=2.0, live=True, help="log₁₀ of the shift factor a"),
    Param("mode", "pair", kind="choice", choices=MODES, live=True,
          help="pair: the slider's shift; balance: rescale every layer to the same norm at a fixed "
               "function (the L2 minimum, eq. 6); random: a random shift with ∏γ = 1"),
    Param("bias", "cumulative", kind="choice", choices=mlp.BIAS_RULES, live=True,
          help="biases under the shift: none (bias-free net), cumulative b_l → Γ_l·b_l (correct), "
               "literal b_l → γ_l·b_l (the essay's formula: breaks invariance)"),
    Param("activation", "relu", kind="choice", choices=mlp.ACTIVATIONS,
          help="ReLU is positively homogeneous (exact invariance); GELU only approximately"),
    Param("noise", 0.2, lo=0.0, hi=0.5, help="noise of the two-moons data"),
    Param("points", 200, kind="int", lo=20, hi=2000, help="number of two-moons points"),
    Param("fit_steps", 400, kind="int", lo=0, hi=5000, advanced=True,
          help="full-batch gradient-descent steps fitting the net before the shift (0: random net)"),
    Param("lam1", 1e-2, lo=0.0, hi=10.0, live=True, help="λ₁ of the WEISSI value λ₁·Σlog‖W_l‖ + λ₂·Σ‖W_l/‖W_l‖‖₁"),
    Param("lam2", 1e-3, lo=0.0, hi=10.0, live=True, help="λ₂ of the WEISSI value (the L1-direction term)"),
    Param("shift_seed", 1, kind="int", lo=0, hi=2**31 - 1, live=True,
          help="seed of mode = random's shift (∏γ = 1); change it for another random shift"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the data and the initial weights"),
], relations=[Order("pair", "depth", strict=True, blame="pair")])


def moons(points: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise, standardised (scikit-learn's make_moons
    construction, drawn here: importing scikit-learn in a worker thread can stall on the import
    lock behind a busy GUI thread)."""
    rng = np.random.default_rng(seed)
    outer, inner = points // 2, points - points // 2
    t_out, t_in = np.linspace(0.0, np.pi, outer), np.linspace(0.0, np.pi, inner)
    x = np.concatenate([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                        np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)])])
    y = np.concatenate([np.zeros(outer), np.ones(inner)])
    order = rng.permutation(points)
    x = x[order] + rng.normal(0.0, noise, (points, 2))
    return (x - x.mean(axis=0)) / x.std(axis=0), y[order]


@lru_cache(maxsize=8)
def fitted(depth: int, width: int, bias: bool, activation: str, noise: float, points: int, steps: int,
           seed: int) -> tuple[tuple, np.ndarray, np.ndarray]:
    """(layers, x, y): the fitted net on its data (cached; treat as read-only)."""
    x, y = moons(points, noise, seed)
    layers = mlp.make_mlp([2] + [width] * (depth - 1) + [1], np.random.default_rng(seed), bias=bias)
    if steps:
        layers = fit(layers, x, y, steps, lr=0.2, activation=activation)
    return tuple(layers), x, y


def shift_gammas(p: dict[str, Any], layers: mlp.Layers) -> np.ndarray:
    if p["mode"] == "balance":
        return mlp.balance_gammas(layers)
    if p["mode"] == "random":
        logs = np.random.default_rng(p["shift_seed"]).normal(0.0, 1.0, p["depth"])
        return np.exp(logs - logs.mean())
    return np.array(mlp.pair_gammas(p["depth"], p["pair"], 10.0 ** p["log10_a"]))


def explore(p: dict[str, Any]) -> Frame:
    """One frame: read-outs of the original and the shifted net, the L2(a) curve of the pair, the
    per-layer norms and the shifted net's decision map."""
    layers, x, y = fitted(p["depth"], p["width"], p["bias"] != "none", p["activation"], p["noise"],
                          p["points"], p["fit_steps"], p["seed"])
    layers = list(layers)
    gammas = shift_gammas(p, layers)
    shifted = mlp.shift(layers, gammas, "cumulative" if p["bias"] == "none" else p["bias"])
    before, after = mlp.forward(layers, x, p["activation"]), mlp.forward(shifted, x, p["activation"])
    frob, spec = mlp.frobenius(shifted), mlp.spectral(shifted)
    # the bound ∏‖W_l‖ needs a 1-Lipschitz homogeneous activation (GELU′ peaks at ≈ 1.13): ReLU only
    grads = mlp.input_gradient_norms(shifted, x) if p["activation"] == "relu" else np.full(len(x), np.nan)
    l, n0 = p["pair"] - 1, mlp.frobenius(layers)
    a = np.logspace(-2.0, 2.0, 201)
    measured = [mlp.shift(layers, mlp.pair_gammas(p["depth"], p["pair"], factor)) for factor in a]
    curve = np.column_stack([np.log10(a), [mlp.l2_penalty(net) for net in measured],
                             [mlp.log_norm_sum(net) for net in measured]])  # measured on each shifted net
    a_star = math.sqrt(n0[l + 1] / n0[l])
    scalars = {
        "max_output_change": float(np.abs(after - before).max()),
        "l2": mlp.l2_penalty(shifted), "l2_original": mlp.l2_penalty(layers), "l2_min": mlp.min_l2(layers),
        "log_norm_sum": mlp.log_norm_sum(shifted), "l1_direction": mlp.l1_direction(shifted),
        "weissi": mlp.weissi(shifted, p["lam1"], p["lam2"]),
        "product_frobenius": float(np.prod(frob)), "product_spectral": float(np.prod(spec)),
        "max_input_gradient": float(np.nanmax(grads)) if np.isfinite(grads).any() else math.nan,
        "a_star_log10": math.log10(a_star),
        "train_accuracy": float(np.mean((after[:, 0] > 0) == (y > 0.5))),
        "train_accuracy_original": float(np.mean((before[:, 0] > 0) == (y > 0.5))),
        "relative_output_change": float(np.abs(after - before).max() / max(np.abs(before).max(), 1e-300)),
    }
    arrays = {"l2_curve": curve, "norms": np.column_stack([np.arange(1, len(frob) + 1), frob, spec]),
              "decision": decision_map(shifted, x, p["activation"]),
              "decision_x": grid_axes(x)[0], "decision_y": grid_axes(x)[1],
              "data": np.column_stack([x, y])}
    columns = {"l2_curve": ("log10_a", "l2", "log_norm_sum"), "norms": ("layer", "frobenius", "spectral"),
               "data": ("x1", "x2", "label")}
    change = scalars["max_output_change"]
    message = (f"max |Δoutput| {change:.2g} · L2 {scalars['l2']:.4g} (min {scalars['l2_min']:.4g} at equal norms) "
               f"· Σlog‖W‖ {scalars['log_norm_sum']:.6g}")
    return Frame(step=0, progress=1.0, scalars=scalars, arrays=arrays, columns=columns, message=message)


def grid_axes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    return np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)


def decision_map(layers: mlp.Layers, x: np.ndarray, activation: str) -> np.ndarray:
    """P(class 1) of the net on a GRID × GRID square around the data: ``[i, j]`` at
    (grid_x[i], grid_y[j])."""
    gx, gy = np.meshgrid(*grid_axes(x), indexing="ij")
    logits = mlp.forward(layers, np.column_stack([gx.ravel(), gy.ravel()]), activation)[:, 0]
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))).reshape(GRID, GRID)


def run_explorer(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    yield explore(EXPLORER_PARAMS.validate(params))
