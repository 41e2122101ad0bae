"""BN's gradient-projection tab (batchnorm.md §2.3 Theorem 4.1, §3.6, §4 Q7): the upstream gradient
g against ŷ with the two components BN removes (a straight-line fit of g on ŷ), the resulting
∇_y L̂ = (γ/σ)Pg by autograd and by the formula, c·∇ at c·y, and both sides of the identity."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout

from engines.batchnorm.projection import run_projection
from engines.core.frame import Frame
from widgets.bar_plot import BarPlot
from widgets.live_plot import LivePlot
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import marker

IDENTITY_LABELS = ("autograd", "Thm 4.1", "no projection", "1/√m misprint")
HELP = ("<b>What BN does to a gradient.</b> A batch y of m numbers is normalised to ŷ "
        "(mean 0, variance 1), then z = γŷ + β feeds a fixed loss with gradient g = ∂ℓ/∂z. "
        "Going back through the mean and the standard deviation removes from g its best straight-"
        "line fit in ŷ (a constant part and a part along ŷ) and multiplies the rest by γ/σ. "
        "So the gradient always sums to zero, is orthogonal to ŷ, and shrinks as 1/c when y is "
        "scaled by c. The identity of the norms is exact, not just an inequality.")


class ProjectionView(ExperimentHost):
    def __init__(self, parent=None, run_factory=run_projection):
        super().__init__("batchnorm", load_experiment("batchnorm:projection")[1], parent, run_factory=run_factory, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self.components_plot = LivePlot()
        self.components_plot.set_title("upstream g and what BN removes")
        self.components_plot.set_labels("normalised input ŷ_b (dimensionless)", "∂ℓ/∂z_b (loss units)")
        for name, color, style, width in (("g", "#7f7f7f", "dots", 1.6),
                                          ("along 1: ⟨1,g⟩/m", "#ff7f0e", "line", 1.8),
                                          ("along ŷ: (⟨ŷ,g⟩/m)·ŷ", "#9467bd", "line", 1.8),
                                          ("Pg (what is kept)", "#1f77b4", "dots", 1.6)):
            self.components_plot.add_series(name, color=color, style=style, width=width)
        self.components_plot.plot_item.addItem(marker(0.0, "", angle=0, color=(150, 150, 150)),
                                               ignoreBounds=True)

        self.gradient_plot = LivePlot()
        self.gradient_plot.set_title("gradient at the BN input y")
        self.gradient_plot.set_labels("sample b", "∂L̂/∂y_b (loss units / units of y)")
        self.gradient_plot.add_series("(γ/σ)Pg (formula)", color="#1f77b4", width=1.6)
        self.gradient_plot.add_series("∇_y L̂ (autograd)", color="#d62728", style="dots", width=2.4)
        self.gradient_plot.add_series("c·∇ at c·y (autograd)", color="#2ca02c", style="dots", width=1.0)

        self.identity_plot = BarPlot()
        self.identity_plot.set_title("‖∇_y L̂‖²: autograd vs Theorem 4.1")
        self.identity_plot.set_labels("quantity", "squared gradient norm ((loss / y units)²)")

        grid = QGridLayout()
        grid.addWidget(self.components_plot, 0, 0)
        grid.addWidget(self.gradient_plot, 0, 1)
        grid.addWidget(self.identity_plot, 1, 0)
        grid.addWidget(self.readout, 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        return grid

    def draw_frame(self, frame: Frame, params: dict) -> None:
        s = frame.scalars
        col = dict(zip(frame.columns["samples"], frame.arrays["samples"].T))
        order = np.argsort(col["y_hat"])
        y_hat = col["y_hat"][order]
        for name, key in (("g", "g"), ("along 1: ⟨1,g⟩/m", "along_ones"),
                          ("along ŷ: (⟨ŷ,g⟩/m)·ŷ", "along_yhat"), ("Pg (what is kept)", "Pg")):
            self.components_plot.set_series(name, y_hat, col[key][order])
        b = col["b"]
        self.gradient_plot.set_series("(γ/σ)Pg (formula)", b, col["grad_formula"])
        self.gradient_plot.set_series("∇_y L̂ (autograd)", b, col["grad_autograd"])
        self.gradient_plot.set_series("c·∇ at c·y (autograd)", b, col["grad_scaled_times_c"])
        self.identity_plot.set_bars([s["lhs"], s["rhs"], s["unprojected"], s["rhs_sqrt_m"]],
                                    list(IDENTITY_LABELS))
        self.readout.setText(readout_text(s, params))

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"components": self.components_plot.plot_item, "gradient": self.gradient_plot.plot_item,
                "identity": self.identity_plot.plot_item}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Every plotted curve as (x, y) copies, per plot; the identity bars as (index, value)."""
        values = self.identity_plot.values()
        return {"components": self.components_plot.series_data(),
                "gradient": self.gradient_plot.series_data(),
                "identity": {"squared norms": (np.arange(values.size, dtype=float), values)}}


def readout_text(s: dict, params: dict) -> str:
    c = s["scale_c"]
    ratio = "— (the gradient is 0)" if not math.isfinite(s["scale_ratio"]) else f"{s['scale_ratio']:.6g}"
    return (f"m = {params['m']}: μ = {s['mu']:.5g}, σ = {s['sigma']:.5g}, γ/σ = {s['gamma_over_sigma']:.5g}.<br>"
            f"‖g‖² = {s['g_norm_sq']:.6g}; removed along 1: ⟨1,g⟩²/m = {s['ones_term']:.6g}, "
            f"along ŷ: ⟨ŷ,g⟩²/m = {s['yhat_term']:.6g}.<br>"
            f"<b>‖∇_y L̂‖² = {s['lhs']:.15g}</b> (autograd) vs <b>{s['rhs']:.15g}</b> (formula), "
            f"relative difference {s['rel_error']:.1e}; with the 1/√m misprint: {s['rhs_sqrt_m']:.6g}.<br>"
            f"Σ_b ∂L̂/∂y_b = {s['sum_grad']:.1e}, ⟨∇_y L̂, ŷ⟩ = {s['dot_grad_yhat']:.1e}, "
            f"max|P² − P| = {s['idempotency']:.1e}.<br>"
            f"y → {c:.4g}·y: ‖∇‖ ratio = {ratio} (1/c = {1 / c:.6g}), "
            f"max|c·∇(c·y) − ∇(y)| / max|∇| = {s['scale_error']:.1e}.")
