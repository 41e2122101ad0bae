"""The "Normal-distribution algebra" tab of the vae_ib topic (vae_ib.md §4 P5 a and b).

(a) the histogram of αz₁ + βz₂ against its exact density (N(0, α² + β²), or a trapezoid for uniform
inputs) with the KS distance and the variances; (b) E‖z_t‖/√d and the prior log-density per dimension
along the linear and cos/sin paths.  Every form change restarts ``run_algebra`` in the controller's
worker (a FormTab with auto=True: a slider drag coalesces into the newest value); the GUI thread only
draws arriving frames.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from engines.core.frame import Frame
from engines.vae_ib.algebra_run import run_algebra
from widgets.live_plot import LivePlot
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.plot_helpers import marker

LINEAR, COSSIN = "#d62728", "#1f77b4"
HIST_NAME = "samples (histogram)"
UNIFORM_NOTE = ("Uniform inputs: U(−|α|, |α|) + U(−|β|, |β|) is <b>not</b> uniform. Its density is a "
                "trapezoid, flat only on |x| ≤ ||α| − |β|| (a triangle when |α| = |β|), and "
                "concentrated in the middle of the support.")


class NormalAlgebraView(ExperimentHost):
    """Form on the left; (a) convolution histogram and (b) interpolation plots on the right."""

    def __init__(self, parent: QWidget | None = None, run_factory=run_algebra):
        super().__init__("vae_ib", load_experiment("vae_ib:algebra")[1], parent, run_factory=run_factory)

    def build_plots(self) -> QGridLayout:
        self.hist_plot = LivePlot()
        self.hist_plot.set_title("(a) convolution: αz₁ + βz₂")
        self.hist_plot.set_labels("x = αz₁ + βz₂ (units of z)", "probability density (1 / unit of x)")
        self._bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=1.0,
                                     brush=pg.mkBrush(127, 127, 127, 110), pen=pg.mkPen(110, 110, 110))
        self.hist_plot.plot_item.addItem(self._bars)
        self.hist_plot.plot_item.legend.addItem(self._bars, HIST_NAME)
        self.hist_plot.add_series("exact density", color="#ff7f0e", width=2.2)

        self.norm_plot = LivePlot()
        self.norm_plot.set_title("(b) interpolation between z₁, z₂ ~ N(0, I_d)")
        self.norm_plot.set_labels("t (linear: (1−t)z₁ + tz₂; cos/sin: θ = tπ/2), dimensionless",
                                  "E‖z_t‖ / √d (dimensionless)")
        for path, color in (("linear", LINEAR), ("cos/sin", COSSIN)):
            self.norm_plot.add_series(f"{path} (Monte Carlo)", color=color, style="dots", width=1.6)
            self.norm_plot.add_series(f"{path} (closed form)", color=color, width=1.8)
        self.limit_line = marker(1.0 / math.sqrt(2.0), "1/√2: linear midpoint as d → ∞", angle=0,
                                 color=(120, 120, 120), where=0.02, anchor=(0, 1))
        self.norm_plot.plot_item.addItem(self.limit_line)      # in the auto-range: always in view

        self.logpdf_plot = LivePlot()
        self.logpdf_plot.set_title("prior log-density along t")
        self.logpdf_plot.plot_item.legend.setVisible(False)
        self.logpdf_plot.set_labels("t, dimensionless", "mean log N(z_t; 0, I) / d (nats per dim.)")
        for path, color in (("linear", LINEAR), ("cos/sin", COSSIN)):
            self.logpdf_plot.add_series(f"{path} (Monte Carlo)", color=color, style="dots", width=1.4)
            self.logpdf_plot.add_series(f"{path} (closed form)", color=color, width=1.6)

        self.uniform_note = QLabel(UNIFORM_NOTE, wordWrap=True)
        self.uniform_note.hide()
        self.midpoint_readout = QLabel("", textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)

        right = QGridLayout()
        right.addWidget(self.hist_plot, 0, 0, 1, 2)
        right.addWidget(self.readout, 1, 0, 1, 2)
        right.addWidget(self.uniform_note, 2, 0, 1, 2)
        right.addWidget(self.norm_plot, 3, 0)
        right.addWidget(self.logpdf_plot, 3, 1)
        right.addWidget(self.midpoint_readout, 4, 0, 1, 2)
        right.setColumnStretch(0, 3)
        right.setColumnStretch(1, 2)
        right.setRowStretch(0, 1)
        right.setRowStretch(3, 1)
        return right

    # --- drawing --------------------------------------------------------------------------------
    def draw_frame(self, frame: Frame, params: dict) -> None:
        centre, density, _ = frame.arrays["histogram"].T
        self._bars.setOpts(x=centre, height=density, width=float(centre[1] - centre[0]))
        curve = frame.arrays["exact_curve"]
        self.hist_plot.set_series("exact density", curve[:, 0], curve[:, 1])
        uniform = params["kind"] == "uniform"
        self.uniform_note.setVisible(uniform)
        s = frame.scalars
        exact_name = "(α² + β²)/3" if uniform else "α² + β²"
        self.readout.setText(
            f"KS = {s['ks']:.4f} (n = {params['samples']:,} samples), "
            f"sample variance {s['variance']:.4f} vs exact {exact_name} = {s['variance_exact']:.4f}")

        table = frame.arrays["interpolation"]
        col = dict(zip(frame.columns["interpolation"], table.T))
        for plot, key in ((self.norm_plot, "norm"), (self.logpdf_plot, "logpdf")):
            for path, prefix in (("linear", "linear"), ("cos/sin", "cossin")):
                plot.set_series(f"{path} (Monte Carlo)", col["t"], col[f"{prefix}_{key}"])
                plot.set_series(f"{path} (closed form)", col["t"], col[f"{prefix}_{key}_exact"])
        self.midpoint_readout.setText(
            f"d = {params['d']}, {params['pairs']:,} pairs: at t = ½ the linear path has "
            f"E‖z‖/√d = {s['midpoint_linear_norm']:.4f} (closed form "
            f"{s['midpoint_linear_norm_exact']:.4f} = χ-factor {s['chi_factor']:.4f} × 1/√2), "
            f"the cos/sin path {s['midpoint_cossin_norm']:.4f}")

    # --- export ---------------------------------------------------------------------------------
    def plots(self) -> dict[str, pg.PlotItem]:
        return {"histogram": self.hist_plot.plot_item, "norm": self.norm_plot.plot_item,
                "logpdf": self.logpdf_plot.plot_item}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Every plotted curve as (x, y) copies, per plot (for CSV export)."""
        hist = self.hist_plot.series_data()
        if self.last_frame() is not None:
            centre, density, _ = self.last_frame().arrays["histogram"].T
            hist[HIST_NAME] = (centre.copy(), density.copy())
        return {"histogram": hist, "norm": self.norm_plot.series_data(),
                "logpdf": self.logpdf_plot.series_data()}
