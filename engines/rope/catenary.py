"""Special cases of the planar force balance (rope.md §1.3, §1.4, §2.1): the catenary (R1) and
Su's γ = 0 "rope skipping" curve (R12).

General planar balance in the rotating frame (E1), per unit ρ, tangent angle ψ from the +x axis:

    x' = cos ψ,  y' = sin ψ,  T' = g sin ψ - ω² x cos ψ,  ψ' = (ω² x sin ψ + g cos ψ)/T,

(body force f = (ω²x, -g); tangential and normal parts of d(T t)/ds + f = 0).  ``solve_two_end``
shoots on (T, ψ) at the first end so the rope of length L ends at the second point.  With ω = 0 it
must be the catenary y = c + a cosh((x - b)/a) — not Su's y = a cosh(x - b), which is right only
for a = 1 (erratum in §1.3).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq, root
from scipy.special import ellipk


def catenary_through(p1, p2, length: float) -> tuple[float, float, float]:
    """(a, b, c) of y = c + a cosh((x - b)/a) through p1, p2 (x1 < x2) with arc length L.

    √(L² - Δy²) = 2a sinh(Δx/2a) fixes a; Δy/L = tanh((x1 + x2 - 2b)/2a) fixes b.
    """
    (x1, y1), (x2, y2) = p1, p2
    dx, dy = x2 - x1, y2 - y1
    if not (dx > 0 and length > math.hypot(dx, dy)):
        raise ValueError("need x1 < x2 and a rope longer than the chord")
    ratio = math.sqrt(length ** 2 - dy ** 2) / dx
    hi = 1.0
    while math.sinh(hi) / hi < ratio:
        hi *= 2.0
    xi = brentq(lambda t: math.sinh(t) / t - ratio, 1e-12, hi, xtol=1e-15, rtol=8.9e-16)
    a = dx / (2.0 * xi)
    b = 0.5 * (x1 + x2) - a * math.atanh(dy / length)
    c = y1 - a * math.cosh((x1 - b) / a)
    return a, b, c


def _rhs(omega: float, g: float):
    w2 = omega * omega

    def rhs(_s, state):
        x, _y, psi, tension = state
        cp, sp = math.cos(psi), math.sin(psi)
        return [cp, sp, (w2 * x * sp + g * cp) / tension, g * sp - w2 * x * cp]

    return rhs


def integrate_balance(start, psi0: float, tension0: float, length: float, omega: float,
                      g: float, s_eval=None):
    """Integrate the planar balance from `start` with initial angle ψ0 and tension T0/ρ."""
    return solve_ivp(_rhs(omega, g), (0.0, length), [start[0], start[1], psi0, tension0],
                     method="DOP853", rtol=1e-13, atol=1e-14, t_eval=s_eval)


def solve_two_end(p1, p2, length: float, omega: float = 0.0, g: float = 9.81,
                  guess: tuple[float, float] | None = None, s_eval=None):
    """Shoot on (ψ0, T0/ρ) so the rope from p1 reaches p2 at s = L; returns the OdeResult.

    Default guess: ψ0 = chord angle - 0.6 (sagging), T0 = gL.
    """
    chord = math.atan2(p2[1] - p1[1], p2[0] - p1[0])
    x0 = np.array(guess if guess is not None else (chord - 0.6, max(g, 1.0) * length))

    def miss(v):
        sol = integrate_balance(p1, v[0], v[1], length, omega, g)
        return [sol.y[0, -1] - p2[0], sol.y[1, -1] - p2[1]]

    res = root(miss, x0, method="hybr", options={"xtol": 1e-13})
    if max(abs(f) for f in miss(res.x)) > 1e-10 * max(1.0, length):
        raise RuntimeError(f"two-end shooting failed: {res.message}")
    return integrate_balance(p1, res.x[0], res.x[1], length, omega, g, s_eval)


def su_gamma0_asymptote(beta: float) -> float:
    """y∞ of Su's eq. (7), dy/dx = 1/√(β²x⁴ - 1) from x = β^(-1/2): β^(-1/2) ∫₁^∞ du/√(u⁴-1)
    = K(1/√2)/√2 · β^(-1/2) = 1.311029/√β (R12; ellipk takes m = 1/2)."""
    return float(ellipk(0.5)) / math.sqrt(2.0) / math.sqrt(beta)


def su_gamma0_asymptote_quad(beta: float) -> float:
    """The same integral by quadrature, substituting u = 1 + v² to remove the end singularity."""
    def integrand(v):  # du/√(u⁴-1) = 2 dv/√((u+1)(u²+1)) with u = 1 + v²
        u = 1.0 + v * v
        return 2.0 / math.sqrt((u + 1.0) * (u * u + 1.0))

    val, _ = quad(integrand, 0.0, np.inf, epsabs=1e-13, epsrel=1e-13, limit=200)
    return val / math.sqrt(beta)
