"""The batch-normalisation panel: two nets A and B trained side by side with Santurkar's probes and
their loss surfaces (the run), and the exact single-layer pictures behind Su's argument (the
descent lemma, the single neuron, BN's gradient projection), each computing on its own."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from engines.batchnorm import relevant
from engines.core.frame import Frame
from workbench.panel import TopicPanel
from workbench.sweep_view import SweepView
from workbench.topics.batchnorm.descent_view import DescentView
from workbench.topics.batchnorm.ics_view import IcsView
from workbench.topics.batchnorm.neuron_view import NeuronView
from workbench.topics.batchnorm.noisy_view import NoisyView
from workbench.topics.batchnorm.probe_view import ProbeView
from workbench.topics.batchnorm.projection_view import ProjectionView
from workbench.topics.batchnorm.surface_view import SurfaceView


class BatchNormPanel(TopicPanel):
    RUN_IN_PROCESS = True  # training must not share the GUI's GIL (see workbench.remote_engine)
    REPAINT_INTERVAL_MS = 33

    def build_views(self) -> QWidget:
        self._view_generation = -1
        self.probes = ProbeView()
        self.surface = SurfaceView()
        self.descent = DescentView()
        self.neuron = NeuronView()
        self.projection = ProjectionView()
        self.ics = IcsView()
        self.noisy = NoisyView()
        self.sweep = SweepView(self.topic_id, self.engine.EXPERIMENTS[0], lambda: dict(self.params))
        self.view_tabs = QTabWidget()
        for widget, title in ((self.probes, "Probes A vs B"), (self.surface, "Loss surface"),
                              (self.descent, "Descent lemma"), (self.neuron, "Su's single neuron"),
                              (self.sweep, "Learning-rate sweep"), (self.projection, "BN gradient projection"),
                              (self.ics, "Internal covariate shift"), (self.noisy, "Noisy BN")):
            self.view_tabs.addTab(widget, title)
        self.device_label = QLabel("device: not started")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.device_label)
        layout.addWidget(self.view_tabs, 1)
        return box

    def relevant_params(self, params):
        return relevant(params)

    def _subviews(self):
        return (self.probes, self.surface, self.descent, self.neuron, self.projection, self.ics, self.noisy,
                self.sweep)

    def consume_frame(self, frame: Frame) -> None:
        if self.record.generation != self._view_generation:
            self._view_generation = self.record.generation
            p = self.record.params
            self.probes.set_variants(p["variant_a"], p["variant_b"])
            self.surface.clear()
        if frame.step == 0 and frame.message:
            self.device_label.setText(frame.message)
        if frame.scalars:
            self.probes.take(frame.step, frame.scalars)
        if frame.arrays:
            p = self.record.params
            self.surface.take(frame.arrays, {"a": p["variant_a"], "b": p["variant_b"]}, p["surface_plane"])

    def redraw(self) -> None:
        self.probes.draw()
        self.surface.draw()

    def clear_views(self) -> None:
        self._view_generation = -1
        self.probes.clear()
        self.surface.clear()

    def plots(self):
        out = {}
        for view in self._subviews():
            out.update(view.plots())
        return out

    def series(self):
        out = {}
        for view in self._subviews():
            out.update(view.series())
        return out

    def apply_theme(self, name: str) -> None:
        super().apply_theme(name)
        for view in self._subviews():
            view.apply_theme(name)
