"""Scenario C — skipping rope with gravity at the bottom of its turn (Su's quasi-static reduction,
rope.md §2.4).

When the rope's plane is vertical, gravity and the centrifugal force both lie along the plane's
radial line, ω²y - g = ω²(y - g/ω²): the rope sees a pure centrifugal field about a VIRTUAL AXIS
raised by d = g/ω² above the hands' axis.  At the bottom of the turn the hands sit at radius d
from the virtual axis, on the rope's side, so the rope is a piece of the elliptic lobe (lobe.py)

    r(z) = R cd(cz | m),  c = 2k/(R k'²),   with   R cd(ch | m) = d   and   arc length = L,

and ch < K (d = 0 with ch = K is the troposkein).  Unknowns (R, k) are reduced to one root find:
for each k, the length condition L = 2h + 4h J(u)/u (lobe.py, u = ch; J(u)/u increases with u)
fixes u = ch, then the hand condition 2kh cd(u)/(u k'²) = d fixes k.  The hand residual runs from
-d at k = k_troposkein (u = K, cd = 0) to +∞ as k → 1, so for every ω > 0 and L > 2h there is a
solution, and every lobe has T = H(1 + 2k² sd²) > 0.

Output coordinates: x = r - d, the distance from the HANDS' axis (the real rotation axis), so
max_radius is the sag R - d; z along the hands' axis, hands at z = ±h.

Validity: gravity turns relative to the rope, so this is a snapshot, fair for ω²R/g ≫ 1.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import ellipj

from engines.core.params import ParameterError
from engines.rope import lobe, troposkein
from engines.rope.solution import RopeSolution

FROUDE_WARN = 5.0


def _u_for_k(k: float, length: float, h: float) -> float:
    """u = ch ∈ (0, K] solving 4h J(u)/u = L - 2h; K when even u = K is too short."""
    K, _, _ = troposkein.complete_integrals(k)
    m = k * k
    excess = length - 2.0 * h

    def f(u):
        return 4.0 * h * float(lobe.sd2_integral(u, m)) / u - excess

    if f(K) <= 0.0:
        return K
    return float(brentq(f, K * 1e-9, K, xtol=1e-15, rtol=8.9e-16, maxiter=200))


def _hand_residual(k: float, length: float, h: float, d: float) -> float:
    u = _u_for_k(k, length, h)
    sn, cn, dn, _ = ellipj(u, k * k)
    return 2.0 * k * h * (cn / dn) / (u * (1.0 - k) * (1.0 + k)) - d


def solve_lobe(length: float, span: float, d: float) -> tuple[float, float, float]:
    """(R, k, c) of the bottom-position lobe about the virtual axis at offset d ≥ 0."""
    h = 0.5 * span
    k_lo = troposkein.modulus_from_aspect(length / span)
    if d == 0.0:
        K, _, _ = troposkein.complete_integrals(k_lo)
        return troposkein.radius_over_half_span(k_lo) * h, k_lo, K / h
    k_hi = k_lo
    for j in range(1, 60):
        k_hi = 1.0 - (1.0 - k_lo) * 0.5 ** j
        if _hand_residual(k_hi, length, h, d) > 0.0:
            break
    else:
        raise ValueError("no lobe bracket found")
    k = float(brentq(_hand_residual, k_lo, k_hi, args=(length, h, d), xtol=1e-15,
                     rtol=8.9e-16, maxiter=200))
    u = _u_for_k(k, length, h)
    c = u / h
    R = 2.0 * k / (c * (1.0 - k) * (1.0 + k))
    return R, k, c


def solve_jump(params: dict) -> RopeSolution:
    length, span, omega, g = params["length"], params["span"], params["omega"], params["gravity"]
    troposkein.check_span(length, span)
    if omega <= 0.0:
        raise ParameterError(
            "omega", "jump needs omega > 0: the virtual axis offset d = g/ω² is infinite at "
            "omega = 0 (a rope that does not turn just hangs as a catenary); allowed: "
            "omega in (0, 200] rad/s")
    d = g / omega ** 2
    h = 0.5 * span
    try:
        R, k, c = solve_lobe(length, span, d)
    except (ValueError, RuntimeError) as exc:
        raise ParameterError(
            "omega", f"no tension-positive bottom lobe found at d = g/ω² = {d:.4g} m "
            f"(L = {length:g} m, span = {span:g} m): {exc}") from None
    m = k * k
    z, s = lobe.z_at_uniform_arclength(h, c, m, params["points"])
    r = lobe.radius(z, R, c, m)
    x = r - d
    x[0] = x[-1] = 0.0
    mu_w2 = params["density"] * omega ** 2
    H = mu_w2 * lobe.axial_tension_per_rho_omega2(R, m)
    tension = H * lobe.tension_over_axial(z, c, m)
    end_slope = abs(float(lobe.slope(h, R, c, m)))
    sag = R - d
    froude = omega ** 2 * R / g if g > 0.0 else math.inf
    scalars = {
        "max_radius": sag,
        "end_angle_deg": math.degrees(math.atan(end_slope)),
        "end_tension": float(tension[-1]),
        "virtual_axis_offset": d,
        "sag": sag,
        "k": k,
        "lobe_radius": R,
        "bottom_tension": H,
    }
    if math.isfinite(froude):  # g = 0 has no Froude number; curves carry finite numbers only
        scalars["froude"] = froude
    msg = (f"bottom of the turn: rope {sag:.4g} m below the hands, virtual axis d = g/ω² = "
           f"{d:.3g} m, k = {k:.6f}")
    if froude < FROUDE_WARN:
        msg += (f"; warning: Froude number ω²R/g = {froude:.2g} is not ≫ 1, the quasi-static "
                "snapshot is unreliable")
    extras = {"no_gravity": (_no_gravity_shape(length, span, params["points"]), ("z", "x"))}
    return RopeSolution("jump", s, x, np.zeros_like(s), z, tension, scalars, extras, msg)


def _no_gravity_shape(length: float, span: float, points: int) -> np.ndarray:
    """The g = 0 troposkein between the same hands, for comparison (columns z, x)."""
    h = 0.5 * span
    R, k, c = solve_lobe(length, span, 0.0)
    z, _ = lobe.z_at_uniform_arclength(h, c, k * k, points)
    x = lobe.radius(z, R, c, k * k)
    x[0] = x[-1] = 0.0
    return np.column_stack([z, x])
