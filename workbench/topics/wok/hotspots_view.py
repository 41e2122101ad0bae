"""The hot-spot page (wok.md panel 4): every material's profile after the same time under the same
flame on one plot, and how much hotter each is over the flame than at its rim."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from engines.core.frame import Frame
from engines.wok.closed_forms import THRESHOLDS
from engines.wok.hotspots import HOTSPOT_LABELS, HOTSPOT_MATERIALS
from workbench.topics.wok.result_view import ResultView

MATERIAL_COLOURS = dict(zip(HOTSPOT_MATERIALS, ("#7f7f7f", "#8c564b", "#d62728", "#9467bd", "#1f77b4", "#ff7f0e",
                                                "#bcbd22")))


class HotspotsView(ResultView):
    PLOT_NAME = "profiles"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("T along the pan after the same time on the same flame", "r, horizontal radius (cm)", "°C",
                         parent)
        for m in HOTSPOT_MATERIALS:
            self.plot.add_series(HOTSPOT_LABELS[m], color=MATERIAL_COLOURS[m], width=2.0)
        for index, (temp, label) in enumerate(THRESHOLDS[:2]):
            self.plot.add_hline(temp, f"{label} {temp:g} °C", position=0.97 if index else 0.6)

    def show(self, f: Frame) -> str:
        parts = []
        for m in HOTSPOT_MATERIALS:
            profile = f.arrays.get(f"profile_{m}")
            if profile is None:
                continue
            self.plot.set_series(HOTSPOT_LABELS[m], profile[:, 0] * 100, profile[:, 1])
            parts.append(f"{HOTSPOT_LABELS[m]}: {f.scalars[f'spread_{m}']:.0f} °C "
                         f"(spreads {f.scalars[f'length_{m}'] * 100:.1f} cm)")
        return "hottest − rim (spreading length √(kt/h_conv), convection only) · " + " · ".join(parts)
