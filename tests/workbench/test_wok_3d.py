"""The wok page's 3-D pan in the running panel (needs Xvfb for OpenGL): built when its tab is opened,
coloured from the newest profile, hottest at the centre under a gas ring."""
import numpy as np

import engines.wok as wok
from tests.gl import GL_ONLY
from workbench.topics.wok import WokPanel

pytestmark = GL_ONLY


def test_the_3d_tab_shows_the_pan_coloured_by_the_latest_profile(qtbot):
    panel = WokPanel("wok", wok)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    host, view = panel.main, panel.comparator
    host.set_values({"duration": 120.0, "record_every": 10.0, "cells": 80})
    host.start()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=60000)
    view.draw()
    view.view_tabs.setCurrentWidget(view.pan3d)
    qtbot.waitUntil(lambda: view.pan3d.view3d is not None, timeout=5000)
    qtbot.wait(200)
    colours = view.pan3d.view3d.meridian_colors()
    brightness = colours[:, :3].sum(axis=1)
    assert len(colours) == 80 and brightness[0] > brightness[-1]       # the centre over the flame is hottest
    image = view.pan3d.view3d.grab_image()
    assert not image.isNull() and image.width() > 100
    panel.apply_theme("dark")
    assert panel.shutdown()
