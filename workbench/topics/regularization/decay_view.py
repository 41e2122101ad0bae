"""The "where does the decay go?" page (regularization.md panel W4): one plot per coordinate of θ,
the three optimisers on each, on a log scale, so a coordinate of 0.1 reads as well as one of 10."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from engines.regularization.decay import METHODS, parse_theta0
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

METHOD_STYLE = {"sgd_l2": ("SGD + L2 (decay 2λ)", "#2ca02c"), "adam_l2": ("Adam + L2", "#d62728"),
                "adamw": ("AdamW (decay λ)", "#1f77b4")}
FLOOR = 1e-16  # |θ| shown on a log axis: an exact 0 would stretch it over hundreds of decades


class DecayView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.coordinate_plots: list[LivePlot] = []

    def begin(self, params: dict[str, Any]) -> None:
        theta0 = parse_theta0(params["theta0"])
        if len(self.coordinate_plots) != theta0.size:
            for plot in self.coordinate_plots:
                self._grid.removeWidget(plot)
                plot.deleteLater()
            self.coordinate_plots = [self._coordinate_plot(i, value) for i, value in enumerate(theta0)]
            columns = 2 if theta0.size > 1 else 1
            for i, plot in enumerate(self.coordinate_plots):
                self._grid.addWidget(plot, i // columns, i % columns)
        for i, (plot, value) in enumerate(zip(self.coordinate_plots, theta0)):
            plot.clear()
            plot.set_title(f"coordinate {i}: θ₀ = {value:g}")

    def _coordinate_plot(self, i: int, value: float) -> LivePlot:
        plot = LivePlot()
        plot.set_labels("step", f"|θ_{i}|")
        for label, colour in METHOD_STYLE.values():
            plot.add_series(label, color=colour, width=1.8)
        plot.set_log_y(True)
        return plot

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            for i, plot in enumerate(self.coordinate_plots):
                for method in METHODS:
                    value = frame.scalars.get(f"abs_theta_{i}_{method}")
                    if value is not None:
                        plot.append(METHOD_STYLE[method][0], frame.step, max(value, FLOOR))

    def draw(self) -> None:
        for plot in self.coordinate_plots:
            plot.redraw()

    def clear(self) -> None:
        for plot in self.coordinate_plots:
            plot.clear()

    def plots(self) -> dict:
        return {f"theta_{i}": plot.plot_item for i, plot in enumerate(self.coordinate_plots)}

    def series(self) -> dict:
        return {f"theta_{i}": plot.series_data() for i, plot in enumerate(self.coordinate_plots)}
