"""The live bead chain's view (the experiment ``rope:dynamics``): its plots (``DynamicsViews``) and
the simulated rope in 3-D.  Only the tab in view is drawn; the other catches up from its buffers
when it is shown (painting, not the simulation, bounds the frame rate on a software screen)."""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from engines.core.frame import Frame
from workbench.pages.experiment_view import ExperimentView
from workbench.topics.rope.dynamics_view import DynamicsViews
from workbench.topics.rope.rope3d import Rope3DTab


class ChainView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.latest: Frame | None = None
        self.params: dict[str, Any] = {}
        self.dynamics = DynamicsViews()
        note = QLabel("the simulated rope, drawn as it moves (frame: rotating = still when steady, "
                      "lab = turning with it)")
        self.trail = QCheckBox("trail of the free end")
        self.trail.setChecked(True)
        self.trail.setToolTip("where the free end (or the second hand) has been, fading with age")
        self.trail.toggled.connect(self._on_trail_toggled)
        self.page3d = Rope3DTab([self.trail, note], frame_by_reach=True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dynamics, "Plots")
        self.tabs.addTab(self.page3d, "3-D view")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    @property
    def view3d(self):
        return self.page3d.view3d

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.page3d:
            self.page3d.ensure_view()
        self.draw()

    def _on_trail_toggled(self, on: bool) -> None:
        self.page3d.show_trail(on)

    def begin(self, params: dict[str, Any]) -> None:
        self.params, self.latest = params, None
        self.dynamics.clear()
        self.page3d.clear_trail()

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            self.dynamics.consume(frame)
            if "shape" in frame.arrays:
                self.page3d.add_to_trail(frame.arrays["shape"][-1, 1:4])
        self.latest = frames[-1]

    def draw(self) -> None:
        if self.latest is None or "shape" not in self.latest.arrays:
            return
        if self.tabs.currentWidget() is self.page3d:
            self.page3d.set_shape(self.latest.arrays["shape"], "hanging" if self.params["ends"] == "hanging" else "hands")
        else:
            self.dynamics.redraw(time.monotonic())

    def clear(self) -> None:
        self.latest = None
        self.dynamics.clear()
        self.page3d.clear_trail()

    def plots(self):
        return self.dynamics.plots()

    def series(self):
        return self.dynamics.series()

    def apply_theme(self, name: str) -> None:
        self.dynamics.apply_theme(name)
        self.page3d.apply_theme(name)
