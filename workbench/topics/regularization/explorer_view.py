"""The scale-shift explorer's page (regularization.md panel W1): the penalties along the shift, the
shifted net's decision map over the data, its per-layer norms, and the read-outs that should not
move (max |Δoutput|, Σlog‖W‖, the input-gradient bounds) beside the one that does (L2)."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout

from engines.core.frame import Frame
from engines.registry import load_experiment
from widgets.live_plot import LivePlot
from widgets.surface_map import SurfaceMap
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import marker

HELP = ("<b>Scale-shift explorer.</b> Multiply layer <i>pair</i> by a and the next by 1/a: a ReLU "
        "network computes the same function, yet its L2 penalty Σ‖W‖² moves along a parabola in "
        "a², lowest at equal norms. Σlog‖W‖, the product of norms and the input-gradient bounds do "
        "not move. Try the essay's literal bias rule or GELU to break the invariance.")
CLASS_BRUSHES = (pg.mkBrush("#d62728"), pg.mkBrush("#1f77b4"))  # the two moons, over the map's colours
L2_NAME, PRODUCT_NAME = "Σ‖W_l‖² (L2)", "∏‖W_l‖ = exp Σlog‖W_l‖ (the log term)"


class ExplorerView(ExperimentHost):
    def __init__(self, parent=None):
        super().__init__("regularization", load_experiment("regularization:explorer")[1], parent, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self.shift_plot = LivePlot()
        self.shift_plot.set_title("penalties along the shift of the chosen pair")
        self.shift_plot.set_labels("log₁₀ a", "penalty ÷ its value at a = 1")
        self.shift_plot.add_series(L2_NAME, color="#1f77b4", width=2.0)
        self.shift_plot.add_series(PRODUCT_NAME, color="#ff7f0e", width=2.0)
        self.shift_plot.set_log_y(True)
        self.a_line = marker(0.0, "this shift", color=(44, 160, 44), where=0.45)
        self.a_star_line = marker(0.0, "a* (equal norms)", color=(128, 128, 128), where=0.3)
        for line in (self.a_line, self.a_star_line):
            self.shift_plot.plot_item.addItem(line, ignoreBounds=True)

        self.decision = SurfaceMap(colorbar_title="P(class 1)", contours=[0.5])
        self.decision.set_title("decision of the shifted net (contour: 0.5)")
        self.decision.set_labels("x₁ (standardised)", "x₂ (standardised)")
        self.decision.set_marker(None)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen(255, 255, 255, 160, width=0.8))
        self.points.setZValue(20)
        self.decision.plot_item.addItem(self.points, ignoreBounds=True)

        self.norms_plot = LivePlot()
        self.norms_plot.set_title("per-layer norms after the shift")
        self.norms_plot.set_labels("layer l", "norm of W_l")
        self.norms_plot.add_series("Frobenius ‖W_l‖_F", color="#1f77b4", width=2.0)
        self.norms_plot.add_series("spectral ‖W_l‖₂", color="#9467bd", width=2.0)

        grid = QGridLayout()
        grid.addWidget(self.shift_plot, 0, 0)
        grid.addWidget(self.decision, 0, 1)
        grid.addWidget(self.norms_plot, 1, 0)
        grid.addWidget(self.readout, 1, 1)
        return grid

    def draw_frame(self, frame: Frame, params: dict) -> None:
        s, a = frame.scalars, frame.arrays
        curve = a["l2_curve"]
        at_one = curve[np.argmin(np.abs(curve[:, 0])), 1]
        self.shift_plot.set_series(L2_NAME, curve[:, 0], curve[:, 1] / at_one)
        self.shift_plot.set_series(PRODUCT_NAME, curve[:, 0], np.exp(curve[:, 2] - curve[np.argmin(np.abs(curve[:, 0])), 2]))
        self.a_line.setValue(params["log10_a"] if params["mode"] == "pair" else math.nan)
        self.a_line.setVisible(params["mode"] == "pair")
        self.a_star_line.setValue(s["a_star_log10"])
        self.decision.set_field(a["decision"], a["decision_x"], a["decision_y"], levels=(0.0, 1.0))
        data = a["data"]
        self.points.setData(data[:, 0], data[:, 1], brush=[CLASS_BRUSHES[int(c)] for c in data[:, 2]])
        norms = a["norms"]
        self.norms_plot.set_series("Frobenius ‖W_l‖_F", norms[:, 0], norms[:, 1])
        self.norms_plot.set_series("spectral ‖W_l‖₂", norms[:, 0], norms[:, 2])
        self.readout.setText(readout_text(s, params))

    def plots(self) -> dict:
        return {"shift": self.shift_plot.plot_item, "decision": self.decision.plot_item,
                "norms": self.norms_plot.plot_item}

    def series(self) -> dict:
        return {"shift": self.shift_plot.series_data(), "norms": self.norms_plot.series_data()}


def readout_text(s: dict, params: dict) -> str:
    """The read-outs as a table: what moved, what did not, and the bounds in order."""
    invariant = s["max_output_change"] < 1e-9
    verdict = ("<b>same function</b>" if invariant else
               "<b style='color:#d62728'>the function changed</b>")
    rows = [
        ("max |Δoutput| on the data", f"{s['max_output_change']:.3g}",
         f"{verdict} (relative {s['relative_output_change']:.2g})"),
        ("Σ‖W_l‖² (L2)", f"{s['l2']:.5g}", f"before {s['l2_original']:.5g}, lowest {s['l2_min']:.5g}"),
        ("Σ log‖W_l‖", f"{s['log_norm_sum']:.8g}", "invariant under ∏γ = 1"),
        ("Σ ‖W_l/‖W_l‖‖₁", f"{s['l1_direction']:.6g}", "invariant under any per-layer scale"),
        ("WEISSI value", f"{s['weissi']:.6g}", f"λ₁ = {params['lam1']:g}, λ₂ = {params['lam2']:g} (eq. 10)"),
        ("max ‖∂f/∂x‖₂", *(("n/a", "the bound needs a 1-Lipschitz homogeneous activation (ReLU)")
                           if not math.isfinite(s["max_input_gradient"]) else
                           (f"{s['max_input_gradient']:.4g}", "≤ ∏ spectral ≤ ∏ Frobenius"))),
        ("∏ ‖W_l‖₂ · ∏ ‖W_l‖_F", f"{s['product_spectral']:.4g} · {s['product_frobenius']:.4g}", ""),
        ("training accuracy", f"{s['train_accuracy']:.3f}", f"before the shift {s['train_accuracy_original']:.3f}"),
    ]
    body = "".join(f"<tr><td>{name}</td><td align='right'><b>{value}</b></td><td>&nbsp;{note}</td></tr>"
                   for name, value, note in rows)
    return f"<table cellspacing='4'>{body}</table>"
