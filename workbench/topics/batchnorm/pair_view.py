"""The view of ``batchnorm:train``: nets A and B side by side, Santurkar's probes as they train and
their loss surfaces as they fill (each in a tab)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from engines.core.frame import Frame
from workbench.pages.experiment_view import ExperimentView
from workbench.topics.batchnorm.probe_view import ProbeView
from workbench.topics.batchnorm.surface_view import SurfaceView


class PairView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._variants = {"a": "none", "b": "bn"}
        self._plane = ""
        self.probes = ProbeView()
        self.surface = SurfaceView()
        self.view_tabs = QTabWidget()
        self.view_tabs.addTab(self.probes, "Probes A vs B")
        self.view_tabs.addTab(self.surface, "Loss surface")
        self.device_label = QLabel("device: not started")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.device_label)
        layout.addWidget(self.view_tabs, 1)

    def begin(self, params: dict[str, Any]) -> None:
        self._variants = {"a": params["variant_a"], "b": params["variant_b"]}
        self._plane = params["surface_plane"]
        self.probes.set_variants(params["variant_a"], params["variant_b"])
        self.surface.clear()

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            if frame.step == 0 and frame.message:
                self.device_label.setText(frame.message)
            if frame.scalars:
                self.probes.take(frame.step, frame.scalars)
            if frame.arrays:
                self.surface.take(frame.arrays, self._variants, self._plane)

    def draw(self) -> None:
        self.probes.draw()
        self.surface.draw()

    def clear(self) -> None:
        self.probes.clear()
        self.surface.clear()

    def plots(self):
        return {**self.probes.plots(), **self.surface.plots()}

    def series(self):
        return {**self.probes.series(), **self.surface.series()}

    def apply_theme(self, name: str) -> None:
        self.probes.apply_theme(name)
        self.surface.apply_theme(name)
