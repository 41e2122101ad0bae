"""Hanging-rope shooting: the numba RK4 kernel against the same shooting with scipy's solve_ivp.

Both run the identical algorithm on the mode-1 branch with the top on the axis (rope.md §2.3):
bracket by bisection on the axis-crossing count, then Brent on r(1) = 0.  The numba side
integrates fixed-step RK4 in τ = √σ (engines/rope/kolodner_numba.py, the grid the app uses for
201 output points); the scipy side integrates adaptive RK45 in σ at rtol 1e-8, atol 1e-10
(engines/rope/kolodner_scipy.py).  Prints solves/s of each, their ratio (goal ≥ 100×), the
agreement of the free-end radii, and the peak memory of the process.

    .venv/bin/python -m bench.bench_rope_solver [--smoke] [--lambdas 2 5 20 50]
"""
from __future__ import annotations

import argparse
import math
import resource
import sys
import time

LAMBDAS = (1.5, 2.0, 5.0, 20.0, 50.0)
AGREE_TOL = 1e-6  # |Δ r_f/L| allowed between the two (scipy side at rtol 1e-8)
GOAL = 100.0


def _rate(fn, min_seconds: float, min_calls: int) -> tuple[float, object]:
    result = fn()
    calls, t0 = 0, time.perf_counter()
    while True:
        result = fn()
        calls += 1
        elapsed = time.perf_counter() - t0
        if calls >= min_calls and elapsed >= min_seconds:
            return calls / elapsed, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one λ, short timings")
    parser.add_argument("--lambdas", type=float, nargs="+", default=list(LAMBDAS))
    parser.add_argument("--seconds", type=float, default=1.0, help="timing window per solver per λ")
    args = parser.parse_args(argv)

    from engines.rope import hanging, kolodner_numba, kolodner_scipy

    lambdas = [2.0] if args.smoke else args.lambdas
    seconds = 0.05 if args.smoke else args.seconds
    t0 = time.perf_counter()
    kolodner_numba.solve_free_end(2.0, 0.0, 1, hanging.build_grid(201, 2.0)[0])
    print(f"numba kernels ready in {time.perf_counter() - t0:.2f} s (compile or cache load)")
    print(f"{'lambda':>8} {'numba solves/s':>15} {'scipy solves/s':>15} {'ratio':>8} {'|dr_f|':>10}")
    ratios, ok = [], True
    for lam in lambdas:
        grid, _ = hanging.build_grid(201, lam)
        numba_rate, r_numba = _rate(
            lambda: kolodner_numba.solve_free_end(lam, 0.0, 1, grid)[0], seconds, 5)
        scipy_rate, r_scipy = _rate(
            lambda: kolodner_scipy.solve_free_end(lam, 0.0, 1, rtol=1e-8, atol=1e-10), seconds, 1)
        diff = abs(r_numba - r_scipy)
        ratio = numba_rate / scipy_rate
        ratios.append(ratio)
        ok &= diff < AGREE_TOL
        print(f"{lam:8.3g} {numba_rate:15.1f} {scipy_rate:15.2f} {ratio:7.0f}x {diff:10.1e}")
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"geometric-mean ratio {geo:.0f}x (goal >= {GOAL:.0f}x: {'met' if geo >= GOAL else 'NOT met'}); "
          f"free-end radii agree to {AGREE_TOL:g}: {'yes' if ok else 'NO'}; peak memory {peak_mb:.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
