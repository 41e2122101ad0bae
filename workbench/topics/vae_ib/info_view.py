"""Where the information goes: the information plane (x = I(X;Z) by the mixture estimate, where
Alemi et al. plot the KL bound; y = I(Z;Y); in bits) and eq. 7's bound against what it bounds.

The MI estimate cannot exceed log₂ N (the data set has N points) and I(Z;Y) cannot exceed H(Y):
both ceilings are drawn.  Eq. 7 says bound − I(X;Z) = KL(p(z) ‖ N(0, I)) ≥ 0: the gap between the
analytic bound and the MI estimate is drawn with a Monte-Carlo estimate of that KL (from the same
samples as the MI estimate), so the two agree exactly when the MC bound matches the analytic one.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from widgets import LivePlot

H_Y_BITS = 3.3218  # digits' label entropy (note §3); stratified subsets keep it to 1e-3 bit


class InformationView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plane = LivePlot()
        self.plane.set_labels("I(X;Z) mixture estimate (bits)", "I(Z;Y) ≥ H(Y) − CE (bits)")
        self.plane.add_series("trajectory", color="#1f77b4")
        self.plane.add_series("evaluations", color="#1f77b4", style="dots")
        self.plane.add_series("now", color="#d62728", style="dots", width=3)
        self.plane.add_series("sweep end points", color="#2ca02c", style="dots", width=2.5)
        self._endpoint_labels: list[pg.TextItem] = []
        self._endpoints: tuple[np.ndarray, np.ndarray] | None = None
        pen = pg.mkPen(120, 120, 120, 200, width=1.2, style=QtCore.Qt.PenStyle.DashLine)
        self.h_y_line = pg.InfiniteLine(pos=H_Y_BITS, angle=0, pen=pen, label="H(Y)",
                                        labelOpts={"position": 0.05, "color": (120, 120, 120)})
        self.plane.plot_item.addItem(self.h_y_line, ignoreBounds=True)
        self.bound = LivePlot()
        self.bound.set_labels("step", "bits")
        for name, color in (("KL bound E_x KL(p(z|x) ‖ N(0,I))", "#ff7f0e"), ("I(X;Z) mixture estimate", "#1f77b4"),
                            ("bound − estimate", "#2ca02c"), ("KL(p(z) ‖ N(0,I)) Monte Carlo", "#9467bd")):
            self.bound.add_series(name, color=color, width=5.0 if name == "bound − estimate" else 1.5,
                                  faint=name == "bound − estimate")
        self.bound.add_series("log₂ N", color="#7f7f7f", width=1.0)
        self.readout = QLabel(wordWrap=True)
        self.readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plane, 0, 0)
        layout.addWidget(self.bound, 0, 1)
        layout.addWidget(self.readout, 1, 0, 1, 2)
        self._ceiling: float | None = None
        self._log_n_line = None

    def set_model(self, model: str, n_points: int) -> None:
        """The information plane needs labels (VIB); the bound plot serves both models."""
        self.plane.setVisible(model == "vib")
        self._ceiling = math.log2(n_points)
        if self._log_n_line is not None:
            self.plane.plot_item.removeItem(self._log_n_line)
        pen = pg.mkPen(120, 120, 120, 200, width=1.2, style=QtCore.Qt.PenStyle.DashLine)
        self._log_n_line = pg.InfiniteLine(pos=self._ceiling, angle=90, pen=pen, label=f"log₂ N = {self._ceiling:.2f}",
                                           labelOpts={"position": 0.1, "color": (120, 120, 120)})
        self.plane.plot_item.addItem(self._log_n_line, ignoreBounds=True)
        self.plane.plot_item.setRange(xRange=(0, self._ceiling + 0.4), yRange=(-0.5, H_Y_BITS + 0.25), padding=0)
        self.plane.plot_item.disableAutoRange()

    def take(self, step: int, s: dict[str, float]) -> None:
        if "mi_bits" not in s:
            return
        if "izy_bits" in s:
            self.plane.append("trajectory", s["mi_bits"], s["izy_bits"])
            self.plane.append("evaluations", s["mi_bits"], s["izy_bits"])
            self.plane.set_series("now", [s["mi_bits"]], [s["izy_bits"]])
        self.bound.append("KL bound E_x KL(p(z|x) ‖ N(0,I))", step, s["kl_bound_bits"])
        self.bound.append("I(X;Z) mixture estimate", step, s["mi_bits"])
        self.bound.append("bound − estimate", step, s["kl_bound_bits"] - s["mi_bits"])
        self.bound.append("KL(p(z) ‖ N(0,I)) Monte Carlo", step, s["kl_aggregate_bits"])
        if self._ceiling is not None:
            self.bound.append("log₂ N", step, self._ceiling)
        self.readout.setText(
            f"At step {step}: bound {s['kl_bound_bits']:.4g} bits ≥ I(X;Z) ≈ {s['mi_bits']:.4g} bits "
            f"(ceiling log₂ N = {self._ceiling or float('nan'):.3f}); gap {s['kl_bound_bits'] - s['mi_bits']:.4g} bits "
            f"vs KL(aggregate ‖ prior) by Monte Carlo {s['kl_aggregate_bits']:.4g} bits — eq. 7 says they are equal "
            f"(the article writes a strict '<'; it is '≤', with equality iff the aggregate posterior is N(0, I)).")

    def set_endpoints(self, name: str, values, mi_bits, izy_bits) -> None:
        """Where each member of a sweep ended in the information plane (Alemi's picture: I(X;Z)
        shrinks as β grows while I(Z;Y) holds near H(Y) until the bottleneck bites)."""
        for label in self._endpoint_labels:
            self.plane.plot_item.removeItem(label)
        self._endpoint_labels = []
        self._endpoints = (np.asarray(mi_bits, dtype=float), np.asarray(izy_bits, dtype=float))
        self.plane.set_series("sweep end points", *self._endpoints)
        right = 0.75 * (self._ceiling or max(mi_bits, default=1.0))
        for value, x, y in zip(values, mi_bits, izy_bits):
            anchor = (1, 1) if x > right else (0, 1)  # labels near the log₂ N wall point inwards
            label = pg.TextItem(f"{name}={value:g}", color=(44, 160, 44), anchor=anchor)
            label.setPos(x, y)
            self.plane.plot_item.addItem(label, ignoreBounds=True)
            self._endpoint_labels.append(label)

    def draw(self) -> None:
        self.plane.redraw()
        self.bound.redraw()

    def clear(self) -> None:
        """Forget the run's trajectory; a sweep's end points stay until the next sweep."""
        self.plane.clear()
        if self._endpoints is not None:
            self.plane.set_series("sweep end points", *self._endpoints)
        self.bound.clear()
        self.readout.clear()

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"information_plane": self.plane.plot_item, "bound_vs_information": self.bound.plot_item}

    def series(self) -> dict[str, dict]:
        return {"information_plane": self.plane.series_data(), "bound_vs_information": self.bound.series_data()}
