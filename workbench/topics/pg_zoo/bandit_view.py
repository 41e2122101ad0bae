"""The score-function bandit's page (pg_zoo.md panel Z2): the exact gradient against the running
REINFORCE means, the estimator's variance as a parabola in the baseline b with 0, E_p[r] and b*
marked, and the measured variances converging to the exact ones."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from engines.core.frame import Frame
from widgets.bar_plot import BarPlot
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView
from workbench.pages.plot_helpers import marker

BASELINES = (("none", "no baseline", "#d62728"), ("mean", "b = E_p[r]", "#ff7f0e"), ("optimal", "b*", "#2ca02c"))
EXACT = "exact p ⊙ (r − pᵀr)"


class BanditView(ExperimentView):
    shiftRequested = Signal(float)  # "add this constant to every reward" (the panel sets ``shift``)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.gradient = LivePlot()
        self.gradient.set_title("gradient w.r.t. each logit")
        self.gradient.set_labels("action k", "∂E_p[r]/∂z_k")
        self.gradient.add_series(EXACT, color="#7f7f7f", width=4.0, style="dots")
        for _key, label, colour in BASELINES:
            self.gradient.add_series(f"running mean, {label}", color=colour, width=1.5, style="dots")
        self.parabola = LivePlot()
        self.parabola.set_title("tr Var of (r_y − b)(e_y − p) against b (exact)")
        self.parabola.set_labels("baseline b", "tr Var")
        self.parabola.add_series("tr Var(b)", color="#1f77b4", width=2.0)
        self.marks: list = []
        self.variance = LivePlot()
        self.variance.set_title("tr Var: measured (bright) and exact (faint)")
        self.variance.set_labels("actions drawn", "tr Var")
        for _key, label, colour in BASELINES:
            self.variance.add_series(f"{label}, measured", color=colour, width=1.5)
            self.variance.add_series(f"{label}, exact", color=colour, width=1.0, faint=True)
        self.policy = BarPlot()
        self.policy.set_title("the policy p = softmax(z)")
        self.policy.set_labels("action k", "p_k")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("add a constant to every reward (the gradient stays):"))
        for amount in (-1.0, 1.0, 10.0):
            button = QPushButton(f"r {'+' if amount > 0 else '−'} {abs(amount):g}")
            button.setToolTip(f"adds {amount:g} to the shift and runs again")
            button.clicked.connect(lambda _checked=False, a=amount: self.shiftRequested.emit(a))
            row.addWidget(button)
        row.addStretch(1)
        grid.addLayout(row, 0, 0, 1, 2)
        for index, plot in enumerate((self.gradient, self.parabola, self.variance, self.policy)):
            grid.addWidget(plot, 1 + index // 2, index % 2)
        self._arrays: dict[str, np.ndarray] = {}
        self._baselines: dict[str, float] = {}

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            s = frame.scalars
            for key, label, _colour in BASELINES:
                if f"variance_{key}" in s:
                    self.variance.append(f"{label}, measured", frame.step, s[f"variance_{key}"])
                    self.variance.append(f"{label}, exact", frame.step, s[f"variance_theory_{key}"])
            if "b_optimal" in s:
                self._baselines = {"none": 0.0, "mean": s["b_mean"], "optimal": s["b_optimal"]}
            self._arrays.update(frame.arrays)

    def draw(self) -> None:
        self.variance.redraw()
        gradients = self._arrays.pop("gradients", None)
        if gradients is not None:
            self.gradient.set_series(EXACT, gradients[:, 0], gradients[:, 1])
            for index, (_key, label, _colour) in enumerate(BASELINES):
                self.gradient.set_series(f"running mean, {label}", gradients[:, 0], gradients[:, 2 + index])
        curve = self._arrays.pop("variance_vs_b", None)
        if curve is not None:
            self.parabola.set_series("tr Var(b)", curve[:, 0], curve[:, 1])
            self._mark_baselines()
        policy = self._arrays.pop("policy", None)
        if policy is not None:
            self.policy.set_bars(policy[:, 1], [f"{int(k)} (r = {r:g})" for k, r in zip(policy[:, 0], policy[:, 2])])

    def _mark_baselines(self) -> None:
        for line in self.marks:
            self.parabola.plot_item.removeItem(line)
        self.marks = []
        for index, (key, label, colour) in enumerate(BASELINES):
            if key in self._baselines:
                rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
                line = marker(self._baselines[key], label, color=rgb, where=0.85 - 0.15 * index)
                self.parabola.plot_item.addItem(line, ignoreBounds=True)
                self.marks.append(line)

    def clear(self) -> None:
        for plot in (self.gradient, self.parabola, self.variance):
            plot.clear()
        self.policy.set_bars(np.zeros(0), [])
        self._arrays.clear()
        self._baselines = {}
        self._mark_baselines()

    def plots(self) -> dict:
        return {"gradient": self.gradient.plot_item, "variance_vs_b": self.parabola.plot_item,
                "variance": self.variance.plot_item, "policy": self.policy.plot_item}

    def series(self) -> dict:
        bars = self.policy.values()
        return {"gradient": self.gradient.series_data(), "variance_vs_b": self.parabola.series_data(),
                "variance": self.variance.series_data(),
                "policy": {"p": (np.arange(bars.size, dtype=float), bars)}}
