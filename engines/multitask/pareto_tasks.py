"""The Pareto playground's tasks (multitask.md panel M3): losses of θ ∈ ℝ², each a rotated
anisotropic bowl ½·s_i·(θ − c_i)ᵀA_i(θ − c_i), optionally with a ripple r·Σ_j sin²(ω(θ_j − c_ij))
that adds local minima without moving the bowl's own minimum.

The Pareto set of convex tasks is the set of weighted-sum minimisers over the simplex; for bowls
it is θ*(α) = (Σα_i s_iA_i)⁻¹ Σα_i s_iA_i c_i.  With a ripple it is found on a grid as the points no
other grid point dominates (every loss ≤, one <).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

RIPPLE_FREQUENCY = 3.0


@dataclass(frozen=True)
class Bowls:
    centres: np.ndarray      # (T, 2)
    curvatures: np.ndarray   # (T, 2, 2): s_i·A_i
    ripple: float = 0.0

    @classmethod
    def of(cls, centres, anisotropy, rotation_deg, scales, ripple: float = 0.0) -> "Bowls":
        """A_i = R(φ_i) diag(a_i, 1) R(φ_i)ᵀ, multiplied by the task's scale s_i."""
        phi = np.radians(np.asarray(rotation_deg, dtype=np.float64))
        c, s = np.cos(phi), np.sin(phi)
        rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)          # (T, 2, 2)
        diag = np.zeros((len(phi), 2, 2))
        diag[:, 0, 0], diag[:, 1, 1] = np.asarray(anisotropy, dtype=np.float64), 1.0
        a = rot @ diag @ np.swapaxes(rot, 1, 2)
        return cls(np.asarray(centres, dtype=np.float64), a * np.asarray(scales, dtype=np.float64)[:, None, None],
                   float(ripple))

    @property
    def tasks(self) -> int:
        return len(self.centres)

    def losses(self, theta: np.ndarray) -> np.ndarray:
        """L_i at points θ (..., 2) → (..., T)."""
        d = theta[..., None, :] - self.centres                                       # (..., T, 2)
        value = 0.5 * np.einsum("...ti,tij,...tj->...t", d, self.curvatures, d)
        if self.ripple:
            value = value + self.ripple * (np.sin(RIPPLE_FREQUENCY * d) ** 2).sum(-1)
        return value

    def gradients(self, theta: np.ndarray) -> np.ndarray:
        """g_i = ∇L_i at one point θ (2,) → (T, 2)."""
        d = theta - self.centres
        g = np.einsum("tij,tj->ti", self.curvatures, d)
        if self.ripple:
            g = g + self.ripple * RIPPLE_FREQUENCY * np.sin(2.0 * RIPPLE_FREQUENCY * d)
        return g

    def weighted_minimiser(self, alpha: np.ndarray) -> np.ndarray:
        """argmin Σα_iL_i of the bowls (no ripple): (Σα_iA_i)⁻¹ Σα_iA_ic_i, for α (..., T)."""
        a = np.einsum("...t,tij->...ij", alpha, self.curvatures)
        b = np.einsum("...t,tij,tj->...i", alpha, self.curvatures, self.centres)
        return np.linalg.solve(a, b[..., None])[..., 0]


def simplex_grid(tasks: int, divisions: int) -> np.ndarray:
    """Every α on the simplex with coordinates in multiples of 1/divisions."""
    counts = [c for c in itertools.product(range(divisions + 1), repeat=tasks - 1) if sum(c) <= divisions]
    return np.array([[*c, divisions - sum(c)] for c in counts], dtype=np.float64) / divisions


def non_dominated(losses: np.ndarray) -> np.ndarray:
    """Mask of the rows of losses (N, T) that no other row dominates.  Rows are visited by rising
    Σ_i L_i (only a row with a smaller sum can dominate), each checked against the front kept so
    far (dominance is transitive, so the dropped rows need no check)."""
    front: list[int] = []
    for i in np.argsort(losses.sum(axis=1), kind="stable"):
        if front:
            kept = losses[front]
            if np.any(np.all(kept <= losses[i], axis=1) & np.any(kept < losses[i], axis=1)):
                continue
        front.append(int(i))
    keep = np.zeros(len(losses), dtype=bool)
    keep[front] = True
    return keep


def pareto_set(bowls: Bowls, grid_x: np.ndarray, grid_y: np.ndarray, divisions: int = 60) -> np.ndarray:
    """Points of the Pareto set (N, 2): exact weighted-sum minimisers for bowls, the non-dominated
    grid points with a ripple."""
    if bowls.ripple == 0.0:
        return bowls.weighted_minimiser(simplex_grid(bowls.tasks, divisions if bowls.tasks <= 3 else 24))
    gx, gy = np.meshgrid(grid_x, grid_y, indexing="ij")
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return points[non_dominated(bowls.losses(points))]
