"""SurfaceView3D under a real X server: a surface coloured by height, a path on it, heights scaled
to the axes and clipped to the levels, and a view that survives a new GL context.

OpenGL does not render under QT_QPA_PLATFORM=offscreen, so these tests skip without a DISPLAY;
run them with ``xvfb-run -a -s "-screen 0 1280x1024x24"`` and QT_QPA_PLATFORM unset.
"""
from __future__ import annotations


import numpy as np
import pytest

from tests.gl import GL_ONLY

pytestmark = GL_ONLY

BACKGROUND = (246, 247, 249)
AXIS = np.linspace(-2.0, 2.0, 31)


def bowl():
    X, Y = np.meshgrid(AXIS, AXIS, indexing="ij")
    return 1.0 + X**2 + 0.5 * Y**2


def pixels(image):
    import pyqtgraph as pg
    from PySide6 import QtGui

    img = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    return pg.functions.ndarray_from_qimage(img)[..., :3].astype(int).copy()


def count_near(img, rgb, tol=60):
    return int((np.abs(img - np.asarray(rgb, dtype=int)).sum(axis=-1) < tol).sum())


def not_background(img):
    return int((np.abs(img - np.array(BACKGROUND)).sum(axis=-1) > 30).sum())


@pytest.fixture
def view(qtbot):
    from widgets.surface_view3d import SurfaceView3D

    v = SurfaceView3D(background=BACKGROUND)
    qtbot.addWidget(v)
    v.resize(360, 320)
    v.show()
    qtbot.waitExposed(v)
    v.set_surface(bowl(), AXIS, AXIS)
    return v


def test_surface_is_drawn_and_coloured_by_height(view):
    import pyqtgraph as pg

    img = pixels(view.grab_image())
    assert not_background(img) > 0.2 * img.shape[0] * img.shape[1]
    cmap = pg.colormap.get("viridis")
    top = cmap.map(1.0, mode="byte")[:3]
    assert count_near(img, top, tol=90) > 20, "the high corners are not yellow"


def test_heights_span_the_axes_and_clip_to_the_levels(view):
    assert view.levels() == (1.0, 7.0)
    assert view.height_scale() == pytest.approx(0.5 * 4.0)
    np.testing.assert_allclose(view.heights([1.0, 4.0, 7.0, 100.0, np.inf, np.nan, -np.inf]),
                               [0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 0.0])
    view.set_surface(bowl(), AXIS, AXIS, levels=(0.0, 14.0))
    assert view.heights([7.0])[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shape"):
        view.set_surface(np.zeros((3, 4)), np.arange(4.0), np.arange(3.0))


def test_path_is_drawn_on_the_surface(view):
    before = pixels(view.grab_image())
    t = np.linspace(0.0, 1.0, 40)
    xy = np.column_stack([1.8 * (1 - t), 1.5 * (1 - t) * np.cos(3 * t)])
    view.set_path(np.vstack([[[5.0, 5.0]], xy]))  # the first point is off the grid: not drawn
    after = pixels(view.grab_image())
    red = (230, 61, 41)
    assert count_near(after, red) > 30 + count_near(before, red)
    line = view._line.pos.reshape(-1, 2, 3)
    assert len(line) == len(xy) - 1
    on_surface = view.heights(1.0 + line[:, 0, 0] ** 2 + 0.5 * line[:, 0, 1] ** 2)
    np.testing.assert_allclose(line[:, 0, 2], on_surface + 0.01 * view.height_scale(), atol=0.03)
    view.set_path(np.zeros((0, 3)))
    assert not view._line.visible() and not view._end.visible()


def test_survives_a_new_gl_context(view, qtbot):
    from PySide6 import QtWidgets

    before = not_background(pixels(view.grab_image()))
    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    QtWidgets.QVBoxLayout(window).addWidget(view)
    window.resize(370, 330)
    window.show()
    qtbot.waitExposed(window)
    after = not_background(pixels(view.grab_image()))
    view.setParent(None)
    assert after > 0.5 * before


def test_two_views_in_separate_windows_both_render(view, qtbot):
    from widgets.surface_view3d import SurfaceView3D

    other = SurfaceView3D(background=BACKGROUND)
    qtbot.addWidget(other)
    other.resize(240, 240)
    other.show()
    qtbot.waitExposed(other)
    other.set_surface(-bowl(), AXIS, AXIS)
    other.set_axis_labels("d₁", "d₂")
    for v in (view, other):
        assert not_background(pixels(v.grab_image())) > 1000


def test_clear_and_dark_background(view):
    view.set_background((27, 29, 32))
    assert view._grid.color().lightnessF() > 0.5
    view.clear()
    img = pixels(view.grab_image())
    assert count_near(img, (27, 29, 32), tol=30) > 0.95 * img.shape[0] * img.shape[1]
