"""The latent space of the current run: codes μ coloured by digit with 1-σ ellipses, the spread of
the encoder's σ (log axis: it spans 1e-6 at β = 0 to 1 when the posterior collapses), and the
KL each latent unit carries (units that carry none are "inactive")."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from widgets import LivePlot
from widgets.bar_plot import BarPlot
from widgets.live_plot import PALETTE

ACTIVE_KL_NATS = 0.01


class LatentView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = LivePlot()
        self.scatter.set_labels("z₀ (or first principal axis)", "z₁ (or second principal axis)")
        self.scatter.plot_item.setAspectLocked(True)
        for digit in range(10):
            self.scatter.add_series(f"digit {digit}", color=PALETTE[digit], style="dots", width=1.6)
        self.ellipses = pg.PlotDataItem(pen=pg.mkPen(90, 90, 90, 120, width=1), connect="finite")
        self.scatter.plot_item.addItem(self.ellipses)
        self.ellipses.setDownsampling(ds=1, auto=False)  # the plot's peak downsampling zigzags closed curves
        self.ellipses.setClipToView(False)
        self.sigma_hist = LivePlot()
        self.sigma_hist.set_labels("log₁₀ σ of the encoder", "count (units × test codes)")
        self.sigma_hist.add_series("σ histogram", color="#555555")
        self.unit_kl = BarPlot()
        self.unit_kl.set_labels("latent unit", "KL per unit (nats, data mean)")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scatter, 0, 0, 2, 1)
        layout.addWidget(self.sigma_hist, 0, 1)
        layout.addWidget(self.unit_kl, 1, 1)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)
        self._latest: dict[str, np.ndarray] = {}
        self._k = 0

    def take(self, arrays: dict[str, np.ndarray]) -> None:
        if "latent_2d" in arrays:
            self._latest = arrays

    def draw(self) -> None:
        a = self._latest
        if not a:
            return
        plane = a["latent_2d"]
        for digit in range(10):
            pick = plane[:, 2] == digit
            self.scatter.set_series(f"digit {digit}", plane[pick, 0], plane[pick, 1])
        self.ellipses.setData(a["ellipses"][:, 0], a["ellipses"][:, 1], connect="finite")
        k = a["per_unit_kl"].size
        if k != self._k:
            self._k = k
            axes = ("z₀", "z₁") if k <= 2 else ("first principal axis of μ", "second principal axis of μ")
            self.scatter.set_labels(*axes)
        hist = a["sigma_hist"]
        self.sigma_hist.set_series("σ histogram", *_steps(hist[:, 0], hist[:, 1]))
        kl = a["per_unit_kl"]
        self.unit_kl.set_bars(kl, labels=[f"z{i}" for i in range(kl.size)], threshold=ACTIVE_KL_NATS,
                              threshold_label=f"{ACTIVE_KL_NATS} nats")
        self._latest = {}

    def clear(self) -> None:
        self.scatter.clear()
        self.sigma_hist.clear()
        self.ellipses.setData([], [])
        self.unit_kl.set_bars(np.zeros(0))

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"latent": self.scatter.plot_item, "sigma_histogram": self.sigma_hist.plot_item,
                "unit_kl": self.unit_kl.plot_item}

    def series(self) -> dict[str, dict]:
        bars = self.unit_kl.values()
        return {"latent": self.scatter.series_data(), "sigma_histogram": self.sigma_hist.series_data(),
                "unit_kl": {"kl": (np.arange(bars.size, dtype=float), bars)}}


def _steps(centres: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A histogram as a step outline (x at bin edges)."""
    if centres.size < 2:
        return centres, counts
    width = centres[1] - centres[0]
    edges = np.concatenate([centres - width / 2, [centres[-1] + width / 2]])
    x = np.repeat(edges, 2)[1:-1]
    return x, np.repeat(counts, 2)
