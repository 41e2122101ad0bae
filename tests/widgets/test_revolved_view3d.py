"""RevolvedSurfaceView3D under a real X server: the turned meridian drawn, coloured by the field on
the given levels, recoloured without rebuilding its geometry, and refusing bad input."""
from __future__ import annotations

import numpy as np
import pytest

from tests.gl import GL_ONLY

pytestmark = GL_ONLY

BACKGROUND = (246, 247, 249)


def pixels(image):
    import pyqtgraph as pg
    from PySide6 import QtGui

    return pg.functions.ndarray_from_qimage(image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888))[..., :3].astype(int)


@pytest.fixture
def view(qtbot):
    from widgets.revolved_view3d import RevolvedSurfaceView3D

    v = RevolvedSurfaceView3D(background=BACKGROUND)
    qtbot.addWidget(v)
    v.resize(420, 320)
    v.show()
    qtbot.waitExposed(v)
    r = np.linspace(0.3, 17.5, 400)
    v.set_meridian(r, 10.0 * (r / 17.5) ** 2, unit="cm")
    return v, r


def test_the_field_colours_the_surface_on_the_given_levels(view):
    import pyqtgraph as pg

    v, r = view
    v.set_values(20.0 + 300.0 * np.exp(-(r / 5.0) ** 2), (20.0, 320.0))
    cmap = pg.colormap.get("inferno")
    colours = v.meridian_colors()
    assert len(colours) == 160                                          # 400 points thinned for drawing
    np.testing.assert_allclose(colours[0, :3], cmap.map(1.0, mode="float")[:3], atol=0.02)
    np.testing.assert_allclose(colours[-1, :3], cmap.map(0.0, mode="float")[:3], atol=0.02)
    img = pixels(v.grab_image())
    warm = (img[..., 0] > 170) & (img[..., 2] < 120)                    # inferno's orange to yellow, shaded
    assert warm.sum() > 100, "the hot centre is not drawn"
    assert (np.abs(img - np.array(BACKGROUND)).sum(axis=-1) > 30).sum() > 0.15 * img.shape[0] * img.shape[1]


def test_new_values_recolour_the_same_geometry(view):
    v, r = view
    v.set_values(np.full_like(r, 20.0), (20.0, 320.0))
    geometry = v._meshdata
    cold = v.vertex_colors().copy()
    v.set_values(np.full_like(r, 320.0), (20.0, 320.0))
    assert v._meshdata is geometry and not np.allclose(v.vertex_colors(), cold)
    v.set_values(np.full_like(r, np.nan), (20.0, 320.0))                # NaN drawn at the bottom of the scale
    np.testing.assert_allclose(v.vertex_colors(), cold)


def test_bad_input_names_what_is_wrong(view):
    v, r = view
    with pytest.raises(ValueError, match="values has 3 entries for a meridian of 400"):
        v.set_values([1.0, 2.0, 3.0], (0.0, 1.0))
    with pytest.raises(ValueError, match="lo < hi"):
        v.set_values(r, (5.0, 5.0))
    with pytest.raises(ValueError, match="r ≥ 0"):
        v.set_meridian([-1.0, 1.0], [0.0, 0.0])
    v.set_background((30, 31, 36))                                     # a new theme rebuilds the items
    v.set_values(r, (0.0, 20.0))
    assert len(v.vertex_colors()) > 0
