"""What the plot widgets share: the host widget around a PlotWidget, and the grid policy."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtWidgets


def set_grid(plot_item: pg.PlotItem, on: bool, alpha: float = 0.15) -> None:
    """Grid lines on or off.

    Off by default: pyqtgraph draws the grid through its axes at every tick level, which costs
    ~10 ms per repaint of a mid-sized plot on a software-rendered screen, more than everything
    else in the plot; a live view that redraws at frame rate cannot afford it.  The user can
    still switch it on from the plot's context menu (Plot Options ▸ Grid).
    """
    plot_item.showGrid(x=on, y=on, alpha=alpha)


class PlotHost(QtWidgets.QWidget):
    """A QWidget around one ``pg.PlotWidget``: the part every plot widget here shares.

    Axes show plain numbers (no SI-prefix rescaling: the labels carry the units) and the grid is
    off unless asked for (see ``set_grid``).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, background=None, grid: bool = False):
        super().__init__(parent)
        self._widget = pg.PlotWidget(background=background)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._widget)
        self._plot = self._widget.getPlotItem()
        set_grid(self._plot, grid)
        for side in ("bottom", "left"):
            self._plot.getAxis(side).enableAutoSIPrefix(False)

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._plot

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._widget

    def set_labels(self, bottom: str, left: str) -> None:
        self._plot.setLabel("bottom", bottom)
        self._plot.setLabel("left", left)

    def set_title(self, title: str) -> None:
        self._plot.setTitle(title)
