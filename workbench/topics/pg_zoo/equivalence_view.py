"""The equivalence microscope's page (pg_zoo.md panel Z4): the cosine between the ZO gradient of the
argmax accuracy and the softmax policy gradient over (ε, τ), the cosine with the probit policy
gradient converging to 1 as the population grows, and both against ε."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from widgets.heat_map import HeatMap
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

PROBIT, SOFTMAX = "probit policy (exact equivalence)", "softmax policy at its best τ"


class EquivalenceView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heat = HeatMap(colorbar_title="cos(ZO, softmax PG)")
        self.heat.set_title("cos(ZO gradient of the accuracy, softmax PG): rows ε, columns τ")
        self.heat.set_labels("temperature τ", "perturbation ε")
        self.convergence = LivePlot()
        self.convergence.set_title("cos(ZO gradient, probit PG) as the population grows")
        self.convergence.set_labels("antithetic pairs", "cosine")
        self.convergence.add_series("cos with the probit PG", color="#1f77b4", width=2.0)
        self.convergence.set_log_x(True)
        self.by_eps = LivePlot()
        self.by_eps.set_title("cosine of the grid's ZO gradients against ε")
        self.by_eps.set_labels("ε", "cosine")
        self.by_eps.add_series(PROBIT, color="#1f77b4", width=2.0)
        self.by_eps.add_series(SOFTMAX, color="#d62728", width=2.0)
        self.by_eps.set_log_x(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.heat, 0, 0, 2, 1)
        grid.addWidget(self.convergence, 0, 1)
        grid.addWidget(self.by_eps, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self._arrays: dict[str, np.ndarray] = {}

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            self._arrays.update(frame.arrays)

    def draw(self) -> None:
        line = self._arrays.pop("convergence", None)
        if line is not None:
            self.convergence.set_series("cos with the probit PG", line[:, 0], line[:, 1])
        grid = self._arrays.pop("cos_softmax", None)
        if grid is not None:
            eps, tau = self._arrays["eps_grid"], self._arrays["tau_grid"]
            self.heat.set_matrix(grid, row_labels=[f"{e:.3g}" for e in eps], col_labels=[f"{t:.3g}" for t in tau],
                                 levels=(-1.0, 1.0), diverging=True)
        rows = self._arrays.pop("by_eps", None)
        if rows is not None:
            self.by_eps.set_series(PROBIT, rows[:, 0], rows[:, 1])
            self.by_eps.set_series(SOFTMAX, rows[:, 0], rows[:, 3])

    def clear(self) -> None:
        self.convergence.clear()
        self.by_eps.clear()
        self.heat.set_matrix(np.full((1, 1), np.nan), levels=(-1.0, 1.0), diverging=True)
        self._arrays.clear()

    def plots(self) -> dict:
        return {"cos_softmax": self.heat.plot_item, "convergence": self.convergence.plot_item,
                "by_eps": self.by_eps.plot_item}

    def series(self) -> dict:
        return {"convergence": self.convergence.series_data(), "by_eps": self.by_eps.series_data()}
