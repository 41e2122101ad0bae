"""A batch of small grey images (8×8 digits, decoded samples) tiled into one picture.

The images are tiled into one array shown by one ``ImageItem``: one blit per repaint however many
images there are, where an item per image would cost a paint call and a layout entry each.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from .plot_style import PlotHost

GAP = 1
_GREY = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])


def grid_columns(n: int, n_cols: int | None = None) -> int:
    """Columns of the tiling: ``n_cols`` (at most ``n``) or the smallest square that holds ``n``."""
    if n_cols is None:
        return max(1, math.ceil(math.sqrt(n)))
    if n_cols < 1:
        raise ValueError(f"n_cols must be at least 1, got {n_cols}")
    return max(1, min(int(n_cols), n))


def tile_images(images: np.ndarray, n_cols: int, gap_value: float = 0.5) -> np.ndarray:
    """Images ``(n, h, w)`` laid out row by row in one ``(rows·(h+1)−1, n_cols·(w+1)−1)`` array.

    Tiles are parted by 1-pixel gaps of ``gap_value``, and the unused cells of the last row are
    filled with it too.  NaN becomes 0 and values are clipped to [0, 1], the range shown.
    """
    n, h, w = images.shape
    if n == 0:
        return np.zeros((0, 0))
    rows = math.ceil(n / n_cols)
    cells = np.full((rows * n_cols, h + GAP, w + GAP), float(gap_value))
    clean = np.nan_to_num(images, nan=0.0, posinf=1.0, neginf=0.0)
    cells[:n, :h, :w] = np.clip(clean, 0.0, 1.0)
    tiled = cells.reshape(rows, n_cols, h + GAP, w + GAP).transpose(0, 2, 1, 3)
    return tiled.reshape(rows * (h + GAP), n_cols * (w + GAP))[:-GAP, :-GAP].copy()


class ImageGrid(PlotHost):
    """Grey images with values in [0, 1], tiled upright (row 0 of each image at the top).

    The view inverts its y axis, so view coordinates are (column, row) of :meth:`image_array`;
    ``ImageItem`` indexes its array as ``[x, y]``, hence the transpose handed to it.  The grey map
    and its levels (0, 1) are fixed so that brightness means the same in every batch.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, title: str | None = None,
                 gap_value: float = 0.5, background=None):
        super().__init__(parent, background=background)
        self._gap_value = float(gap_value)
        self._tiled = np.zeros((0, 0))
        self._captions: list[pg.TextItem] = []
        self._item = pg.ImageItem()
        self._item.setColorMap(_GREY)
        self._plot.addItem(self._item)
        view = self._plot.getViewBox()
        view.invertY(True)
        view.setAspectLocked(True, ratio=1.0)
        self._plot.hideAxis("left")
        self._plot.hideAxis("bottom")
        if title:
            self.set_title(title)

    @property
    def image_item(self) -> pg.ImageItem:
        return self._item

    def set_images(self, images: np.ndarray, titles: list[str] | None = None,
                   n_cols: int | None = None) -> None:
        """Show ``images`` (n, h, w), or one (h, w) image; an empty batch clears the view.
        ``titles``, one per image, are written small in each tile's top-left corner."""
        stack = np.asarray(images, dtype=np.float64)
        if stack.size == 0:
            stack = np.zeros((0, 1, 1))
        elif stack.ndim == 2:
            stack = stack[None]
        if stack.ndim != 3:
            raise ValueError(f"images must have shape (n, h, w), got {stack.shape}")
        if titles is not None and len(titles) != len(stack):
            raise ValueError(f"{len(titles)} titles for {len(stack)} images")
        cols = grid_columns(len(stack), n_cols)
        self._tiled = tile_images(stack, cols, self._gap_value)
        self._clear_captions()
        if self._tiled.size == 0:
            self._item.clear()
            return
        self._item.setImage(self._tiled.T, levels=(0.0, 1.0), autoLevels=False)
        h, w = stack.shape[1:]
        for k, text in enumerate(titles or []):
            row, col = divmod(k, cols)
            self._add_caption(str(text), col * (w + GAP), row * (h + GAP))

    def image_array(self) -> np.ndarray:
        """The tiled array shown, row 0 at the top (for tests and export)."""
        return self._tiled.copy()

    def captions(self) -> list[str]:
        return [item.textItem.toPlainText() for item in self._captions]

    def _add_caption(self, text: str, x: float, y: float) -> None:
        caption = pg.TextItem(text, color=(255, 210, 60), anchor=(0, 0))
        font = caption.textItem.font()
        font.setPointSizeF(7.0)
        caption.setFont(font)
        caption.setPos(x, y)
        self._plot.addItem(caption, ignoreBounds=True)
        self._captions.append(caption)

    def _clear_captions(self) -> None:
        for caption in self._captions:
            self._plot.removeItem(caption)
        self._captions.clear()
