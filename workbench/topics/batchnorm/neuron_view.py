"""Su's single-neuron tab (batchnorm.md §1.3, eqs. 5–8; §3.1; §4 Q2): per-pixel E[xᵢ²] before and
after centring / scaling, λ_max(E[x̃x̃ᵀ]) and the GD limit 2/L it implies, three GD loss curves
(raw, centred, standardised) at one η, and the top Hessian eigenvalue along training."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout

from engines.batchnorm.neuron import VARIANTS, preload_data, run_neuron
from engines.core.frame import Frame
from widgets.bar_plot import BarPlot
from widgets.live_plot import LivePlot
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import positive_xy

COLORS = {"raw": "#d62728", "centred": "#1f77b4", "standardised": "#2ca02c"}
PIXELS = [str(i) for i in range(64)]
HELP = ("<b>One neuron on the digits.</b> For a linear unit with bias, the curvature of the "
        "loss is set by the second moment of [x, 1]: its largest eigenvalue is L for ½·MSE (L/4 for "
        "logistic at w = 0), and GD is stable only for η &lt; 2/L. Subtracting the mean removes "
        "‖E x‖² from E‖x‖² and lowers L a lot; dividing by the standard deviation makes every "
        "pixel's E[xᵢ²] equal to 1. The three loss curves share one η. Try the offset and "
        "gain to exaggerate the mean or the scale.")


class NeuronView(ExperimentHost):
    def __init__(self, parent=None, run_factory=run_neuron):
        preload_data()            # here, not in the worker: see preload_data
        super().__init__("batchnorm", load_experiment("batchnorm:neuron")[1], parent, run_factory=run_factory, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self.before_plot = BarPlot()
        self.before_plot.set_title("E[x′ᵢ²] per pixel, as fed in")
        self.before_plot.set_labels("pixel i (row-major 8×8)", "E[x′ᵢ²] (input units²)")
        self.after_plot = BarPlot(color="#2ca02c")
        self.after_plot.set_title("E[x̂ᵢ²] per pixel, transformed")
        self.after_plot.set_labels("pixel i (row-major 8×8)", "E[x̂ᵢ²] (input units²)")

        self.loss_plot = LivePlot()
        self.loss_plot.set_title("GD at one η from θ = 0")
        self.loss_plot.set_labels("GD step", "training loss (nats or ½·squared units, log scale)")
        for name in VARIANTS:
            self.loss_plot.add_series(name, color=COLORS[name], width=1.8)
        self.loss_plot.set_log_y(True)

        self.hessian_plot = LivePlot()
        self.hessian_plot.set_title("top Hessian eigenvalue (power iteration)")
        self.hessian_plot.set_labels("GD step", "λ_max(∇²f) (input units²)")
        for name in VARIANTS:
            self.hessian_plot.add_series(name, color=COLORS[name], width=1.8)
            self.hessian_plot.add_series(f"bound L ({name})", color=COLORS[name], width=1.0, faint=True)
        self.hessian_plot.set_log_y(True)

        grid = QGridLayout()
        grid.addWidget(self.before_plot, 0, 0)
        grid.addWidget(self.after_plot, 0, 1)
        grid.addWidget(self.loss_plot, 1, 0)
        grid.addWidget(self.hessian_plot, 1, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 3)
        return grid

    def draw_frame(self, frame: Frame, params: dict) -> None:
        s = frame.scalars
        features = dict(zip(frame.columns["features"], frame.arrays["features"].T))
        self.before_plot.set_bars(features["before"], PIXELS)
        self.after_plot.set_bars(features["after"], PIXELS)
        self.after_plot.set_title(f"E[x̂ᵢ²] after {SHORT_TRANSFORM[(params['centre'], params['scale'])]}")
        self.after_plot.set_labels("pixel i (row-major 8×8)", "E[x̂ᵢ²] (dimensionless: x̂ = x/σ)" if params["scale"]
                                   else "E[x̂ᵢ²] (input units²)")
        loss = dict(zip(frame.columns["loss"], frame.arrays["loss"].T))
        hess = dict(zip(frame.columns["hessian"], frame.arrays["hessian"].T))
        for name in VARIANTS:
            self.loss_plot.set_series(name, *positive_xy(loss["step"], loss[name]))
            steps, top = positive_xy(hess["step"], hess[name])
            self.hessian_plot.set_series(name, steps, top)
            ends = [0.0, float(params["steps"])]
            self.hessian_plot.set_series(f"bound L ({name})", ends, [s[f"L_{name}"]] * 2)
        kind = "½·MSE" if params["loss"] == "mse" else "logistic (sigmoid + cross-entropy)"
        self.loss_plot.set_title(f"{kind}: GD at η = {params['eta']:.4g} from θ = 0")
        self.readout.setText(readout_text(s, params))

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"before": self.before_plot.plot_item, "after": self.after_plot.plot_item,
                "loss": self.loss_plot.plot_item, "hessian": self.hessian_plot.plot_item}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Every plotted curve as (x, y) copies, per plot; the bars as (pixel, value)."""
        bars = {}
        for key, plot in (("before", self.before_plot), ("after", self.after_plot)):
            values = plot.values()
            bars[key] = {f"E[x_i^2] {key}": (np.arange(values.size, dtype=float), values)}
        return {**bars, "loss": self.loss_plot.series_data(), "hessian": self.hessian_plot.series_data()}


SHORT_TRANSFORM = {(False, False): "no transform", (True, False): "centring", (False, True): "dividing by σ",
                   (True, True): "centring and dividing by σ"}


def _fmt(value: float, scale: float = 0.0) -> str:
    """Five significant digits; round-off below 1e-12 of ``scale`` reads as 0."""
    if not math.isfinite(value):
        return "—"
    return "0" if abs(value) <= 1e-12 * scale else f"{value:.5g}"


def readout_text(s: dict, params: dict) -> str:
    logistic = params["loss"] == "logistic"
    L_name = "L = λ_max/4" if logistic else "L = λ_max"
    lines = [
        f"E‖x‖² = {_fmt(s['second_moment_before'])} → {_fmt(s['second_moment_after'])}, "
        f"‖E x‖² = {_fmt(s['mean_norm_sq_before'])} → {_fmt(s['mean_norm_sq_after'], s['second_moment_after'])} "
        f"({int(s['features_after'])} features after); "
        f"λ_max(E[x̃x̃ᵀ]) = {_fmt(s['lambda_max_before'])} → {_fmt(s['lambda_max_after'])}, "
        f"{L_name} = {_fmt(s['L_before'])} → {_fmt(s['L_after'])}, "
        f"2/L = {_fmt(s['limit_before'])} → {_fmt(s['limit_after'])}."]
    runs = []
    for name in VARIANTS:
        limit, step = s[f"limit_{name}"], int(s[f"diverged_step_{name}"])
        side = "&gt;" if params["eta"] > limit else "&lt;"
        fate = (f"<b>diverged</b> at step {step}" if step >= 0
                else f"final loss {_fmt(s[f'final_loss_{name}'])}")
        runs.append(f"{name}: λ_max = {_fmt(s[f'lambda_max_{name}'])}, 2/L = {_fmt(limit)} "
                    f"(η {side} 2/L), {fate}")
    lines.append(f"GD at η = {params['eta']:.4g}:")
    lines.extend(f"&nbsp;&nbsp;{run}" for run in runs)
    return "<br>".join(lines)
