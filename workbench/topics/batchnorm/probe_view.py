"""The "Probes A vs B" tab: Santurkar et al.'s Figure 4 for two nets trained side by side.

Bands (min–max over the probe steps η) of the loss along the gradient and of the gradient change,
the effective β-smoothness, both training losses, test accuracy and the A/B ratios, plus a readout of
the ratios averaged over the probes of the first 100 steps (the note's protocol, §3.2) and over the
last ten probes (the effect fades as both nets converge).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from widgets.band_plot import BandPlot
from widgets.live_plot import LivePlot
from workbench.pages import themes

COLORS = {"a": "#d62728", "b": "#1f77b4"}
RATIO_COLORS = {"loss_range": "#8c564b", "grad_pred": "#9467bd", "beta_eff": "#2ca02c"}
# Short: the legend sits in a third of the window (the title says which is which).
RATIO_NAMES = {"loss_range": "(a) loss range", "grad_pred": "(b) gradient change", "beta_eff": "(c) effective β"}
EARLY_STEPS = 100


class ProbeView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._variants = {"a": "A", "b": "B"}
        self._ratios: list[tuple[int, dict[str, float]]] = []
        self._plateau: dict[str, bool] = {}
        self.loss_band = self._band_plot("(a) loss L(θ − ηg), band over η", "loss (nats)")
        self.grad_band = self._band_plot("(b) gradient change ‖∇L(θ − ηg) − g‖", "‖Δg‖ (nats per unit θ)")
        self.beta = self._line_plot("(c) effective β: max ‖Δg‖ / ‖ηg‖", "β_eff (nats per unit θ²)", log=True)
        self.loss = self._line_plot("training loss (step's batch)", "cross-entropy (nats)", log=True)
        self.accuracy = self._line_plot("test accuracy", "accuracy", log=False)
        self.ratio = self._line_plot("A / B ratios of (a), (b), (c)", "ratio A / B", log=True)
        for name, color in RATIO_COLORS.items():
            self.ratio.add_series(RATIO_NAMES[name], color=color, width=1.2)
        self.ratio.plot_item.addLine(y=0.0, pen=(150, 150, 150))  # log axis: 10⁰ = 1
        self.readout = QLabel("Press Play: A and B train on the same batches from the same weights.")
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid = QGridLayout()
        for i, plot in enumerate((self.loss_band, self.grad_band, self.beta, self.loss, self.accuracy, self.ratio)):
            grid.addWidget(plot, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.readout)
        self.set_variants("none", "bn")

    def _band_plot(self, title: str, y_label: str) -> BandPlot:
        plot = BandPlot()
        plot.set_title(title)
        plot.set_labels("training step", y_label)
        plot.set_log_y(True)
        return plot

    def _line_plot(self, title: str, y_label: str, log: bool) -> LivePlot:
        plot = LivePlot()
        plot.set_title(title)
        plot.set_labels("training step", y_label)
        plot.set_log_y(log)
        return plot

    def _names(self) -> dict[str, str]:
        return {k: f"{k.upper()}: {v}" for k, v in self._variants.items()}

    def set_variants(self, a: str, b: str) -> None:
        """Declare the series of a new run (names carry the variants, for legends and CSV)."""
        self._variants = {"a": a, "b": b}
        for plot in (self.loss_band, self.grad_band):
            for name in plot.bands():
                plot.remove_band(name)
        for plot in (self.beta, self.loss, self.accuracy):
            for name in plot.series_names():
                plot.remove_series(name)
        names = self._names()
        for key, color in COLORS.items():
            self.loss_band.add_band(names[key], color)
            self.grad_band.add_band(names[key], color)
            self.beta.add_series(names[key], color=color, width=1.5)
            self.loss.add_series(names[key], color=color, width=1.0)
            self.accuracy.add_series(names[key], color=color, width=1.5)
        self.ratio.clear()
        self._ratios = []
        self._plateau = {}
        self.readout.setText(f"A = {a}, B = {b}: waiting for the first probe.")

    def take(self, step: int, s: dict[str, float]) -> None:
        names = self._names()
        for key in ("a", "b"):
            name, suffix = names[key], f"_{key}"
            if f"loss{suffix}" in s:
                self.loss.append(name, step, s[f"loss{suffix}"])
            if f"loss_min{suffix}" in s:
                self.loss_band.append_band(name, step, s[f"loss_min{suffix}"], s[f"loss_max{suffix}"])
                self.grad_band.append_band(name, step, s[f"grad_pred_min{suffix}"], s[f"grad_pred{suffix}"])
                self.beta.append(name, step, s[f"beta_eff{suffix}"])
            if f"test_acc{suffix}" in s:
                self.accuracy.append(name, step, s[f"test_acc{suffix}"])
        for key in ("a", "b"):
            if f"plateau_{key}" in s:
                self._plateau[key] = s[f"plateau_{key}"] == 1.0
        ratios = {k: s[f"ratio_{k}"] for k in RATIO_NAMES if f"ratio_{k}" in s}
        for key, value in ratios.items():
            self.ratio.append(RATIO_NAMES[key], step, value)
        if ratios:
            self._ratios.append((step, {f"{k}_{net}": s[f"{k}_{net}"] for k in RATIO_NAMES for net in "ab"}))

    def ratio_summary(self) -> dict[str, dict[str, float]]:
        """A/B ratios of the probe metrics' means (the note's protocol, §3.2) over the probes of the
        first 100 steps ("early") and over the last ten probes ("recent")."""
        out: dict[str, dict[str, float]] = {}
        early = [r for step, r in self._ratios if step <= EARLY_STEPS]
        for label, rows in (("early", early), ("recent", [r for _, r in self._ratios[-10:]])):
            out[label] = {}
            for key in RATIO_NAMES:
                mean_a = np.mean([r[f"{key}_a"] for r in rows]) if rows else np.nan
                mean_b = np.mean([r[f"{key}_b"] for r in rows]) if rows else np.nan
                if np.isfinite(mean_a) and np.isfinite(mean_b) and mean_b > 0:
                    out[label][key] = float(mean_a / mean_b)
        return out

    def draw(self) -> None:
        for plot in (self.loss_band, self.grad_band, self.beta, self.loss, self.accuracy, self.ratio):
            plot.redraw()
        summary = self.ratio_summary()
        if not summary.get("early"):
            return
        a, b = self._variants["a"], self._variants["b"]
        parts = []
        for label, title in (("early", f"probes of steps ≤ {EARLY_STEPS}"), ("recent", "last 10 probes")):
            values = summary.get(label) or {}
            text = ", ".join(f"{RATIO_NAMES[k]} {v:.3g}×" for k, v in values.items())
            parts.append(f"<b>{title}</b>: {text}")
        warning = "".join(f"<br><span style='color:#c0392b'><b>{k.upper()} is on a plateau</b> (loss ≈ chance): "
                          f"its probes read flat, not well-conditioned — see the init parameter.</span>"
                          for k, stuck in self._plateau.items() if stuck)
        self.readout.setText(f"A ({a}) / B ({b}), ratio of the probe metrics' means — " + " · ".join(parts)
                             + ". A ratio above 1 means A's landscape is rougher along its gradient." + warning)

    def clear(self) -> None:
        self.set_variants(*self._variants.values())

    def plots(self) -> dict:
        return {"probe_loss": self.loss_band.plot_item, "probe_grad": self.grad_band.plot_item,
                "beta_eff": self.beta.plot_item, "train_loss": self.loss.plot_item,
                "test_accuracy": self.accuracy.plot_item, "ratios": self.ratio.plot_item}

    def series(self) -> dict:
        return {"probe_loss": self.loss_band.series_data(), "probe_grad": self.grad_band.series_data(),
                "beta_eff": self.beta.series_data(), "train_loss": self.loss.series_data(),
                "test_accuracy": self.accuracy.series_data(), "ratios": self.ratio.series_data()}

    def apply_theme(self, name: str) -> None:
        for plot in (self.loss_band, self.grad_band, self.beta, self.loss, self.accuracy, self.ratio):
            themes.style_plot_widget(plot.plot_widget, name)
