"""A 2-D line coloured by a per-point value (e.g. rope tension), with a colour bar for its scale.

Segments are grouped by colour into one QPainterPath per colour-table entry, so painting costs a
few dozen ``drawPath`` calls however many points there are, and — being plain QPainter work — it
goes through pyqtgraph's PNG and SVG exporters unchanged.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from PySide6 import QtCore, QtGui, QtWidgets

from .plot_style import PlotHost

N_COLORS = 64
_NAN_COLOR = QtGui.QColor(150, 150, 150)


def auto_levels(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, widened around a constant so the scale is never empty."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        pad = 0.5 * max(abs(lo), 1.0) * 1e-3 if lo else 0.5
        lo, hi = lo - pad, hi + pad
    return lo, hi


class ColoredCurve(pg.GraphicsObject):
    """A polyline whose segment i→i+1 takes the colour of the mean of ``values[i]`` and
    ``values[i+1]`` on ``colormap_name``, clipped to ``levels``.  Pen width is in screen pixels."""

    sigDataChanged = QtCore.Signal()

    def __init__(self, width: float = 3.0, parent=None):
        super().__init__(parent)
        self._width = float(width)
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._values = np.zeros(0)
        self._levels = (0.0, 1.0)
        self._cmap_name = "viridis"
        self._cmap = pg.colormap.get(self._cmap_name)
        self._paths: list[tuple[QtGui.QColor, QtGui.QPainterPath]] = []
        self._bounds = QtCore.QRectF()

    def set_data(self, x, y, values, colormap_name: str = "viridis",
                 levels: tuple[float, float] | None = None) -> None:
        x = np.array(x, dtype=np.float64).ravel()
        y = np.array(y, dtype=np.float64).ravel()
        values = np.array(values, dtype=np.float64).ravel()
        if not (x.size == y.size == values.size):
            raise ValueError(f"x, y and values differ in length: {x.size}, {y.size}, {values.size}")
        if colormap_name != self._cmap_name:
            self._cmap = pg.colormap.get(colormap_name)
            self._cmap_name = colormap_name
        self._x, self._y, self._values = x, y, values
        if levels is not None and not float(levels[1]) > float(levels[0]):
            raise ValueError(f"colour levels need low < high, got {tuple(levels)}")
        self._levels = tuple(map(float, levels)) if levels is not None else auto_levels(values)
        self._paths = self._build_paths()
        self.prepareGeometryChange()
        self._bounds = self._data_rect()
        self.informViewBoundsChanged()  # lets an auto-ranging ViewBox follow the new extent
        self.update()
        self.sigDataChanged.emit()

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._x.copy(), self._y.copy(), self._values.copy()

    def levels(self) -> tuple[float, float]:
        return self._levels

    def colormap(self) -> pg.ColorMap:
        return self._cmap

    def colormap_name(self) -> str:
        return self._cmap_name

    def _build_paths(self) -> list[tuple[QtGui.QColor, QtGui.QPainterPath]]:
        x, y, v = self._x, self._y, self._values
        if x.size < 2:
            return []
        ok = np.isfinite(x[:-1]) & np.isfinite(x[1:]) & np.isfinite(y[:-1]) & np.isfinite(y[1:])
        seg_value = 0.5 * (v[:-1] + v[1:])
        lo, hi = self._levels
        has_value = np.isfinite(seg_value)
        bins = np.full(seg_value.size, N_COLORS)
        t = np.clip((seg_value[has_value] - lo) / (hi - lo), 0.0, 1.0)
        bins[has_value] = np.minimum((t * N_COLORS).astype(np.int64), N_COLORS - 1)
        table = self._cmap.getLookupTable(0.0, 1.0, nPts=N_COLORS, alpha=False, mode="qcolor")
        # Neighbouring segments mostly share a colour bin: walk the runs and extend one path per
        # bin with moveTo/lineTo — one pass, no per-bin array work (this runs on every redraw).
        by_bin: dict[int, QtGui.QPainterPath] = {}
        xs, ys, bs, oks = x.tolist(), y.tolist(), bins.tolist(), ok.tolist()
        previous = -1
        for i, b in enumerate(bs):
            if not oks[i]:
                previous = -1
                continue
            path = by_bin.get(b)
            if path is None:
                path = by_bin[b] = QtGui.QPainterPath()
            if b != previous:
                path.moveTo(xs[i], ys[i])
            path.lineTo(xs[i + 1], ys[i + 1])
            previous = b
        paths = [(_NAN_COLOR if b == N_COLORS else table[b], path) for b, path in sorted(by_bin.items())]
        return paths

    def _data_rect(self) -> QtCore.QRectF:
        ok = np.isfinite(self._x) & np.isfinite(self._y)
        if not ok.any():
            return QtCore.QRectF()
        x, y = self._x[ok], self._y[ok]
        return QtCore.QRectF(x.min(), y.min(), x.max() - x.min(), y.max() - y.min())

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802
        return QtCore.QRectF(self._bounds)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802
        """Data extent along axis ``ax`` (0 = x, 1 = y) for the ViewBox's auto-range."""
        if self._bounds.isNull():
            return None, None
        if ax == 0:
            return self._bounds.left(), self._bounds.right()
        return self._bounds.top(), self._bounds.bottom()

    def pixelPadding(self) -> float:  # noqa: N802
        return self._width / 2 + 1

    def paint(self, painter: QtGui.QPainter, option=None, widget=None) -> None:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for color, path in self._paths:
            pen = QtGui.QPen(color, self._width)
            pen.setCosmetic(True)
            pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPath(path)


def colorbar_beside(plot_item: pg.PlotItem, cmap: pg.ColorMap, levels=(0.0, 1.0), title: str = "",
                    width: int = 14) -> pg.ColorBarItem:
    """A non-interactive colour bar right of ``plot_item``, labelled ``title`` (e.g. "tension (N)").
    A small top margin keeps the bar's top tick label, which sits exactly at its edge, from being
    clipped."""
    bar = pg.ColorBarItem(values=levels, colorMap=cmap, interactive=False, width=width, colorMapMenu=False)
    bar.axis.enableAutoSIPrefix(False)
    if title:
        bar.axis.setLabel(title)
    plot_item.layout.addItem(bar, 2, 5)
    plot_item.layout.setColumnFixedWidth(4, 5)
    left, top, right, bottom = plot_item.layout.getContentsMargins()
    plot_item.layout.setContentsMargins(left, max(top, 8.0), right, bottom)
    plot_item.layout.activate()
    return bar


def attach_colorbar(plot_item: pg.PlotItem, curve: ColoredCurve, title: str = "",
                    width: int = 14) -> pg.ColorBarItem:
    """A colour bar beside ``plot_item`` that follows ``curve``'s colour map and levels."""
    bar = colorbar_beside(plot_item, curve.colormap(), curve.levels(), title, width)

    def follow() -> None:
        bar.setColorMap(curve.colormap())
        bar.setLevels(values=curve.levels())

    curve.sigDataChanged.connect(follow)
    return bar


class ColoredCurvePlot(PlotHost):
    """A PlotWidget holding one :class:`ColoredCurve` and its colour bar.

    ``series_data`` returns ``{name: (x, y), value_name: (x, values)}`` so a CSV export carries
    the shape and the colouring quantity.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, colorbar_title: str = "",
                 name: str = "curve", value_name: str = "value", width: float = 3.0,
                 background=None, grid: bool = False):
        super().__init__(parent, background=background, grid=grid)
        self._name, self._value_name = name, value_name
        self._curve = ColoredCurve(width=width)
        self._plot.addItem(self._curve)
        self._bar = attach_colorbar(self._plot, self._curve, colorbar_title)

    @property
    def curve(self) -> ColoredCurve:
        return self._curve

    @property
    def colorbar(self) -> pg.ColorBarItem:
        return self._bar

    def set_data(self, x, y, values, colormap_name: str = "viridis",
                 levels: tuple[float, float] | None = None) -> None:
        self._curve.set_data(x, y, values, colormap_name=colormap_name, levels=levels)

    def set_colorbar_title(self, title: str) -> None:
        self._bar.axis.setLabel(title)

    def set_equal_aspect(self, on: bool) -> None:
        """Lock 1:1 data aspect so a shape (a rope, an orbit) is not distorted."""
        self._plot.getViewBox().setAspectLocked(bool(on), ratio=1.0)

    def series_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        x, y, values = self._curve.data()
        return {self._name: (x, y), self._value_name: (x.copy(), values)}
