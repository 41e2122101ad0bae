"""The estimator lab's page (pg_zoo.md panel Z1): the running second moment beside the exact one,
the bias against its noise floor, the histogram of single estimates' cosines with the estimator's
mean, and the second moment against ε for no baseline, b = f(x) and the central difference."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

MEASURED, EXACT = "measured (running mean)", "exact (§9)"
BIAS, FLOOR = "‖mean ĝ − E ĝ‖", "noise floor √((E‖ĝ‖² − ‖E ĝ‖²)/n)"
EPS_CASES = (("none", "no baseline", "#d62728"), ("fx", "b = f(x)", "#1f77b4"),
             ("central", "central difference", "#2ca02c"))


class EstimatorView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.moment = LivePlot()
        self.moment.set_title("second moment E‖ĝ‖² of one estimate")
        self.moment.set_labels("estimates drawn", "E‖ĝ‖²")
        self.moment.add_series(MEASURED, color="#1f77b4", width=1.5)
        self.moment.add_series(EXACT, color="#d62728", width=1.5)
        self.moment.set_log_y(True)
        self.bias = LivePlot()
        self.bias.set_title("bias of the running mean")
        self.bias.set_labels("estimates drawn", "norm")
        self.bias.add_series(BIAS, color="#1f77b4", width=1.5)
        self.bias.add_series(FLOOR, color="#7f7f7f", width=1.0)
        self.bias.set_log_x(True)
        self.bias.set_log_y(True)
        self.cosines = LivePlot()
        self.cosines.set_title("cos(ĝ, E ĝ) of single estimates")
        self.cosines.set_labels("cosine", "estimates")
        self.histogram_bars = pg.BarGraphItem(x=[], height=[], width=0.045, brush="#1f77b4", pen=None)
        self.cosines.plot_item.addItem(self.histogram_bars)
        self.cosines.plot_item.legend.setVisible(False)
        self.eps_plot = LivePlot()
        self.eps_plot.set_title("E‖ĝ‖² against ε (dots measured, lines exact)")
        self.eps_plot.set_labels("ε", "E‖ĝ‖²")
        for key, label, colour in EPS_CASES:
            self.eps_plot.add_series(f"{label}, exact", color=colour, width=1.5)
            dots = self.eps_plot.add_series(f"{label}, measured", color=colour, width=1.5, style="dots")
            self.eps_plot.plot_item.legend.removeItem(dots)  # the title says what the dots are
        self.eps_plot.set_log_x(True)
        self.eps_plot.set_log_y(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, plot in enumerate((self.moment, self.bias, self.cosines, self.eps_plot)):
            grid.addWidget(plot, index // 2, index % 2)
        self._histogram: np.ndarray | None = None
        self._sweep: np.ndarray | None = None
        self._dim, self._cos_title = 1, ""

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._dim = 650 if params.get("objective") == "accuracy" else int(params.get("dim", 1))

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            s = frame.scalars
            if "second_moment" in s:
                self.moment.append(MEASURED, frame.step, s["second_moment"])
                if math.isfinite(s["second_moment_theory"]):
                    self.moment.append(EXACT, frame.step, s["second_moment_theory"])
            if "bias" in s and s["bias"] > 0:
                self.bias.append(BIAS, frame.step, s["bias"])
                spread = s["second_moment"] - s["reference_norm"] ** 2
                if spread > 0:
                    self.bias.append(FLOOR, frame.step, math.sqrt(spread / frame.step))
            if "cos_hist" in frame.arrays:
                self._histogram = frame.arrays["cos_hist"]
            if "mean_abs_cos" in s:
                self._cos_title = (f"cos(ĝ, E ĝ) of single estimates: mean |cos| {s['mean_abs_cos']:.3f} "
                                   f"(√(2/(πd)) = {math.sqrt(2 / (math.pi * self._dim)):.3f} for one Gaussian sample)")
            if "moment_vs_eps" in frame.arrays:
                self._sweep = frame.arrays["moment_vs_eps"]
                self._draw_sweep()

    def _draw_sweep(self) -> None:
        eps = self._sweep[:, 0]
        for index, (_key, label, _colour) in enumerate(EPS_CASES):
            measured, exact = self._sweep[:, 1 + 2 * index], self._sweep[:, 2 + 2 * index]
            keep = np.isfinite(exact) & (exact > 0)
            self.eps_plot.set_series(f"{label}, exact", eps[keep], exact[keep])
            keep = measured > 0
            self.eps_plot.set_series(f"{label}, measured", eps[keep], measured[keep])

    def draw(self) -> None:
        self.moment.redraw()
        self.bias.redraw()
        if self._histogram is not None:
            self._show_histogram(self._histogram[:, 0], self._histogram[:, 1])
            self._histogram = None
        if self._cos_title and self._cos_title != self.cosines.title:
            self.cosines.set_title(self._cos_title)

    def _show_histogram(self, centres: np.ndarray, counts: np.ndarray) -> None:
        self.histogram_bars.setOpts(x=centres, height=counts, width=0.9 * (centres[1] - centres[0]) if centres.size > 1 else 0.045)
        if counts.size:
            self.cosines.plot_item.setXRange(-1.0, 1.0, padding=0.02)
            self.cosines.plot_item.setYRange(0.0, max(1.0, float(counts.max())) * 1.05, padding=0.0)

    def clear(self) -> None:
        for plot in (self.moment, self.bias, self.eps_plot):
            plot.clear()
        self._show_histogram(np.zeros(0), np.zeros(0))
        self._histogram = self._sweep = None
        self._cos_title = ""
        self.cosines.set_title("cos(ĝ, E ĝ) of single estimates")

    def plots(self) -> dict:
        return {"second_moment": self.moment.plot_item, "bias": self.bias.plot_item,
                "cos_hist": self.cosines.plot_item, "moment_vs_eps": self.eps_plot.plot_item}

    def series(self) -> dict:
        bars = self.histogram_bars.opts
        return {"second_moment": self.moment.series_data(), "bias": self.bias.series_data(),
                "moment_vs_eps": self.eps_plot.series_data(),
                "cos_hist": {"estimates": (np.asarray(bars["x"], float), np.asarray(bars["height"], float))}}
