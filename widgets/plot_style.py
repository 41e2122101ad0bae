"""Plot styling shared by the plot widgets."""
from __future__ import annotations

import pyqtgraph as pg


def set_grid(plot_item: pg.PlotItem, on: bool, alpha: float = 0.15) -> None:
    """Grid lines on or off.

    Off by default: pyqtgraph draws the grid through its axes at every tick level, which costs
    ~10 ms per repaint of a mid-sized plot on a software-rendered screen, more than everything
    else in the plot; a live view that redraws at frame rate cannot afford it.  The user can
    still switch it on from the plot's context menu (Plot Options ▸ Grid).
    """
    plot_item.showGrid(x=on, y=on, alpha=alpha)
