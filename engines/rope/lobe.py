"""The elliptic lobe r(z) = R cd(cz | m): every tension-positive planar rope in a pure centrifugal
field (rope.md §2.2 troposkein, §2.4 jump rope about the virtual axis).

With the axial tension H constant and T = T0 - ½ρω²r², the lobe through its widest point R at
z = 0 with modulus k (m = k², k'² = 1 - m) is

    r(z) = R cd(cz | m),   c = 2k / (R k'²),   ds/dz = T/H = 1 + 2k² sd²(cz | m),
    H = ρω² R² k'² / (4k²).

Arc length in closed form: ∫₀ᵘ k² sd²(v) dv = J(u) = [E(am u | m) - k'² u - k² sn cn/dn] / k'²
(checked against quadrature), so s(z) = z + 2 J(cz)/c.  Writing it with the k² factored in (J,
not the textbook ∫ sd² = J/k²) keeps it accurate as k → 0.

scipy.special.ellipj / ellipeinc / ellipk take the PARAMETER m = k², not the modulus k.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ellipeinc, ellipj


def sd2_integral(u, m):
    """J(u) = m ∫₀ᵘ sd²(v | m) dv (odd in u)."""
    u = np.asarray(u, dtype=float)
    sn, cn, dn, ph = ellipj(u, m)
    return (ellipeinc(ph, m) - (1.0 - m) * u - m * sn * cn / dn) / (1.0 - m)


def radius(z, R, c, m):
    """r(z) = R cd(cz | m)."""
    sn, cn, dn, _ = ellipj(c * np.asarray(z, dtype=float), m)
    return R * cn / dn


def slope(z, R, c, m):
    """dr/dz = -R c k'² sn/dn² (cd' = -k'² sd nd)."""
    sn, _, dn, _ = ellipj(c * np.asarray(z, dtype=float), m)
    return -R * c * (1.0 - m) * sn / (dn * dn)


def tension_over_axial(z, c, m):
    """T/H = 1 + 2k² sd²(cz | m) (= ds/dz)."""
    sn, _, dn, _ = ellipj(c * np.asarray(z, dtype=float), m)
    sd = sn / dn
    return 1.0 + 2.0 * m * sd * sd


def arclength(z, c, m):
    """s(z) - s(0) = z + 2 J(cz)/c."""
    z = np.asarray(z, dtype=float)
    return z + 2.0 * sd2_integral(c * z, m) / c


def axial_tension_per_rho_omega2(R, m):
    """H/(ρω²) = R² k'² / (4k²)."""
    return R * R * (1.0 - m) / (4.0 * m)


def z_at_uniform_arclength(h, c, m, points):
    """z ∈ [-h, h] at `points` equal arc-length steps starting from z = -h.

    A monotone table gives the first guess; three Newton steps on s(z) = target (ds/dz ≥ 1)
    bring it to machine precision.
    """
    z_table = np.linspace(-h, h, 4 * points + 1)
    s_table = arclength(z_table, c, m)
    targets = np.linspace(s_table[0], s_table[-1], points)
    z = np.interp(targets, s_table, z_table)
    for _ in range(3):
        z = z - (arclength(z, c, m) - targets) / tension_over_axial(z, c, m)
        np.clip(z, -h, h, out=z)
    z[0], z[-1] = -h, h
    return z, targets - targets[0]
