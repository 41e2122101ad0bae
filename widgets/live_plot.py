"""A streaming plot: many frames append points cheaply, a timer repaints at most ~60 times a second.

Appending only writes into a bounded :class:`RingSeries`; ``redraw`` pushes the buffers to the
plot items.  Painting per frame would tie the engine's speed to the screen's; batching keeps the GUI
responsive however fast frames arrive, and the ring keeps memory bounded however long a run lasts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .plot_style import PlotHost

from .hover_readout import HoverReadout
from .ring_series import RingSeries

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
DEFAULT_CAPACITY = 20_000


@dataclass
class _Series:
    item: pg.PlotDataItem
    ring: RingSeries
    whole: tuple[np.ndarray, np.ndarray] | None = None
    dirty: bool = False

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        if self.whole is not None:
            return self.whole[0].copy(), self.whole[1].copy()
        return self.ring.data()


class LivePlot(PlotHost):
    """A PlotWidget with named series, a legend, threshold markers and a hover read-out.

    ``append`` buffers (no repaint); ``set_series`` replaces a series' whole data and shows it at
    once; ``redraw`` pushes buffered appends to the screen.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, capacity: int = DEFAULT_CAPACITY,
                 background=None, grid: bool = False):
        super().__init__(parent, background=background, grid=grid)
        self._capacity = capacity
        self._series: dict[str, _Series] = {}
        self._vlines: list[pg.InfiniteLine] = []
        self._hlines: list[pg.InfiniteLine] = []  # thresholds: kept by clear_vlines
        self._plot.setClipToView(True)
        self._plot.setDownsampling(auto=True, mode="peak")
        self._legend = self.add_legend(labelTextSize="9pt")
        self._hover = HoverReadout(self._plot, self._shown_data)

    @property
    def hover(self) -> HoverReadout:
        return self._hover

    def series_names(self) -> list[str]:
        return list(self._series)

    def add_series(self, name: str, color=None, width: float = 1.0, style: str = "line",
                   faint: bool = False, capacity: int | None = None) -> pg.PlotDataItem:
        """Declare a series (``style`` "line" or "dots"; ``faint`` draws it translucent, e.g. a
        reference curve).  Declaring an existing name restyles it and keeps its data."""
        if style not in ("line", "dots"):
            raise ValueError(f"series style must be 'line' or 'dots', got {style!r}")
        qcolor = pg.mkColor(color if color is not None else PALETTE[len(self._series) % len(PALETTE)])
        if faint:
            qcolor.setAlpha(90)
        if style == "line":
            look = {"pen": pg.mkPen(qcolor, width=width), "symbol": None}
        else:
            look = {"pen": None, "symbol": "o", "symbolSize": max(3.0, 3.0 * width),
                    "symbolPen": None, "symbolBrush": pg.mkBrush(qcolor)}
        if name in self._series:
            series = self._series[name]
            item = series.item
            x, y = series.data()
            item.setData(x, y, **look)
        else:
            item = pg.PlotDataItem(name=name, antialias=True, **look)
            self._plot.addItem(item)
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            self._series[name] = _Series(item, RingSeries(capacity or self._capacity))
        return item

    def append(self, name: str, x, y) -> None:
        """Buffer new points (scalars or arrays); shown at the next ``redraw``.  An unknown name
        is declared with the default style."""
        series = self._series.get(name) or self._series_for(name)
        if series.whole is not None:
            series.ring.clear()
            series.ring.append(*series.whole)
            series.whole = None
        series.ring.append(x, y)
        series.dirty = True

    def set_series(self, name: str, x, y) -> None:
        """Replace a series' whole data (e.g. a rope shape) and show it immediately."""
        series = self._series.get(name) or self._series_for(name)
        xs = np.array(x, dtype=np.float64).ravel()
        ys = np.array(y, dtype=np.float64).ravel()
        if xs.shape != ys.shape:
            raise ValueError(f"x and y differ in length: {xs.size} vs {ys.size}")
        series.ring.clear()
        series.whole = (xs, ys)
        series.dirty = True
        self._push(series)

    def remove_series(self, name: str) -> None:
        series = self._series.pop(name, None)
        if series is not None:
            self._plot.removeItem(series.item)

    def keep_series(self, wanted) -> None:
        """Show exactly the series named in ``wanted`` (name → ``add_series`` options): the others are
        removed, missing ones declared with their style (a run of a subset of methods)."""
        for name in self.series_names():
            if name not in wanted:
                self.remove_series(name)
        for name, style in wanted.items():
            if name not in self._series:
                self.add_series(name, **style)

    def clear(self) -> None:
        """Empty every series (their styles and legend entries stay) and hide the read-out."""
        for series in self._series.values():
            series.ring.clear()
            series.whole = None
            series.dirty = True
            self._push(series)
        self._hover.hide()

    def redraw(self) -> None:
        """Push buffered appends to the plot items (call from a ≤ 60 Hz timer)."""
        for series in self._series.values():
            if series.dirty:
                self._push(series)

    def series_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Copies of every series' data, buffered points included (for CSV export)."""
        return {name: s.data() for name, s in self._series.items()}

    def add_vline(self, x: float, label: str = "") -> pg.InfiniteLine:
        """A vertical dashed marker, e.g. a threshold, with an optional label near the top."""
        pen = pg.mkPen(QtGui.QColor(200, 70, 70, 200), width=1.2, style=QtCore.Qt.PenStyle.DashLine)
        line = pg.InfiniteLine(pos=x, angle=90, movable=False, pen=pen, label=label or None,
                               labelOpts={"position": 0.92, "color": (200, 70, 70),
                                          "anchors": [(0, 0.5), (0, 0.5)]})
        self._plot.addItem(line, ignoreBounds=True)
        self._vlines.append(line)
        return line

    def add_hline(self, y: float, label: str = "", color=(200, 70, 70), position: float = 0.97) -> pg.InfiniteLine:
        """A horizontal dashed marker (a threshold on the value axis), its label at ``position`` along
        the line (0 left, 1 right): stagger close lines' labels."""
        pen = pg.mkPen(QtGui.QColor(*color, 200), width=1.2, style=QtCore.Qt.PenStyle.DashLine)
        line = pg.InfiniteLine(pos=y, angle=0, movable=False, pen=pen, label=label or None,
                               labelOpts={"position": position, "color": color, "anchors": [(1, 1), (1, 1)]})
        self._plot.addItem(line, ignoreBounds=True)
        self._hlines.append(line)
        return line

    def clear_vlines(self) -> None:
        for line in self._vlines:
            self._plot.removeItem(line)
        self._vlines.clear()

    def set_log_y(self, on: bool) -> None:
        self._plot.setLogMode(y=bool(on))

    def set_log_x(self, on: bool) -> None:
        self._plot.setLogMode(x=bool(on))

    def leaveEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802
        self._hover.hide()
        super().leaveEvent(event)

    def _series_for(self, name: str) -> _Series:
        self.add_series(name)
        return self._series[name]

    def _shown_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {name: s.item.getOriginalDataset() for name, s in self._series.items()
                if s.item.isVisible() and s.item.getOriginalDataset()[0] is not None}

    def _push(self, series: _Series) -> None:
        x, y = series.data()
        finite = bool(np.isfinite(x).all() and np.isfinite(y).all())
        series.item.setData(x, y, skipFiniteCheck=finite)
        series.dirty = False
