"""The rope in 3-D, shared by both rope pages: the OpenGL view is created the first time its tab is
shown (never in offscreen tests), the rod or the hands are marked, the free end may leave a trail,
and the camera is refitted only when the rope's size jumps, so the user's zoom survives a slider
drag."""
from __future__ import annotations

from collections import deque

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from workbench.pages import themes


TRAIL_POINTS = 400  # the free end's last positions kept for its trail


class Rope3DTab(QWidget):
    """A lazily built CurveView3D and a row of controls above it."""

    def __init__(self, controls: list[QWidget], parent: QWidget | None = None, frame_by_reach: bool = False):
        """``frame_by_reach``: frame everywhere the rope could reach (a simulated rope spins out),
        not only where it is now (a steady shape)."""
        super().__init__(parent)
        self.view3d = None
        self._frame_by_reach = frame_by_reach
        self._theme = "light"
        self._fitted_extent: float | None = None
        self._shape: np.ndarray | None = None
        self._ends = "hanging"
        self._trail: deque = deque(maxlen=TRAIL_POINTS)
        self._trail_shown = True
        self._layout = QVBoxLayout(self)
        row = QHBoxLayout()
        for widget in controls:
            row.addWidget(widget)
        row.addStretch(1)
        self._layout.addLayout(row)

    def ensure_view(self):
        if self.view3d is None:
            from widgets.curve_view3d import CurveView3D

            self.view3d = CurveView3D(background=themes.plot_colors(self._theme)["background"])
            self._layout.addWidget(self.view3d, 1)
            self.update_view()
        return self.view3d

    def set_shape(self, shape: np.ndarray, ends: str) -> None:
        """``shape`` columns s, x, y, z, tension; ``ends``: ``hanging`` (a rod to the top), ``hands``
        (both ends marked) or ``none``."""
        self._shape, self._ends = shape, ends
        if self.isVisible():
            self.update_view()

    def add_to_trail(self, point) -> None:
        """Remember one position of the free end (drawn with the next frame)."""
        self._trail.append(np.asarray(point, dtype=np.float64))

    def clear_trail(self) -> None:
        self._trail.clear()
        if self.view3d is not None:
            self.view3d.set_trail(np.zeros((0, 3)))

    def trail(self) -> np.ndarray:
        """The remembered positions of the free end, oldest first (K, 3)."""
        return np.array(self._trail).reshape(-1, 3)

    def show_trail(self, on: bool) -> None:
        self._trail_shown = bool(on)
        if self.view3d is not None:
            self.update_view()

    def update_view(self) -> None:
        if self.view3d is None or self._shape is None:
            return
        self.view3d.set_trail(self.trail() if self._trail_shown else np.zeros((0, 3)))
        xyz = self._shape[:, 1:4]
        self.view3d.set_curve(xyz, self._shape[:, 4])
        z_lo, z_hi = float(xyz[:, 2].min()), float(xyz[:, 2].max())
        pad = 0.1 * (z_hi - z_lo + 1e-9)
        self.view3d.set_axis(z_lo - pad, z_hi + pad)
        if self._ends == "hanging":
            top = xyz[0]
            self.view3d.set_rod((0.0, 0.0, top[2]), tuple(top))
            self.view3d.set_markers(np.array([top]))
        else:
            self.view3d.clear_rod()
            self.view3d.set_markers(np.array([xyz[0], xyz[-1]]) if self._ends == "hands" else np.zeros((0, 3)))
        reach = self._reach(xyz) if self._frame_by_reach else None
        extent = reach[0] if reach is not None else float(np.ptp(xyz, axis=0).max())
        if self._fitted_extent is None or not 0.7 < extent / max(self._fitted_extent, 1e-12) < 1.4:
            self.view3d.fit_view(reach)
            self._fitted_extent = extent

    def _reach(self, xyz: np.ndarray) -> tuple[float, float, float]:
        """(radius, z_lo, z_hi) of all a rope of this length can reach: a ball of its length
        under the top end when it hangs, half its length around the axis between two hands."""
        length = float(np.linalg.norm(np.diff(xyz, axis=0), axis=1).sum())
        if self._ends == "hanging":
            top = xyz[0]
            return float(np.hypot(top[0], top[1])) + length, float(top[2]) - length, float(top[2]) + 0.05 * length
        return 0.5 * length, float(xyz[:, 2].min()) - 0.1 * length, float(xyz[:, 2].max()) + 0.1 * length

    def apply_theme(self, name: str) -> None:
        self._theme = name
        if self.view3d is not None:
            self.view3d.set_background(themes.plot_colors(name)["background"])
