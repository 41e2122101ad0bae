"""CurveView3D under a real X server: the picture is not blank and rotation changes it.

OpenGL does not render under QT_QPA_PLATFORM=offscreen, so these tests skip without a DISPLAY;
run them with ``xvfb-run -a -s "-screen 0 1280x1024x24"`` and QT_QPA_PLATFORM unset.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from tests.gl import GL_ONLY

pytestmark = GL_ONLY

BACKGROUND = (246, 247, 249)


def helix(n=400):
    s = np.linspace(0.0, 1.0, n)
    xyz = np.column_stack([0.4 * np.sin(np.pi * s), 0.1 * np.sin(2 * np.pi * s), -s])
    return xyz, 1.0 + s**2


def pixels(image):
    from PySide6 import QtGui
    import pyqtgraph as pg

    img = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    return pg.functions.ndarray_from_qimage(img)[..., :3].astype(int).copy()


@pytest.fixture
def view(qtbot):
    from widgets.curve_view3d import CurveView3D

    v = CurveView3D(background=BACKGROUND)
    qtbot.addWidget(v)
    v.resize(320, 320)
    v.show()
    qtbot.waitExposed(v)
    xyz, tension = helix()
    v.set_curve(xyz, tension, colormap_name="viridis")
    v.set_markers([[0, 0, 0], [0, 0, -1]])
    v.set_axis(-1.1, 0.1)
    v.set_rod([0, 0, 0], [0.2, 0, 0])
    v.fit_view()
    v.view.setCameraPosition(elevation=10, azimuth=0)
    return v


def test_grabbed_image_is_not_blank(view):
    img = pixels(view.grab_image())
    assert img.shape[0] > 100 and img.shape[1] > 100
    differs = (np.abs(img - np.array(BACKGROUND)).sum(axis=-1) > 30).sum()
    assert differs > 200, f"only {differs} pixels differ from the background"


def test_rotation_changes_the_picture(view):
    before = pixels(view.grab_image())
    view.set_rotation_angle(math.pi / 2)
    assert view.rotation_angle() == pytest.approx(math.pi / 2)
    after = pixels(view.grab_image())
    changed = (np.abs(after - before).sum(axis=-1) > 30).sum()
    assert changed > 200, f"only {changed} pixels changed after a quarter turn"
    view.set_rotation_angle(0.0)
    again = pixels(view.grab_image())
    assert (np.abs(again - before).sum(axis=-1) > 30).sum() < changed / 10


def test_values_colour_the_curve(view):
    """The tube is shaded (55–100 % of its colour), so its top-value end shows viridis' yellow
    darkened by some factor k: pixels within 40 of k × yellow for k in [0.5, 1.05]."""
    img = pixels(view.grab_image()).reshape(-1, 3)
    import pyqtgraph as pg

    yellow = np.array(pg.colormap.get("viridis").map(1.0, mode="byte")[:3], dtype=float)
    k = img @ yellow / (yellow @ yellow)
    shaded_yellow = (np.linalg.norm(img - k[:, None] * yellow, axis=1) < 40) & (k > 0.5) & (k < 1.05)
    assert shaded_yellow.sum() > 5


def test_the_tube_is_wider_than_a_line_and_the_trail_shows(view):
    """A tube of 1.2 % of the curve's size spans several pixels; a trail adds red pixels."""
    assert view.tube_radius() == pytest.approx(0.012 * 1.0, rel=1e-6)
    before = pixels(view.grab_image())
    view.set_trail(np.column_stack([0.3 * np.cos(np.linspace(0, 3, 50)), 0.3 * np.sin(np.linspace(0, 3, 50)),
                                    np.full(50, -1.0)]))
    after = pixels(view.grab_image())
    assert (np.abs(after - before).sum(axis=-1) > 30).sum() > 30
    view.set_trail(np.zeros((0, 3)))
    assert (np.abs(pixels(view.grab_image()) - before).sum(axis=-1) > 30).sum() < 5


def test_bad_values_length_rejected(view):
    with pytest.raises(ValueError, match="values"):
        view.set_curve(np.zeros((5, 3)), np.zeros(4))


def test_survives_a_new_gl_context(view, qtbot):
    """Floating a dock reparents the view into a new window, and Qt gives it a new GL context."""
    from PySide6 import QtWidgets

    before = pixels(view.grab_image())
    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    QtWidgets.QVBoxLayout(window).addWidget(view)
    window.resize(330, 330)
    window.show()
    qtbot.waitExposed(window)
    after = pixels(view.grab_image())
    view.setParent(None)
    differs = (np.abs(after - np.array(BACKGROUND)).sum(axis=-1) > 30).sum()
    assert differs > 0.5 * (np.abs(before - np.array(BACKGROUND)).sum(axis=-1) > 30).sum()


def test_two_views_in_separate_windows_both_render(view, qtbot):
    from widgets.curve_view3d import CurveView3D

    other = CurveView3D(background=BACKGROUND)
    qtbot.addWidget(other)
    other.resize(200, 200)
    other.show()
    qtbot.waitExposed(other)
    other.set_curve(*helix(50))
    other.fit_view()
    for v in (view, other):
        img = pixels(v.grab_image())
        assert (np.abs(img - np.array(BACKGROUND)).sum(axis=-1) > 30).sum() > 50
