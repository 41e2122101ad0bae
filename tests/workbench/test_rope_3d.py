"""The rope's 3-D view in the running panel: drawn, turning, themed (needs Xvfb for OpenGL)."""

import numpy as np

import engines.rope as rope
from tests.gl import GL_ONLY
from workbench.topics.rope import RopePanel

pytestmark = GL_ONLY


def _pixels(image):
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].copy()


def _panel_on_the_3d_tab(qtbot, width: int, height: int):
    """A shown rope panel whose steady shape is solved, with its 3-D tab open and drawn."""
    panel = RopePanel("rope", rope)
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    view = panel.steady
    qtbot.waitUntil(lambda: view.latest is not None, timeout=20000)
    view.tabs.setCurrentWidget(view.page3d)
    qtbot.waitUntil(lambda: view.view3d is not None, timeout=5000)
    qtbot.wait(300)
    return panel, view


def test_3d_tab_draws_the_rope_and_turns_it(qtbot):
    panel, view = _panel_on_the_3d_tab(qtbot, 1200, 800)
    first = _pixels(view.view3d.grab_image())
    background = first[5, 5]
    assert (np.abs(first.astype(int) - background.astype(int)).sum(axis=1) > 30).sum() > 200
    view.slow_motion.setValue(1.0)  # real speed: ω = 6 rad/s turns ~0.2 rad per frame
    qtbot.wait(400)
    second = _pixels(view.view3d.grab_image())
    assert np.abs(first.astype(int) - second.astype(int)).sum() > 0
    angle = view._angle
    view.freeze.setChecked(True)
    qtbot.wait(200)
    assert view._angle == angle
    panel.apply_theme("dark")
    assert panel.shutdown()


def test_showing_the_3d_view_leaves_the_window_raster_painted(qtbot):
    """The GL view is a native GL window in a container: the panel's top-level window keeps its
    raster surface (a QOpenGLWidget would switch it to OpenGL composition for good)."""
    from PySide6.QtGui import QSurface

    panel = RopePanel("rope", rope)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.windowHandle().surfaceType() == QSurface.SurfaceType.RasterSurface
    view = panel.steady
    view.tabs.setCurrentWidget(view.page3d)
    qtbot.waitUntil(lambda: view.view3d is not None, timeout=5000)
    qtbot.wait(200)
    assert view.view3d.view.surfaceType() == QSurface.SurfaceType.OpenGLSurface
    assert panel.windowHandle().surfaceType() == QSurface.SurfaceType.RasterSurface
    assert panel.shutdown()


def test_a_png_of_the_page_shows_the_3d_view(qtbot, tmp_path):
    """widget.render cannot see into a native GL window: the export paints the GL views in."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    from workbench.pages.export import render_widget_png

    panel, view = _panel_on_the_3d_tab(qtbot, 1000, 700)
    render_widget_png(view.page3d, tmp_path / "page.png")
    image = QImage(str(tmp_path / "page.png")).convertToFormat(QImage.Format.Format_RGBA8888)
    container = view.view3d.findChild(QWidget, "gl_view_container")
    origin = container.mapTo(view.page3d, container.rect().topLeft())
    pixels = _pixels(image).reshape(image.height(), image.width(), 4)[
        origin.y():origin.y() + container.height(), origin.x():origin.x() + container.width(), :3].astype(int)
    assert (np.abs(pixels - pixels[3, 3]).sum(axis=-1) > 30).sum() > 200  # the rope, not a blank area
    assert panel.shutdown()
