"""The rope in 3-D, shared by both rope pages: the OpenGL view is created the first time its tab is
shown (never in offscreen tests), the rod or the hands are marked, and the camera is refitted only
when the rope's size jumps, so the user's zoom survives a slider drag."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from workbench.pages import themes


class Rope3DTab(QWidget):
    """A lazily built CurveView3D and a row of controls above it."""

    def __init__(self, controls: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.view3d = None
        self._theme = "light"
        self._fitted_extent: float | None = None
        self._shape: np.ndarray | None = None
        self._ends = "hanging"
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

    def update_view(self) -> None:
        if self.view3d is None or self._shape is None:
            return
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
        extent = float(np.ptp(xyz, axis=0).max())
        if self._fitted_extent is None or not 0.7 < extent / max(self._fitted_extent, 1e-12) < 1.4:
            self.view3d.fit_view()
            self._fitted_extent = extent

    def apply_theme(self, name: str) -> None:
        self._theme = name
        if self.view3d is not None:
            self.view3d.set_background(themes.plot_colors(name)["background"])
