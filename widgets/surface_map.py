"""A scalar field on a regular grid as a heat map with iso-contours, a colour bar and a path on top:
e.g. a loss surface on a plane around the current parameters with the training trajectory.

Orientation: ``z[i, j]`` is the value at ``(x_axis[i], y_axis[j])`` — the first index runs along the
plot's x axis (left to right), the second along y (bottom to top), as with
``np.meshgrid(x, y, indexing="ij")``; pyqtgraph's column-major ``ImageItem`` takes that layout as is.

Contours are computed here by a vectorised marching squares and drawn as one ``connect="pairs"``
curve in data coordinates: pyqtgraph's ``IsocurveItem`` joins its segments in a Python loop per
level, which costs tens of milliseconds for a 101 × 101 field, too slow for a live view.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from .colored_curve import auto_levels, colorbar_beside
from .heat_map import colourize
from .plot_style import PlotHost

DEFAULT_CONTOURS = 10
_CONTOUR_PEN = (255, 255, 255, 150)
_PATH_COLOR = (230, 60, 40)


def fill_nearest(z: np.ndarray) -> np.ndarray:
    """A copy of ``z`` with every NaN cell given the value of the nearest non-NaN cell (index
    distance).  A grid computed coarse first then shows blocks instead of holes; ±inf are values
    (a computed loss that overflowed) and are kept."""
    z = np.array(z, dtype=np.float64)
    missing = np.isnan(z)
    if not missing.any() or missing.all():
        return z
    from scipy.ndimage import distance_transform_edt

    _, (ii, jj) = distance_transform_edt(missing, return_distances=True, return_indices=True)
    return z[ii, jj]


def displayable(z: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """``z`` with NaN and +inf raised to the top of the colour scale and -inf lowered to its bottom,
    so colour and contours never see a non-finite value."""
    lo, hi = levels
    finite = np.isfinite(z)
    if finite.all():
        return z
    top = max(hi, float(z[finite].max())) if finite.any() else hi
    bottom = min(lo, float(z[finite].min())) if finite.any() else lo
    return np.where(finite, z, np.where(z == -np.inf, bottom, top))


def contour_levels_between(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` evenly spaced levels strictly inside (lo, hi)."""
    return lo + (hi - lo) * np.arange(1, n + 1) / (n + 1)


def contour_segments(z: np.ndarray, level: float) -> np.ndarray:
    """Marching squares: the (m, 2, 2) segments, in index coordinates (i, j), where the finite
    field ``z`` crosses ``level``.  A saddle cell is resolved by the mean of its four corners."""
    above = z >= level
    a_, b_, c_, d_ = above[:-1, :-1], above[1:, :-1], above[1:, 1:], above[:-1, 1:]
    mixed = ~((a_ == b_) & (b_ == c_) & (c_ == d_))
    ii, jj = np.nonzero(mixed)
    if ii.size == 0:
        return np.zeros((0, 2, 2))
    a, b, c, d = z[ii, jj], z[ii + 1, jj], z[ii + 1, jj + 1], z[ii, jj + 1]
    with np.errstate(all="ignore"):
        def frac(v0, v1):
            return np.clip(np.nan_to_num((level - v0) / (v1 - v0), nan=0.5), 0.0, 1.0)

        fi, fj = ii.astype(np.float64), jj.astype(np.float64)
        points = np.stack([np.stack([fi + frac(a, b), fj], -1), np.stack([fi + 1, fj + frac(b, c)], -1),
                           np.stack([fi + frac(d, c), fj + 1], -1), np.stack([fi, fj + frac(a, d)], -1)], 1)
        centre_above = (a + b + c + d) / 4 >= level
    A, B, C, D = a_[ii, jj], b_[ii, jj], c_[ii, jj], d_[ii, jj]
    crossed = np.stack([A != B, B != C, D != C, A != D], 1)
    rows = np.arange(ii.size)
    two = crossed.sum(1) == 2
    first, last = np.argmax(crossed, 1), 3 - np.argmax(crossed[:, ::-1], 1)
    segments = [np.stack([points[rows[two], first[two]], points[rows[two], last[two]]], 1)]
    saddle = np.nonzero(~two)[0]
    if saddle.size:
        joined = centre_above[saddle] == A[saddle]  # a and c joined through the centre: cut off b and d
        pairs = np.where(joined[:, None, None], [[0, 1], [2, 3]], [[3, 0], [1, 2]])
        for k in (0, 1):
            segments.append(np.stack([points[saddle, pairs[:, k, 0]], points[saddle, pairs[:, k, 1]]], 1))
    return np.concatenate(segments)


def _spacing(axis: np.ndarray) -> float:
    if axis.size < 2:
        return 1.0
    steps = np.diff(axis)
    if not (steps > 0).all() or not np.allclose(steps, steps[0], rtol=1e-6, atol=0.0):
        raise ValueError("a surface map's axes must be evenly spaced and increasing")
    return float(steps[0])


def checked_field(z, x_axis, y_axis, levels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``z`` (len(x_axis) × len(y_axis)) and its axes as float64 arrays; a shape that does not match
    the axes, or levels with low ≥ high, raise ValueError."""
    z = np.array(z, dtype=np.float64)
    x, y = np.asarray(x_axis, dtype=np.float64).ravel(), np.asarray(y_axis, dtype=np.float64).ravel()
    if z.shape != (x.size, y.size):
        raise ValueError(f"z has shape {z.shape}, the axes need {(x.size, y.size)}")
    if levels is not None and not float(levels[1]) > float(levels[0]):
        raise ValueError(f"colour levels need low < high, got {tuple(levels)}")
    return z, x, y


class SurfaceMap(PlotHost):
    """Heat map + iso-contours + colour bar of ``z[i, j]`` at ``(x_axis[i], y_axis[j])``, with an
    optional path (line and dots, the last point highlighted), a centre marker and a hover read-out.

    Non-finite values never break the picture: NaN and +inf are drawn at the top of the colour
    scale, -inf at its bottom, and neither takes part in choosing the levels.  A grid still being
    filled should go through :func:`fill_nearest` first, or its missing cells show as the top colour.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, colorbar_title: str = "",
                 colormap: str = "viridis", contours: int | Sequence[float] = DEFAULT_CONTOURS,
                 background=None):
        super().__init__(parent, background=background)
        self._cmap = pg.colormap.get(colormap)
        self._contour_spec: int | np.ndarray = DEFAULT_CONTOURS
        self._z = np.zeros((0, 0))
        self._x = self._y = np.zeros(0)
        self._levels = (0.0, 1.0)
        self._contours = np.zeros(0)
        self._segments: dict[float, np.ndarray] = {}
        self._path = np.zeros((0, 2))
        self._marker: tuple[float, float] | None = None
        self._marker_auto = True
        self._format: Callable[[float], str] = lambda v: f"{v:.4g}"
        self._image = pg.ImageItem(axisOrder="col-major")
        self._image.setZValue(-10)
        self._contour_item = pg.PlotCurveItem(pen=pg.mkPen(_CONTOUR_PEN, width=1), connect="pairs")
        self._line = pg.PlotCurveItem(pen=pg.mkPen(_PATH_COLOR, width=2))
        self._dots = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(_PATH_COLOR))
        self._end = pg.ScatterPlotItem(size=15, pen=pg.mkPen(_PATH_COLOR, width=2.5), brush=None)
        self._centre = pg.ScatterPlotItem(size=13, symbol="+", pen=pg.mkPen("k", width=1),
                                          brush=pg.mkBrush("w"))
        self._plot.addItem(self._image)
        for z_value, item in enumerate((self._contour_item, self._line, self._dots, self._end, self._centre)):
            item.setZValue(z_value + 1)
            self._plot.addItem(item, ignoreBounds=True)
        self._hover = pg.TextItem(color=(240, 240, 240), fill=pg.mkBrush(30, 30, 30, 210), anchor=(0, 1))
        self._hover.setZValue(100)
        self._hover.hide()
        self._plot.getViewBox().addItem(self._hover, ignoreBounds=True)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse)
        self._plot.getViewBox().setAspectLocked(True, ratio=1.0)
        self._bar = colorbar_beside(self._plot, self._cmap, self._levels, colorbar_title)
        self.set_contour_levels(contours)

    @property
    def image_item(self) -> pg.ImageItem:
        return self._image

    @property
    def colorbar(self) -> pg.ColorBarItem:
        return self._bar

    def set_field(self, z, x_axis, y_axis, levels: tuple[float, float] | None = None) -> None:
        """Show ``z`` (len(x_axis) × len(y_axis)); ``levels`` (lo, hi) fixes the colour scale (to
        share it between maps), None fits the finite values."""
        z, x, y = checked_field(z, x_axis, y_axis, levels)
        dx, dy = _spacing(x), _spacing(y)
        new_extent = x.size == 0 or self._x.shape != x.shape or self._y.shape != y.shape or not (
            np.array_equal(self._x, x) and np.array_equal(self._y, y))
        self._z, self._x, self._y = z, x, y
        self._levels = tuple(map(float, levels)) if levels is not None else auto_levels(z)
        self._bar.setLevels(values=self._levels)
        if z.size == 0:
            self._image.clear()
            self._contour_item.setData([], [])
            self._segments = {}
            return
        shown = displayable(z, self._levels)
        self._image.setImage(colourize(shown, self._cmap, self._levels), levels=(0, 255), autoLevels=False)
        self._image.setRect(QtCore.QRectF(x[0] - dx / 2, y[0] - dy / 2, x.size * dx, y.size * dy))
        self._draw_contours(shown)
        if self._marker_auto:
            self._marker = (0.5 * (x[0] + x[-1]), 0.5 * (y[0] + y[-1]))
            self._show_marker()
        if new_extent:
            self._plot.getViewBox().setRange(xRange=(x[0] - dx / 2, x[-1] + dx / 2),
                                             yRange=(y[0] - dy / 2, y[-1] + dy / 2), padding=0.0)

    def set_contour_levels(self, levels: int | Sequence[float]) -> None:
        """``n`` levels evenly spaced inside the colour scale (0: none), or explicit values."""
        if isinstance(levels, (int, np.integer)):
            if levels < 0:
                raise ValueError(f"number of contour levels must be >= 0, got {levels}")
            self._contour_spec = int(levels)
        else:
            values = np.asarray(levels, dtype=np.float64).ravel()
            self._contour_spec = np.unique(values[np.isfinite(values)])
        if self._z.size:
            self._draw_contours(displayable(self._z, self._levels))

    def _draw_contours(self, shown: np.ndarray) -> None:
        spec = self._contour_spec
        self._contours = contour_levels_between(*self._levels, spec) if isinstance(spec, int) else spec
        dx, dy = _spacing(self._x), _spacing(self._y)
        self._segments = {}
        for level in self._contours:
            seg = contour_segments(shown, level) if min(shown.shape) >= 2 else np.zeros((0, 2, 2))
            self._segments[float(level)] = np.stack([self._x[0] + seg[..., 0] * dx,
                                                     self._y[0] + seg[..., 1] * dy], -1)
        pairs = np.concatenate([s.reshape(-1, 2) for s in self._segments.values()] or [np.zeros((0, 2))])
        self._contour_item.setData(pairs[:, 0], pairs[:, 1], connect="pairs")

    def contour_levels(self) -> np.ndarray:
        """The contour values drawn for the current field."""
        return np.array(self._contours, dtype=np.float64)

    def contour_segments(self) -> dict[float, np.ndarray]:
        """Per contour level, its (m, 2, 2) segments in data coordinates."""
        return {k: v.copy() for k, v in self._segments.items()}

    def levels(self) -> tuple[float, float]:
        """The colour scale (lo, hi)."""
        return self._levels

    def field(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._z.copy(), self._x.copy(), self._y.copy()

    def set_path(self, xy) -> None:
        """Draw a path through the (k, 2) points ``xy``, its last point highlighted; empty hides it.
        Non-finite points break the line."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._path = xy
        ok = np.isfinite(xy).all(axis=1)
        self._line.setData(xy[:, 0], xy[:, 1], connect=ok)
        self._dots.setData(xy[ok, 0], xy[ok, 1])
        last = xy[ok][-1:] if ok.any() else np.zeros((0, 2))
        self._end.setData(last[:, 0], last[:, 1])

    def path(self) -> np.ndarray:
        return self._path.copy()

    def set_marker(self, xy: tuple[float, float] | None, auto: bool = False) -> None:
        """Mark the point ``xy`` (None hides the marker); ``auto`` puts it at the grid's centre."""
        self._marker_auto = bool(auto)
        self._marker = None if xy is None else (float(xy[0]), float(xy[1]))
        if auto and self._x.size and self._y.size:
            self._marker = (0.5 * (self._x[0] + self._x[-1]), 0.5 * (self._y[0] + self._y[-1]))
        self._show_marker()

    def marker(self) -> tuple[float, float] | None:
        return self._marker

    def _show_marker(self) -> None:
        self._centre.setData(*(([self._marker[0]], [self._marker[1]]) if self._marker else ([], [])))

    def set_colorbar_title(self, title: str) -> None:
        self._bar.axis.setLabel(title)

    def set_value_format(self, fmt: Callable[[float], str]) -> None:
        """How the hover read-out writes a value (e.g. undo a log scale: ``lambda v: f"{10**v:.3g}"``)."""
        self._format = fmt

    def value_at(self, x: float, y: float) -> float:
        """The value of the grid cell holding (x, y); NaN outside the grid."""
        cell = self._cell(x, y)
        return float("nan") if cell is None else float(self._z[cell])

    def _cell(self, x: float, y: float) -> tuple[int, int] | None:
        if self._z.size == 0 or not (np.isfinite(x) and np.isfinite(y)):
            return None
        i = int(np.floor((x - self._x[0]) / _spacing(self._x) + 0.5))
        j = int(np.floor((y - self._y[0]) / _spacing(self._y) + 0.5))
        return (i, j) if 0 <= i < self._x.size and 0 <= j < self._y.size else None

    def hover_text(self) -> str:
        return self._hover.textItem.toPlainText() if self._hover.isVisible() else ""

    def _on_mouse(self, scene_pos: QtCore.QPointF) -> None:
        vb = self._plot.getViewBox()
        p = vb.mapSceneToView(scene_pos)
        cell = self._cell(p.x(), p.y()) if vb.sceneBoundingRect().contains(scene_pos) else None
        if cell is None:
            self._hover.hide()
            return
        x, y = self._x[cell[0]], self._y[cell[1]]
        self._hover.setText(f"x = {x:.3g}\ny = {y:.3g}\n{self._format(float(self._z[cell]))}")
        (x0, x1), _ = vb.viewRange()
        self._hover.setAnchor((1.05, 1.05) if p.x() > 0.5 * (x0 + x1) else (-0.05, 1.05))
        self._hover.setPos(p.x(), p.y())
        self._hover.show()
        self._hover.updateTransform(force=True)

    def clear(self) -> None:
        self.set_field(np.zeros((0, 0)), [], [])
        self.set_path(np.zeros((0, 2)))
        self._marker = None
        self._show_marker()
        self._hover.hide()

    def series_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The path, and the cuts through the grid's middle row and column (for CSV export)."""
        out = {"path": (self._path[:, 0].copy(), self._path[:, 1].copy())}
        if self._z.size:
            i, j = self._x.size // 2, self._y.size // 2
            out["cut along x"] = (self._x.copy(), self._z[:, j].copy())
            out["cut along y"] = (self._y.copy(), self._z[i, :].copy())
        return out
