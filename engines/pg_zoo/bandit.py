"""``pg_zoo:bandit`` (panel Z2): REINFORCE on a K-way softmax policy p = softmax(z) with rewards r,
the estimator (r_y − b)(e_y − p) of ∇_z E_p[r] = p ⊙ (r − pᵀr) (pg_zoo.md §9).

Everything has an exact enumeration over the K actions: the gradient, the trace of the estimator's
covariance for any constant b,

    tr Var(b) = Σ_y p_y (r_y − b)² ‖e_y − p‖² − ‖p ⊙ (r − pᵀr)‖²,

a parabola in b whose minimum is eq. 9's b* = Σ p_y r_y ‖e_y − p‖² / Σ p_y ‖e_y − p‖², and E_p[r]
(eq. 10, the usual baseline), which for a likely correct class is *worse* than none (the table's
third row).  The run draws actions and streams the Monte-Carlo mean and covariance trace for
b = 0, E_p[r] and b* beside the exact values.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema

MAX_ACTIONS = 20
BANDIT_BASELINES = ("none", "mean", "optimal")
FRAMES = 100
GRID = 201

BANDIT_PARAMS = ParamSchema([
    Param("rewards", "1, 0, 0", kind="str", help=f"reward r_k of each action, a comma list (2 to {MAX_ACTIONS})"),
    Param("logits", "2, 1, 0", kind="str", help="logit z_k of each action, as many as rewards; p = softmax(z)"),
    Param("shift", 0.0, lo=-1000.0, hi=1000.0, help="a constant added to every reward: the gradient stays, "
                                                      "the variance without a baseline does not"),
    Param("samples", 20_000, kind="int", lo=10, hi=10_000_000, help="actions drawn in all"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the draws"),
])


def parse_vector(name: str, text: str) -> np.ndarray:
    try:
        values = np.array([float(part) for part in str(text).split(",") if part.strip()])
    except ValueError:
        values = np.array([math.nan])
    if not 2 <= values.size <= MAX_ACTIONS or not np.all(np.isfinite(values)) or np.any(np.abs(values) > 1e6):
        raise ParameterError(name, f"{name}: {text!r} is not valid; allowed: a comma list of 2 to {MAX_ACTIONS} "
                                   f"finite numbers of size at most 1e6")
    return values


def bandit_problem(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(rewards with the shift, policy p) of validated values; the two lists must match in length."""
    r = parse_vector("rewards", params["rewards"]) + params["shift"]
    z = parse_vector("logits", params["logits"])
    if z.size != r.size:
        raise ParameterError("logits", f"logits has {z.size} values but rewards has {r.size}; allowed: "
                                       f"one logit per reward")
    p = np.exp(z - z.max())
    return r, p / p.sum()


def exact_gradient(r: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p * (r - p @ r)


def _spread(p: np.ndarray) -> np.ndarray:
    """‖e_y − p‖² for every action y."""
    return 1.0 - 2.0 * p + p @ p


def optimal_baseline(r: np.ndarray, p: np.ndarray) -> float:
    w = p * _spread(p)
    return float(w @ r / w.sum())


def baseline_value(which: str, r: np.ndarray, p: np.ndarray) -> float:
    return {"none": 0.0, "mean": float(p @ r), "optimal": optimal_baseline(r, p)}[which]


def variance_trace(r: np.ndarray, p: np.ndarray, b) -> np.ndarray:
    """tr Cov of (r_y − b)(e_y − p), y ~ p, for each b (scalar or array), by enumeration."""
    b = np.asarray(b, dtype=float)
    second = ((r[None, :] - b.reshape(-1, 1)) ** 2 * (p * _spread(p))[None, :]).sum(axis=1)
    g = exact_gradient(r, p)
    return (second - g @ g).reshape(b.shape)


def run_bandit(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p_ = BANDIT_PARAMS.validate(params)
    r, p = bandit_problem(p_)
    k = r.size
    exact = exact_gradient(r, p)
    baselines = {name: baseline_value(name, r, p) for name in BANDIT_BASELINES}
    theory = {name: float(variance_trace(r, p, b)) for name, b in baselines.items()}
    constants = {"b_optimal": baselines["optimal"], "b_mean": baselines["mean"],
                 "reward_variance": float(p @ (r - p @ r) ** 2),
                 **{f"exact_grad_{i}": float(g) for i, g in enumerate(exact)}}
    marks = np.array(list(baselines.values()))
    lo, hi = min(marks.min(), r.min()), max(marks.max(), r.max())
    pad = 0.25 * (hi - lo) + 1e-9
    grid = np.linspace(lo - pad, hi + pad, GRID)
    curve = np.column_stack([grid, variance_trace(r, p, grid)])
    rng = np.random.default_rng([p_["seed"], 9])
    total = p_["samples"]
    batch = max(1, math.ceil(total / FRAMES))
    sums = {name: np.zeros(k) for name in BANDIT_BASELINES}
    squares = dict.fromkeys(BANDIT_BASELINES, 0.0)
    drawn, spread = 0, _spread(p)
    while drawn < total:
        ctx.check()
        count = min(batch, total - drawn)
        actions = rng.choice(k, size=count, p=p)
        counts = np.bincount(actions, minlength=k)
        drawn += count
        scalars = dict(constants)
        for name, b in baselines.items():
            weights = r[actions] - b                  # g = (r_y − b)(e_y − p), summed over the batch
            sums[name] += np.bincount(actions, weights, minlength=k) - weights.sum() * p
            squares[name] += float(counts @ ((r - b) ** 2 * spread))
            mean = sums[name] / drawn
            scalars[f"variance_{name}"] = squares[name] / drawn - float(mean @ mean)
            scalars[f"variance_theory_{name}"] = theory[name]
            scalars[f"grad_error_{name}"] = float(np.linalg.norm(mean - exact))
        gradients = np.column_stack([np.arange(k), exact] + [sums[name] / drawn for name in BANDIT_BASELINES])
        yield Frame(drawn, drawn / total, scalars,
                    {"gradients": gradients, "variance_vs_b": curve, "policy": np.column_stack([np.arange(k), p, r])},
                    {"gradients": ("action", "exact", "running_none", "running_mean", "running_optimal"),
                     "variance_vs_b": ("b", "variance_trace"), "policy": ("action", "p", "reward")},
                    message=_message(drawn, baselines, theory, scalars))


def _message(drawn, baselines, theory, scalars) -> str:
    best = min(theory, key=theory.get)
    parts = [f"b = {name} ({b:.4g}): {scalars[f'variance_{name}']:.4g} (exact {theory[name]:.5g})"
             for name, b in baselines.items()]
    return (f"{drawn} draws · tr Var " + "; ".join(parts) + f" · lowest: {best} · Var_p(r) = "
            f"{scalars['reward_variance']:.4g}")
