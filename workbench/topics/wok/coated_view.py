"""The coated-pan timer's page (wok.md panel 2): seconds until an empty coated pan passes 260 °C (the
PTFE limit) and 316 °C (decomposition) against the power, for its hottest ring and its mean, with
EWG's measurement quoted for scale."""
from __future__ import annotations

import math

from PySide6.QtWidgets import QWidget

from engines.core.frame import Frame
from workbench.topics.wok.result_view import ResultView

CURVES = (("limit_hottest_s", 1, "hottest ring to 260 °C", "#ff7f0e"), ("fumes_hottest_s", 2, "hottest ring to 316 °C", "#d62728"),
          ("limit_mean_s", 3, "mean to 260 °C", "#1f77b4"), ("fumes_mean_s", 4, "mean to 316 °C", "#9467bd"))


class CoatedView(ResultView):
    PLOT_NAME = "timer"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("an empty coated pan: how long until the coating's limits", "input power (W)", "seconds",
                         parent)
        for _key, _column, label, colour in CURVES:
            self.plot.add_series(label, color=colour, width=2.0)

    def show(self, f: Frame) -> str:
        if "timer" not in f.arrays:
            return ""
        table, s = f.arrays["timer"], f.scalars
        for _key, column, label, _colour in CURVES:
            self.plot.set_series(label, table[:, 0], table[:, column])
        at = ", ".join(f"{label} {'never' if math.isnan(s[key]) else f'{s[key]:.0f} s'}"
                       for key, _column, label, _colour in CURVES)
        return (f"At the highest power: {at}. For scale, EWG heated a 10″ coated aluminium pan on an electric range "
                f"to {s['ewg_temp']:.0f} °C in {s['ewg_seconds']:.0f} s. {f.message[:1].upper()}{f.message[1:]}.")
