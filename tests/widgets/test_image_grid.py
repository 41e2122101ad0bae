"""ImageGrid: tiling with 1-pixel gaps, upright orientation on screen, empty batches and NaN."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui

from widgets.image_grid import ImageGrid, grid_columns, tile_images


@pytest.fixture
def grid(qtbot):
    g = ImageGrid(title="samples", gap_value=0.25)
    qtbot.addWidget(g)
    g.resize(400, 400)
    g.show()
    qtbot.waitExposed(g)
    return g


def _batch(n: int, h: int, w: int) -> np.ndarray:
    """Image k holds the constant (k + 1) / 10, so every tile is recognisable."""
    return np.broadcast_to(((np.arange(n) + 1) / 10.0)[:, None, None], (n, h, w)).copy()


def test_tiles_land_in_row_major_cells_with_gaps(grid):
    images = _batch(5, 3, 4)
    grid.set_images(images)
    tiled = grid.image_array()
    assert tiled.shape == (2 * 4 - 1, 3 * 5 - 1)  # ceil(sqrt(5)) = 3 columns, 2 rows
    for k in range(5):
        r, c = divmod(k, 3)
        np.testing.assert_array_equal(tiled[r * 4:r * 4 + 3, c * 5:c * 5 + 4], images[k])
    assert (tiled[3, :] == 0.25).all() and (tiled[:, 4] == 0.25).all() and (tiled[:, 9] == 0.25).all()
    assert (tiled[4:, 10:] == 0.25).all()  # the unused sixth cell
    np.testing.assert_array_equal(grid.image_item.image, tiled.T)
    assert tuple(grid.image_item.getLevels()) == (0.0, 1.0)


def test_n_cols_sets_the_layout(grid):
    grid.set_images(_batch(5, 3, 4), n_cols=2)
    assert grid.image_array().shape == (3 * 4 - 1, 2 * 5 - 1)
    assert grid.image_array()[4, 5] == pytest.approx(0.4)  # image 3: row 1, column 1
    grid.set_images(_batch(3, 3, 4), n_cols=10)
    assert grid.image_array().shape == (3, 3 * 5 - 1)
    assert grid_columns(10) == 4 and grid_columns(9) == 3 and grid_columns(1) == 1
    with pytest.raises(ValueError, match="n_cols"):
        grid.set_images(_batch(3, 3, 4), n_cols=0)


def _screen_value(grid: ImageGrid, col: float, row: float) -> int:
    """Grey level (0–255) painted on screen at the centre of tiled pixel (row, col)."""
    scene = grid.image_item.mapToScene(QtCore.QPointF(col + 0.5, row + 0.5))
    pixel = grid.plot_widget.mapFromScene(scene)
    return QtGui.qGray(grid.plot_widget.viewport().grab().toImage().pixel(pixel))


def test_images_are_upright_on_screen(grid, qtbot):
    image = np.zeros((4, 6))
    image[0, 0] = 1.0   # top-left: white
    image[0, 5] = 0.5   # top-right: grey; a transposed or mirrored picture moves one of them
    grid.set_images(image[None])
    grid.plot_item.getViewBox().autoRange(padding=0.0)
    qtbot.wait(20)
    top_left = grid.image_item.mapToScene(QtCore.QPointF(0.5, 0.5))
    bottom_right = grid.image_item.mapToScene(QtCore.QPointF(5.5, 3.5))
    assert top_left.x() < bottom_right.x() and top_left.y() < bottom_right.y()
    assert _screen_value(grid, 0, 0) > 230
    assert 100 < _screen_value(grid, 5, 0) < 160
    assert _screen_value(grid, 0, 3) < 25 and _screen_value(grid, 5, 3) < 25


def test_empty_batch_clears(grid):
    grid.set_images(_batch(4, 2, 2), titles=list("abcd"))
    grid.set_images(np.zeros((0, 8, 8)))
    assert grid.image_array().shape == (0, 0)
    assert grid.image_item.image is None and grid.captions() == []
    grid.set_images([])
    assert grid.image_array().size == 0


def test_nan_is_shown_as_zero_and_values_are_clipped(grid):
    images = np.full((2, 2, 2), 0.5)
    images[0, 1, 1] = np.nan
    images[1, 0, 0] = 3.0
    grid.set_images(images)
    tiled = grid.image_array()
    assert tiled[1, 1] == 0.0 and tiled[0, 3] == 1.0
    assert np.isfinite(grid.image_item.image).all()


def test_titles_sit_in_their_tiles(grid):
    grid.set_images(_batch(3, 8, 8), titles=["0", "7", "3"], n_cols=2)
    assert grid.captions() == ["0", "7", "3"]
    captions = [i for i in grid.plot_item.items if isinstance(i, pg.TextItem)]
    assert sorted((c.pos().x(), c.pos().y()) for c in captions) == [(0, 0), (0, 9), (9, 0)]
    with pytest.raises(ValueError, match="titles"):
        grid.set_images(_batch(3, 8, 8), titles=["x"])
    assert grid.plot_item.titleLabel.text == "samples"


def test_single_image_and_bad_shape(grid):
    grid.set_images(np.eye(3))
    np.testing.assert_array_equal(grid.image_array(), np.eye(3))
    with pytest.raises(ValueError, match="shape"):
        grid.set_images(np.zeros((2, 3, 4, 5)))
    assert tile_images(np.zeros((0, 2, 2)), 1).shape == (0, 0)
