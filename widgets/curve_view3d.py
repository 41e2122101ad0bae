"""A 3-D view of a space curve spinning about the z axis (e.g. a skipping rope), coloured by a value.

pyqtgraph.opengl is imported when a view is built, not when this module is imported, so the rest
of the application (and headless tests) never need OpenGL.  Rotation is an item transform: a frame
of a spinning curve costs one matrix, not a recomputation of the curve.  The view keeps its own
state, so when Qt recreates the GL context (a dock floated out) it rebuilds its items from it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from .gl_view import context_safe_view, embed

_CURVE_COLOR = (0.12, 0.47, 0.71, 1.0)
_MARKER_COLOR = (0.84, 0.15, 0.16, 1.0)
_AXIS_COLOR = (0.45, 0.45, 0.5, 1.0)
_ROD_COLOR = (0.3, 0.3, 0.33, 1.0)


class CurveView3D(QtWidgets.QWidget):
    """A GLViewWidget with a coloured curve, markers, the rotation axis and an optional rod."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, background: Any = (246, 247, 249),
                 line_width: float = 4.0):
        super().__init__(parent)
        self._line_width = float(line_width)
        self._view = context_safe_view()
        self._view.setBackgroundColor(pg.mkColor(background))
        self._view.contextRecreated.connect(self._build_items)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(embed(self._view, self))
        self._xyz = np.zeros((0, 3))
        self._colors: Any = _CURVE_COLOR
        self._marker_xyz = np.zeros((0, 3))
        self._axis_z: tuple[float, float] | None = None
        self._rod_xyz = np.zeros((0, 3))
        self._angle = 0.0
        self._build_items()

    def _build_items(self) -> None:
        """(Re)create the GL items from the stored state; a new GL context needs new buffers.

        Lines are not antialiased: GL_LINE_SMOOTH on wide lines washes them out to near
        invisibility on Mesa's software renderer (Xvfb, remote desktops)."""
        import pyqtgraph.opengl as gl

        self._view.clear()
        self._grid = gl.GLGridItem(color=(0, 0, 0, 40), glOptions="translucent")
        self._axis = gl.GLLinePlotItem(color=_AXIS_COLOR, width=1.5, antialias=False,
                                       glOptions="translucent")
        self._rod = gl.GLLinePlotItem(color=_ROD_COLOR, width=6.0, antialias=False,
                                      glOptions="translucent")
        self._curve = gl.GLLinePlotItem(color=_CURVE_COLOR, width=self._line_width, antialias=False,
                                        mode="line_strip", glOptions="translucent")
        self._markers = gl.GLScatterPlotItem(color=_MARKER_COLOR, size=12.0, pxMode=True,
                                             glOptions="translucent")
        for item in (self._grid, self._axis, self._rod, self._curve, self._markers):
            item.hide()
            self._view.addItem(item)
        self._show_curve()
        self._show_markers()
        if self._axis_z is not None:
            self._show_axis()
        if len(self._rod_xyz):
            self._show_rod()
        self.set_rotation_angle(self._angle)

    @property
    def view(self):
        """The underlying GL view (pyqtgraph's ``GLViewMixin`` on a ``QOpenGLWindow``, see gl_view)."""
        return self._view

    def set_background(self, color: Any) -> None:
        self._view.setBackgroundColor(pg.mkColor(color))

    def set_curve(self, xyz, values=None, colormap_name: str = "viridis") -> None:
        """Draw the curve through ``xyz`` (N, 3), coloured by ``values`` (N,) when given."""
        xyz = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
        if values is None:
            colors: Any = _CURVE_COLOR
        else:
            values = np.asarray(values, dtype=np.float64).ravel()
            if values.size != len(xyz):
                raise ValueError(f"values has {values.size} entries for {len(xyz)} points")
            colors = _value_colors(values, colormap_name)
        self._xyz, self._colors = xyz, colors
        self._show_curve()

    def set_markers(self, points) -> None:
        """Draw marker dots (e.g. hands, rod ends) at ``points`` (M, 3); empty hides them."""
        self._marker_xyz = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        self._show_markers()

    def set_axis(self, z_min: float, z_max: float) -> None:
        """Draw the rotation axis: the z axis from ``z_min`` to ``z_max``."""
        self._axis_z = (float(z_min), float(z_max))
        self._show_axis()

    def set_rod(self, p0, p1) -> None:
        """Draw a rigid rod from ``p0`` to ``p1``; it turns with the curve."""
        self._rod_xyz = np.array([p0, p1], dtype=np.float64).reshape(2, 3)
        self._show_rod()

    def clear_rod(self) -> None:
        self._rod_xyz = np.zeros((0, 3))
        self._rod.hide()

    def _show_curve(self) -> None:
        if len(self._xyz):
            self._curve.setData(pos=self._xyz.astype(np.float32), color=self._colors)
        self._curve.setVisible(len(self._xyz) >= 2)
        self._update_grid()

    def _show_markers(self) -> None:
        if len(self._marker_xyz):
            self._markers.setData(pos=self._marker_xyz.astype(np.float32))
        self._markers.setVisible(len(self._marker_xyz) > 0)

    def _show_axis(self) -> None:
        z_min, z_max = self._axis_z
        self._axis.setData(pos=np.array([[0, 0, z_min], [0, 0, z_max]], dtype=np.float32))
        self._axis.show()

    def _show_rod(self) -> None:
        self._rod.setData(pos=self._rod_xyz.astype(np.float32))
        self._rod.show()

    def set_rotation_angle(self, theta_rad: float) -> None:
        """Turn curve, markers and rod by ``theta_rad`` about the z axis (a transform only)."""
        self._angle = float(theta_rad)
        degrees = math.degrees(self._angle)
        for item in (self._curve, self._markers, self._rod):
            item.resetTransform()
            item.rotate(degrees, 0, 0, 1)

    def rotation_angle(self) -> float:
        return self._angle

    def fit_view(self) -> None:
        """Aim the camera at the axis and back off so the whole curve (any rotation) fits."""
        pts = np.concatenate([self._xyz, self._marker_xyz, self._rod_xyz])
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts) == 0:
            return
        z_lo, z_hi = float(pts[:, 2].min()), float(pts[:, 2].max())
        radius = float(np.hypot(pts[:, 0], pts[:, 1]).max())
        extent = max(radius, 0.5 * (z_hi - z_lo), 1e-6)
        fov = math.radians(self._view.opts.get("fov", 60.0))
        distance = 1.25 * extent / math.tan(fov / 2) + radius
        self._view.setCameraPosition(pos=pg.Vector(0.0, 0.0, 0.5 * (z_lo + z_hi)),
                                     distance=distance)

    def grab_image(self) -> QtGui.QImage:
        """Render the current view into an image (needs a working OpenGL context)."""
        return self._view.grab_image()

    def _update_grid(self) -> None:
        """A faint floor grid under the curve gives the eye a sense of depth."""
        if len(self._xyz) == 0:
            self._grid.hide()
            return
        finite = self._xyz[np.isfinite(self._xyz).all(axis=1)]
        if len(finite) == 0:
            self._grid.hide()
            return
        radius = float(np.hypot(finite[:, 0], finite[:, 1]).max())
        size = max(2.0 * radius, float(np.ptp(finite[:, 2])), 1e-3) * 1.2
        spacing = 10 ** math.floor(math.log10(size / 2))
        self._grid.setSize(size, size)
        self._grid.setSpacing(spacing, spacing)
        self._grid.resetTransform()
        self._grid.translate(0, 0, float(finite[:, 2].min()))
        self._grid.show()


def _value_colors(values: np.ndarray, colormap_name: str) -> np.ndarray:
    """(N, 4) float RGBA from a colour map, scaled to the finite range of ``values``."""
    cmap = pg.colormap.get(colormap_name)
    finite = np.isfinite(values)
    lo, hi = (values[finite].min(), values[finite].max()) if finite.any() else (0.0, 1.0)
    t = np.zeros_like(values) if hi <= lo else (np.nan_to_num(values, nan=lo) - lo) / (hi - lo)
    rgba = np.asarray(cmap.map(np.clip(t, 0, 1), mode="float"), dtype=np.float32)
    if rgba.shape[1] == 3:
        rgba = np.hstack([rgba, np.ones((len(rgba), 1), dtype=np.float32)])
    return np.ascontiguousarray(rgba)
