"""Su's original numerical experiment (rope.md §1.5), run as written, next to the corrected one.

Su's code (scipy solve_ivp, RK23, default tolerances, t_eval = arange(0, T, 1e-4)) integrates the
state (x, y) in arc length t with

    G = (C1 - g t) / (½ω²x² - g y),    d(x, y)/dt = [G, -√(1 - G²)],

although by his own eq. (6), φ dy/ds = C1 - g s with φ = ½ω²x² - g y, G is dy/ds, not dx/ds: the
code swaps the two components, so its curves solve a different system.  ``su_code`` reproduces
them exactly (§1.5 table).  Where his square root would turn imaginary (|G| > 1) or φ = 0, his run
would produce NaN; we stop there with an event and say so (the steps before are untouched).

"Corrected" means: the curve that really satisfies his Euler–Lagrange system (4)–(6), i.e. the
force balance (E1) of §2.1 with tension T = -ρφ, integrated from the same start point with the same
meaning of C1 (φ dy/ds = C1 - g s at s = 0).  In momentum form (p, q) = φ (dx/ds, dy/ds):

    x' = p/φ,   y' = q/φ,   p' = ω² x,   q' = -g,   q(0) = C1,   p(0) = -√(φ0² - C1²)·sign(φ0),

so the start tangent is dy/ds = C1/φ0, dx/ds = -√(1 - (C1/φ0)²) (towards the axis; the equations
fix only its magnitude), and p² + q² = φ² keeps |t| = 1 (a conserved quantity we check).  φ0 > 0
(Su's start: φ0 = 2) means T = -ρφ < 0: a state in COMPRESSION (an arch, not a rope), which the
``phi_start`` scalar and the message report.  The corrected curve stops where φ reaches 0 (T = 0).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from engines.core.params import ParameterError
from engines.rope.solution import RopeSolution

SU_STEP = 1e-4


def _su_rhs(omega: float, g: float, c1: float):
    def g_raw(t, x, y):
        phi = 0.5 * omega ** 2 * x ** 2 - g * y
        num = c1 - g * t
        if phi == 0.0:
            return math.copysign(math.inf, num) if num != 0.0 else math.inf
        return num / phi

    def rhs(t, xy):
        G = min(1.0, max(-1.0, g_raw(t, xy[0], xy[1])))
        return [G, -math.sqrt(1.0 - G * G)]

    def breakdown(t, xy):
        G = g_raw(t, xy[0], xy[1])
        return -1.0 if math.isinf(G) else 1.0 - G * G

    breakdown.terminal = True
    return rhs, breakdown


def run_su_code(omega: float, g: float, c1: float, length: float, x0: float, y0: float):
    """Su's run: returns (t, x, y) on his t_eval grid, the dense solution, and where it stopped."""
    rhs, breakdown = _su_rhs(omega, g, c1)
    t_eval = np.arange(0, length, SU_STEP)
    sol = solve_ivp(rhs, (0, length), (x0, y0), method="RK23", t_eval=t_eval,
                    events=breakdown, dense_output=True)
    stop = float(sol.t_events[0][0]) if sol.t_events[0].size else None
    return sol.t, sol.y[0], sol.y[1], sol.sol, stop, sol.status


def run_corrected(omega: float, g: float, c1: float, length: float, x0: float, y0: float,
                  s: np.ndarray):
    """The corrected curve sampled at arc lengths s (NaN after it stops); returns (x, y, stop)."""
    phi0 = 0.5 * omega ** 2 * x0 ** 2 - g * y0
    out = np.full((s.size, 2), np.nan)
    if phi0 == 0.0 or abs(c1) > abs(phi0):
        return out[:, 0], out[:, 1], 0.0
    p0 = -math.copysign(math.sqrt(phi0 * phi0 - c1 * c1), phi0)

    def phi(y):
        return 0.5 * omega ** 2 * y[0] ** 2 - g * y[1]

    def rhs(_s, y):
        f = phi(y)
        return [y[2] / f, y[3] / f, omega ** 2 * y[0], -g]

    def tension_zero(_s, y):
        return phi(y)

    tension_zero.terminal = True
    sol = solve_ivp(rhs, (0.0, float(s[-1])), [x0, y0, p0, c1], method="DOP853",
                    rtol=1e-11, atol=1e-13, events=tension_zero, dense_output=True)
    end = float(sol.t[-1])
    ok = s <= end
    out[ok] = sol.sol(s[ok])[:2].T
    stop = float(sol.t_events[0][0]) if sol.t_events[0].size else None
    return out[:, 0], out[:, 1], stop


def solve_su(params: dict) -> RopeSolution:
    omega, g, c1 = params["omega"], params["gravity"], params["c1"]
    length, x0, y0 = params["length"], params["start_x"], params["start_y"]
    rho = params["density"]
    phi0 = 0.5 * omega ** 2 * x0 ** 2 - g * y0
    if phi0 == 0.0:
        raise ParameterError(
            "start_x", "φ = ½ω²x0² - g·y0 = 0 at the start point: Su's G = (C1 - g t)/φ is "
            "infinite there; move the start point or change omega/gravity")
    if abs(c1) > abs(phi0):
        raise ParameterError(
            "c1", f"c1 = {c1:g}: Su's G = C1/φ0 = {c1 / phi0:.4g} at the start, so √(1 - G²) is "
            f"imaginary and his code returns NaN; allowed here: |c1| <= |φ0| = {abs(phi0):.4g}")
    t, xs, ys, dense, stop, _status = run_su_code(omega, g, c1, length, x0, y0)
    end = stop if stop is not None else length
    s = np.linspace(0.0, end, params["points"])
    x, y = dense(s) if end > 0.0 else (np.full(s.size, x0), np.full(s.size, y0))
    phi = 0.5 * omega ** 2 * x ** 2 - g * y
    xc, yc, cstop = run_corrected(omega, g, c1, length, x0, y0, s)
    G0 = c1 / phi0
    start_angle = math.degrees(math.atan2(abs(G0), math.sqrt(1.0 - G0 * G0)))
    scalars = {
        "max_radius": float(np.max(np.abs(x))),
        "end_angle_deg": start_angle,
        "end_tension": -rho * phi0,
        "phi_start": phi0,
        "su_end": end,
    }
    state = "compression (T = -ρφ < 0)" if phi0 > 0 else "tension" if phi0 < 0 else "zero tension"
    msg = f"Su's code as written; φ = {phi0:.4g} at the start: {state}"
    if stop is not None:
        msg += f"; his run breaks down at s = {stop:.4g} (|G| reaches 1 or φ = 0)"
    if cstop is not None:
        msg += f"; corrected curve reaches T = 0 at s = {cstop:.4g}"
    return RopeSolution(
        "su_original", s, x, np.zeros_like(s), y, -rho * phi, scalars,
        {"su_code": (_thin(np.column_stack([t, xs, ys])), ("s", "x", "y")),
         "corrected": (np.column_stack([s, xc, yc]), ("s", "x", "y"))},
        msg)


MAX_SU_ROWS = 10_001


def _thin(table: np.ndarray) -> np.ndarray:
    """Su's grid has a row every 1e-4 of arc length: keep it whole up to an arc length of 1
    (his runs are 0.5), stride it beyond that so a long run stays light to draw and export."""
    if len(table) <= MAX_SU_ROWS:
        return table
    stride = -(-len(table) // MAX_SU_ROWS)
    keep = np.r_[np.arange(0, len(table) - 1, stride), len(table) - 1]
    return table[keep]
