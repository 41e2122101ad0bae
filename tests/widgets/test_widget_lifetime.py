"""Widgets are created and destroyed many times in one process (every panel test, every session
restore).  Destroying them and collecting garbage afterwards must not crash: a hover helper that
was a parentless QObject in a reference cycle once segfaulted the interpreter during GC."""
from __future__ import annotations

import gc

import numpy as np
import shiboken6
from PySide6 import QtWidgets

from engines.core.params import Param
from widgets import ColoredCurvePlot, LivePlot, ParamForm, ProgressEta, TransportBar


def test_create_destroy_and_collect(qtbot):
    for _ in range(5):
        host = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(host)
        plot = LivePlot()
        plot.append("a", np.arange(10.0), np.arange(10.0))
        plot.redraw()
        curve = ColoredCurvePlot(colorbar_title="t")
        curve.set_data([0, 1, 2], [0, 1, 0], [1, 2, 3])
        for w in (plot, curve, ParamForm([Param("k", 1.0, lo=0.0, hi=2.0)]), TransportBar(), ProgressEta()):
            layout.addWidget(w)
        host.show()
        qtbot.waitExposed(host)
        host.close()
        host.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(plot), timeout=2000)
        assert not shiboken6.isValid(curve.plot_item)
        del host, layout, plot, curve
        gc.collect()
