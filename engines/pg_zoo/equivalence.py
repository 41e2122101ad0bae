"""``pg_zoo:equivalence`` (panel Z4): with the classifier's weights frozen, how closely does the
zeroth-order gradient of the argmax accuracy follow a policy gradient? (pg_zoo.md §6, §8.3, Z-8, Z-9.)

* Against the **softmax** policy gradient at temperature τ (the essay's eq. 23, exact:
  mean_n p_t(e_t − p)/τ ⊗ x̃): the cosine over a grid of (ε, τ).  The essay's argument is a
  first-order expansion, so the agreement is approximate and best where ε and τ match in scale.
* Against the **probit** policy gradient with noise ε‖x̃_n‖ (§8.3, by quadrature in ``probit``):
  the zeroth-order estimate is unbiased for it at every ε, so the cosine tends to 1 as the
  population grows — streamed against the population at ``eps_line``.

Every zeroth-order estimate uses antithetic pairs (W ± εU)/2ε on the whole training set; the
weights are those of ``warm_steps`` full-batch cross-entropy steps from W = 0 (0: a small random W).
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.relations import Order
from engines.pg_zoo import probit
from engines.pg_zoo.estimators import lab_generator

EQUIVALENCE_PARAMS = ParamSchema([
    Param("warm_steps", 25, kind="int", lo=0, hi=500, help="full-batch cross-entropy steps that set the "
                                                              "frozen weights (0: a small random W)"),
    Param("eps_min", 0.005, lo=1e-4, hi=1.0, log=True, help="smallest ε of the grid"),
    Param("eps_max", 0.5, lo=1e-4, hi=1.0, log=True, help="largest ε of the grid"),
    Param("tau_min", 0.02, lo=1e-3, hi=10.0, log=True, help="smallest softmax temperature τ of the grid"),
    Param("tau_max", 2.0, lo=1e-3, hi=10.0, log=True, help="largest τ of the grid"),
    Param("grid", 9, kind="int", lo=2, hi=25, help="points per axis of the (ε, τ) grid"),
    Param("population", 2000, kind="int", lo=10, hi=100_000,
          help="antithetic pairs per ZO gradient of the grid"),
    Param("eps_line", 0.05, lo=1e-4, hi=1.0, log=True, help="ε of the convergence line"),
    Param("max_population", 20_000, kind="int", lo=100, hi=1_000_000,
          help="antithetic pairs the convergence line grows to"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the perturbations"),
], relations=[Order("eps_min", "eps_max", strict=True), Order("tau_min", "tau_max", strict=True)])

LINE_POINTS = 25
PAIRS_PER_DRAW = 500


def frozen_weights(steps: int, x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    if steps == 0:
        return 0.01 * np.random.default_rng(seed).standard_normal((probit.CLASSES, x.shape[1]))
    return probit.warm_start(x, y, steps)


def softmax_policy_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """∇_W mean_n p_t with p = softmax(W x̃/τ): mean_n p_t(e_t − p)/τ ⊗ x̃ (eq. 23 for r = accuracy)."""
    z = x @ w.T / tau
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    one_hot = np.eye(probit.CLASSES)[y]
    p_t = p[np.arange(len(y)), y][:, None]
    return (p_t * (one_hot - p)).T @ x / (tau * len(y))


def zo_sum(w: np.ndarray, x: np.ndarray, y: np.ndarray, eps: float, pairs: int, rng) -> np.ndarray:
    """Σ over ``pairs`` antithetic draws of (acc(W+εU) − acc(W−εU))/(2ε)·U (divide by the count)."""
    total = np.zeros(w.size)
    for start in range(0, pairs, PAIRS_PER_DRAW):
        u = rng.standard_normal((min(PAIRS_PER_DRAW, pairs - start), w.size))
        diff = probit.accuracies(w.ravel() + eps * u, x, y) - probit.accuracies(w.ravel() - eps * u, x, y)
        total += (diff / (2.0 * eps)) @ u
    return total


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a.ravel() @ b.ravel() / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-300))


def run_equivalence(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = EQUIVALENCE_PARAMS.validate(params)
    x, y = probit.digits_features()
    w = frozen_weights(p["warm_steps"], x, y, p["seed"])
    rng = lab_generator([p["seed"], 4])
    eps_grid = np.geomspace(p["eps_min"], p["eps_max"], p["grid"])
    tau_grid = np.geomspace(p["tau_min"], p["tau_max"], p["grid"])
    softmax = [softmax_policy_gradient(w, x, y, tau) for tau in tau_grid]
    accuracy = float(probit.accuracies(w.ravel()[None], x, y)[0])
    work = p["max_population"] + p["grid"] * p["population"]
    probit_line = probit.policy_probability_and_gradient(w, x, y, p["eps_line"])[1]
    checkpoints = np.unique(np.geomspace(10, p["max_population"], LINE_POINTS).astype(int))
    total, drawn, line = np.zeros(w.size), 0, []
    for target in checkpoints:
        ctx.check()
        total += zo_sum(w, x, y, p["eps_line"], int(target) - drawn, rng)
        drawn = int(target)
        line.append((drawn, _cos(total / drawn, probit_line)))
        yield Frame(drawn, drawn / work, {"cos_probit": line[-1][1]},
                    {"convergence": np.array(line)}, {"convergence": ("population", "cos_probit")},
                    message=f"accuracy of the frozen W {accuracy:.3f} · ε = {p['eps_line']:g}: cos(ZO, probit "
                            f"PG) = {line[-1][1]:.4f} with {drawn} antithetic pairs")
    grid = np.full((p["grid"], p["grid"]), np.nan)
    rows = []
    for i, eps in enumerate(eps_grid):
        ctx.check()
        estimate = zo_sum(w, x, y, float(eps), p["population"], rng) / p["population"]
        grid[i] = [_cos(estimate, g) for g in softmax]
        rows.append((eps, _cos(estimate, probit.policy_probability_and_gradient(w, x, y, float(eps))[1]),
                     float(tau_grid[int(np.argmax(grid[i]))]), float(np.max(grid[i]))))
        best = int(np.nanargmax(grid[: i + 1].max(axis=1)))
        yield Frame(p["max_population"] + (i + 1) * p["population"], (p["max_population"] + (i + 1) * p["population"]) / work,
                    {}, {"cos_softmax": grid.copy(), "eps_grid": eps_grid, "tau_grid": tau_grid,
                         "by_eps": np.array(rows)},
                    {"by_eps": ("eps", "cos_probit", "best_tau", "best_cos_softmax")},
                    message=f"ε = {eps:.3g}: cos with the probit PG {rows[-1][1]:.3f}, with the softmax PG at best "
                            f"{rows[-1][3]:.3f} (τ = {rows[-1][2]:.3g}) · best so far: ε = {eps_grid[best]:.3g}")

