"""``pg_zoo:estimator`` (panel Z1, the main experiment): draw zeroth-order gradient estimates of one
objective at one point and watch their statistics settle against the exact ones.

Streams, with step = the number of estimates so far: the running mean of ‖ĝ‖² beside §9's exact
second moment (where one exists), the bias ‖mean ĝ − E ĝ‖ against the estimator's exact mean (∇f_ε
for Gaussian perturbations, also where f has no gradient), and the mean |cos(ĝ, E ĝ)| of single
estimates (≈ √(2/(πd)) for one Gaussian sample, Z-10), with its histogram.  Once, at the start, the
second moment against ε on a log grid for no baseline, b = f(x) and the central difference, measured
and exact (the d·f²/ε² blow-up without a baseline; the flat central-difference line).
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.relations import CapBy
from engines.pg_zoo.estimators import BASELINES, LAWS, lab_generator, second_moment_theory, statistics
from engines.pg_zoo.objectives import OBJECTIVES, make_objective

FRAMES = 200                       # frames a run streams (the last batch may be smaller)
COS_BINS = np.linspace(-1.0, 1.0, 41)
EPS_GRID = np.geomspace(1e-4, 1.0, 13)
EPS_BUDGET = 200_000               # perturbations per ε point of the sweep (at most 256 estimates)
EPS_SWEEP_COLUMNS = ("eps", "measured_none", "theory_none", "measured_fx", "theory_fx",
                     "measured_central", "theory_central")

ESTIMATOR_PARAMS = ParamSchema([
    Param("objective", "quadratic", kind="choice", choices=OBJECTIVES,
          help="linear aᵀx + 3, quadratic ½xᵀAx, ℓ1 Σ|x_i|, step 𝟙[wᵀx > 0], or the training accuracy "
               "of a linear softmax classifier on digits (d = 650 weights)"),
    Param("dim", 100, kind="int", lo=1, hi=1000, help="dimension d of x (the accuracy objective has 650)"),
    Param("condition", 10.0, lo=1.0, hi=1e4, log=True,
          help="condition number of the quadratic's A (eigenvalues log-spaced from 1 to it)"),
    Param("eps", 0.1, lo=1e-4, hi=1.0, log=True, help="perturbation size ε"),
    Param("samples", 1, kind="int", lo=1, hi=1024, help="samples N averaged in one estimate"),
    Param("perturbation", "gaussian", kind="choice", choices=LAWS,
          help="law of u (E uuᵀ = I): Gaussian, Rademacher signs, or uniform on the sphere of radius √d"),
    Param("baseline", "fx", kind="choice", choices=BASELINES,
          help="b subtracted from f(x + εu): none, f(x), the mean of the other samples, or eq. 15's b* "
               "estimated from the other samples"),
    Param("antithetic", False, kind="bool", help="central differences f(x+εu) − f(x−εu) (no baseline needed)"),
    Param("estimates", 20_000, kind="int", lo=10, hi=1_000_000, help="estimates drawn in all"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the objective and the draws"),
], relations=[CapBy("samples", "baseline", {"mean": 2, "optimal": 2}, what="a leave-one-out baseline",
                    floor=True, when=lambda values: not values.get("antithetic"))])


def relevant_estimator(values: dict[str, Any]) -> set[str]:
    names = set(ESTIMATOR_PARAMS.names())
    if values.get("objective") == "accuracy":
        names.discard("dim")
    if values.get("objective") != "quadratic":
        names.discard("condition")
    if values.get("antithetic"):
        names.discard("baseline")
    return names


def run_estimator(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = ESTIMATOR_PARAMS.validate(params)
    objective = make_objective(p["objective"], p["dim"], p["condition"], p["seed"])
    rng = lab_generator([p["seed"], 1])
    law, baseline, antithetic, samples = p["perturbation"], p["baseline"], p["antithetic"], p["samples"]
    yield Frame(0, 0.0, arrays={"moment_vs_eps": _eps_sweep(objective, p, rng, ctx)},
                columns={"moment_vs_eps": EPS_SWEEP_COLUMNS},
                message=f"{p['objective']} in d = {objective.dim}: the second moment against ε measured; "
                        f"drawing {p['estimates']} estimates")
    total, batch = p["estimates"], max(1, math.ceil(p["estimates"] / FRAMES))
    sum_g, sum_sq, sum_abs_cos, hist, drawn = np.zeros(objective.dim), 0.0, 0.0, np.zeros(len(COS_BINS) - 1), 0
    eps = p["eps"]
    mean_of_estimator = objective.estimator_mean(eps, law)  # what ĝ averages to (exact), or None
    theory = second_moment_theory(objective, eps, samples, law, baseline, antithetic)
    while drawn < total:
        ctx.check()
        count = min(batch, total - drawn)
        g_sum, g_square, cos = statistics(objective, count, samples, eps, law, baseline, antithetic, rng,
                                          mean_of_estimator)
        drawn += count
        sum_g += g_sum
        sum_sq += g_square
        scalars = {"second_moment": sum_sq / drawn, "second_moment_theory": theory}
        if mean_of_estimator is not None:
            sum_abs_cos += float(np.abs(cos).sum())
            hist += np.histogram(cos, COS_BINS)[0]
            scalars["bias"] = float(np.linalg.norm(sum_g / drawn - mean_of_estimator))
            scalars["mean_abs_cos"] = sum_abs_cos / drawn
            scalars["reference_norm"] = float(np.linalg.norm(mean_of_estimator))
        arrays = {"cos_hist": np.column_stack([0.5 * (COS_BINS[1:] + COS_BINS[:-1]), hist])}
        yield Frame(drawn, drawn / total, scalars, arrays, {"cos_hist": ("cos", "count")},
                    message=_message(scalars, drawn, objective.dim))


def _message(s: dict[str, float], drawn: int, d: int) -> str:
    theory = s["second_moment_theory"]
    text = f"{drawn} estimates: E‖ĝ‖² {s['second_moment']:.4g}"
    text += f" (exact {theory:.4g})" if math.isfinite(theory) else " (no closed form for this case)"
    if "bias" in s:
        text += f" · bias {s['bias']:.3g} of ‖E ĝ‖ = {s['reference_norm']:.3g} · mean |cos| {s['mean_abs_cos']:.3f}"
    else:
        text += " · the estimator's mean has no closed form here: no bias or cosine"
    return text + f" · √(2/(πd)) = {math.sqrt(2 / (math.pi * d)):.4f}"


def _eps_sweep(objective, p: dict[str, Any], rng: np.random.Generator, ctx: RunContext) -> np.ndarray:
    """Second moments against ε for none, f(x) and the central difference (measured and exact)."""
    samples, law = p["samples"], p["perturbation"]
    count = int(min(256, max(8, EPS_BUDGET // (samples * objective.dim))))
    rows = []
    for eps in EPS_GRID:
        ctx.check()
        row = [eps]
        for baseline, antithetic in (("none", False), ("fx", False), ("fx", True)):
            square = statistics(objective, count, samples, float(eps), law, baseline, antithetic, rng, None)[1]
            row += [square / count,
                    second_moment_theory(objective, float(eps), samples, law, baseline, antithetic)]
        rows.append(row)
    return np.array(rows)
