"""What one steady-state solve of the spinning rope returns (shared by every scenario)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class RopeSolution:
    """A planar steady rope shape in the rotating frame, with readouts and extra plot data.

    s: arc length from the fixed end (hanging: the top; troposkein/jump: the hand at z = -h;
       su_original: Su's start point), m.
    x, y, z: position in the rotating frame, z along the rotation axis, x radial in the rope's
       plane (signed), y = 0 for these planar shapes, m.
    tension: rope tension, N (su_original: -ρφ, negative = compression; see su_original.py).
    scalars: readouts (every scenario: max_radius, end_angle_deg, end_tension).
    extras: name -> (2-D array, column names) for additional plots.
    message: one-line human summary or warning.
    """

    scenario: str
    s: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    tension: np.ndarray
    scalars: dict[str, float] = field(default_factory=dict)
    extras: dict[str, tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=dict)
    message: str = ""

    def shape_array(self) -> np.ndarray:
        """The (points, 5) array with columns s, x, y, z, tension."""
        return np.column_stack([self.s, self.x, self.y, self.z, self.tension])

    SHAPE_COLUMNS = ("s", "x", "y", "z", "tension")
