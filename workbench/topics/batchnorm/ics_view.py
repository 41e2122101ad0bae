"""The "Internal covariate shift" tab: Santurkar's Definition 2.1 per layer for two nets, next to
their training curves, so that the ICS ranking can be compared with the performance ranking.
The run (``engines.batchnorm.ics_run``) trains in a child process."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from engines.batchnorm.ics_run import run_ics
from engines.core.frame import Frame
from widgets.live_plot import LivePlot
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost

COLORS = {"a": "#d62728", "b": "#1f77b4"}
CAVEAT = ("ICS here is exactly Definition 2.1: the change of layer i's gradient on the same batch when only "
          "the layers before it take their SGD step. Santurkar et al. found BN nets with similar or larger ICS "
          "that still train better; on the note's digits MLP BN has the smaller ICS. Read the numbers, not a "
          "direction: the ICS level does not predict which net trains better.")


def titled_plot(title: str, x: str, y: str, log_y: bool = False) -> LivePlot:
    plot = LivePlot()
    plot.set_title(title)
    plot.set_labels(x, y)
    plot.set_log_y(log_y)
    return plot


class IcsView(ExperimentHost):
    def __init__(self, parent: QWidget | None = None, run_factory=run_ics, process: bool = True):
        self._arrays: dict[str, np.ndarray] = {}
        self._points: dict[str, list[tuple[int, float]]] = {}
        self._variants = {"a": "none", "b": "bn"}
        super().__init__("batchnorm", load_experiment("batchnorm:ics")[1], parent, run_factory=run_factory, process=process)
        self.mean_check = QCheckBox("average over the run", checked=True, toggled=self.mark_dirty)
        self.side_layout.insertWidget(self.side_layout.indexOf(self.form) + 1, self.mean_check)
        self.readout.setText(CAVEAT)

    def build_plots(self) -> QGridLayout:
        self.l2_plot = titled_plot("‖G − G′‖ per layer (ideal 0)", "Linear layer i", "‖G − G′‖₂")
        self.cos_plot = titled_plot("cos(G, G′) per layer (ideal 1)", "Linear layer i", "cosine")
        self.loss_plot = titled_plot("training loss", "step", "loss", log_y=True)
        self.acc_plot = titled_plot("test accuracy (digits MLP)", "step", "accuracy")
        grid = QGridLayout()
        for i, plot in enumerate(self._plots()):
            grid.addWidget(plot, i // 2, i % 2)
        self._declare()
        return grid

    def _plots(self) -> tuple[LivePlot, ...]:
        return (self.l2_plot, self.cos_plot, self.loss_plot, self.acc_plot)

    def _names(self) -> dict[str, str]:
        return {k: f"{k.upper()}: {v}" for k, v in self._variants.items()}

    def _declare(self) -> None:
        for plot in self._plots():
            for name in plot.series_names():
                plot.remove_series(name)
            for key, name in self._names().items():
                plot.add_series(name, color=COLORS[key], width=1.8)

    def begin(self, values) -> None:
        self._variants = {"a": values["variant_a"], "b": values["variant_b"]}
        self._arrays, self._points = {}, {}
        self._declare()

    def take(self, frames: list[Frame], params: dict) -> None:
        for frame in frames:
            for name, value in frame.scalars.items():
                self._points.setdefault(name, []).append((frame.step, value))
            self._arrays.update(frame.arrays)

    def draw(self) -> None:
        prefix = "ics_mean" if self.mean_check.isChecked() else "ics"
        for key, name in self._names().items():
            table = self._arrays.get(f"{prefix}_{key}")
            if table is not None:
                self.l2_plot.set_series(name, table[:, 0], table[:, 1])
                self.cos_plot.set_series(name, table[:, 0], table[:, 2])
            for plot, stem in ((self.loss_plot, "loss"), (self.acc_plot, "test_acc")):
                points = self._points.get(f"{stem}_{key}")
                if points:
                    plot.set_series(name, *np.array(points, dtype=np.float64).T)

    def plots(self) -> dict:
        return dict(zip(("ics_l2", "ics_cosine", "ics_loss", "ics_accuracy"), (p.plot_item for p in self._plots())))

    def series(self) -> dict:
        return dict(zip(("ics_l2", "ics_cosine", "ics_loss", "ics_accuracy"), (p.series_data() for p in self._plots())))
