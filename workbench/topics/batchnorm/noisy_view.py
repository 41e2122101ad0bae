"""The "Noisy BN" tab (Santurkar et al. Figure 2, note §3.5): how one unit's input distribution moves
over training in a standard net, a BN net and a noisy-BN net, with the drift numbers and test
accuracy — a net can be stable in distribution and train no better, or shift wildly and train fine.

Each net's recorded values become an image of histograms over time (x: step, y: value, colour:
density), all three on one value range so their spreads compare by eye.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from engines.batchnorm.noisy_run import NETS, run_noisy
from engines.core.frame import Frame
from widgets.heat_map import HeatMap
from engines.registry import load_experiment
from workbench.pages.experiment_host import ExperimentHost
from workbench.topics.batchnorm.ics_view import titled_plot

BINS = 60
TITLES = {"standard": "standard (no normalisation)", "bn": "BN", "noisy": "noisy BN"}
COLORS = {"standard": "#d62728", "bn": "#1f77b4", "noisy": "#2ca02c"}


def histogram_image(records: np.ndarray, lo: float, hi: float, bins: int = BINS) -> np.ndarray:
    """(bins × records) densities: column t is the histogram of record t on [lo, hi]."""
    edges = np.linspace(lo, hi, bins + 1)
    out = np.empty((bins, len(records)))
    for t, values in enumerate(records):
        counts, _ = np.histogram(np.clip(values, lo, hi), edges)
        out[:, t] = counts / max(len(values), 1) / (edges[1] - edges[0])
    return out


class NoisyView(ExperimentHost):
    def __init__(self, parent: QWidget | None = None, run_factory=run_noisy, process: bool = True):
        self._arrays: dict[str, np.ndarray] = {}
        self._scalars: dict[str, float] = {}
        self._points: dict[str, list[tuple[int, float]]] = {}
        super().__init__("batchnorm", load_experiment("batchnorm:noisy")[1], parent, run_factory=run_factory, process=process)

    def build_plots(self) -> QVBoxLayout:
        self.maps = {name: HeatMap(colorbar_title="density", annotate=False) for name in NETS}
        for name, heat in self.maps.items():
            heat.set_title(TITLES[name])
            heat.set_labels("training step", "value entering the ReLU")
        self.accuracy = titled_plot("test accuracy", "step", "accuracy")
        for name in NETS:
            self.accuracy.add_series(TITLES[name], color=COLORS[name], width=1.8)
        self.caption = QLabel("Each map: the distribution of one unit's input (what enters its ReLU) on a fixed "
                              "batch, one column per record; colour = density.", wordWrap=True)
        self.readout.setText("Press Run: three nets from the same weights on the same batches.")
        grid = QGridLayout()
        for i, widget in enumerate([*self.maps.values(), self.accuracy]):
            grid.addWidget(widget, i // 2, i % 2)
        layout = QVBoxLayout()
        layout.addWidget(self.caption)
        layout.addLayout(grid, 1)
        return layout

    def begin(self, values) -> None:
        self._arrays, self._scalars, self._points = {}, {}, {}

    def take(self, frames: list[Frame], params: dict) -> None:
        for frame in frames:
            self._arrays.update(frame.arrays)
            self._scalars.update(frame.scalars)
            for name in NETS:
                key = f"test_acc_{name}"
                if key in frame.scalars:
                    self._points.setdefault(name, []).append((frame.step, frame.scalars[key]))

    def draw(self) -> None:
        steps = self._arrays.get("record_steps")
        records = {name: self._arrays[f"unit_{name}"] for name in NETS if f"unit_{name}" in self._arrays}
        if steps is not None and records:
            values = np.concatenate([r.ravel() for r in records.values()])
            lo, hi = np.percentile(values[np.isfinite(values)], [0.5, 99.5]) if np.isfinite(values).any() else (0, 1)
            hi = hi if hi > lo else lo + 1.0
            for name, rec in records.items():
                n = min(len(rec), len(steps))
                if n < 2:
                    continue
                image = histogram_image(rec[:n], lo, hi)
                self.maps[name].set_matrix(image, diverging=False)
                self.maps[name].set_extent(float(steps[0]), float(steps[n - 1]), float(lo), float(hi))
        for name, points in self._points.items():
            self.accuracy.set_series(TITLES[name], *np.array(points, dtype=np.float64).T)
        self.readout.setText(self.summary())

    def summary(self) -> str:
        s = self._scalars
        parts = []
        for name in NETS:
            if f"drift_mean_{name}" in s:
                parts.append(f"<b>{TITLES[name]}</b>: drift of unit means {s[f'drift_mean_{name}']:.3f}, of unit "
                             f"stds {s[f'drift_std_{name}']:.3f}, test acc {s.get(f'test_acc_{name}', float('nan')):.3f}")
        return " · ".join(parts) or "no records yet"

    def plots(self) -> dict:
        out = {f"noisy_{name}": heat.plot_item for name, heat in self.maps.items()}
        out["noisy_accuracy"] = self.accuracy.plot_item
        return out

    def series(self) -> dict:
        return {"noisy_accuracy": self.accuracy.series_data()}
