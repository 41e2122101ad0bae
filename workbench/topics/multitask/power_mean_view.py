"""The power-mean dial (multitask.md panel M2): L(γ) between min and max with the four classical
means marked, the losses as bars, and the weights ∝ L_i^{γ−1} before and after task k is rescaled
by λ, with the contribution change against λ^γ in the read-out."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from engines.multitask.weighting import MEAN_MARKS
from engines.registry import load_experiment
from widgets.live_plot import LivePlot
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import marker

HELP = ("<b>Power-mean dial.</b> One number γ moves the total loss L(γ) from the best task (γ → −∞) "
        "through the harmonic, geometric (Σ log L, the real-time rule), arithmetic (equal weights) and "
        "quadratic means to the worst (γ → +∞). Each task's weight is ∝ L_i^{γ−1}. Rescale one task "
        "by λ: its share of the update changes by λ^γ, so only γ = 0 does not care about units.")
CURVE, SCALED = "L(γ)", "L(γ), task k × λ"
BEFORE, AFTER = "#1f77b4", "#ff7f0e"
BAR_WIDTH = 0.38


class PowerMeanView(ExperimentHost):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("multitask", load_experiment("multitask:power_mean")[1], parent, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self.curve_plot = LivePlot()
        self.curve_plot.set_title("the power mean L(γ) (eq. 10), between min L_i and max L_i (eq. 11)")
        self.curve_plot.set_labels("γ", "L(γ), units of the losses")
        self.curve_plot.add_series(CURVE, color=BEFORE, width=2.4)
        self.curve_plot.add_series(SCALED, color=AFTER, width=1.6)
        self.curve_plot.set_log_y(True)
        self.mean_points = pg.ScatterPlotItem(size=9, brush=pg.mkBrush("#2ca02c"), pen=pg.mkPen("w", width=1))
        self.curve_plot.plot_item.addItem(self.mean_points)
        self.mean_labels = [pg.TextItem(name, color="#2ca02c", anchor=(0.5, 1.3)) for name, _ in MEAN_MARKS]
        for label in self.mean_labels:
            self.curve_plot.plot_item.addItem(label, ignoreBounds=True)
        self.gamma_line = marker(0.0, "γ", color=(214, 39, 40), where=0.95)
        self.min_line = marker(1.0, "min L_i", angle=0, color=(120, 120, 120), where=0.02, anchor=(0, 1))
        self.max_line = marker(1.0, "max L_i", angle=0, color=(120, 120, 120), where=0.02, anchor=(0, 0))
        for line in (self.gamma_line, self.min_line, self.max_line):
            self.curve_plot.plot_item.addItem(line, ignoreBounds=True)

        self.loss_plot = LivePlot()
        self.loss_plot.set_title("the losses L_i (orange: task k × λ)")
        self.loss_plot.set_labels("task i", "L_i (log₁₀)")
        self.weight_plot = LivePlot()
        self.weight_plot.set_title("effective weights ∂L(γ)/∂L_i ∝ L_i^{γ−1}, normalised")
        self.weight_plot.set_labels("task i", "weight (sums to 1)")
        self.loss_bars = self._bar_pair(self.loss_plot)
        self.weight_bars = self._bar_pair(self.weight_plot)

        grid = QGridLayout()
        grid.addWidget(self.curve_plot, 0, 0, 1, 2)
        grid.addWidget(self.loss_plot, 1, 0)
        grid.addWidget(self.weight_plot, 1, 1)
        grid.addWidget(self.readout, 2, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        return grid

    @staticmethod
    def _bar_pair(plot: LivePlot) -> tuple[pg.BarGraphItem, pg.BarGraphItem]:
        pair = []
        for name, colour in (("as given", BEFORE), ("task k × λ", AFTER)):
            bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=pg.mkBrush(colour), pen=None)
            plot.plot_item.addItem(bars)
            plot.plot_item.legend.addItem(bars, name)
            pair.append(bars)
        return pair[0], pair[1]

    def draw_frame(self, frame: Frame, params: dict) -> None:
        a, s = frame.arrays, frame.scalars
        curve = a["curve"]
        self.curve_plot.set_series(CURVE, curve[:, 0], curve[:, 1])
        self.curve_plot.set_series(SCALED, curve[:, 0], curve[:, 2])
        means = a["means"]
        self.mean_points.setData(means[:, 0], np.log10(means[:, 1]))
        for label, (gamma, value) in zip(self.mean_labels, means):
            label.setPos(gamma, np.log10(value))
        self.gamma_line.setValue(params["gamma"])
        self.min_line.setValue(np.log10(s["min_loss"]))
        self.max_line.setValue(np.log10(s["max_loss"]))
        bars = a["bars"]
        tasks = bars[:, 0]
        self.loss_bars[0].setOpts(x=tasks - BAR_WIDTH / 2, height=np.log10(bars[:, 1]), width=BAR_WIDTH)
        self.loss_bars[1].setOpts(x=tasks + BAR_WIDTH / 2, height=np.log10(bars[:, 2]), width=BAR_WIDTH)
        self.weight_bars[0].setOpts(x=tasks - BAR_WIDTH / 2, height=bars[:, 3], width=BAR_WIDTH)
        self.weight_bars[1].setOpts(x=tasks + BAR_WIDTH / 2, height=bars[:, 4], width=BAR_WIDTH)
        for plot in (self.loss_plot, self.weight_plot):
            plot.plot_item.getAxis("bottom").setTicks([[(int(t), str(int(t))) for t in tasks]])
        self.readout.setText(readout_text(s, params))

    def plots(self) -> dict:
        return {"power_mean": self.curve_plot.plot_item, "losses": self.loss_plot.plot_item,
                "weights": self.weight_plot.plot_item}

    def series(self) -> dict:
        bars = {}
        for name, pair, log in (("losses", self.loss_bars, True), ("weights", self.weight_bars, False)):
            bars[name] = {label: (np.asarray(item.opts["x"]) + offset, 10.0 ** np.asarray(item.opts["height"])
                                  if log else np.asarray(item.opts["height"]))
                          for label, item, offset in (("as given", pair[0], BAR_WIDTH / 2),
                                                      ("task k × λ", pair[1], -BAR_WIDTH / 2))}
        return {"power_mean": self.curve_plot.series_data(), **bars}


def readout_text(s: dict, params: dict) -> str:
    gamma, scale, k = params["gamma"], params["task_scale"], params["scaled_task"]
    invariant = "invariant" if abs(s["contribution_factor"] - 1.0) < 1e-9 else "not invariant"
    means = " · ".join(f"{name} {s[f'{name}_mean']:.4g}" for name, _ in MEAN_MARKS)
    return (f"L({gamma:g}) = <b>{s['power_mean']:.5g}</b> in [{s['min_loss']:.4g}, {s['max_loss']:.4g}] · {means}<br>"
            f"task {k} × λ = {scale:g}: its share of the update × <b>{s['contribution_factor']:.5g}</b> "
            f"(λ^γ = {s['lambda_power_gamma']:.5g}) — {invariant} at γ = {gamma:g}")
