"""A 3-D view of a space curve spinning about the z axis (e.g. a skipping rope), coloured by a value.

The curve is a shaded tube (``tube_mesh``, lit by a headlight) whose colour follows the value;
the rotation axis, a floor grid with its spacing written on it and the heights of the curve's ends
on the axis give the scale; an optional trail shows where a point of the curve has been, fading
with age.  pyqtgraph.opengl is imported when a view is built, not when this module is imported, so
the rest of the application (and headless tests) never need OpenGL.  Rotation is an item
transform: a frame of a spinning curve costs one matrix, not a recomputation of the curve.  The
view keeps its own state, so when Qt recreates the GL context (a dock floated out) it rebuilds its
items from it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from .gl_shading import floor_color, headlight_program, label_color, rgba_colors
from .gl_view import view_in
from .tube_mesh import tube_mesh

_CURVE_COLOR = (0.12, 0.47, 0.71, 1.0)
_MARKER_COLOR = (0.84, 0.15, 0.16, 1.0)
_TRAIL_COLOR = (0.84, 0.15, 0.16)
TUBE_SIDES = 10
TUBE_RADIUS = 0.012  # of the curve's largest extent


class CurveView3D(QtWidgets.QWidget):
    """A GLViewWidget with a coloured tube along a curve, markers, the rotation axis with a scale,
    an optional rod and an optional fading trail."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, background: Any = (246, 247, 249),
                 line_width: float = 4.0):
        super().__init__(parent)
        self._line_width = float(line_width)
        self._view, self._background = view_in(self, background, self._build_items)
        self._xyz = np.zeros((0, 3))
        self._colors: Any = _CURVE_COLOR
        self._marker_xyz = np.zeros((0, 3))
        self._axis_z: tuple[float, float] | None = None
        self._rod_xyz = np.zeros((0, 3))
        self._trail_xyz = np.zeros((0, 3))
        self._angle = 0.0
        self._build_items()

    def _build_items(self) -> None:
        """(Re)create the GL items from the stored state; a new GL context needs new buffers and
        a new shader program.

        Lines are not antialiased: GL_LINE_SMOOTH on wide lines washes them out to near
        invisibility on Mesa's software renderer (Xvfb, remote desktops)."""
        import pyqtgraph.opengl as gl

        self._view.clear()
        guide = tuple(c / 255 for c in label_color(self._background)) + (1.0,)
        self._grid = gl.GLGridItem(color=floor_color(self._background), glOptions="translucent")
        self._axis = gl.GLLinePlotItem(color=guide, width=1.5, antialias=False, glOptions="translucent")
        self._rod = gl.GLLinePlotItem(color=guide, width=6.0, antialias=False, glOptions="translucent")
        self._curve = gl.GLMeshItem(shader=headlight_program(), smooth=True, glOptions="opaque")
        self._trail = gl.GLLinePlotItem(width=2.0, antialias=False, mode="line_strip", glOptions="translucent")
        self._markers = gl.GLScatterPlotItem(color=_MARKER_COLOR, size=12.0, pxMode=True,
                                             glOptions="translucent")
        font = QtGui.QFont(self.font().family(), 10)
        self._labels = [gl.GLTextItem(color=label_color(self._background), font=font) for _ in range(3)]
        for item in (self._grid, self._axis, self._rod, self._curve, self._trail, self._markers, *self._labels):
            item.hide()
            self._view.addItem(item)
        self._show_curve()
        self._show_markers()
        self._show_trail()
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
        """A new background; the grid, guides and labels change with it to stay readable."""
        self._background = pg.mkColor(color)
        self._view.setBackgroundColor(self._background)
        self._build_items()

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

    def set_trail(self, points) -> None:
        """Draw the path ``points`` (K, 3), oldest first, fading from clear to solid; it turns
        with the curve (give it in the curve's coordinates).  Fewer than two points hide it."""
        self._trail_xyz = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        self._show_trail()

    def tube_radius(self) -> float:
        """The tube's radius: a fixed fraction of the curve's largest extent."""
        finite = self._xyz[np.isfinite(self._xyz).all(axis=1)] if len(self._xyz) else self._xyz
        extent = float(np.ptp(finite, axis=0).max()) if len(finite) >= 2 else 0.0
        return TUBE_RADIUS * max(extent, 1e-3)

    def _show_curve(self) -> None:
        from pyqtgraph.opengl import MeshData

        finite = self._xyz[np.isfinite(self._xyz).all(axis=1)] if len(self._xyz) else self._xyz
        if len(finite) >= 2 and len(finite) == len(self._xyz):
            vertices, normals, faces = tube_mesh(self._xyz, self.tube_radius(), TUBE_SIDES)
            colors = np.broadcast_to(np.asarray(self._colors, dtype=np.float32).reshape(-1, 4), (len(self._xyz), 4))
            mesh = MeshData(vertexes=vertices.astype(np.float32), faces=faces,
                            vertexColors=np.repeat(colors, TUBE_SIDES, axis=0))
            mesh._vertexNormals = normals.astype(np.float32)  # exact ring normals; pyqtgraph's loop is slow
            self._curve.setMeshData(meshdata=mesh)
            self._curve.show()
        else:
            self._curve.hide()
        self._update_grid()

    def _show_trail(self) -> None:
        points = self._trail_xyz[np.isfinite(self._trail_xyz).all(axis=1)]
        if len(points) >= 2:
            alpha = np.linspace(0.05, 1.0, len(points), dtype=np.float32)
            colors = np.column_stack([np.tile(np.float32(_TRAIL_COLOR), (len(points), 1)), alpha])
            self._trail.setData(pos=points.astype(np.float32), color=colors)
        self._trail.setVisible(len(points) >= 2)

    def _show_markers(self) -> None:
        if len(self._marker_xyz):
            self._markers.setData(pos=self._marker_xyz.astype(np.float32))
        self._markers.setVisible(len(self._marker_xyz) > 0)

    def _show_axis(self) -> None:
        z_min, z_max = self._axis_z
        self._axis.setData(pos=np.array([[0, 0, z_min], [0, 0, z_max]], dtype=np.float32))
        self._axis.show()
        self._update_labels()

    def _show_rod(self) -> None:
        self._rod.setData(pos=self._rod_xyz.astype(np.float32))
        self._rod.show()

    def set_rotation_angle(self, theta_rad: float) -> None:
        """Turn curve, markers and rod by ``theta_rad`` about the z axis (a transform only)."""
        self._angle = float(theta_rad)
        degrees = math.degrees(self._angle)
        for item in (self._curve, self._markers, self._rod, self._trail):
            item.resetTransform()
            item.rotate(degrees, 0, 0, 1)

    def rotation_angle(self) -> float:
        return self._angle

    def fit_view(self, reach: tuple[float, float, float] | None = None) -> None:
        """Aim the camera at the middle of the curve and back off until the whole curve, at any
        rotation, fills most of the view; ``reach`` (radius, z_lo, z_hi) frames a region the curve
        may still grow into instead (a rope spinning up)."""
        if reach is None:
            pts = np.concatenate([self._xyz, self._marker_xyz, self._rod_xyz])
            pts = pts[np.isfinite(pts).all(axis=1)]
            if len(pts) == 0:
                return
            z_lo, z_hi = float(pts[:, 2].min()), float(pts[:, 2].max())
            radius = float(np.hypot(pts[:, 0], pts[:, 1]).max())
        else:
            radius, z_lo, z_hi = map(float, reach)
        extent = max(radius, 0.5 * (z_hi - z_lo), 1e-6)
        fov = math.radians(self._view.opts.get("fov", 60.0))
        distance = 1.1 * extent / math.tan(fov / 2) + 0.5 * radius
        self._view.setCameraPosition(pos=pg.Vector(0.0, 0.0, 0.5 * (z_lo + z_hi)),
                                     distance=distance, elevation=20.0, azimuth=-60.0)

    def grab_image(self) -> QtGui.QImage:
        """Render the current view into an image (needs a working OpenGL context)."""
        return self._view.grab_image()

    def grid_spacing(self) -> float:
        """The floor grid's spacing: 1, 2 or 5 × a power of ten, 8–20 squares across the floor."""
        return self._floor()[1]

    def _floor(self) -> tuple[float, float, float]:
        """(size, spacing, height) of the floor grid under the curve."""
        finite = self._xyz[np.isfinite(self._xyz).all(axis=1)] if len(self._xyz) else self._xyz
        if len(finite) == 0:
            return 0.0, 0.0, 0.0
        radius = float(np.hypot(finite[:, 0], finite[:, 1]).max())
        size = max(2.0 * radius, float(np.ptp(finite[:, 2])), 1e-3) * 1.2
        return size, nice_step(size / 8), float(finite[:, 2].min())

    def _update_grid(self) -> None:
        """A floor grid under the curve gives the eye a sense of depth and, labelled, a scale."""
        size, spacing, height = self._floor()
        if size == 0.0:
            self._grid.hide()
            self._update_labels()
            return
        self._grid.setSize(size, size)
        self._grid.setSpacing(spacing, spacing)
        self._grid.resetTransform()
        self._grid.translate(0, 0, height)
        self._grid.show()
        self._update_labels()

    def _update_labels(self) -> None:
        """The grid's spacing at its edge and the heights of the axis' ends beside them."""
        size, spacing, height = self._floor()
        texts = []
        if size > 0.0:
            texts.append((f"grid {_length(spacing)}", (0.0, -0.3 * size, height)))
        if self._axis_z is not None:
            z_min, z_max = self._axis_z
            texts += [(f"z = {_length(z_max)}", (0.0, 0.0, z_max)), (f"z = {_length(z_min)}", (0.0, 0.0, z_min))]
        for label, (text, pos) in zip(self._labels, texts):
            label.setData(text=text, pos=pos)
            label.show()
        for label in self._labels[len(texts):]:
            label.hide()


def nice_step(at_least: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is at least ``at_least`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(at_least))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= at_least * (1 - 1e-12))


def _length(metres: float) -> str:
    """A length in the unit that reads best (m, cm or mm)."""
    if abs(metres) >= 1.0 or metres == 0.0:
        return f"{metres:.3g} m"
    if abs(metres) >= 0.01:
        return f"{100 * metres:.3g} cm"
    return f"{1000 * metres:.3g} mm"


def _value_colors(values: np.ndarray, colormap_name: str) -> np.ndarray:
    """(N, 4) float RGBA from a colour map, scaled to the finite range of ``values``."""
    cmap = pg.colormap.get(colormap_name)
    finite = np.isfinite(values)
    lo, hi = (values[finite].min(), values[finite].max()) if finite.any() else (0.0, 1.0)
    t = np.zeros_like(values) if hi <= lo else (np.nan_to_num(values, nan=lo) - lo) / (hi - lo)
    return rgba_colors(cmap, np.clip(t, 0, 1))
