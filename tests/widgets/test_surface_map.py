"""SurfaceMap: z[i, j] at (x[i], y[j]) on screen, contours where they belong, non-finite values
clipped to the scale, a path with its last point marked, the hover read-out, nearest filling."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from widgets.surface_map import SurfaceMap, contour_segments, displayable, fill_nearest

AXIS = np.linspace(-1.0, 1.0, 41)


@pytest.fixture
def surface_map(qtbot):
    m = SurfaceMap(colorbar_title="value")
    qtbot.addWidget(m)
    m.resize(460, 400)
    m.show()
    qtbot.waitExposed(m)
    return m


def bowl(x=AXIS, y=AXIS):
    X, Y = np.meshgrid(x, y, indexing="ij")
    return X**2 + Y**2


def screen_rgb(m: SurfaceMap, x: float, y: float) -> np.ndarray:
    pixel = m.plot_widget.mapFromScene(m.plot_item.getViewBox().mapViewToScene(pg.Point(x, y)))
    color = m.plot_widget.viewport().grab().toImage().pixelColor(pixel)
    return np.array([color.red(), color.green(), color.blue()])


def cmap_rgb(m: SurfaceMap, t: float) -> np.ndarray:
    return np.array(m.colorbar.colorMap().map(t, mode="byte")[:3], dtype=int)


def test_first_index_runs_along_x_second_along_y(surface_map, qtbot):
    x, y = np.linspace(0.0, 4.0, 5), np.linspace(10.0, 12.0, 3)
    z = np.repeat(x[:, None], y.size, axis=1)  # grows along x only
    surface_map.set_contour_levels(0)
    surface_map.set_field(z, x, y)
    qtbot.wait(20)
    assert surface_map.image_item.image.shape == (5, 3, 4)
    assert np.abs(screen_rgb(surface_map, 0.0, 11.0) - cmap_rgb(surface_map, 0.0)).max() < 10
    assert np.abs(screen_rgb(surface_map, 4.0, 11.0) - cmap_rgb(surface_map, 1.0)).max() < 10
    left = surface_map.plot_item.getViewBox().mapViewToScene(pg.Point(0.0, 11.0))
    right = surface_map.plot_item.getViewBox().mapViewToScene(pg.Point(4.0, 11.0))
    assert left.x() < right.x()
    surface_map.set_field(np.repeat(y[None, :], x.size, axis=0), x, y)  # grows along y only
    qtbot.wait(20)
    assert np.abs(screen_rgb(surface_map, 2.0, 10.0) - cmap_rgb(surface_map, 0.0)).max() < 10
    assert np.abs(screen_rgb(surface_map, 2.0, 12.0) - cmap_rgb(surface_map, 1.0)).max() < 10
    rect = surface_map.image_item.mapRectToView(surface_map.image_item.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((-0.5, 4.5, 9.5, 12.5))


def test_bad_shapes_levels_and_uneven_axes_are_rejected(surface_map):
    with pytest.raises(ValueError, match="shape"):
        surface_map.set_field(np.zeros((3, 4)), np.arange(4.0), np.arange(3.0))
    with pytest.raises(ValueError, match="low < high"):
        surface_map.set_field(np.zeros((2, 2)), [0, 1], [0, 1], levels=(1, 1))
    with pytest.raises(ValueError, match="evenly spaced"):
        surface_map.set_field(np.zeros((3, 2)), [0, 1, 3], [0, 1])
    with pytest.raises(ValueError, match=">= 0"):
        surface_map.set_contour_levels(-1)


def test_contours_count_and_position(surface_map):
    surface_map.set_contour_levels(4)
    surface_map.set_field(bowl(), AXIS, AXIS, levels=(0.0, 2.0))
    levels = surface_map.contour_levels()
    np.testing.assert_allclose(levels, [0.4, 0.8, 1.2, 1.6])
    segments = surface_map.contour_segments()
    assert sorted(segments) == pytest.approx(list(levels))
    for level in (0.4, 0.8):  # circles inside the square: x² + y² = level
        seg = next(v for k, v in segments.items() if np.isclose(k, level))
        radius = np.hypot(seg[..., 0], seg[..., 1])
        assert len(seg) > 20
        np.testing.assert_allclose(radius, np.sqrt(level), atol=0.01)
    surface_map.set_contour_levels([0.5])
    assert list(surface_map.contour_levels()) == [0.5]
    x, y = surface_map._contour_item.getData()
    assert x.size == 2 * len(surface_map.contour_segments()[0.5]) and np.isfinite(x).all()
    surface_map.set_contour_levels(0)
    assert surface_map.contour_segments() == {}
    assert surface_map._contour_item.getData()[0].size == 0


def test_marching_squares_on_a_saddle_and_a_plane():
    X, Y = np.meshgrid(np.arange(4.0) - 1.5, np.arange(4.0) - 1.5, indexing="ij")
    seg = contour_segments(X * Y, 0.0)
    assert len(seg) == 6  # the two axes through the centre, cut into cells; the saddle gives two
    pts = seg.reshape(-1, 2)
    assert np.all(np.isclose(pts[:, 0], 1.5) | np.isclose(pts[:, 1], 1.5))
    plane = contour_segments(X + 0.0 * Y, 0.25)
    assert len(plane) == 3 and np.allclose(plane[..., 0], 1.75)
    assert contour_segments(X, 10.0).shape == (0, 2, 2)


def test_non_finite_values_are_clipped_to_the_scale(surface_map):
    z = bowl()
    z[0, 0], z[0, 1], z[40, 40], z[20, 20] = np.nan, np.inf, np.inf, -np.inf
    surface_map.set_field(z, AXIS, AXIS)
    lo, hi = surface_map.levels()
    finite = z[np.isfinite(z)]
    assert (lo, hi) == (finite.min(), finite.max())
    image = surface_map.image_item.image
    top, bottom = cmap_rgb(surface_map, 1.0), cmap_rgb(surface_map, 0.0)
    for i, j in ((0, 0), (0, 1), (40, 40)):
        assert np.abs(image[i, j, :3].astype(int) - top).max() <= 3
    assert np.abs(image[20, 20, :3].astype(int) - bottom).max() <= 3
    x, y = surface_map._contour_item.getData()
    assert x.size > 0 and np.isfinite(x).all() and np.isfinite(y).all()
    assert np.isnan(surface_map.field()[0][0, 0])
    shown = displayable(z, (lo, hi))
    assert np.isfinite(shown).all() and shown[0, 0] == hi and shown[20, 20] == lo
    surface_map.set_field(np.full((3, 3), np.nan), [0, 1, 2], [0, 1, 2])
    assert surface_map.levels()[0] < surface_map.levels()[1]


def test_fill_nearest_fills_a_coarse_grid_and_keeps_infinities():
    z = np.full((9, 9), np.nan)
    coarse = np.arange(9.0).reshape(3, 3)
    z[::4, ::4] = coarse
    z[8, 8] = np.inf
    filled = fill_nearest(z)
    assert not np.isnan(filled).any()
    assert filled[1, 1] == coarse[0, 0] and filled[3, 5] == coarse[1, 1] and filled[7, 1] == coarse[2, 0]
    assert filled[7, 7] == np.inf
    assert np.isnan(z[1, 1])  # the input is untouched
    assert np.isnan(fill_nearest(np.full((2, 2), np.nan))).all()


def test_path_line_dots_and_highlighted_end(surface_map):
    surface_map.set_field(bowl(), AXIS, AXIS)
    xy = np.column_stack([np.linspace(0.8, 0.0, 7), np.linspace(-0.5, 0.0, 7)])
    surface_map.set_path(xy)
    np.testing.assert_allclose(surface_map.path(), xy)
    x, y = surface_map._line.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), xy)
    assert len(surface_map._dots.data) == 7
    end = surface_map._end.data[0]
    assert (end["x"], end["y"]) == (0.0, 0.0)
    assert surface_map.marker() == pytest.approx((0.0, 0.0))
    surface_map.set_path(np.zeros((0, 2)))
    assert len(surface_map._end.data) == 0 and len(surface_map._dots.data) == 0
    surface_map.set_marker(None)
    assert surface_map.marker() is None and len(surface_map._centre.data) == 0
    surface_map.set_marker((0.3, 0.2))
    surface_map.set_field(bowl(), AXIS, AXIS)
    assert surface_map.marker() == (0.3, 0.2)


def test_hover_reads_the_cell_under_the_mouse(surface_map, qtbot):
    surface_map.set_field(bowl(), AXIS, AXIS)
    surface_map.set_value_format(lambda v: f"value {v:.3f}")
    qtbot.wait(20)
    scene_pos = surface_map.plot_item.getViewBox().mapViewToScene(pg.Point(0.5, -0.25))
    surface_map.plot_item.scene().sigMouseMoved.emit(scene_pos)
    assert surface_map.hover_text() == "x = 0.5\ny = -0.25\nvalue 0.312"
    assert surface_map.value_at(0.5, -0.25) == pytest.approx(0.3125)
    assert np.isnan(surface_map.value_at(3.0, 0.0))
    outside = surface_map.plot_item.getViewBox().mapViewToScene(pg.Point(5.0, 0.0))
    surface_map.plot_item.scene().sigMouseMoved.emit(outside)
    assert surface_map.hover_text() == ""


def test_shared_levels_clear_and_series(surface_map):
    surface_map.set_field(bowl(), AXIS, AXIS, levels=(-1.0, 5.0))
    assert surface_map.levels() == (-1.0, 5.0) and tuple(surface_map.colorbar.levels()) == (-1.0, 5.0)
    surface_map.set_path([[0.1, 0.2], [0.0, 0.0]])
    series = surface_map.series_data()
    np.testing.assert_allclose(series["cut along x"][1], AXIS**2)
    assert set(series) == {"path", "cut along x", "cut along y"}
    surface_map.clear()
    assert surface_map.image_item.image is None and surface_map.path().shape == (0, 2)
    assert surface_map.contour_segments() == {} and surface_map.hover_text() == ""
