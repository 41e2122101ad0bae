"""The black-box page (pg_zoo.md panel Z5): f − f* of each method against function evaluations, the
currency of a black box, and against iterations (where gradient descent's d + 1 evaluations a step
are hidden)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from engines.pg_zoo.blackbox import BLACKBOX_LABELS, BLACKBOX_METHODS
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

COLORS = dict(zip(BLACKBOX_METHODS, ("#7f7f7f", "#1f77b4", "#2ca02c", "#d62728")))
LABELS = dict(zip(BLACKBOX_METHODS, BLACKBOX_LABELS))
FLOOR = 1e-20  # f − f* on a log axis: gradient descent reaches 1e-70 on a quadratic


class BlackBoxView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.by_evaluations = self._plot("f − f* against function evaluations", "function evaluations", legend=True)
        self.by_steps = self._plot("f − f* against iterations", "iterations", legend=False)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.by_evaluations, 0, 0)
        grid.addWidget(self.by_steps, 0, 1)

    def _plot(self, title: str, x_label: str, legend: bool) -> LivePlot:
        plot = LivePlot()
        plot.set_title(title)
        plot.set_labels(x_label, "f − f*")
        for m in BLACKBOX_METHODS:
            plot.add_series(LABELS[m], color=COLORS[m], width=1.5)
        plot.set_log_y(True)
        plot.plot_item.legend.setVisible(legend)
        return plot

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        chosen = {LABELS[m]: {"color": COLORS[m], "width": 1.5}
                  for m in str(params.get("methods", "")).split(",") if m in LABELS}
        for plot in (self.by_evaluations, self.by_steps):  # the chosen methods only
            plot.keep_series(chosen)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            for m in BLACKBOX_METHODS:
                value = frame.scalars.get(f"value_{m}")
                if value is None:
                    continue
                self.by_evaluations.append(LABELS[m], frame.scalars[f"evaluations_{m}"], max(value, FLOOR))
                if f"steps_{m}" in frame.scalars:
                    self.by_steps.append(LABELS[m], frame.scalars[f"steps_{m}"], max(value, FLOOR))

    def draw(self) -> None:
        self.by_evaluations.redraw()
        self.by_steps.redraw()

    def clear(self) -> None:
        self.by_evaluations.clear()
        self.by_steps.clear()

    def plots(self) -> dict:
        return {"by_evaluations": self.by_evaluations.plot_item, "by_steps": self.by_steps.plot_item}

    def series(self) -> dict:
        return {"by_evaluations": self.by_evaluations.series_data(), "by_steps": self.by_steps.series_data()}
