"""Planes for loss surfaces (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets"): the
directions d₁, d₂, the coarse-to-fine order of the grid points, the display fill of a partial grid,
and the projection of a training trajectory on the plane.

Random Gaussian directions are *filter-normalised*: every row of a weight matrix (one unit's
incoming weights) is rescaled to the norm of the same row of θ₀, so the picture does not depend on
the scale invariance that BN introduces.  The other planes: the gradient and one random direction,
or the trajectory's two principal directions (Li et al. §7).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from engines.batchnorm import network as nw

PLANES = ("filter_random", "gradient_random", "pca")


class Directions(tuple):
    """``(d1, d2)`` — unpacks like a pair — plus ``plane`` (the plane actually used) and ``note``
    (why it differs from the one asked for, or the PCA's explained variance; None otherwise)."""

    def __new__(cls, d1, d2, plane: str, note: str | None = None):
        obj = super().__new__(cls, (d1, d2))
        obj.plane, obj.note = plane, note
        return obj


def _filter_normalise(direction: list[torch.Tensor], params: list[torch.Tensor]) -> list[torch.Tensor]:
    """Li et al. §4: each row of a weight direction gets the norm of that row of θ; 1-D parameters
    (biases, γ, β) get 0 ("ignore biasbn")."""
    row = (lambda t: t.reshape(t.shape[0], -1).norm(dim=1).reshape((-1,) + (1,) * (t.dim() - 1)))
    return [torch.zeros_like(p) if p.dim() < 2 else d * (row(p) / (row(d) + 1e-10)) for d, p in zip(direction, params)]


def _random_direction(params: list[torch.Tensor], generator: torch.Generator) -> list[torch.Tensor]:
    """Gaussian entries for the weight matrices only, drawn in layer order (1-D parameters get 0 in
    ``_filter_normalise`` anyway): two variants of one architecture, with or without γ and β, then
    draw the *same* direction from the same seed, so their surfaces are cut along the same plane."""
    return [torch.randn(p.shape, generator=generator, dtype=p.dtype).to(p.device) if p.dim() >= 2
            else torch.zeros_like(p) for p in params]


def _as_flat_np(value) -> np.ndarray:
    """A list of tensors (parameters), a tensor or an array → float64 numpy; a list is flattened."""
    if isinstance(value, (list, tuple)):
        value = nw.flat([torch.as_tensor(t).detach().cpu() for t in value])
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def _as_rows(snapshots) -> np.ndarray:
    """(k, P) float64 from a (k, P) array or tensor or a list of k flat snapshots."""
    if isinstance(snapshots, (list, tuple)):
        return np.stack([_as_flat_np(s).ravel() for s in snapshots])
    return np.atleast_2d(_as_flat_np(snapshots))


def plane_directions(spec: nw.NetSpec, params: list[torch.Tensor], plane: str, generator: torch.Generator,
                     gradient: list[torch.Tensor] | None = None, trajectory=None) -> Directions:
    """Two directions shaped like ``params`` (see the module docstring for the planes).

    ``filter_random``: two Gaussian directions, filter-normalised, 1-D parameters (biases, γ, β) 0
    — Li et al.'s "ignore biasbn".  ``gradient_random``: d₁ the filter-normalised gradient (α > 0 is uphill),
    d₂ a filter-normalised random direction made orthogonal to d₁ (Gram–Schmidt on the flat
    vectors) and rescaled to ‖d₁‖ (so d₂ is no longer exactly filter-normalised).  ``pca``: the top
    two principal directions of ``trajectory`` ((k, P) flat snapshots) taken relative to θ₀, not
    mean-centred (Li et al. §7 use θᵢ − θ_final); each is scaled to the largest |coordinate| of the
    trajectory along it, so the trajectory spans [−1, 1] on both axes and coords = linspace(−1, 1)
    just frames it.  With fewer than 3 snapshots, a degenerate trajectory or a zero gradient the
    result is ``filter_random`` and ``note`` says why.
    """
    if plane not in PLANES:
        raise ValueError(f"plane {plane!r} is not one of {', '.join(PLANES)}")
    params = [p.detach() for p in params]
    if plane == "gradient_random":
        if gradient is None:
            raise ValueError("plane gradient_random needs the gradient at the parameters")
        g1 = _filter_normalise([g.detach() for g in gradient], params)
        v1 = nw.flat(g1)
        if float(v1.norm()) > 0:
            v2 = nw.flat(_filter_normalise(_random_direction(params, generator), params))
            v2 = v2 - (v2 @ v1) / (v1 @ v1) * v1
            v2 = v2 * (v1.norm() / v2.norm())
            return Directions(g1, nw.unflat(v2, params), plane)
        return _filter_random(params, generator, "the gradient is zero: showing filter_random instead")
    if plane == "pca":
        result = _pca(params, trajectory)
        if isinstance(result, str):
            return _filter_random(params, generator, result + ": showing filter_random instead")
        return result
    return _filter_random(params, generator, None)


def _filter_random(params, generator, note) -> Directions:
    d1 = _filter_normalise(_random_direction(params, generator), params)
    d2 = _filter_normalise(_random_direction(params, generator), params)
    return Directions(d1, d2, "filter_random", note)


def _pca(params, trajectory) -> Directions | str:
    """Top two right singular vectors of M = [θᵢ − θ₀] from its k×k Gram matrix, or a reason."""
    if trajectory is None or len(trajectory) < 3:
        return f"pca needs at least 3 trajectory snapshots (got {0 if trajectory is None else len(trajectory)})"
    m = _as_rows(trajectory) - _as_flat_np(params)
    values, vectors = np.linalg.eigh(m @ m.T)
    values, vectors = values[::-1], vectors[:, ::-1]
    if values[0] <= 0 or values[1] <= 1e-12 * values[0]:
        return "the trajectory does not span a plane (all snapshots on one line)"
    dirs = []
    for j in range(2):
        u = m.T @ vectors[:, j] / math.sqrt(values[j])
        extent = np.abs(m @ u).max()
        dirs.append(nw.unflat(torch.as_tensor(u * extent, dtype=params[0].dtype).to(params[0].device), params))
    share = values[:2] / values.sum()
    return Directions(dirs[0], dirs[1], "pca", f"PCA explains {100 * share[0]:.0f}% and {100 * share[1]:.0f}%")


def refinement_levels(resolution: int) -> list[np.ndarray]:
    """Flat indices into the R×R grid, coarse first: 5, 9, 17, 33, … points per axis (rounded
    linspace, both ends included), then all R; each level holds only its new points."""
    if resolution < 1:
        raise ValueError("resolution must be at least 1")
    counts = [m for m in (2 ** k + 1 for k in range(2, 32)) if m < resolution][:30] + [resolution]
    seen, levels = np.zeros(resolution * resolution, bool), []
    for m in counts:
        axis = np.unique(np.rint(np.linspace(0, resolution - 1, m)).astype(np.int64))
        flat = (axis[:, None] * resolution + axis[None, :]).ravel()
        new = flat[~seen[flat]]
        seen[new] = True
        levels += [new] if new.size else []
    return levels


def fill_from_coarse(grid: np.ndarray, done: np.ndarray | None = None) -> np.ndarray:
    """For display: every entry not yet computed takes the value of the nearest computed one, so a
    coarse level shows as blocks.  ``done`` defaults to the non-NaN entries (pass it when computed
    losses may themselves be NaN); nothing computed → returned unchanged."""
    from scipy.ndimage import distance_transform_edt

    grid = np.asarray(grid, dtype=np.float64)
    done = ~np.isnan(grid) if done is None else np.asarray(done, bool)
    if not done.any() or done.all():
        return grid.copy()
    rows, cols = distance_transform_edt(~done, return_distances=False, return_indices=True)
    return grid[rows, cols]


def project_onto_plane(snapshots, center, d1, d2) -> np.ndarray:
    """(k, 2) least-squares coordinates (α, β) of each snapshot − center in the basis (d₁, d₂)."""
    s = _as_rows(snapshots) - _as_flat_np(center)
    basis = np.stack([_as_flat_np(d1), _as_flat_np(d2)], axis=1)
    return np.linalg.lstsq(basis, s.T, rcond=None)[0].T
