"""The scipy twin of the numba shooting (rope.md §2.3), used by the tests and the benchmark.

Same formulation, same bracketing and the same root finder logic as kolodner_numba, but the
integration is scipy's adaptive ``solve_ivp`` in the plain arc length σ from the free end:

    r' = u/T,  u' = -λ r,  z' = σ/T,  T = sqrt(u² + σ²),   r(0) = r_f, u(0) = 0, z(0) = 0,

with the finite limits u/T → w0/√(1+w0²), σ/T → 1/√(1+w0²) (w0 = -λ r_f) at σ = 0.  Axis
crossings are counted with a solve_ivp event on r.  It is deliberately independent of the numba
code (different variable, different integrator, adaptive steps, scipy's brentq).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from engines.rope.kolodner_numba import R_F_TINY


def _rhs(lam: float):
    def rhs(sigma, y):
        r, u, _z = y
        tension = math.sqrt(u * u + sigma * sigma)
        if tension == 0.0:
            w0 = -lam * r
            q = math.sqrt(1.0 + w0 * w0)
            return [w0 / q, -lam * r, 1.0 / q]
        return [u / tension, -lam * r, sigma / tension]

    return rhs


def _crossing(sigma, y):
    return y[0]


def integrate(lam: float, r_f: float, *, rtol: float = 1e-10, atol: float = 1e-12,
              sigma_eval: np.ndarray | None = None, method: str = "RK45"):
    """One solve_ivp run from the free end to the top; returns the OdeResult."""
    return solve_ivp(
        _rhs(lam), (0.0, 1.0), [r_f, 0.0, 0.0], method=method, rtol=rtol, atol=atol,
        events=_crossing, t_eval=sigma_eval, max_step=min(0.05, 0.5 / math.sqrt(1.0 + lam)),
    )


def shoot(lam: float, r_f: float, *, rtol: float = 1e-10, atol: float = 1e-12) -> tuple[float, int]:
    """(r at the top, number of sign changes of r on (0, 1]) — the twin of kolodner_numba.shoot."""
    sol = integrate(lam, r_f, rtol=rtol, atol=atol)
    if sol.status != 0:
        raise RuntimeError(f"solve_ivp failed at λ = {lam}, r_f = {r_f}: {sol.message}")
    crossings = int(np.count_nonzero(sol.t_events[0] > 0.0))
    return float(sol.y[0, -1]), crossings


def _mid(a: float, b: float) -> float:
    return math.sqrt(a * b) if a > 0.0 and b > 4.0 * a else 0.5 * (a + b)


def solve_free_end(lam: float, r0: float, mode: int, *, rtol: float = 1e-10,
                   atol: float = 1e-12, xtol: float = 1e-14) -> float:
    """Free-end radius of the branch (same bracketing as the numba kernel); raises on failure.

    Returns 0.0 when even an infinitesimal r_f has too few crossings (below the threshold).
    """
    a, b = R_F_TINY, r0 + 1.0
    fa, ca = shoot(lam, a, rtol=rtol, atol=atol)
    fb, cb = shoot(lam, b, rtol=rtol, atol=atol)
    fa -= r0
    fb -= r0
    if r0 == 0.0:
        if ca < mode:
            return 0.0
        for _ in range(300):
            if ca == mode and cb == mode - 1:
                break
            m = _mid(a, b)
            fm, cm = shoot(lam, m, rtol=rtol, atol=atol)
            if cm >= mode:
                a, fa, ca = m, fm, cm
            else:
                b, fb, cb = m, fm, cm
        else:
            raise RuntimeError("bracketing did not converge")
    else:
        if mode != 1:
            raise ValueError("with r0 > 0 only mode 1 is implemented")
        for _ in range(300):
            if ca == 0 and fa < 0.0:
                break
            m = _mid(a, b)
            fm, cm = shoot(lam, m, rtol=rtol, atol=atol)
            fm -= r0
            if cm == 0 and fm >= 0.0:
                b, fb, cb = m, fm, cm
            else:
                a, fa, ca = m, fm, cm
        else:
            raise RuntimeError("bracketing did not converge")
    return float(brentq(lambda x: shoot(lam, x, rtol=rtol, atol=atol)[0] - r0, a, b,
                        xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=200))
