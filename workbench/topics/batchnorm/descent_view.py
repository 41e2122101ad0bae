"""The descent-lemma tab (batchnorm.md §1.1–1.2, eqs. 1–4; §4 Q1): the GD path on the level sets,
the true loss along the gradient line against the quadratic upper bound of eq. (4) with marks at
η = 1/L and η = 2/L, and f − f* per iteration on a log axis."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout

from engines.batchnorm.descent import run_descent
from engines.core.frame import Frame
from widgets.live_plot import LivePlot
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import finite_xy, marker, positive_xy

SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

N_LEVELS = 12
HELP = ("<b>Descent lemma.</b> If the gradient changes at most L times as fast as θ, one "
        "gradient step of size η lowers the loss by at least η(1 − Lη/2)‖g‖². The guarantee "
        "is best at η = 1/L and is lost beyond η = 2/L. Left: the GD path on the level sets. "
        "Right: the real loss along the first step's line against that parabola. "
        "Move η × L across 2 to watch a quadratic start to diverge; the logistic loss has "
        "curvature below its bound L, so it tolerates more.")


class DescentView(ExperimentHost):
    def __init__(self, parent=None, run_factory=run_descent):
        super().__init__("batchnorm", load_experiment("batchnorm:descent")[1], parent, run_factory=run_factory, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self.contour_plot = LivePlot()
        self.contour_plot.set_title("GD on the level sets of f")
        self.contour_plot.set_labels("θ₁ (parameter units)", "θ₂ (parameter units)")
        self.contour_plot.plot_item.setAspectLocked(True)
        self._levels = pg.PlotDataItem(pen=pg.mkPen(150, 150, 150, 160, width=1.0), connect="finite")
        self.contour_plot.plot_item.addItem(self._levels)
        self.contour_plot.plot_item.legend.addItem(self._levels, "level sets of f − f*")
        for name, color, style, width in (("GD path", "#d62728", "line", 1.6),
                                          ("iterates", "#d62728", "dots", 1.3),
                                          ("start θ₀", "#2ca02c", "dots", 3.0),
                                          ("minimum θ*", "#1f77b4", "dots", 3.0)):
            item = self.contour_plot.add_series(name, color=color, style=style, width=width)
            item.setClipToView(False)          # a path's x is not sorted
            item.setDownsampling(auto=False)

        self.line_plot = LivePlot()
        self.line_plot.set_title("f(θₖ − ηg) vs the eq.-(4) bound")
        self.line_plot.set_labels("η × L (step size in units of 1/L)", "f (loss units)")
        self.line_plot.add_series("bound f − η‖g‖² + (L/2)η²‖g‖²", color="#ff7f0e", width=2.0)
        self.line_plot.add_series("true f(θₖ − ηg)", color="#1f77b4", width=2.0)
        plot = self.line_plot.plot_item
        self.one_over_L_line = marker(1.0, "η = 1/L", where=0.06)
        self.two_over_L_line = marker(2.0, "η = 2/L", where=0.06)
        self.eta_line = marker(1.0, "chosen η", color=(44, 160, 44), where=0.16)
        self.f_line = marker(0.0, "f(θₖ)", angle=0, color=(128, 128, 128), where=0.05)
        for line in (self.one_over_L_line, self.two_over_L_line, self.eta_line, self.f_line):
            plot.addItem(line, ignoreBounds=True)

        self.loss_plot = LivePlot()
        self.loss_plot.set_title("loss gap per iteration")
        self.loss_plot.set_labels("iteration k", "f(θₖ) − f* (loss units, log scale)")
        self.loss_plot.add_series("f − f*", color="#d62728", width=1.8)
        self.loss_plot.set_log_y(True)

        grid = QGridLayout()
        grid.addWidget(self.contour_plot, 0, 0, 2, 1)
        grid.addWidget(self.line_plot, 0, 1)
        grid.addWidget(self.loss_plot, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return grid

    def draw_frame(self, frame: Frame, params: dict) -> None:
        s, a = frame.scalars, frame.arrays
        xs, ys, grid = a["contour_x"], a["contour_y"], a["contour"]
        self._levels.setData(*level_lines(xs, ys, grid))
        path = a["path"]
        self.contour_plot.set_series("GD path", path[:, 1], path[:, 2])
        self.contour_plot.set_series("iterates", path[:, 1], path[:, 2])
        self.contour_plot.set_series("start θ₀", path[:1, 1], path[:1, 2])
        self.contour_plot.set_series("minimum θ*", [s["theta_star_1"]], [s["theta_star_2"]])
        self.contour_plot.plot_item.getViewBox().setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]),
                                                           padding=0.02)

        line = dict(zip(frame.columns["line"], a["line"].T))
        self.line_plot.set_series("true f(θₖ − ηg)", *finite_xy(line["eta_L"], line["true"]))
        self.line_plot.set_series("bound f − η‖g‖² + (L/2)η²‖g‖²", line["eta_L"], line["bound"])
        self.eta_line.setValue(s["eta_over_L"])
        self.f_line.setValue(float(line["bound"][0]))
        step = str(int(s["probe_step"])).translate(SUBSCRIPT_DIGITS)
        self.line_plot.set_title(f"along the gradient line at θ{step}: true loss vs the eq.-(4) bound")
        self.loss_plot.set_series("f − f*", *positive_xy(a["loss"][:, 0], a["loss"][:, 2]))
        self.readout.setText(readout_text(s, params))

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"contour": self.contour_plot.plot_item, "line": self.line_plot.plot_item,
                "loss": self.loss_plot.plot_item}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Every plotted curve as (x, y) copies, per plot (the level sets are drawn, not exported)."""
        return {"contour": self.contour_plot.series_data(), "line": self.line_plot.series_data(),
                "loss": self.loss_plot.series_data()}


def level_lines(xs: np.ndarray, ys: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Level sets of ``grid`` (rows ys, columns xs) at geometrically spaced levels, as one NaN-
    separated polyline in data coordinates (pyqtgraph's isocurve puts sample i at index i + ½)."""
    positive = grid[grid > 0]
    if positive.size == 0:
        return np.zeros(0), np.zeros(0)
    top = float(positive.max())
    levels = np.geomspace(top * 1e-4, top * 0.8, N_LEVELS)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    px, py = [], []
    for level in levels:
        for segment in pg.functions.isocurve(grid.T, level, connected=True):
            seg = np.asarray(segment, float)
            px.extend((xs[0] + (seg[:, 0] - 0.5) * dx).tolist() + [np.nan])
            py.extend((ys[0] + (seg[:, 1] - 0.5) * dy).tolist() + [np.nan])
    return np.array(px), np.array(py)


def readout_text(s: dict, params: dict) -> str:
    eta_L = s["eta_over_L"]
    if s["diverged"]:
        verdict = "diverges"
    elif s["converged"]:
        verdict = "converges"
    elif s["contraction"] >= 1.0 - 1e-12:
        verdict = "does not converge (|1 − ηλ| = 1: it oscillates)"
    else:
        verdict = "still converging"
    model = "quadratic ½θᵀAθ" if params["model"] == "quadratic" else "logistic regression"
    return (f"<b>{model}</b>: L = {s['L']:.4g}, 1/L = {s['inv_L']:.4g}, 2/L = {s['two_over_L']:.4g}; "
            f"η = {eta_L:.2f}/L = {s['eta']:.4g}: <b>{verdict}</b> "
            f"(max|1 − ηλᵢ| at θ* = {s['contraction']:.3f}).<br>"
            f"After {int(s['steps_run'])} steps f − f* = {s['final_gap']:.3e} "
            f"(start {s['initial_gap']:.3e}); descent-lemma violations: {int(s['violations'])} "
            f"of {int(s['checks'])} checks.")
