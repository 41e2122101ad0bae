"""The rope's 3-D view in the running panel: drawn, turning, themed (needs Xvfb for OpenGL)."""

import numpy as np

import engines.rope as rope
from tests.gl import GL_ONLY
from workbench.topics.rope import RopePanel

pytestmark = GL_ONLY


def _pixels(image):
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].copy()


def test_3d_tab_draws_the_rope_and_turns_it(qtbot):
    panel = RopePanel("rope", rope)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    view = panel.steady
    qtbot.waitUntil(lambda: view.latest is not None, timeout=20000)
    view.tabs.setCurrentWidget(view.page3d)
    qtbot.waitUntil(lambda: view.view3d is not None, timeout=5000)
    qtbot.wait(300)
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
