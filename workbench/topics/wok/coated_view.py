"""The coated-pan timer's page (wok.md panel 2): seconds until an empty coated pan passes 260 °C (the
PTFE limit) and 316 °C (decomposition) against the power, for its hottest ring and its mean, with
EWG's measurement quoted for scale."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engines.core.frame import Frame
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

CURVES = (("limit_hottest_s", 1, "hottest ring to 260 °C", "#ff7f0e"), ("fumes_hottest_s", 2, "hottest ring to 316 °C", "#d62728"),
          ("limit_mean_s", 3, "mean to 260 °C", "#1f77b4"), ("fumes_mean_s", 4, "mean to 316 °C", "#9467bd"))


class CoatedView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = LivePlot()
        self.plot.set_title("an empty coated pan: how long until the coating's limits")
        self.plot.set_labels("input power (W)", "seconds")
        for _key, _column, label, colour in CURVES:
            self.plot.add_series(label, color=colour, width=2.0)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self._frame: Frame | None = None

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        if frames:
            self._frame = frames[-1]

    def draw(self) -> None:
        if self._frame is None or "timer" not in self._frame.arrays:
            return
        table, s = self._frame.arrays["timer"], self._frame.scalars
        for _key, column, label, _colour in CURVES:
            self.plot.set_series(label, table[:, 0], table[:, column])
        at = ", ".join(f"{label} {'never' if math.isnan(s[key]) else f'{s[key]:.0f} s'}"
                       for key, _column, label, _colour in CURVES)
        self.readout.setText(f"At the highest power: {at}. For scale, EWG heated a 10″ coated aluminium pan on an "
                             f"electric range to {s['ewg_temp']:.0f} °C in {s['ewg_seconds']:.0f} s. "
                             f"{self._frame.message[:1].upper()}{self._frame.message[1:]}.")

    def clear(self) -> None:
        self.plot.clear()
        self._frame = None
        self.readout.setText("")

    def plots(self) -> dict:
        return {"timer": self.plot.plot_item}

    def series(self) -> dict:
        return {"timer": self.plot.series_data()}
