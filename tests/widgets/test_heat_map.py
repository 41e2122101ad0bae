"""HeatMap: row 0 on top, symmetric levels for signed data, cell annotations, non-finite cells."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore

from widgets.heat_map import NAN_RGBA, HeatMap, colour_levels, format_cell


@pytest.fixture
def make(qtbot):
    def build(**kwargs) -> HeatMap:
        h = HeatMap(colorbar_title="value", **kwargs)
        qtbot.addWidget(h)
        h.resize(450, 400)
        h.show()
        qtbot.waitExposed(h)
        return h
    return build


def _screen_rgb(h: HeatMap, x: float, y: float) -> tuple[int, int, int]:
    """Colour painted on screen at view point (x, y)."""
    pixel = h.plot_widget.mapFromScene(h.plot_item.getViewBox().mapViewToScene(pg.Point(x, y)))
    color = h.plot_widget.viewport().grab().toImage().pixelColor(pixel)
    return color.red(), color.green(), color.blue()


def _cell_rgba(h: HeatMap, row: int, col: int) -> tuple[int, ...]:
    return tuple(int(v) for v in h.image_item.image[col, row])  # ImageItem indexes [x, y]


def test_row_zero_is_at_the_top(make, qtbot):
    h = make(annotate=False)
    m = np.zeros((2, 3))
    m[0, 0] = 1.0
    h.set_matrix(m)
    h.plot_item.getViewBox().autoRange(padding=0.0)
    qtbot.wait(20)
    np.testing.assert_array_equal(h.matrix(), m)
    assert h.image_item.image.shape == (3, 2, 4)
    top = h.colorbar.colorMap().map(1.0, mode="byte")[:3]
    bottom = h.colorbar.colorMap().map(0.0, mode="byte")[:3]
    assert np.abs(np.subtract(_screen_rgb(h, 0.5, 0.5), top)).max() < 8
    assert np.abs(np.subtract(_screen_rgb(h, 0.5, 1.5), bottom)).max() < 8
    row0 = h.plot_item.getViewBox().mapViewToScene(pg.Point(0.5, 0.5))
    row1 = h.plot_item.getViewBox().mapViewToScene(pg.Point(0.5, 1.5))
    assert row0.y() < row1.y()


def test_extent_places_a_surface_with_row_zero_at_the_bottom(make):
    h = make()
    h.set_matrix(np.arange(12.0).reshape(3, 4))
    h.set_extent(-2.0, 2.0, 10.0, 16.0)
    assert h.image_item.mapRectToView(h.image_item.boundingRect()) == QtCore.QRectF(-2, 10, 4, 6)
    vb = h.plot_item.getViewBox()
    assert not vb.yInverted() and not vb.state["aspectLocked"]
    texts = [t for t in h.plot_item.items if isinstance(t, pg.TextItem)]
    first = next(t for t in texts if t.textItem.toPlainText() == "0")
    assert (first.pos().x(), first.pos().y()) == (-1.5, 11.0)
    assert vb.mapViewToScene(pg.Point(0, 11.0)).y() > vb.mapViewToScene(pg.Point(0, 15.0)).y()
    with pytest.raises(ValueError, match="extent"):
        h.set_extent(1, 0, 0, 1)
    h.clear_extent()
    assert vb.yInverted() and h.image_item.mapRectToView(h.image_item.boundingRect()) == QtCore.QRectF(0, 0, 4, 3)


def test_signed_data_gets_symmetric_levels_on_a_diverging_map(make):
    h = make()
    m = np.array([[1.0, -0.3], [-0.3, 0.8], [0.0, 0.2]])
    h.set_matrix(m)
    assert h.is_diverging() and h.levels() == (-1.0, 1.0)
    assert tuple(h.colorbar.levels()) == (-1.0, 1.0)
    white = _cell_rgba(h, 2, 0)[:3]  # the 0 cell takes the diverging map's light centre
    assert min(white) > 200
    h.set_matrix(np.abs(m))
    assert not h.is_diverging() and h.levels() == (0.0, 1.0)
    h.set_matrix(m, diverging=False)
    assert h.levels() == (-0.3, 1.0)
    h.set_matrix(m, levels=(-2, 2))
    assert h.levels() == (-2.0, 2.0) and h.is_diverging()
    with pytest.raises(ValueError, match="low < high"):
        h.set_matrix(m, levels=(1, 1))
    assert colour_levels(np.array([[0.5, -2.0]]), True) == (-2.0, 2.0)


def test_small_matrices_are_annotated_big_ones_not(make):
    h = make()
    m = np.arange(144.0).reshape(12, 12) / 7
    h.set_matrix(m)
    assert h.annotations() == [format_cell(v) for v in m.ravel()]
    texts = [t for t in h.plot_item.items if isinstance(t, pg.TextItem)]
    assert len(texts) == 144
    assert {(t.pos().x(), t.pos().y()) for t in texts} == {(j + 0.5, i + 0.5) for i in range(12) for j in range(12)}
    h.set_matrix(np.zeros((13, 2)))
    assert h.annotations() == []
    assert not [t for t in h.plot_item.items if isinstance(t, pg.TextItem)]
    quiet = make(annotate=False)
    quiet.set_matrix(np.eye(2))
    assert quiet.annotations() == []
    assert format_cell(0.12345) == "0.12" and format_cell(float("nan")) == "nan"


def test_non_finite_cells_are_neutral_and_never_raise(make):
    h = make()
    m = np.array([[np.nan, 1.0], [np.inf, -np.inf], [2.0, 3.0]])
    h.set_matrix(m)
    assert h.levels() == (1.0, 3.0)
    for row, col in ((0, 0), (1, 0), (1, 1)):
        assert _cell_rgba(h, row, col) == NAN_RGBA
    assert _cell_rgba(h, 2, 1) != NAN_RGBA
    assert np.isnan(h.matrix()[0, 0])
    assert h.annotations()[:4] == ["nan", "1", "inf", "-inf"]
    h.set_matrix(np.full((2, 2), np.nan))
    assert h.levels()[0] < h.levels()[1]
    assert {_cell_rgba(h, i, j) for i in range(2) for j in range(2)} == {NAN_RGBA}


def test_tick_labels_and_empty_matrix(make):
    h = make()
    h.set_matrix(np.eye(3), row_labels=["a", "b", "c"], col_labels=["x", "y", "z"])
    assert h.plot_item.getAxis("left")._tickLevels == [[(0.5, "a"), (1.5, "b"), (2.5, "c")]]
    assert h.plot_item.getAxis("bottom")._tickLevels == [[(0.5, "x"), (1.5, "y"), (2.5, "z")]]
    with pytest.raises(ValueError, match="row labels"):
        h.set_matrix(np.eye(3), row_labels=["a"])
    h.set_matrix(np.zeros((0, 0)))
    assert h.image_item.image is None and h.annotations() == []
    assert h.plot_item.getAxis("left")._tickLevels is None
    h.set_matrix([1.0, 2.0])
    assert h.matrix().shape == (1, 2)
