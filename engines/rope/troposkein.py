"""Scenario A — the troposkein: a skipping rope without gravity, both ends on the axis
(rope.md §2.2; Nordmark & Essén 2007).

Ends at z = ±h, widest radius R at z = 0, modulus k, m = k², K = K(m), E = E(m):

    r(z) = R cd(Kz/h | m),        R/h = 2k/(k'²K),        L/(2h) = 2E/(k'²K) - 1,
    H = ρω²R²k'²/(4k²),          T0 = ρω²R²(1+k²)/(4k²),  tan(θ0/2) = k  (θ0: end angle to the axis).

The shape depends on L/(2h) only (ω scales the tension).  The inverse problem L/(2h) → k is a
monotone root find; near k → 1 it uses K(1 - p) = ellipkm1(p) with p = k'² = (1-k)(1+k).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.special import ellipe, ellipkm1

from engines.core.params import ParameterError
from engines.rope import lobe
from engines.rope.solution import RopeSolution

K_MAX = 1.0 - 1e-15


def complete_integrals(k: float) -> tuple[float, float, float]:
    """(K, E, k'²) for modulus k, accurate as k → 1."""
    p = (1.0 - k) * (1.0 + k)
    return float(ellipkm1(p)), float(ellipe(k * k)), p


def length_over_span(k: float) -> float:
    """L/(2h) = 2E/(k'²K) - 1."""
    K, E, p = complete_integrals(k)
    return 2.0 * E / (p * K) - 1.0


def radius_over_half_span(k: float) -> float:
    """R/h = 2k/(k'²K)."""
    K, _, p = complete_integrals(k)
    return 2.0 * k / (p * K)


def end_angle_deg(k: float) -> float:
    """θ0 with tan(θ0/2) = k, i.e. cos θ0 = (1 - k²)/(1 + k²)."""
    return math.degrees(2.0 * math.atan(k))


def end_tension_coeff(k: float) -> float:
    """T0/(ρω²R²) = (1 + k²)/(4k²)."""
    return (1.0 + k * k) / (4.0 * k * k)


def axial_tension_coeff(k: float) -> float:
    """H/(ρω²R²) = k'²/(4k²)."""
    return (1.0 - k) * (1.0 + k) / (4.0 * k * k)


def small_amplitude_ratio(k: float) -> float:
    """ρω²(2h)²/T0 = 4 k'⁴K²/(1 + k²) → π² as k → 0 (R4)."""
    K, _, p = complete_integrals(k)
    return 4.0 * p * p * K * K / (1.0 + k * k)


def modulus_from_aspect(ratio: float) -> float:
    """k such that L/(2h) = ratio (> 1)."""
    if not ratio > 1.0:
        raise ValueError("L/(2h) must exceed 1")
    if length_over_span(K_MAX) < ratio:
        raise ValueError(f"L/(2h) = {ratio:g} is beyond the double-precision range of k")
    return float(brentq(lambda k: length_over_span(k) - ratio, 0.0, K_MAX,
                        xtol=1e-16, rtol=8.9e-16, maxiter=200))


def check_span(length: float, span: float) -> None:
    if span >= length:
        raise ParameterError(
            "span", f"span = {span:g} m must be shorter than the rope (length = {length:g} m): "
            f"a rope can only bow out between hands closer than its length; allowed: "
            f"span < {length:g} m")


def ode_check(k: float, h: float, s: np.ndarray) -> np.ndarray:
    """Direct integration of the force balance in arc length (§2.1 with g = 0), units ρω² = 1:

        r' = sin θ,  z' = cos θ,  θ' = -r cos θ / (τ0 - r²/2),   τ0 = T0/(ρω²) = R²(1+k²)/(4k²),

    from r = 0, z = -h, θ = θ0, evaluated at the arc lengths s.  Returns columns (z, r).
    """
    R = radius_over_half_span(k) * h
    tau0 = R * R * end_tension_coeff(k)
    theta0 = math.radians(end_angle_deg(k))

    def rhs(_s, y):
        r, _z, th = y
        return [math.sin(th), math.cos(th), -r * math.cos(th) / (tau0 - 0.5 * r * r)]

    sol = solve_ivp(rhs, (0.0, float(s[-1])), [0.0, -h, theta0], method="DOP853",
                    t_eval=s, rtol=1e-11, atol=1e-13 * max(1.0, R))
    if sol.status != 0:
        raise RuntimeError(f"troposkein ODE check failed: {sol.message}")
    return np.column_stack([sol.y[1], sol.y[0]])


@lru_cache(maxsize=16)
def _geometry(length: float, span: float, points: int):
    """Shape, T/H along it and the ODE check: they depend on (L, 2h, points) only, not on ω or ρ,
    so an ω or ρ slider drag reuses them (arrays are read-only; callers copy)."""
    h = 0.5 * span
    k = modulus_from_aspect(length / span)
    K, _, _ = complete_integrals(k)
    m = k * k
    R = radius_over_half_span(k) * h
    c = K / h
    z, s = lobe.z_at_uniform_arclength(h, c, m, points)
    x = lobe.radius(z, R, c, m)
    x[0] = x[-1] = 0.0
    t_over_h = lobe.tension_over_axial(z, c, m)
    t_over_h[0] = t_over_h[-1] = (1.0 + m) / (1.0 - m)  # T0/H exactly at the hands
    # rows pair the closed form and the ODE at the same arc length s
    check = np.column_stack([z, x, ode_check(k, h, s)[:, 1]])
    for arr in (z, s, x, t_over_h, check):
        arr.setflags(write=False)
    return k, R, s, x, z, t_over_h, check


def solve_troposkein(params: dict) -> RopeSolution:
    length, span = params["length"], params["span"]
    check_span(length, span)
    try:
        k, R, s, x, z, t_over_h, check = _geometry(length, span, params["points"])
    except ValueError as exc:
        raise ParameterError("span", f"span = {span:g} m: {exc}") from None
    rho_w2 = params["density"] * params["omega"] ** 2
    H = rho_w2 * R * R * axial_tension_coeff(k)
    T0 = rho_w2 * R * R * end_tension_coeff(k)
    scalars = {
        "max_radius": R,
        "end_angle_deg": end_angle_deg(k),
        "end_tension": T0,
        "k": k,
        "axial_tension": H,
        "length_over_span": length / span,
    }
    msg = (f"troposkein k = {k:.6f}: widest {R:.4g} m from the axis, end angle "
           f"{end_angle_deg(k):.2f}°")
    if params["omega"] == 0.0:
        msg += "; omega = 0: shape shown, tension is zero"
    return RopeSolution("troposkein", s.copy(), x.copy(), np.zeros_like(s), z.copy(),
                        H * t_over_h, scalars,
                        {"ode_check": (check.copy(), ("z", "r_closed_form", "r_ode"))}, msg)
