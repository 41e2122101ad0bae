"""A matrix as a heat map with a colour bar: a correlation matrix, a confusion matrix, a 2-D loss grid.

Cells are coloured here rather than by the ``ImageItem``'s lookup table, so a non-finite cell gets a
neutral grey instead of whatever its NaN happens to map to; the colour bar only displays the scale.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .colored_curve import auto_levels, colorbar_beside
from .plot_style import PlotHost

SEQUENTIAL = "viridis"
DIVERGING = "CET-D1"
NAN_RGBA = (128, 128, 128, 255)
ANNOTATE_MAX = 12
N_COLORS = 256


def is_signed(m: np.ndarray) -> bool:
    """True when the finite values straddle zero: data to show on a diverging map."""
    finite = m[np.isfinite(m)]
    return finite.size > 0 and finite.min() < 0.0 < finite.max()


def colour_levels(m: np.ndarray, diverging: bool) -> tuple[float, float]:
    """(lo, hi) of the finite values; symmetric about zero on a diverging map, so white means 0."""
    if not diverging:
        return auto_levels(m)
    finite = np.abs(m[np.isfinite(m)])
    top = float(finite.max()) if finite.size else 0.0
    return (-top, top) if top > 0.0 else (-1.0, 1.0)


def colourize(m: np.ndarray, cmap: pg.ColorMap, levels: tuple[float, float]) -> np.ndarray:
    """RGBA bytes (rows, cols, 4) of ``m`` on ``cmap`` clipped to ``levels``; non-finite cells grey."""
    lut = cmap.getLookupTable(0.0, 1.0, nPts=N_COLORS, alpha=True)
    ok = np.isfinite(m)
    t = np.clip((np.where(ok, m, levels[0]) - levels[0]) / (levels[1] - levels[0]), 0.0, 1.0)
    rgba = lut[np.minimum((t * N_COLORS).astype(np.int64), N_COLORS - 1)]
    rgba[~ok] = NAN_RGBA
    return rgba


def format_cell(value: float) -> str:
    return f"{value:.2g}" if np.isfinite(value) else str(value)


class HeatMap(PlotHost):
    """A matrix heat map with a colour bar and, for matrices up to 12×12, each cell's value.

    By default row 0 is at the top, as a matrix is printed, with square cells.  After
    :meth:`set_extent` the matrix is a surface sampled on a grid: ``m[i, j]`` is the value in the
    cell at column j along x and row i along y, row 0 at the bottom, ``y0``, as on any plot.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, colorbar_title: str = "",
                 annotate: bool = True, sequential_map: str = SEQUENTIAL, diverging_map: str = DIVERGING,
                 background=None):
        super().__init__(parent, background=background)
        self._maps = {False: pg.colormap.get(sequential_map), True: pg.colormap.get(diverging_map)}
        self._annotate = annotate
        self._m = np.zeros((0, 0))
        self._levels = (0.0, 1.0)
        self._diverging = False
        self._labels: tuple[list[str] | None, list[str] | None] = (None, None)
        self._extent: QtCore.QRectF | None = None
        self._texts: list[pg.TextItem] = []
        self._font = QtGui.QFont(self.font().family(), 8)
        self._item = pg.ImageItem()
        self._plot.addItem(self._item)
        self._bar = _add_colorbar(self._plot, self._maps[False], colorbar_title)
        self._redraw()

    @property
    def image_item(self) -> pg.ImageItem:
        return self._item

    @property
    def colorbar(self) -> pg.ColorBarItem:
        return self._bar

    def set_matrix(self, m, row_labels: list[str] | None = None, col_labels: list[str] | None = None,
                   levels: tuple[float, float] | None = None, diverging: bool | None = None) -> None:
        """Show ``m`` (2-D; a 1-D array is one row).  ``diverging`` None picks the diverging map
        when the data straddle zero; ``levels`` None fits the data (symmetrically if diverging)."""
        m = np.array(m, dtype=np.float64)
        m = m[None, :] if m.ndim == 1 else m
        if m.ndim != 2:
            raise ValueError(f"a heat map needs a 2-D matrix, got shape {m.shape}")
        for labels, n, what in ((row_labels, m.shape[0], "row"), (col_labels, m.shape[1], "column")):
            if labels is not None and len(labels) != n:
                raise ValueError(f"{len(labels)} {what} labels for {n} {what}s")
        if levels is not None and not float(levels[1]) > float(levels[0]):
            raise ValueError(f"colour levels need low < high, got {tuple(levels)}")
        self._m = m
        self._diverging = is_signed(m) if diverging is None else bool(diverging)
        self._levels = (tuple(map(float, levels)) if levels is not None
                        else colour_levels(m, self._diverging))
        self._labels = (row_labels, col_labels)
        self._redraw()

    def set_extent(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """Place the matrix on the rectangle [x0, x1] × [y0, y1] (the outer cell edges) in data
        coordinates, row 0 at y0."""
        if not (x1 > x0 and y1 > y0):
            raise ValueError(f"extent needs x0 < x1 and y0 < y1, got {(x0, x1, y0, y1)}")
        self._extent = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self._redraw()

    def clear_extent(self) -> None:
        """Back to matrix layout: unit cells, row 0 at the top."""
        self._extent = None
        self._redraw()

    def matrix(self) -> np.ndarray:
        return self._m.copy()

    def levels(self) -> tuple[float, float]:
        return self._levels

    def is_diverging(self) -> bool:
        return self._diverging

    def annotations(self) -> list[str]:
        """The cell texts shown, row by row ([] when the matrix is too big to annotate)."""
        return [t.textItem.toPlainText() for t in self._texts]

    def _redraw(self) -> None:
        view = self._plot.getViewBox()
        view.invertY(self._extent is None)
        view.setAspectLocked(self._extent is None, ratio=1.0)
        cmap = self._maps[self._diverging]
        self._bar.setColorMap(cmap)
        self._bar.setLevels(values=self._levels)
        for text in self._texts:
            self._plot.removeItem(text)
        self._texts.clear()
        if self._m.size == 0:
            self._item.clear()
            self._set_ticks([], [])
            return
        rgba = colourize(self._m, cmap, self._levels)
        self._item.setImage(rgba.transpose(1, 0, 2), levels=(0, 255), autoLevels=False)
        n_rows, n_cols = self._m.shape
        rect = QtCore.QRectF(0, 0, n_cols, n_rows) if self._extent is None else self._extent
        self._item.setRect(rect)
        rows = rect.top() + (np.arange(n_rows) + 0.5) * rect.height() / n_rows
        cols = rect.left() + (np.arange(n_cols) + 0.5) * rect.width() / n_cols
        self._set_ticks(rows, cols)
        if self._annotate and max(self._m.shape) <= ANNOTATE_MAX:
            self._add_annotations(rgba, rows, cols)

    def _set_ticks(self, rows, cols) -> None:
        for side, labels, centres in (("left", self._labels[0], rows), ("bottom", self._labels[1], cols)):
            ticks = [list(zip(centres, map(str, labels)))] if labels is not None and len(centres) else None
            self._plot.getAxis(side).setTicks(ticks)

    def _add_annotations(self, rgba: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
        for i, y in enumerate(rows):
            for j, x in enumerate(cols):
                color = (0, 0, 0) if luminance[i, j] > 140 else (255, 255, 255)
                text = pg.TextItem(format_cell(self._m[i, j]), color=color, anchor=(0.5, 0.5))
                text.setFont(self._font)
                text.setPos(x, y)
                self._plot.addItem(text, ignoreBounds=True)
                self._texts.append(text)


def _add_colorbar(plot_item: pg.PlotItem, cmap: pg.ColorMap, title: str) -> pg.ColorBarItem:
    """A display-only colour bar right of ``plot_item``; its levels follow ``set_matrix``."""
    return colorbar_beside(plot_item, cmap, (0.0, 1.0), title)
