"""One value per category as bars (e.g. the KL of each latent unit), with an optional threshold.

The bars above the threshold (the "active" units) take another colour, and a dashed line with a
label marks the threshold and says how many bars pass it, so the count reads without counting.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .plot_style import PlotHost

BAR_COLOR = "#1f77b4"
HIGHLIGHT_COLOR = "#ff7f0e"
BAR_WIDTH = 0.8
MAX_TICK_LABELS = 20


def bar_extent(values: np.ndarray, threshold: float | None, log_y: bool) -> tuple[float, np.ndarray]:
    """(base, tops) of the bars in view coordinates.  On a log axis the bars rise from a decade
    below the smallest positive value (or threshold); a non-positive value draws no bar."""
    if not log_y:
        return 0.0, np.where(np.isfinite(values), values, 0.0)
    candidates = values if threshold is None else np.append(values, threshold)
    positive = candidates[np.isfinite(candidates) & (candidates > 0)]
    base = float(np.ceil(np.log10(positive.min())) - 1) if positive.size else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        tops = np.log10(values)
    return base, np.where(np.isfinite(tops), np.maximum(tops, base), base)


class BarPlot(PlotHost):
    """Bars at x = 0, 1, … with category labels on the bottom axis and a hover read-out
    ``category / value`` for the bar under the mouse."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, color=BAR_COLOR,
                 highlight_color=HIGHLIGHT_COLOR, background=None, grid: bool = False):
        super().__init__(parent, background=background, grid=grid)
        self._brush = pg.mkBrush(color)
        self._highlight_brush = pg.mkBrush(highlight_color)
        self._values = np.zeros(0)
        self._labels: list[str] = []
        self._threshold: float | None = None
        self._bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, pen=None, brush=self._brush)
        self._plot.addItem(self._bars)
        pen = pg.mkPen(QtGui.QColor(200, 70, 70, 220), width=1.2, style=QtCore.Qt.PenStyle.DashLine)
        self._line = pg.InfiniteLine(angle=0, movable=False, pen=pen, label="",
                                     labelOpts={"position": 0.98, "color": (200, 70, 70),
                                                "anchors": [(1, 1), (1, 1)]})
        self._line.hide()
        self._plot.addItem(self._line, ignoreBounds=True)
        self._readout = pg.TextItem(color=(240, 240, 240), fill=pg.mkBrush(30, 30, 30, 210), anchor=(0, 1))
        self._readout.setZValue(1000)
        self._readout.hide()
        self._plot.addItem(self._readout, ignoreBounds=True)
        self._plot.scene().sigMouseMoved.connect(self.hover_at)

    @property
    def bars(self) -> pg.BarGraphItem:
        return self._bars

    @property
    def threshold_line(self) -> pg.InfiniteLine:
        return self._line

    def set_bars(self, values, labels: list[str] | None = None, threshold: float | None = None,
                 log_y: bool = False, threshold_label: str = "threshold") -> None:
        """Show one bar per value.  Bars strictly above ``threshold`` are highlighted; a
        non-finite threshold counts as none.  ``log_y`` puts the value axis on a log scale."""
        values = np.array(values, dtype=np.float64).ravel()
        if labels is not None and len(labels) != values.size:
            raise ValueError(f"{len(labels)} labels for {values.size} values")
        threshold = float(threshold) if threshold is not None and np.isfinite(threshold) else None
        self._values, self._threshold = values, threshold
        self._labels = [str(s) for s in labels] if labels is not None else [str(i) for i in range(values.size)]
        self._plot.setLogMode(y=bool(log_y))
        base, tops = bar_extent(values, threshold, log_y)
        above = set(self.highlighted().tolist())
        brushes = [self._highlight_brush if i in above else self._brush for i in range(values.size)]
        self._bars.setOpts(x=np.arange(values.size), y0=base, height=tops - base, width=BAR_WIDTH,
                           brushes=brushes)
        self._set_ticks()
        self._place_line(threshold, threshold_label, log_y, len(above))
        self._readout.hide()

    def values(self) -> np.ndarray:
        return self._values.copy()

    def threshold(self) -> float | None:
        return self._threshold

    def highlighted(self) -> np.ndarray:
        """Indices of the bars above the threshold (none without one)."""
        if self._threshold is None:
            return np.zeros(0, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            return np.flatnonzero(self._values > self._threshold)

    def hover_text(self) -> str:
        """The read-out text now shown, or "" when hidden."""
        return self._readout.textItem.toPlainText() if self._readout.isVisible() else ""

    def hover_at(self, scene_pos: QtCore.QPointF) -> None:
        """Show the read-out for the bar under ``scene_pos`` (scene coordinates), if any."""
        view = self._plot.getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            self._readout.hide()
            return
        mouse = view.mapSceneToView(scene_pos)
        i = int(round(mouse.x()))
        if not (0 <= i < self._values.size and abs(mouse.x() - i) <= BAR_WIDTH / 2):
            self._readout.hide()
            return
        self._readout.setText(f"{self._labels[i]}\n{self._values[i]:.6g}")
        x_range = view.viewRange()[0]
        right_half = mouse.x() > 0.5 * (x_range[0] + x_range[1])
        self._readout.setAnchor((1.05, 1.1) if right_half else (-0.05, 1.1))
        self._readout.setPos(mouse.x(), mouse.y())
        self._readout.show()
        self._readout.updateTransform(force=True)

    def leaveEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802
        self._readout.hide()
        super().leaveEvent(event)

    def _set_ticks(self) -> None:
        """A label under every bar, or under every k-th one when there are many (the rest are
        minor ticks whose labels show when there is room)."""
        n = len(self._labels)
        step = max(1, -(-n // MAX_TICK_LABELS))
        major = [(i, self._labels[i]) for i in range(0, n, step)]
        minor = [(i, self._labels[i]) for i in range(n) if i % step]
        self._plot.getAxis("bottom").setTicks([major, minor] if n else None)

    def _place_line(self, threshold: float | None, name: str, log_y: bool, n_above: int) -> None:
        if threshold is None or (log_y and threshold <= 0):
            self._line.hide()
            return
        self._line.show()  # first: a hidden line's label ignores new text
        self._line.setValue(np.log10(threshold) if log_y else threshold)
        text = f"{name} = {threshold:.3g} · {n_above} of {self._values.size} above"
        self._line.label.setFormat(text.replace("{", "{{").replace("}", "}}"))
