"""pg_zoo's Monte-Carlo estimators: 10⁵ single-sample zeroth-order estimates of a d = 1000 quadratic
(their sum, second moment and cosines, as the estimator lab streams them) vectorised in chunks, vs
the same estimates from a loop over samples calling numpy once per sample, and vs a plain Python
loop (lists and ``random.gauss``; timed on a subset and scaled, it is too slow to run whole).
Goal ≥ 50× over the plain Python loop.  Both sides draw 10⁸ Gaussian numbers: numpy's generator
(~9 ns a number with SFC64) is the floor of the vectorised side.

And the classifier's ZOO population: P = 1000 perturbed linear classifiers scored on the 1257 training
digits as one batched product against one model at a time (goal ≥ 20×), in forward passes (examples
× models) per second and as a fraction of this machine's fp32 matmul rate.
"""
from __future__ import annotations

import argparse
import random
import time

import numpy as np


def vectorised_seconds(count: int, dim: int) -> float:
    from engines.pg_zoo.estimators import lab_generator, statistics
    from engines.pg_zoo.objectives import make_objective

    objective = make_objective("quadratic", dim, 10.0, 0)
    rng = lab_generator(0)
    started = time.perf_counter()
    statistics(objective, count, 1, 0.1, "gaussian", "fx", False, rng, objective.gradient)
    return time.perf_counter() - started


def numpy_loop_seconds(count: int, dim: int) -> float:
    from engines.pg_zoo.objectives import make_objective

    objective = make_objective("quadratic", dim, 10.0, 0)
    rng, fx, grad = np.random.default_rng(0), objective.value(), objective.gradient
    total, square, cosines = np.zeros(dim), 0.0, []
    started = time.perf_counter()
    for _ in range(count):
        u = rng.standard_normal(dim)
        g = (objective.values((objective.x + 0.1 * u)[None])[0] - fx) / 0.1 * u
        total += g
        square += g @ g
        cosines.append(g @ grad / (np.linalg.norm(g) * np.linalg.norm(grad)))
    return time.perf_counter() - started


def python_loop_seconds(count: int, dim: int) -> float:
    from engines.pg_zoo.objectives import make_objective

    objective = make_objective("quadratic", dim, 10.0, 0)
    x, lam, grad = objective.x.tolist(), objective.hessian_diagonal.tolist(), objective.gradient.tolist()
    fx = objective.value()
    total, square = [0.0] * dim, 0.0
    started = time.perf_counter()
    for _ in range(count):
        u = [random.gauss(0.0, 1.0) for _ in range(dim)]
        f = 0.5 * sum(l * (xi + 0.1 * ui) ** 2 for l, xi, ui in zip(lam, x, u))
        g = [(f - fx) / 0.1 * ui for ui in u]
        total = [t + gi for t, gi in zip(total, g)]
        norm2 = sum(gi * gi for gi in g)
        square += norm2
        _ = sum(gi * ri for gi, ri in zip(g, grad)) / norm2 ** 0.5
    return time.perf_counter() - started


def population_rates(population: int, device: str = "cpu", threads: int = 1) -> tuple[float, float, float]:
    """(batched, one-at-a-time) forward passes per second, and the batched FLOP rate as a fraction of
    a 2048³ fp32 ``torch.mm`` on the same device (CUDA timings synchronise before reading the clock)."""
    import torch

    from engines.pg_zoo.classifier import CLASSIFIER_PARAMS, Methods
    from engines.pg_zoo.probit import CLASSES, digits_features

    torch.set_num_threads(threads)
    where = torch.device(device)
    x_np, y_np = digits_features()
    x, y = torch.tensor(x_np, dtype=torch.float32, device=where), torch.tensor(y_np, device=where)
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    model = Methods(("zoo",), CLASSIFIER_PARAMS.validate({"methods": "zoo"}), x.shape[1], where)
    weights = model.w[0] + 0.05 * torch.randn(population, CLASSES * x.shape[1], device=where)

    def timed(work) -> float:
        work()
        if where.type == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        work()
        if where.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - started

    batched = timed(lambda: model._scores(weights, x, y, one_hot, smooth=False))
    single = timed(lambda: [(torch.argmax(x @ w.view(CLASSES, -1).T, dim=1) == y).float().mean() for w in weights])
    a = torch.randn(2048, 2048, device=where)
    peak = 2 * 2048 ** 3 / timed(lambda: torch.mm(a, a))
    passes = population * len(y)
    return passes / batched, passes / single, 2 * passes * CLASSES * x.shape[1] / batched / peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    count, dim = (2000, 100) if args.smoke else (100_000, 1000)
    vectorised = vectorised_seconds(count, dim)
    numpy_loop = numpy_loop_seconds(count // 10, dim) * 10
    python_loop = python_loop_seconds(count // 500 or 1, dim) * 500
    print(f"{count} single-sample ZO estimates of a d = {dim} quadratic (sum, second moment, cosines)")
    print(f"  vectorised in chunks: {vectorised:.2f} s ({count / vectorised:,.0f} estimates/s)")
    print(f"  loop over samples, numpy per sample: {numpy_loop:.2f} s (timed on {count // 10}, scaled): "
          f"ratio {numpy_loop / vectorised:.1f}")
    print(f"  plain Python loop: {python_loop:.1f} s (timed on {count // 500 or 1}, scaled): "
          f"ratio {python_loop / vectorised:.0f} (goal ≥ 50)")
    population = 50 if args.smoke else 1000
    batched, single, fraction = population_rates(population)
    print(f"ZOO population of {population} linear classifiers on the 1257 training digits, one CPU thread:")
    print(f"  one batched product {batched:,.0f} forward passes/s ({fraction:.2f} of the fp32 matmul rate), "
          f"one model at a time {single:,.0f}: ratio {batched / single:.1f} (goal ≥ 20)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
