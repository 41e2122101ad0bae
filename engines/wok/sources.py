"""Heat sources (wok.md §2.3, §3.2): the power each ring of the wall absorbs, W.

Every source is a flux on the horizontal projection (a flame or a field reaches the pan from
below), so a ring absorbs flux × its projected area.  All the geometric choices are assumptions the
note flags: the gas ring's radius is ``source_radius`` with flames 1.5 cm wide carrying 60 % of the
heat and hot gas carrying 40 % outwards with an 8 cm decay; the induction coil is an annulus from
2.5 cm to 9.5 cm; a flat hob's field decays as exp(−gap/3 mm) with the gap between a round bottom and
the glass; a concave hob follows the wok, so its coil spans the same arc length without a gap.

Gas, a uniform disk and a concave coil deliver efficiency × power.  A round wok on a flat hob
delivers only the coupled part (the hob cannot push power into a gap), and induction delivers
nothing to a wall that is not ferromagnetic (W8).
"""
from __future__ import annotations

import math

import numpy as np

from engines.wok.geometry import Mesh

SOURCES = ("gas", "induction_flat", "induction_concave", "disk")
SOURCE_LABELS = ("gas ring", "flat induction hob", "concave induction hob", "uniform disk")
FLAME_WIDTH, FLAME_SHARE, GAS_DECAY = 0.015, 0.6, 0.08
COIL_INNER, COIL_OUTER, FIELD_DECAY = 0.025, 0.095, 0.003
# wok.md §2.3 (W7): US DOE boiling tests, China's induction grades 1–3, Scheckel's test (implied)
DOE_EFFICIENCY = {"gas": 0.40, "electric": 0.74, "induction": 0.84}
CHINA_INDUCTION_GRADES = (0.90, 0.88, 0.86)
SCHECKEL = {"gas": {"btu_per_h": 7000, "seconds": 510, "btu": 992}, "induction": {"watts": 1300, "seconds": 350,
                                                                                 "kwh": 0.126}, "ideal_btu": 317}


def _ring_profile(mesh: Mesh, radius: float) -> np.ndarray:
    """Gas: a Gaussian ring of flames at ``radius`` plus an outward hot-gas tail, per projected area,
    integrated over each cell by the midpoint rule on a fine sub-grid."""
    sub = 16
    edges = np.linspace(0.0, 1.0, sub + 1)
    out = np.zeros(mesh.cells)
    for a, b in zip(edges[:-1], edges[1:]):
        lo = mesh.r_faces[:-1] + a * np.diff(mesh.r_faces)
        hi = mesh.r_faces[:-1] + b * np.diff(mesh.r_faces)
        mid = 0.5 * (lo + hi)
        flame = np.exp(-0.5 * ((mid - radius) / FLAME_WIDTH) ** 2) / (2 * math.pi * radius * FLAME_WIDTH * math.sqrt(2 * math.pi))
        tail = np.where(mid >= radius, np.exp(-(mid - radius) / GAS_DECAY), 0.0)
        tail_norm = 2 * math.pi * GAS_DECAY * (radius + GAS_DECAY)
        out += (FLAME_SHARE * flame + (1 - FLAME_SHARE) * tail / tail_norm) * math.pi * (hi ** 2 - lo ** 2)
    return out


def absorbed_power(mesh: Mesh, source: str, power: float, efficiency: float, source_radius: float,
                   ferromagnetic: bool) -> tuple[np.ndarray, str]:
    """(W per cell, a note on what the source did)."""
    delivered = power * efficiency
    if source.startswith("induction") and not ferromagnetic:
        return np.zeros(mesh.cells), "induction: the wall is not ferromagnetic and does not couple (no heat)"
    if source == "disk":
        weights = mesh.projected(np.zeros(mesh.cells), np.full(mesh.cells, source_radius))
        if weights.sum() == 0:
            return np.zeros(mesh.cells), "the disk is smaller than the first cell"
        share = weights.sum() / (math.pi * source_radius ** 2)
        beyond = f": the pan covers {share:.0%} of it, the rest heats nothing" if share < 0.995 else ""
        return delivered * weights / (math.pi * source_radius ** 2), \
            f"uniform disk of radius {source_radius * 100:.1f} cm{beyond}"
    if source == "gas":
        weights = _ring_profile(mesh, source_radius)
        return delivered * weights / weights.sum(), f"gas ring at r = {source_radius * 100:.1f} cm"
    if source == "induction_concave":
        inside = np.clip((np.minimum(mesh.s_faces[1:], COIL_OUTER) - np.maximum(mesh.s_faces[:-1], COIL_INNER))
                         / np.diff(mesh.s_faces), 0.0, 1.0)
        weights = inside * mesh.areas
        return delivered * weights / weights.sum(), "concave coil: the whole coil touches the wok"
    coil = mesh.projected(np.full(mesh.cells, COIL_INNER), np.full(mesh.cells, COIL_OUTER))
    coupled = coil * np.exp(-mesh.z / FIELD_DECAY)
    share = coupled.sum() / (math.pi * (COIL_OUTER ** 2 - COIL_INNER ** 2))
    return delivered * coupled / (math.pi * (COIL_OUTER ** 2 - COIL_INNER ** 2)), \
        f"flat hob: {share:.0%} of the coil couples to the wok's bottom"
