"""What the plot widgets share: the host widget around a PlotWidget, and the grid policy."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .plot_tidy import TidyAxis, TidyLegend, fit_title


def set_grid(plot_item: pg.PlotItem, on: bool, alpha: float = 0.15) -> None:
    """Grid lines on or off.

    Off by default: pyqtgraph draws the grid through its axes at every tick level, which costs
    ~10 ms per repaint of a mid-sized plot on a software-rendered screen, more than everything
    else in the plot; a live view that redraws at frame rate cannot afford it.  The user can
    still switch it on from the plot's context menu (Plot Options ▸ Grid).
    """
    plot_item.showGrid(x=on, y=on, alpha=alpha)


def _extent(view_box: pg.ViewBox, x: np.ndarray, y: np.ndarray):
    """The view's range, the finite data's (lo_x, hi_x, lo_y, hi_y), and whether any point lies
    outside the view; None when there is no finite point."""
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if not (x.size and y.size):
        return None
    (x0, x1), (y0, y1) = view_box.viewRange()
    lo_x, hi_x, lo_y, hi_y = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    outside = lo_x < x0 or hi_x > x1 or lo_y < y0 or hi_y > y1
    return (x0, x1, y0, y1), (lo_x, hi_x, lo_y, hi_y), outside


def follows_data(view_box: pg.ViewBox) -> bool:
    """False once the user has zoomed or panned the view, until they ask it to follow again."""
    return getattr(view_box, "follow_data", True)


def fit_with_headroom(view_box: pg.ViewBox, x: np.ndarray, y: np.ndarray, force: bool = False) -> bool:
    """Grow a view to hold (x, y) (view coordinates) with headroom, or leave it alone.

    The view moves only when a point falls outside it, when the data use less than half of its
    height, or when ``force``d; then x gets 25 % room to grow and y 8 % margins.  pyqtgraph's own
    auto-range refits, and re-lays out both axes, on every new point of a live curve, which on a
    software-rendered screen costs more than drawing the curve.  Returns True when it refitted.
    """
    extent = _extent(view_box, x, y)
    view_box.fits_itself = True
    if extent is None or not follows_data(view_box):
        return False
    (_, _, y0, y1), (lo_x, hi_x, lo_y, hi_y), outside = extent
    span_y = max(hi_y - lo_y, 1e-9 * max(1.0, abs(hi_y)))
    if not (force or outside or span_y < 0.5 * (y1 - y0)):
        return False
    span_x = max(hi_x - lo_x, 1.0)
    view_box.setRange(xRange=(lo_x, lo_x + 1.25 * span_x), yRange=(lo_y - 0.08 * span_y, hi_y + 0.08 * span_y),
                      padding=0.0, update=True)
    return True


def fit_stepped(view_box: pg.ViewBox, x: np.ndarray, y: np.ndarray, y_step: float, x_room: float = 0.25) -> bool:
    """Grow a live view in steps, or leave it alone: x to (1 + ``x_room``) × the data's span when a
    point passes an edge, y to whole ``y_step``s around the data with at least a tenth of a step
    above the top.  A rising curve (a pan heating) then re-lays out the axes once per step it
    climbs, not on every frame as auto-range would.  Returns True when the view moved."""
    extent = _extent(view_box, x, y)
    view_box.fits_itself = True
    if extent is None or not follows_data(view_box):
        return False
    (x0, x1, y0, y1), (lo_x, hi_x, lo_y, hi_y), _ = extent
    want_y = (math.floor(lo_y / y_step) * y_step, (math.floor(hi_y / y_step + 0.1) + 1) * y_step)
    want_x = (x0, x1)
    if lo_x < x0 or hi_x > x1 or not x1 > x0:
        want_x = (lo_x, lo_x + (1.0 + x_room) * max(hi_x - lo_x, 1e-9 * max(1.0, abs(hi_x))))
    if np.allclose((*want_x, *want_y), (x0, x1, y0, y1), rtol=1e-9, atol=1e-12):
        return False
    view_box.disableAutoRange()
    view_box.setRange(xRange=want_x, yRange=want_y, padding=0.0, update=True)
    return True


def hold_range(view_box: pg.ViewBox, x: np.ndarray, y: np.ndarray, margin: float = 0.08,
               min_use: float = 0.5) -> bool:
    """Keep a view's range while the data stay inside it and fill at least ``min_use`` of it, else
    refit with ``margin`` on every side; returns True when it refitted.

    A shape that changes a little every frame (a slider drag) then leaves the axes alone: pyqtgraph's
    auto-range would refit and re-lay out both axes' ticks every frame, the largest cost of a
    repaint on a software-rendered screen.  With a locked aspect ratio the view is wider than asked
    in one direction, so there the data must fill ``min_use`` of it in one direction only.
    """
    extent = _extent(view_box, x, y)
    view_box.fits_itself = True
    if extent is None or not follows_data(view_box):
        return False
    (x0, x1, y0, y1), (lo_x, hi_x, lo_y, hi_y), outside = extent
    span_x = max(hi_x - lo_x, 1e-9 * max(1.0, abs(hi_x)))
    span_y = max(hi_y - lo_y, 1e-9 * max(1.0, abs(hi_y)))
    sparse = (span_x < min_use * (x1 - x0), span_y < min_use * (y1 - y0))
    locked = view_box.state.get("aspectLocked", False)
    if not (outside or (all(sparse) if locked else any(sparse))):
        return False
    view_box.disableAutoRange()
    view_box.setRange(xRange=(lo_x - margin * span_x, hi_x + margin * span_x),
                      yRange=(lo_y - margin * span_y, hi_y + margin * span_y), padding=0.0, update=True)
    return True


class PlotHost(QtWidgets.QWidget):
    """A QWidget around one ``pg.PlotWidget``: the part every plot widget here shares.

    Axes show plain numbers (no SI-prefix rescaling: the labels carry the units) and the grid is
    off unless asked for (see ``set_grid``).  Titles fit the plot and a legend places itself where
    no data is (see ``plot_tidy``).  The range follows the data until the user zooms or pans; then
    it stays where they put it and a "follow data" button in the corner gives it back.
    """

    followResumed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, background=None, grid: bool = False):
        super().__init__(parent)
        self._widget = pg.PlotWidget(background=background,
                                     axisItems={side: TidyAxis(side) for side in ("left", "bottom")})
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._widget)
        self._plot = self._widget.getPlotItem()
        set_grid(self._plot, grid)
        for side in ("bottom", "left"):
            self._plot.getAxis(side).enableAutoSIPrefix(False)
        self._title = ""
        self._fitted_width = 0.0
        self._plot.vb.sigResized.connect(self._refit_title)
        self.follow_button = QtWidgets.QToolButton(self._widget)
        self.follow_button.setText("⤢ follow data")
        self.follow_button.setToolTip("the view stays where you zoomed or panned it; click to fit the "
                                      "data again and follow them as they come")
        self.follow_button.setAutoRaise(True)
        self.follow_button.move(4, 2)
        self.follow_button.hide()
        self.follow_button.clicked.connect(self.follow_data)
        self._plot.vb.sigRangeChangedManually.connect(self._on_user_range)
        self._plot.autoBtn.clicked.connect(self.follow_data)  # pyqtgraph's own "A" button does the same

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._plot

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._widget

    def set_labels(self, bottom: str, left: str) -> None:
        self._plot.setLabel("bottom", bottom)
        self._plot.setLabel("left", left)

    def _on_user_range(self, *_args) -> None:
        self._plot.vb.follow_data = False
        self.follow_button.adjustSize()
        self.follow_button.show()
        self.follow_button.raise_()

    def follow_data(self, *_args) -> None:
        """Fit the data now and follow them again (undoes a zoom or pan); ``followResumed`` lets a
        view with its own fitting policy refit."""
        view_box = self._plot.vb
        view_box.follow_data = True
        self.follow_button.hide()
        if getattr(view_box, "fits_itself", False):
            view_box.disableAutoRange()
            view_box.autoRange(padding=0.05)   # the view's own hold/fit policy takes over from here
        else:
            view_box.enableAutoRange()
        self.followResumed.emit()

    @property
    def title(self) -> str:
        """The whole title, as set (the plot may show it wrapped or elided)."""
        return self._title

    def set_title(self, title: str) -> None:
        self._title = title or ""
        self._fitted_width = self._plot.vb.width()
        fit_title(self._plot, self._title)

    def add_legend(self, **options) -> TidyLegend:
        """The plot's legend (made once): it places itself over the emptiest corner."""
        if not isinstance(self._plot.legend, TidyLegend):
            legend = TidyLegend(axis_label=lambda: self._plot.getAxis("left").labelText, **options)
            legend.setParentItem(self._plot.vb)
            self._plot.legend = legend
        return self._plot.legend

    def _refit_title(self, *_args) -> None:
        """The view's width changed (it follows the widget's only after a layout pass, so the
        widget's own resize event is too early to measure)."""
        if self._title and abs(self._plot.vb.width() - self._fitted_width) > 0.5:
            self._fitted_width = self._plot.vb.width()
            fit_title(self._plot, self._title)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if isinstance(self._plot.legend, TidyLegend):
            self._plot.legend.request_placement()
