"""A streaming plot of min–max bands: for each named quantity, the range it spans at every x, shaded,
like the probe bands of Santurkar et al.'s Figure 4.

Each band is two ring-buffered series (``NAME min`` and ``NAME max``) with a translucent fill between
them; only the max line appears in the legend, as ``NAME``.  Appending buffers, ``redraw`` shows.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from .live_plot import PALETTE, LivePlot

FILL_ALPHA = 70


class BandPlot(LivePlot):
    def __init__(self, parent: QtWidgets.QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        self._bands: dict[str, pg.FillBetweenItem] = {}

    def add_band(self, name: str, color=None) -> None:
        color = color if color is not None else PALETTE[len(self._bands) % len(PALETTE)]
        lower = self.add_series(f"{name} min", color=color, width=0.8)
        upper = self.add_series(f"{name} max", color=color, width=1.2)
        self.plot_item.legend.removeItem(lower)
        self.plot_item.legend.removeItem(upper)
        self.plot_item.legend.addItem(upper, name)
        fill = pg.mkColor(color)
        fill.setAlpha(FILL_ALPHA)
        band = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(fill))
        self.plot_item.addItem(band)
        self._bands[name] = band

    def remove_band(self, name: str) -> None:
        band = self._bands.pop(name, None)
        if band is not None:
            self.plot_item.removeItem(band)
            self.remove_series(f"{name} min")
            self.remove_series(f"{name} max")

    def bands(self) -> list[str]:
        return list(self._bands)

    def append_band(self, name: str, x, low, high) -> None:
        """Buffer new points of a band; ``low`` ≤ ``high`` element-wise is the caller's promise."""
        if name not in self._bands:
            self.add_band(name)
        self.append(f"{name} min", x, low)
        self.append(f"{name} max", x, high)

    def band_data(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x, low = self.series_data()[f"{name} min"]
        _, high = self.series_data()[f"{name} max"]
        return x, low, high
