"""A tube around a space curve as a triangle mesh: vertices, their normals and faces, in numpy.

A line drawn with glLineWidth has no depth cue and, on software renderers, a width capped at a few
pixels; a shaded tube reads as a solid rope.  Each point of the curve gets a ring of ``sides``
vertices in the plane normal to the curve's tangent.  The ring's frame comes from one fixed
reference axis per curve (the coordinate axis least aligned with the tangents), so the frame never
flips along the curve unless the curve turns through that axis, which a rope does not.
"""
from __future__ import annotations

import numpy as np


def tangents(xyz: np.ndarray) -> np.ndarray:
    """Unit tangents (central differences inside, one-sided at the ends); a repeated point borrows
    its neighbour's direction."""
    d = np.gradient(xyz, axis=0)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    good = norm[:, 0] > 0
    if not good.any():
        return np.tile([0.0, 0.0, 1.0], (len(xyz), 1))
    d[~good] = d[good][np.clip(np.searchsorted(np.flatnonzero(good), np.flatnonzero(~good)), 0, good.sum() - 1)]
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def tube_mesh(xyz, radius: float, sides: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertices (N·sides, 3), unit normals (N·sides, 3), faces ((N−1)·sides·2, 3)) of a tube of
    ``radius`` around the curve ``xyz`` (N ≥ 2 finite points, in order).  Vertex ``i·sides + j`` is
    the j-th of point i's ring, so per-point colours repeat ``sides`` times."""
    xyz = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
    if len(xyz) < 2 or not np.isfinite(xyz).all():
        raise ValueError(f"a tube needs at least 2 finite points, got {len(xyz)}")
    if sides < 3 or radius <= 0:
        raise ValueError(f"a tube needs sides ≥ 3 and radius > 0, got {sides}, {radius}")
    t = tangents(xyz)
    reference = np.eye(3)[np.argmin(np.abs(t).max(axis=0))]
    normal = np.cross(t, reference)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    binormal = np.cross(t, normal)
    angle = 2.0 * np.pi * np.arange(sides) / sides
    ring = (np.cos(angle)[None, :, None] * normal[:, None, :]
            + np.sin(angle)[None, :, None] * binormal[:, None, :])          # (N, sides, 3)
    vertices = (xyz[:, None, :] + radius * ring).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(len(xyz) - 1), np.arange(sides), indexing="ij")
    a, b = i * sides + j, i * sides + (j + 1) % sides
    c, d = a + sides, b + sides
    faces = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([b, d, c], -1).reshape(-1, 3)])
    return vertices, ring.reshape(-1, 3), faces.astype(np.int32)
