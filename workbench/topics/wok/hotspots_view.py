"""The hot-spot page (wok.md panel 4): every material's profile after the same time under the same
flame on one plot, and how much hotter each is over the flame than at its rim."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engines.core.frame import Frame
from engines.wok.closed_forms import THRESHOLDS
from engines.wok.hotspots import HOTSPOT_LABELS, HOTSPOT_MATERIALS
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

MATERIAL_COLOURS = dict(zip(HOTSPOT_MATERIALS, ("#7f7f7f", "#8c564b", "#d62728", "#9467bd", "#1f77b4", "#ff7f0e",
                                                "#bcbd22")))


class HotspotsView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = LivePlot()
        self.plot.set_title("T along the pan after the same time on the same flame")
        self.plot.set_labels("r, horizontal radius (cm)", "°C")
        for m in HOTSPOT_MATERIALS:
            self.plot.add_series(HOTSPOT_LABELS[m], color=MATERIAL_COLOURS[m], width=2.0)
        for index, (temp, label) in enumerate(THRESHOLDS[:2]):
            self.plot.add_hline(temp, f"{label} {temp:g} °C", position=0.97 if index else 0.6)
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
        if self._frame is None:
            return
        f, parts = self._frame, []
        for m in HOTSPOT_MATERIALS:
            profile = f.arrays.get(f"profile_{m}")
            if profile is None:
                continue
            self.plot.set_series(HOTSPOT_LABELS[m], profile[:, 0] * 100, profile[:, 1])
            parts.append(f"{HOTSPOT_LABELS[m]}: {f.scalars[f'spread_{m}']:.0f} °C "
                         f"(spreads {f.scalars[f'length_{m}'] * 100:.1f} cm)")
        self.readout.setText("hottest − rim · " + " · ".join(parts))

    def clear(self) -> None:
        self.plot.clear()
        self._frame = None
        self.readout.setText("")

    def plots(self) -> dict:
        return {"profiles": self.plot.plot_item}

    def series(self) -> dict:
        return {"profiles": self.plot.series_data()}
