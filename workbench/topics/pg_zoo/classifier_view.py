"""The "train for accuracy directly" page (pg_zoo.md panel Z3): test accuracy against steps and
against forward passes (what the zeroth-order methods pay for), training accuracy, the cosine of each
method's direction with the exact policy gradient, how many perturbations change a prediction, and
the variance of each direction."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from engines.pg_zoo.classifier import CLASSIFIER_METHODS, METHOD_LABELS, ZO_METHODS
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

COLORS = dict(zip(CLASSIFIER_METHODS, ("#7f7f7f", "#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e")))
LABELS = dict(zip(CLASSIFIER_METHODS, METHOD_LABELS))
# key, title, x axis, y label, log x
PLOTS = (("test_acc", "test accuracy", "step", "accuracy", False),
         ("test_by_passes", "test accuracy against forward passes", "forward passes", "accuracy", True),
         ("train_acc", "training accuracy", "step", "accuracy", False),
         ("grad_cos", "cos(direction, exact policy gradient) on the batch", "step", "cosine", False),
         ("changed", "perturbations that change a prediction on the batch", "step", "fraction", False),
         ("variance", "tr Var of each direction on the batch", "step", "variance", False))


class ClassifierView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.curves: dict[str, LivePlot] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (key, title, x_label, y_label, log_x) in enumerate(PLOTS):
            plot = LivePlot()
            plot.set_title(title)
            plot.set_labels(x_label, y_label)
            plot.set_log_x(log_x)
            plot.set_log_y(key == "variance")
            for m in CLASSIFIER_METHODS:
                if key != "changed" or m in ZO_METHODS:
                    plot.add_series(LABELS[m], color=COLORS[m], width=1.5)
            if index:
                plot.plot_item.legend.setVisible(False)  # one legend (test accuracy) names the colours
            self.curves[key] = plot
            grid.addWidget(plot, index // 2, index % 2)
        self._methods: tuple[str, ...] = CLASSIFIER_METHODS

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._methods = tuple(m for m in str(params.get("methods", "")).split(",") if m in CLASSIFIER_METHODS)
        for key, plot in self.curves.items():
            plot.keep_series({LABELS[m]: {"color": COLORS[m], "width": 1.5} for m in self._methods
                              if key != "changed" or m in ZO_METHODS})

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            s = frame.scalars
            for m in self._methods:
                label = LABELS[m]
                for key in ("test_acc", "train_acc", "grad_cos", "changed", "variance"):
                    value = s.get(f"{key}_{m}")
                    if value is not None and (key != "variance" or value > 0):
                        self.curves[key].append(label, frame.step, value)
                passes = s.get(f"forward_passes_{m}")
                if passes and f"test_acc_{m}" in s:
                    self.curves["test_by_passes"].append(label, passes, s[f"test_acc_{m}"])

    def draw(self) -> None:
        for plot in self.curves.values():
            plot.redraw()

    def clear(self) -> None:
        for plot in self.curves.values():
            plot.clear()

    def plots(self) -> dict:
        return {key: plot.plot_item for key, plot in self.curves.items()}

    def series(self) -> dict:
        return {key: plot.series_data() for key, plot in self.curves.items()}
