"""A surface of revolution (a pan, a bowl, a bell) coloured by a field along its meridian, in 3-D.

The meridian (r, z) turns about the z axis.  A wedge is cut away (``cutaway``, a fraction of the
turn) and the camera looks in through the cut, so the wall's profile shows against its inside.  The
field is axisymmetric: the value at meridian point k colours that point at every angle.  The mesh
is built once per meridian (its normals are the slow part); new values change only the vertex
colours, so a live field costs one colour upload a frame.  Long meridians are thinned to
``MAX_MERIDIAN_POINTS`` evenly spaced points for drawing.  A floor grid with its spacing written on
it gives the scale.

pyqtgraph.opengl is imported when a view is built; the items are rebuilt from stored state when Qt
recreates the GL context, as in :class:`widgets.curve_view3d.CurveView3D`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from .gl_shading import floor_color, headlight_program, label_color, rgba_colors
from .gl_view import view_in

MAX_MERIDIAN_POINTS = 160
ANGLES = 72  # around the full turn; a cut-away view draws its share of them
PARALLELS = 4  # guide circles along the meridian (the last is the rim)
MERIDIAN_GUIDES = 8  # guide profiles around the full turn, plus the two edges of the cut
GUIDE_LIFT = 0.004  # guides drawn this fraction of the diameter above the surface, on its inner side


def nice_step(span: float, target: int = 6) -> float:
    """A 1, 2 or 5 × 10ᵏ step that cuts ``span`` into about ``target`` parts."""
    raw = max(span, 1e-12) / target
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


def revolved_mesh(r: np.ndarray, z: np.ndarray, cutaway: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Vertices (1 + K·J, 3) and triangles of the meridian turned about z: vertex 0 is the axis
    point at z[0] (closing the hole inside the first ring), then ring k's J angles.  Returns also J."""
    turn = 2.0 * math.pi * (1.0 - cutaway)
    closed = cutaway == 0.0
    count = ANGLES if closed else max(2, round(ANGLES * (1.0 - cutaway)) + 1)
    theta = np.linspace(0.0, turn, count, endpoint=not closed)
    ring = np.stack([np.outer(r, np.cos(theta)), np.outer(r, np.sin(theta)), np.repeat(z[:, None], count, 1)], -1)
    vertices = np.vstack([[0.0, 0.0, z[0]], ring.reshape(-1, 3)])
    k, j = np.meshgrid(np.arange(len(r) - 1), np.arange(count if closed else count - 1), indexing="ij")
    a = 1 + k * count + j
    b = 1 + k * count + (j + 1) % count
    c, d = a + count, b + count
    sides = np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    jj = np.arange(count if closed else count - 1)
    fan = np.stack([np.zeros_like(jj), 1 + jj, 1 + (jj + 1) % count], -1)
    return vertices, np.vstack([fan, sides]).astype(np.int64), count


def guide_segments(r: np.ndarray, z: np.ndarray, cutaway: float, lift: float) -> np.ndarray:
    """Line segments (2·n, 3) tracing parallels and meridians on the surface, lifted by ``lift`` so
    they are not hidden in it: they give a dark (cold) surface its shape."""
    turn = 2.0 * math.pi * (1.0 - cutaway)
    theta = np.linspace(0.0, turn, max(2, round(ANGLES * (1.0 - cutaway)) + 1))
    paths = []
    for k in np.unique(np.linspace(0, len(r) - 1, PARALLELS + 1)[1:].round().astype(int)):
        paths.append(np.column_stack([r[k] * np.cos(theta), r[k] * np.sin(theta), np.full_like(theta, z[k])]))
    angles = [a for a in np.arange(MERIDIAN_GUIDES) * 2 * math.pi / MERIDIAN_GUIDES if a < turn]
    for a in angles + ([turn] if cutaway else []):
        paths.append(np.column_stack([r * math.cos(a), r * math.sin(a), z]))
    segments = [np.stack([p[:-1], p[1:]], 1).reshape(-1, 3) for p in paths]
    return np.vstack(segments) + [0.0, 0.0, lift]


class RevolvedSurfaceView3D(QtWidgets.QWidget):
    """A GL view of one surface of revolution coloured by a field, over a floor grid."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, background: Any = (246, 247, 249),
                 colormap: str = "inferno", cutaway: float = 0.25):
        super().__init__(parent)
        if not 0.0 <= cutaway < 1.0:
            raise ValueError(f"cutaway must be in [0, 1), got {cutaway}")
        self._cmap = pg.colormap.get(colormap)
        self._cutaway = float(cutaway)
        self._view, self._background = view_in(self, background, self._build_items)
        self._r = self._z = np.zeros(0)
        self._shown = np.zeros(0, dtype=np.int64)   # meridian points drawn
        self._values: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._unit = ""
        self._meshdata = None
        self._angles = 0
        self._fitted_size: float | None = None
        self._build_items()

    def _build_items(self) -> None:
        """(Re)create the GL items from the stored state (a new GL context needs new buffers)."""
        import pyqtgraph.opengl as gl

        self._view.clear()
        self._grid = gl.GLGridItem(color=floor_color(self._background), glOptions="translucent")
        self._mesh = gl.GLMeshItem(shader=headlight_program(), smooth=True, glOptions="opaque")
        guide = tuple(c / 255 for c in label_color(self._background)) + (0.8,)
        self._guides = gl.GLLinePlotItem(color=guide, width=1.0, antialias=False, mode="lines", glOptions="translucent")
        self._label = gl.GLTextItem(color=label_color(self._background), font=QtGui.QFont(self.font().family(), 10))
        for item in (self._grid, self._mesh, self._guides, self._label):
            item.hide()
            self._view.addItem(item)
        self._show_geometry()

    @property
    def view(self):
        return self._view

    def set_background(self, color: Any) -> None:
        self._background = pg.mkColor(color)
        self._view.setBackgroundColor(self._background)
        self._build_items()

    def set_meridian(self, r, z, unit: str = "") -> None:
        """The profile to turn: radii ``r`` ≥ 0 increasing outwards and heights ``z`` (same length,
        same unit, written on the grid's label)."""
        r, z = np.asarray(r, dtype=np.float64).ravel(), np.asarray(z, dtype=np.float64).ravel()
        if r.size != z.size or r.size < 2:
            raise ValueError(f"a meridian needs matching r and z of at least 2 points, got {r.size} and {z.size}")
        if not (np.isfinite(r).all() and np.isfinite(z).all()) or r.min() < 0:
            raise ValueError("a meridian needs finite r ≥ 0 and finite z")
        self._r, self._z, self._unit = r, z, unit
        self._shown = np.unique(np.linspace(0, r.size - 1, min(r.size, MAX_MERIDIAN_POINTS)).round().astype(np.int64))
        self._values = None
        self._meshdata = None
        self._show_geometry()

    def set_values(self, values, levels: tuple[float, float]) -> None:
        """Colour the surface by ``values`` (one per meridian point), mapped over ``levels`` (lo, hi);
        values outside are clipped, NaN drawn at the bottom of the scale."""
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.size != self._r.size:
            raise ValueError(f"values has {values.size} entries for a meridian of {self._r.size} points")
        lo, hi = float(levels[0]), float(levels[1])
        if not hi > lo:
            raise ValueError(f"levels need lo < hi, got {levels}")
        self._values, self._levels = values, (lo, hi)
        self._show_colors()

    def vertex_colors(self) -> np.ndarray:
        """The (vertices, 4) RGBA floats drawn now (empty before any values)."""
        if self._meshdata is None or not self._meshdata.hasVertexColor():
            return np.zeros((0, 4), dtype=np.float32)
        return self._meshdata.vertexColors()

    def meridian_colors(self) -> np.ndarray:
        """The colour of each drawn meridian point (the same at every angle), for checks."""
        colors = self.vertex_colors()
        return colors[1::self._angles] if len(colors) else colors

    def _show_geometry(self) -> None:
        import pyqtgraph.opengl as gl

        if self._r.size < 2:
            for item in (self._grid, self._mesh, self._guides, self._label):
                item.hide()
            return
        r, z = self._r[self._shown], self._z[self._shown]
        if self._meshdata is None:
            vertices, faces, self._angles = revolved_mesh(r, z, self._cutaway)
            self._meshdata = gl.MeshData(vertexes=vertices.astype(np.float32), faces=faces)
        self._mesh.setMeshData(meshdata=self._meshdata)
        self._show_colors()
        self._mesh.show()
        size = 2.0 * float(r.max())
        self._guides.setData(pos=guide_segments(r, z, self._cutaway, GUIDE_LIFT * size).astype(np.float32))
        self._guides.show()
        step = nice_step(size)
        extent = step * math.ceil(1.2 * size / step)
        self._grid.setSize(extent, extent)
        self._grid.setSpacing(step, step)
        self._grid.resetTransform()
        self._grid.translate(0.0, 0.0, float(z.min()))
        self._grid.show()
        corner = math.radians(self._azimuth() + 40.0)            # on the floor, in front of the surface
        self._label.setData(text=f"grid {step:g} {self._unit}".strip(),
                            pos=(0.45 * extent * math.cos(corner), 0.45 * extent * math.sin(corner), float(z.min())))
        self._label.show()
        if self._fitted_size is None or not 0.8 < size / self._fitted_size < 1.25:
            self.reset_camera()

    def _show_colors(self) -> None:
        if self._meshdata is None:
            return
        if self._values is None:
            t = np.zeros(len(self._shown))
        else:
            lo, hi = self._levels
            t = np.clip((np.nan_to_num(self._values[self._shown], nan=lo) - lo) / (hi - lo), 0.0, 1.0)
        per_point = rgba_colors(self._cmap, t)
        self._meshdata.setVertexColors(np.vstack([per_point[:1], np.repeat(per_point, self._angles, axis=0)]))
        self._mesh.meshDataChanged()

    def reset_camera(self) -> None:
        """Look in through the cut-away wedge from above, far enough to see the whole surface."""
        if self._r.size < 2:
            return
        size = 2.0 * float(self._r.max())
        height = float(np.ptp(self._z))
        fov = math.radians(self._view.opts.get("fov", 60.0))
        self._view.setCameraPosition(pos=pg.Vector(0.0, 0.0, float(self._z.min()) + 0.4 * height),
                                     distance=0.95 * size / math.tan(fov / 2), elevation=32,
                                     azimuth=self._azimuth())
        self._fitted_size = size

    def _azimuth(self) -> float:
        """Degrees: the camera faces the middle of the cut-away wedge."""
        return -180.0 * self._cutaway if self._cutaway else -60.0

    def clear(self) -> None:
        self._r = self._z = np.zeros(0)
        self._values, self._meshdata = None, None
        self._show_geometry()

    def grab_image(self) -> QtGui.QImage:
        return self._view.grab_image()
