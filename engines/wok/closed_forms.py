"""Closed forms the solver is checked against (wok.md §3.3, acceptance facts W2–W5, W9, W11)."""
from __future__ import annotations

import math

import numpy as np
from scipy.special import i0, i1, k0, k1

# wok.md §2.4 (W6): DuPont / Meyer / NETZSCH thresholds, °C, and the oil smoke point
OIL_SMOKE_C, PTFE_LIMIT_C, PTFE_FUMES_C, PTFE_MELT_C = 204.0, 260.0, 316.0, 327.0
LEIDENFROST_C = 193.0
THRESHOLDS = ((OIL_SMOKE_C, "oil smokes"), (PTFE_LIMIT_C, "PTFE limit"), (PTFE_FUMES_C, "PTFE fumes"),
              (PTFE_MELT_C, "PTFE melts"))


def heated_disk_fin(r, kt: float, h: float, radius: float, flux: float) -> np.ndarray:
    """Steady θ = T − T∞ of an infinite flat plate (conductance kt, loss h per area) under a disk of
    ``radius`` with uniform ``flux``: m = √(h/kt),
    θ(r < a) = (q/h)[1 − ma·K₁(ma)I₀(mr)], θ(r > a) = (q/h)·ma·I₁(ma)K₀(mr)."""
    r = np.asarray(r, dtype=np.float64)
    m = math.sqrt(h / kt)
    ma = m * radius
    inside = flux / h * (1.0 - ma * k1(ma) * i0(m * r))
    with np.errstate(divide="ignore"):
        outside = flux / h * ma * i1(ma) * k0(m * np.maximum(r, 1e-300))
    return np.where(r < radius, inside, outside)


def lumped_heating_time(heat_capacity: float, rise: float, power: float) -> float:
    """t = mcΔT/P_abs: a uniform pan with no losses."""
    return heat_capacity * rise / power


def lumped_cooling(start: float, ambient: float, tau: float, t: float) -> float:
    """T∞ + (T₀ − T∞)e^{−t/τ}, τ = ρct/h_tot."""
    return ambient + (start - ambient) * math.exp(-t / tau)


def contact_temperature(e_pan: float, t_pan: float, e_food: float, t_food: float) -> float:
    """(e₁T₁ + e₂T₂)/(e₁ + e₂): two semi-infinite bodies touching (valid for t ≲ wall²/α)."""
    return (e_pan * t_pan + e_food * t_food) / (e_pan + e_food)


def coating_drop(flux: float, thickness: float, conductivity: float) -> float:
    """ΔT = q·t_c/k_c across a coating (W9)."""
    return flux * thickness / conductivity


def thermal_strain(expansion: float, rise: float) -> float:
    """αΔT: 12e-6/K × 230 K = 0.28 % (W11) — far from 'molecules opening gaps'."""
    return expansion * rise
