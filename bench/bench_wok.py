"""The wok's shell solver: ten simulated minutes of a 35 cm, 2 mm carbon-steel wok on the default gas
ring, 400 rings, radiation on — the numba TR-BDF2 solver (``engines.wok.shell.advance``) against
``scipy.integrate.solve_ivp`` (BDF, with the tridiagonal Jacobian's sparsity) on the same
semi-discretisation, with a dense finite-difference Jacobian (its default) and with the Jacobian's
sparsity given.  Both are scored against a converged reference (BDF at rtol 1e-10) by the largest
temperature difference at the end, so each ratio is at a stated accuracy.  Goal ≥ 50×.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def semi_discrete(shell, power, ambient):
    """dT/dt = f(T) of the rings (K/s) and the sparsity of its Jacobian."""
    from scipy.sparse import diags

    cap, g, conv, rad = shell.capacity, shell.conductance, shell.convection, shell.radiation

    def rhs(_t, T):
        flow = np.zeros_like(T)
        between = g[:-1] * (T[1:] - T[:-1])
        flow[:-1] += between
        flow[1:] -= between
        return (flow + power - conv * (T - ambient) - rad * (T ** 4 - ambient ** 4)) / cap

    n = len(cap)
    return rhs, diags([np.ones(n - 1), np.ones(n), np.ones(n - 1)], [-1, 0, 1])


def setup(cells: int):
    from engines.wok import EXPERIMENTS
    from engines.wok.simulation import build

    p = EXPERIMENTS[0].params.validate({"cells": cells})
    _wall, _mesh, shell, power, _note = build(p)
    return p, shell, power, p["ambient"] + 273.15, np.full(cells, p["initial_temp"] + 273.15)


def numba_run(shell, power, ambient, T0, duration: float, dt: float) -> np.ndarray:
    from engines.wok.shell import advance

    T = T0.copy()
    scratch = [np.empty_like(T) for _ in range(3)]
    advance(T, int(round(duration / dt)), dt, shell.capacity, shell.conductance, shell.convection, shell.radiation,
            power, ambient, np.zeros_like(T), ambient, 0.0, *scratch, np.zeros(4))
    return T


def bdf_run(shell, power, ambient, T0, duration: float, rtol: float, sparse: bool = True) -> np.ndarray:
    """solve_ivp's BDF: as one would first call it (a dense finite-difference Jacobian) or told the
    Jacobian's tridiagonal sparsity (the strong baseline)."""
    from scipy.integrate import solve_ivp

    rhs, sparsity = semi_discrete(shell, power, ambient)
    result = solve_ivp(rhs, (0.0, duration), T0, method="BDF", rtol=rtol, atol=rtol,
                       jac_sparsity=sparsity if sparse else None)
    return result.y[:, -1]


def timed(fn, *args, repeats: int = 3):
    best, out = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - started)
    return best, out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    cells, duration = (40, 20.0) if args.smoke else (400, 600.0)
    _p, shell, power, ambient, T0 = setup(cells)
    numba_run(shell, power, ambient, T0, 1.0, 0.5)                       # compile (or load the cache)
    reference = bdf_run(shell, power, ambient, T0, duration, 1e-10)
    print(f"wok shell solver: 35 cm × 10 cm carbon-steel wok, 2 mm, gas ring 2 kW × 0.4, {cells} rings, "
          f"{duration:.0f} simulated s, radiation on")
    for dt, rtol in ((20.0, 1e-4), (5.0, 1e-5)):
        t_numba, T_numba = timed(numba_run, shell, power, ambient, T0, duration, dt)
        err_numba = float(abs(T_numba - reference).max())
        print(f"  numba TR-BDF2, dt = {dt:g} s: {t_numba * 1e3:7.2f} ms, max |ΔT| vs reference {err_numba:.2g} K")
        for sparse in (False, True):
            t_bdf, T_bdf = timed(bdf_run, shell, power, ambient, T0, duration, rtol, sparse, repeats=1)
            err_bdf = float(abs(T_bdf - reference).max())
            print(f"    solve_ivp BDF, rtol {rtol:g}, {'sparse' if sparse else 'dense'} Jacobian: {t_bdf * 1e3:7.1f} ms, "
                  f"max |ΔT| {err_bdf:.2g} K · ratio BDF / numba {t_bdf / t_numba:.0f}× (goal ≥ 50×)")
    print(f"  real-time factor of the numba solver at dt = 0.1 s: {duration / timed(numba_run, shell, power, ambient, T0, duration, 0.1)[0]:.0f}× real time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
