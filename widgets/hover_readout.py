"""A read-out of the data point nearest the mouse, for any PlotItem.

Nearness is measured in screen pixels, not data units, so a point on a steep curve is found as
easily as one on a flat curve, and log axes behave.
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

SeriesSource = Callable[[], Mapping[str, tuple[np.ndarray, np.ndarray]]]


class HoverReadout:
    """A marker and a small label ``name / x = … / y = …`` that follow the nearest point.

    The label ignores the view's scaling, but pyqtgraph only fixes a TextItem's transform when it
    paints, and a label first placed with the data transform may land off screen and never paint;
    hence the forced ``updateTransform`` after each move.

    ``source`` returns the series to search, in data coordinates; the read-out hides when no point
    lies within ``radius_px`` of the mouse or the mouse leaves the view.
    """

    def __init__(self, plot_item: pg.PlotItem, source: SeriesSource, radius_px: float = 24.0):
        self._plot = plot_item
        self._source = source
        self._radius2 = radius_px**2
        self._label = pg.TextItem(color=(240, 240, 240), fill=pg.mkBrush(30, 30, 30, 210),
                                  anchor=(0, 1))
        self._marker = pg.ScatterPlotItem(size=9, pen=pg.mkPen(30, 30, 30, 230, width=1.5),
                                          brush=pg.mkBrush(255, 255, 255, 200))
        for item in (self._label, self._marker):
            item.setZValue(1000)
            item.hide()
            plot_item.getViewBox().addItem(item, ignoreBounds=True)
        plot_item.scene().sigMouseMoved.connect(self.update_at)

    @property
    def label(self) -> pg.TextItem:
        return self._label

    def text(self) -> str:
        """The read-out text now shown, or "" when hidden."""
        return self._label.textItem.toPlainText() if self._label.isVisible() else ""

    def hide(self) -> None:
        self._label.hide()
        self._marker.hide()

    def update_at(self, scene_pos: QtCore.QPointF) -> None:
        """Move the read-out to the point nearest ``scene_pos`` (scene coordinates)."""
        vb = self._plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        mouse = vb.mapSceneToView(scene_pos)
        px_w, px_h = vb.viewPixelSize()
        if not (px_w > 0 and px_h > 0):
            self.hide()
            return
        log_x = bool(self._plot.getAxis("bottom").logMode)
        log_y = bool(self._plot.getAxis("left").logMode)
        best = None
        for name, (x, y) in self._source().items():
            if len(x) == 0:
                continue
            vx, vy = _to_view(x, log_x), _to_view(y, log_y)
            d2 = ((vx - mouse.x()) / px_w) ** 2 + ((vy - mouse.y()) / px_h) ** 2
            d2 = np.where(np.isfinite(d2), d2, np.inf)
            i = int(np.argmin(d2))
            if d2[i] <= self._radius2 and (best is None or d2[i] < best[0]):
                best = (d2[i], name, x[i], y[i], vx[i], vy[i])
        if best is None:
            self.hide()
            return
        _, name, x, y, vx, vy = best
        self._marker.setData([vx], [vy])
        self._label.setText(f"{name}\nx = {x:.6g}\ny = {y:.6g}")
        right_half = mouse.x() > vb.viewRange()[0][0] + 0.5 * (vb.viewRange()[0][1] - vb.viewRange()[0][0])
        self._label.setAnchor((1.08, 1.1) if right_half else (-0.08, 1.1))
        self._label.setPos(vx, vy)
        self._marker.show()
        self._label.show()
        self._label.updateTransform(force=True)


def _to_view(values: np.ndarray, log: bool) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if not log:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(values)
