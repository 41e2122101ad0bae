"""What the three "exact maths" tabs of the batchnorm topic share (batchnorm.md §4 Q1, Q2, Q7).

Each tab is a help text and its own parameter form on the left, plots and a read-out on the right.
Every form change restarts the tab's small one-frame engine in a RunController worker (a slider
drag coalesces into the newest value); the GUI thread only draws the frames that arrive.  A
ParameterError from the engine is shown inline under the parameter it names.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from engines.core.frame import Frame
from engines.core.params import ParamSchema
from widgets.param_form import ParamForm
from widgets.plot_style import PlotHost
from workbench import themes
from workbench.controller import RunController

FORM_WIDTH = 270
ERROR_STYLE = "<span style='color:#cf222e'>{}</span>"


def finite_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The points of (x, y) where both are finite (a log axis also needs y > 0: see positive_xy)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def positive_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = finite_xy(x, y)
    return x[y > 0], y[y > 0]


def dashed(color=(128, 128, 128), width: float = 1.2) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=width, style=Qt.PenStyle.DashLine)


def marker(pos: float, label: str, angle: int = 90, color=(200, 70, 70), where: float = 0.9) -> pg.InfiniteLine:
    return pg.InfiniteLine(pos=pos, angle=angle, movable=False, pen=dashed(color), label=label,
                           labelOpts={"position": where, "color": color, "anchors": [(0, 0.5), (0, 0.5)]})


class ExactView(QWidget):
    """Base of DescentView, NeuronView and ProjectionView: form → worker → ``_draw``."""

    SCHEMA: ParamSchema
    HELP = ""

    def __init__(self, parent: QWidget | None, run_factory):
        super().__init__(parent)
        self._frame: Frame | None = None
        self._requested: dict[int, dict] = {}
        self._engine_error = ""
        self.form = ParamForm(list(self.SCHEMA))
        self.controller = RunController(run_factory, self)
        self.controller.frames.connect(self._on_frames)
        self.controller.runEnded.connect(self._on_ended)
        self.form.valueChanged.connect(lambda name, value: self.recompute())
        self.help_label = QLabel(self.HELP)
        self.help_label.setWordWrap(True)
        self.readout = QLabel("computing …")
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        column = QWidget()
        left = QVBoxLayout(column)
        left.setContentsMargins(6, 6, 6, 6)
        left.addWidget(self.help_label)
        left.addWidget(self.form, 1)
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(FORM_WIDTH)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(self._build_plots(), 1)
        app = QApplication.instance()
        self.apply_theme(themes.current_theme(app) if app is not None else "light")
        self.recompute()

    # --- subclass hooks ------------------------------------------------------------------------
    def _build_plots(self):
        raise NotImplementedError

    def _hosts(self) -> list[PlotHost]:
        raise NotImplementedError

    def _draw(self, frame: Frame, params: dict) -> None:
        raise NotImplementedError

    # --- runs ------------------------------------------------------------------------------------
    def recompute(self) -> int:
        """Start a run of the form's current values in the worker; returns its generation."""
        if self._engine_error:
            self.form.clear_error(self._engine_error)
            self._engine_error = ""
        params = self.form.values()
        generation = self.controller.start(params)
        self._requested = {generation: params}
        return generation

    def _on_frames(self, generation: int, frames: list) -> None:
        params = self._requested.get(generation)
        if params is None or not frames:
            return
        self._frame = frames[-1]
        self._draw(self._frame, params)

    def _on_ended(self, status: str, message: str, param: str) -> None:
        if status == "invalid" and param in self.form.names():
            self.form.set_error(param, message)
            self._engine_error = param
            self.readout.setText(ERROR_STYLE.format(f"not computed: {message}"))
        elif status == "error":
            self.readout.setText(ERROR_STYLE.format(f"engine error: {message}"))

    # --- API -------------------------------------------------------------------------------------
    def apply_theme(self, name: str) -> None:
        for host in self._hosts():
            themes.style_plot_widget(host.plot_widget, name)

    def last_frame(self) -> Frame | None:
        return self._frame

    def shutdown(self) -> bool:
        """Stop the worker and wait for it (tab or window close)."""
        return self.controller.shutdown()
