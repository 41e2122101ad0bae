"""A scalar field on a regular grid as a 3-D surface coloured by height, with a path drawn on it.

Heights are scaled so the plot reads whatever the units of z: the colour levels (lo, hi) map to
heights 0 … ``relief`` × the larger extent of the x and y axes, and values outside the levels are
clipped to them (NaN and +inf to the top, -inf to the bottom), so one exploded point does not
turn the surface into a spike.  The same ``levels`` given to two views makes their heights and
colours comparable.  ``z[i, j]`` is the value at ``(x_axis[i], y_axis[j])``, as in
:class:`widgets.surface_map.SurfaceMap`.

pyqtgraph.opengl is imported when a view is built.  Faces are drawn by a small headlight shader
owned by this view (mesh shaders keep one compiled program per shader *name*, which a second or
recreated GL context cannot use), and all items are rebuilt from stored state when Qt recreates
the context, as in :class:`widgets.curve_view3d.CurveView3D`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from .colored_curve import auto_levels
from .gl_shading import floor_color, headlight_program, label_color, rgba_colors
from .gl_view import view_in
from .surface_map import checked_field, displayable

DEFAULT_RELIEF = 0.5
_PATH_COLOR = (0.9, 0.24, 0.16, 1.0)
_END_COLOR = (1.0, 1.0, 1.0, 1.0)

class SurfaceView3D(QtWidgets.QWidget):
    """A GLViewWidget showing one surface, a faint floor grid and an optional path on the surface."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, background: Any = (246, 247, 249),
                 colormap: str = "viridis", relief: float = DEFAULT_RELIEF):
        super().__init__(parent)
        self._cmap = pg.colormap.get(colormap)
        self._relief = float(relief)
        self._view, self._background = view_in(self, background, self._build_items)
        self._z = np.zeros((0, 0))
        self._x = self._y = np.zeros(0)
        self._levels = (0.0, 1.0)
        self._path = np.zeros((0, 3))
        self._axis_labels = ("x", "y")
        self._camera_set = False
        self._build_items()

    def _build_items(self) -> None:
        """(Re)create the GL items from the stored state; a new GL context needs new buffers and
        a new shader program."""
        import pyqtgraph.opengl as gl

        self._view.clear()
        self._grid = gl.GLGridItem(color=self._floor_color(), glOptions="translucent")
        self._surface = gl.GLSurfacePlotItem(shader=headlight_program(), smooth=True,
                                             glOptions="opaque")
        self._line = gl.GLLinePlotItem(color=_PATH_COLOR, width=3.0, antialias=False, mode="lines",
                                       glOptions="opaque")
        self._end = gl.GLScatterPlotItem(color=_END_COLOR, size=11.0, pxMode=True, glOptions="opaque")
        font = QtGui.QFont(self.font().family(), 11)
        self._labels = [gl.GLTextItem(color=self._label_color(), font=font) for _ in range(2)]
        for item in (self._grid, self._surface, self._line, self._end, *self._labels):
            item.hide()
            self._view.addItem(item)
        self._show_surface()
        self._show_path()

    @property
    def view(self):
        """The underlying GL view (pyqtgraph's ``GLViewMixin`` on a ``QOpenGLWindow``, see gl_view)."""
        return self._view

    def set_background(self, color: Any) -> None:
        self._background = pg.mkColor(color)
        self._view.setBackgroundColor(self._background)
        self._grid.setColor(self._floor_color())
        for label in self._labels:
            label.setData(color=self._label_color())

    def _floor_color(self) -> tuple[int, int, int, int]:
        return floor_color(self._background)

    def _label_color(self) -> tuple[int, int, int]:
        return label_color(self._background)

    def set_surface(self, z, x_axis, y_axis, levels: tuple[float, float] | None = None) -> None:
        """Show ``z`` (len(x_axis) × len(y_axis)); ``levels`` (lo, hi) fixes the colour and height
        scale, None fits the finite values."""
        z, x, y = checked_field(z, x_axis, y_axis, levels)
        self._z, self._x, self._y = z, x, y
        self._levels = tuple(map(float, levels)) if levels is not None else auto_levels(z)
        self._show_surface()
        self._show_path()

    def levels(self) -> tuple[float, float]:
        return self._levels

    def set_axis_labels(self, x_label: str, y_label: str) -> None:
        """Names written on the floor beyond the x and y edges of the grid."""
        self._axis_labels = (x_label, y_label)
        self._show_surface()

    def height_scale(self) -> float:
        """Displayed height per unit of normalised value: ``relief`` × the larger axis extent."""
        extent = max(float(np.ptp(self._x)) if self._x.size else 0.0,
                     float(np.ptp(self._y)) if self._y.size else 0.0)
        return self._relief * (extent if extent > 0 else 1.0)

    def heights(self, values) -> np.ndarray:
        """Displayed heights of ``values`` (in z's units), clipped to the levels."""
        lo, hi = self._levels
        shown = displayable(np.asarray(values, dtype=np.float64), self._levels)
        return np.clip((shown - lo) / (hi - lo), 0.0, 1.0) * self.height_scale()

    def set_path(self, xyz) -> None:
        """Draw a path: (k, 3) points (x, y, value in z's units), or (k, 2) points whose values are
        read off the surface (bilinear).  Only segments inside the grid are drawn; the last point
        is highlighted."""
        pts = np.asarray(xyz, dtype=np.float64)
        pts = pts.reshape(-1, pts.shape[-1] if pts.ndim > 1 else 3)
        if pts.shape[1] not in (2, 3):
            raise ValueError(f"a path needs (k, 2) or (k, 3) points, got shape {pts.shape}")
        if pts.shape[1] == 2:
            pts = np.column_stack([pts, np.full(len(pts), np.nan)])
        self._path = pts
        self._show_path()

    def _show_surface(self) -> None:
        if self._z.size == 0 or min(self._z.shape) < 2:
            for item in (self._surface, self._grid, *self._labels):
                item.hide()
            return
        lo, hi = self._levels
        t = np.clip((displayable(self._z, self._levels) - lo) / (hi - lo), 0.0, 1.0)
        colors = rgba_colors(self._cmap, t)
        self._surface.setData(x=self._x.astype(np.float32), y=self._y.astype(np.float32),
                              z=(t * self.height_scale()).astype(np.float32),
                              colors=colors.reshape(*t.shape, 4))
        self._surface.show()
        size = max(float(np.ptp(self._x)), float(np.ptp(self._y)))
        self._grid.setSize(float(np.ptp(self._x)), float(np.ptp(self._y)))
        self._grid.setSpacing(size / 10, size / 10)
        self._grid.resetTransform()
        self._grid.translate(0.5 * (self._x[0] + self._x[-1]), 0.5 * (self._y[0] + self._y[-1]), 0.0)
        self._grid.show()
        x_mid, y_mid, pad = 0.5 * (self._x[0] + self._x[-1]), 0.5 * (self._y[0] + self._y[-1]), 0.08 * size
        for item, text, pos in zip(self._labels, self._axis_labels,
                                   ((self._x[-1] + pad, y_mid, 0.0), (x_mid, self._y[-1] + pad, self.height_scale()))):
            item.setData(text=text, pos=pos)
            item.show()
        if not self._camera_set:
            self.reset_camera()

    def _show_path(self) -> None:
        pts = self._path_on_surface()
        inside = np.isfinite(pts).all(axis=1)
        if self._x.size >= 2 and self._y.size >= 2:
            inside &= ((pts[:, 0] >= self._x[0]) & (pts[:, 0] <= self._x[-1])
                       & (pts[:, 1] >= self._y[0]) & (pts[:, 1] <= self._y[-1]))
        both = inside[:-1] & inside[1:]
        pairs = np.stack([pts[:-1][both], pts[1:][both]], 1).reshape(-1, 3) if len(pts) > 1 else pts[:0]
        if len(pairs):
            self._line.setData(pos=pairs.astype(np.float32))
        self._line.setVisible(len(pairs) > 0)
        end = pts[-1:][inside[-1:]] + [0.0, 0.0, 0.03 * self.height_scale()]
        if len(end):
            self._end.setData(pos=end.astype(np.float32))
        self._end.setVisible(len(end) > 0)

    def _path_on_surface(self) -> np.ndarray:
        """The path in display coordinates, lifted a little above the surface so it stays visible."""
        pts = self._path.copy()
        if len(pts) == 0 or self._z.size == 0 or min(self._z.shape) < 2:
            return np.zeros((0, 3))
        missing = np.isnan(pts[:, 2])
        if missing.any():
            pts[missing, 2] = _bilinear(displayable(self._z, self._levels), self._x, self._y,
                                        pts[missing, 0], pts[missing, 1])
        pts[:, 2] = self.heights(pts[:, 2]) + 0.01 * self.height_scale()
        return pts

    def reset_camera(self) -> None:
        """Look at the grid's centre from above one corner, far enough to see all of it."""
        if self._x.size == 0:
            return
        size = max(float(np.ptp(self._x)), float(np.ptp(self._y)), 1e-9)
        centre = pg.Vector(0.5 * (self._x[0] + self._x[-1]), 0.5 * (self._y[0] + self._y[-1]),
                           0.4 * self.height_scale())
        fov = math.radians(self._view.opts.get("fov", 60.0))
        self._view.setCameraPosition(pos=centre, distance=1.0 * size / math.tan(fov / 2),
                                     elevation=38, azimuth=-60)
        self._camera_set = True

    def clear(self) -> None:
        self._z, self._x, self._y = np.zeros((0, 0)), np.zeros(0), np.zeros(0)
        self._path = np.zeros((0, 3))
        self._show_surface()
        self._show_path()

    def grab_image(self) -> QtGui.QImage:
        """Render the current view into an image (needs a working OpenGL context)."""
        return self._view.grab_image()


def _bilinear(z: np.ndarray, x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """z interpolated at (px, py) on the evenly spaced grid (x, y), clamped to its edges."""
    fi = np.clip((px - x[0]) / (x[-1] - x[0]) * (x.size - 1), 0, x.size - 1)
    fj = np.clip((py - y[0]) / (y[-1] - y[0]) * (y.size - 1), 0, y.size - 1)
    i0 = np.minimum(np.floor(np.nan_to_num(fi)).astype(int), x.size - 2)
    j0 = np.minimum(np.floor(np.nan_to_num(fj)).astype(int), y.size - 2)
    ti, tj = fi - i0, fj - j0
    return ((1 - ti) * (1 - tj) * z[i0, j0] + ti * (1 - tj) * z[i0 + 1, j0]
            + (1 - ti) * tj * z[i0, j0 + 1] + ti * tj * z[i0 + 1, j0 + 1])
