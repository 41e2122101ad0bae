"""``pg_zoo:blackbox`` (panel Z5): gradient descent against zeroth-order methods on a black box, by the
number of function evaluations (pg_zoo.md §c Z5, §a.10).

Nesterov and Spokoiny bound random gradient-free methods at about d times the iterations of the
gradient method; counted in function evaluations, a gradient by forward differences costs d + 1
anyway.  Methods, each with its own Adam on the same start:

* ``gd``: the exact gradient, charged d + 1 evaluations per step (what forward differences would cost);
* ``zo_forward``: N Gaussian directions, (f(x + εu) − f(x))·u/ε, N + 1 evaluations;
* ``zo_central``: N antithetic pairs, (f(x + εu) − f(x − εu))·u/(2ε), 2N evaluations;
* ``es_rank``: N antithetic pairs scored by centred ranks (Salimans et al.), 2N evaluations.

Functions: Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² from (−1.2, 1, −1.2, 1, …); a quadratic
½xᵀAx with log-spaced eigenvalues up to ``condition``; the same with Gaussian noise of size ``noise``
on every evaluation (the gradient method then sees a noisy gradient of the same size per coordinate).
The minimum is 0 in every case, so the curves are f − f*.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.pg_zoo.estimators import lab_generator

FUNCTIONS = ("rosenbrock", "quadratic", "noisy_quadratic")
BLACKBOX_METHODS = ("gd", "zo_forward", "zo_central", "es_rank")
BLACKBOX_LABELS = ("gradient descent (d + 1 evaluations a step)", "ZO forward differences",
                   "ZO central differences", "ES, centred ranks")

BLACKBOX_PARAMS = ParamSchema([
    Param("function", "quadratic", kind="choice", choices=FUNCTIONS, help="the black box"),
    Param("dim", 20, kind="int", lo=2, hi=1000, help="dimension d"),
    Param("condition", 100.0, lo=1.0, hi=1e6, log=True, help="condition number of the quadratics"),
    Param("noise", 0.01, lo=0.0, hi=10.0, help="noisy_quadratic: standard deviation of each evaluation's noise"),
    Param("methods", ",".join(BLACKBOX_METHODS), kind="multi", choices=BLACKBOX_METHODS,
          choice_labels=("GD", "ZO forward", "ZO central", "ES ranks"), help="the methods to compare"),
    Param("samples", 8, kind="int", lo=1, hi=1000, help="directions N per ZO or ES step"),
    Param("eps", 1e-3, lo=1e-8, hi=1.0, log=True, help="finite-difference step ε"),
    Param("lr", 0.01, lo=1e-5, hi=1.0, log=True, live=True, help="Adam's learning rate, every method"),
    Param("evaluations", 100_000, kind="int", lo=100, hi=10_000_000, help="function evaluations each method may spend"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the start (quadratics), directions and noise"),
])
RECORDS = 200  # points per curve


def relevant_blackbox(values: dict[str, Any]) -> set[str]:
    names = set(BLACKBOX_PARAMS.names())
    if values.get("function") == "rosenbrock":
        names.discard("condition")
    if values.get("function") != "noisy_quadratic":
        names.discard("noise")
    return names


class BlackBox:
    def __init__(self, p: dict[str, Any], rng: np.random.Generator):
        self.name, self.d, self.rng, self.noise = p["function"], p["dim"], rng, p["noise"]
        self.lam = np.geomspace(1.0, p["condition"], self.d)
        if self.name == "rosenbrock":
            self.start = np.tile([-1.2, 1.0], self.d // 2 + 1)[: self.d]
        else:
            self.start = np.random.default_rng([p["seed"], 11]).normal(size=self.d)

    def values(self, x: np.ndarray) -> np.ndarray:
        """f at each row of x (M, d), with the evaluation noise of noisy_quadratic."""
        if self.name == "rosenbrock":
            return (100.0 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (1.0 - x[:, :-1]) ** 2).sum(axis=1)
        value = 0.5 * (x * x) @ self.lam
        if self.name == "noisy_quadratic" and self.noise > 0:
            value = value + self.noise * self.rng.standard_normal(len(x))
        return value

    def clean_value(self, x: np.ndarray) -> float:
        if self.name == "rosenbrock":
            return float(self.values(x[None])[0])
        return float(0.5 * (x * x) @ self.lam)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        if self.name == "rosenbrock":
            g = np.zeros_like(x)
            inner = x[1:] - x[:-1] ** 2
            g[:-1] += -400.0 * x[:-1] * inner - 2.0 * (1.0 - x[:-1])
            g[1:] += 200.0 * inner
            return g
        g = self.lam * x
        if self.name == "noisy_quadratic" and self.noise > 0:
            g = g + self.noise * self.rng.standard_normal(self.d)
        return g


def direction(method: str, box: BlackBox, x: np.ndarray, samples: int, eps: float) -> tuple[np.ndarray, int]:
    """(descent gradient estimate, evaluations spent)."""
    if method == "gd":
        return box.gradient(x), box.d + 1
    u = box.rng.standard_normal((samples, box.d))
    if method == "zo_forward":
        f = box.values(np.vstack([x[None], x + eps * u]))
        return ((f[1:] - f[0]) / eps) @ u / samples, samples + 1
    plus, minus = box.values(x + eps * u), box.values(x - eps * u)
    if method == "es_rank":
        scores = np.concatenate([plus, minus])
        ranks = np.empty(2 * samples)
        ranks[np.argsort(scores)] = np.arange(2 * samples)
        centred = ranks / (2 * samples - 1) - 0.5
        return (centred[:samples] - centred[samples:]) @ u / samples, 2 * samples
    return ((plus - minus) / (2 * eps)) @ u / samples, 2 * samples


def run_blackbox(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = BLACKBOX_PARAMS.validate(params)
    methods = tuple(p["methods"].split(","))
    rng = lab_generator([p["seed"], 12])
    box = BlackBox(p, rng)
    xs = {m: box.start.copy() for m in methods}
    adam = {m: (np.zeros(box.d), np.zeros(box.d), 0) for m in methods}
    spent = dict.fromkeys(methods, 0)
    budget, every = p["evaluations"], max(1, p["evaluations"] // RECORDS)
    marks = dict.fromkeys(methods, 0)
    start_value = box.clean_value(box.start)
    yield Frame(0, 0.0, {f"value_{m}": start_value for m in methods} | {f"evaluations_{m}": 0.0 for m in methods},
                message=f"{p['function']} in d = {box.d}: f(start) = {start_value:.4g}")
    while any(spent[m] < budget for m in methods):
        ctx.check()
        lr = float(ctx.live("lr"))
        scalars: dict[str, float] = {}
        for m in methods:
            if spent[m] >= budget:
                continue
            for _ in range(max(1, every // (box.d + 1 if m == "gd" else 2 * p["samples"]))):
                g, cost = direction(m, box, xs[m], p["samples"], p["eps"])
                first, second, t = adam[m]
                t += 1
                first = 0.9 * first + 0.1 * g
                second = 0.999 * second + 0.001 * g * g
                xs[m] = xs[m] - lr * (first / (1 - 0.9 ** t)) / (np.sqrt(second / (1 - 0.999 ** t)) + 1e-8)
                adam[m] = (first, second, t)
                spent[m] += cost
                if spent[m] >= budget:
                    break
            value = box.clean_value(xs[m])
            if not np.isfinite(value):
                spent[m] = budget
                continue
            if spent[m] >= marks[m] + every or spent[m] >= budget:
                marks[m] = spent[m]
                scalars[f"value_{m}"] = value
                scalars[f"evaluations_{m}"] = float(spent[m])
                scalars[f"steps_{m}"] = float(adam[m][2])
        progress = min(spent.values()) / budget
        yield Frame(int(max(spent.values())), progress, scalars,
                    message=", ".join(f"{m}: f − f* = {box.clean_value(xs[m]):.3g} after {spent[m]} evaluations"
                                      for m in methods))
