"""The pan in 3-D for the comparator page: the meridian turned into the whole pan (a quarter cut
away), coloured by temperature on the cross-section's scale.  The OpenGL view is built the first time
the tab is shown (never in offscreen tests) and drawn only while it is in view; shown again, it
catches up from the newest profile."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.pages import themes


class Pan3DTab(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view3d = None
        self._theme = "light"
        self._meridian: tuple[np.ndarray, np.ndarray] | None = None
        self._temps: np.ndarray | None = None
        self._levels = (20.0, 350.0)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self._layout.addWidget(self.legend)

    def ensure_view(self):
        if self.view3d is None:
            from widgets.revolved_view3d import RevolvedSurfaceView3D

            self.view3d = RevolvedSurfaceView3D(background=themes.plot_colors(self._theme)["background"])
            self._layout.insertWidget(0, self.view3d, 1)
            self._update_view(geometry=True)
        return self.view3d

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.ensure_view()
        self._update_view(geometry=False)

    def set_geometry(self, r_cm: np.ndarray, z_cm: np.ndarray) -> None:
        """The pan's meridian (cell centres), in cm."""
        self._meridian = (np.asarray(r_cm, dtype=np.float64), np.asarray(z_cm, dtype=np.float64))
        self._temps = None
        if self.view3d is not None:
            self._update_view(geometry=True)

    def set_temperatures(self, temps: np.ndarray, levels: tuple[float, float]) -> None:
        self._temps, self._levels = temps, levels
        lo, hi = levels
        self.legend.setText(f"colour: temperature, {lo:.0f} °C (black) to {hi:.0f} °C (pale yellow), the "
                            f"cross-section's scale · hottest now {float(np.max(temps)):.0f} °C · a quarter cut away "
                            f"· drag to turn, wheel to zoom")
        if self.isVisible():
            self._update_view(geometry=False)

    def _update_view(self, geometry: bool) -> None:
        if self.view3d is None or self._meridian is None:
            return
        if geometry:
            self.view3d.set_meridian(*self._meridian, unit="cm")
        if self._temps is not None and len(self._temps) == len(self._meridian[0]):
            self.view3d.set_values(self._temps, self._levels)

    def apply_theme(self, name: str) -> None:
        self._theme = name
        if self.view3d is not None:
            self.view3d.set_background(themes.plot_colors(name)["background"])

    def clear(self) -> None:
        self._temps = None
        self.legend.setText("")
