"""The pan as an axisymmetric surface, cut into rings along its meridian (wok.md §2.2, §3.1).

A wok is a spherical cap of rim diameter D and depth H: sphere radius R = (D²/4 + H²)/(2H), rim
angle θ_rim = 2·atan(2H/D), area 2πRH = π(D²/4 + H²).  A flat pan is the limit H → 0 (r = s).
Cells are equal steps of arc length s from the centre; each knows its exact ring area, the
circumference of its faces (the conduction path), its horizontal radius r and its height z above
the lowest point (the gap to a flat induction hob), all exact for the sphere.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mesh:
    s_faces: np.ndarray    # (N+1,) arc length of the faces, m
    r_faces: np.ndarray    # (N+1,) horizontal radius of the faces
    s: np.ndarray          # (N,) arc length of the cell centres
    r: np.ndarray          # (N,) horizontal radius of the cell centres
    z: np.ndarray          # (N,) height above the lowest point
    areas: np.ndarray      # (N,) ring areas, m²
    sphere_radius: float   # inf for a flat pan

    @property
    def cells(self) -> int:
        return len(self.s)

    @property
    def area(self) -> float:
        return float(self.areas.sum())

    @property
    def perimeters(self) -> np.ndarray:
        """2πr at the faces: the conduction path's width."""
        return 2.0 * math.pi * self.r_faces

    def projected(self, radius_lo: np.ndarray, radius_hi: np.ndarray) -> np.ndarray:
        """Each cell's horizontal (projected) area between two radii, π(b² − a²) clipped to the cell."""
        lo = np.clip(radius_lo, self.r_faces[:-1], self.r_faces[1:])
        hi = np.clip(radius_hi, self.r_faces[:-1], self.r_faces[1:])
        return math.pi * np.maximum(hi ** 2 - lo ** 2, 0.0)


def cap_radius(diameter: float, depth: float) -> float:
    return (diameter ** 2 / 4.0 + depth ** 2) / (2.0 * depth)


def mesh(shape: str, diameter: float, depth: float, cells: int) -> Mesh:
    if shape == "flat" or depth <= 0.0:
        s_faces = np.linspace(0.0, diameter / 2.0, cells + 1)
        s = 0.5 * (s_faces[1:] + s_faces[:-1])
        return Mesh(s_faces, s_faces.copy(), s, s.copy(), np.zeros(cells), math.pi * np.diff(s_faces ** 2), math.inf)
    radius = cap_radius(diameter, depth)
    rim = 2.0 * math.atan(2.0 * depth / diameter)
    angles = np.linspace(0.0, rim, cells + 1)
    centres = 0.5 * (angles[1:] + angles[:-1])
    areas = 2.0 * math.pi * radius ** 2 * (np.cos(angles[:-1]) - np.cos(angles[1:]))
    return Mesh(radius * angles, radius * np.sin(angles), radius * centres, radius * np.sin(centres),
                radius * (1.0 - np.cos(centres)), areas, radius)
