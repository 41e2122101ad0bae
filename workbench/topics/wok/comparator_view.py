"""The material-and-source page (wok.md panel 1): the pan's cross-section coloured by temperature,
T along the meridian against time as a heat map, the centre / rim / mean / hottest traces and the
profile now against the oil smoke point and the PTFE limits, and read-outs — mass, spreading length,
induction coupling, when each threshold was crossed, where the energy went."""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from engines.core.frame import Frame
from engines.core.params import ParameterError
from engines.wok.closed_forms import THRESHOLDS
from engines.wok.geometry import mesh
from engines.wok.materials import wall
from widgets.colored_curve import ColoredCurvePlot
from widgets.heat_map import HeatMap
from widgets.live_plot import LivePlot
from widgets.plot_style import fit_stepped
from workbench.pages.experiment_view import ExperimentView
from workbench.topics.wok.pan3d_tab import Pan3DTab

TRACES = (("center_temp", "centre", "#d62728"), ("max_temp", "hottest ring", "#ff7f0e"),
          ("mean_temp", "area-weighted mean", "#2ca02c"), ("rim_temp", "rim", "#1f77b4"))
PHASE_MARKS = {1: "oil", 2: "heat off / oil swap", 3: "food"}
COLOUR_FLOOR_C = 350.0  # the colour scale reaches at least this, so a cold pan does not look hot
COLOUR_STEP_C = 25.0  # past it, the scale's top climbs in these steps (its axis is re-laid out per step)
AXIS_STEP_C = 50.0  # the temperature axes climb in these steps as the pan heats
SLOW_PERIOD_S = 0.25  # the T(s, t) map and the read-outs change slowly: redrawn at most 4 times a second
HISTORY_ROWS = 240  # rows of the T(s, t) map drawn: a 4-minute run at 1 s a row, longer runs thinned
MAX_ROWS = 4096  # profiles kept for the map: a long run is thinned to stay under this


class ComparatorView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.section = ColoredCurvePlot(colorbar_title="T (°C)", name="cross-section", value_name="T (°C)", width=6.0)
        self.section.set_equal_aspect(True)
        self.section.plot_item.setTitle("cross-section, coloured by temperature")
        self.section.plot_item.setLabel("bottom", "x (cm)")
        self.section.plot_item.setLabel("left", "height (cm)")
        self.pan3d = Pan3DTab()
        self.view_tabs = QTabWidget()
        self.view_tabs.addTab(self.section, "cross-section")
        self.view_tabs.addTab(self.pan3d, "3-D pan")
        self.history_map = HeatMap(colorbar_title="T (°C)", annotate=False, sequential_map="inferno")
        self.history_map.plot_item.setTitle("T along the meridian over time")
        self.history_map.plot_item.setLabel("bottom", "arc length from the centre s (cm)")
        self.history_map.plot_item.setLabel("left", "t (s)")
        self.traces = LivePlot()
        self.traces.set_title("temperatures")
        self.traces.set_labels("t (s)", "°C")
        for _key, label, colour in TRACES:
            self.traces.add_series(label, color=colour, width=1.8)
        self.profile = LivePlot()
        self.profile.set_title("profile now")
        self.profile.set_labels("r, horizontal radius (cm)", "°C")
        self.profile.add_series("T", color="#d62728", width=2.0)
        for plot in (self.traces, self.profile):
            for index, (temp, label) in enumerate(THRESHOLDS):
                plot.add_hline(temp, f"{label} {temp:g} °C", position=0.97 if index % 2 else 0.62)
        self.readout = QLabel()
        self.readout.setTextFormat(Qt.RichText)
        self.readout.setWordWrap(True)
        self.readout.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.readout.setFixedHeight(7 * self.readout.fontMetrics().lineSpacing() + 6)  # a new text never relays out
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.view_tabs, 0, 0)
        grid.addWidget(self.history_map, 0, 1)
        grid.addWidget(self.traces, 1, 0)
        grid.addWidget(self.profile, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.readout)
        self._reset()

    def _reset(self) -> None:
        self._z = self._s = None
        self._rows: np.ndarray | None = None  # (capacity, rings): profiles, the first _count in use
        self._times: list[float] = []
        self._count, self._hottest = 0, -np.inf
        self._latest: Frame | None = None
        self._crossed: dict[float, list[float]] = {temp: [math.nan, math.nan] for temp, _ in THRESHOLDS}
        self._params: dict[str, Any] = {}
        self._dirty = False
        self._phase = 0.0
        self._said: list[str] = []
        self._slow_drawn, self._final = -np.inf, False

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._params = dict(params)
        try:
            m = mesh(params["shape"], params["diameter"] / 100, params["depth"] / 100, params["cells"])
        except (KeyError, ValueError):
            return
        self._z, self._s = m.z * 100, m.s * 100
        self.pan3d.set_geometry(m.r * 100, self._z)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            s = frame.scalars
            if "t" not in s:
                continue
            t = s["t"]
            for key, label, _colour in TRACES:
                self.traces.append(label, t, s[key])
            for temp, when in self._crossed.items():
                for slot, key in enumerate(("max_temp", "center_temp")):
                    if math.isnan(when[slot]) and s[key] >= temp:
                        when[slot] = t
            if "profile" in frame.arrays:
                self._store(frame.arrays["profile"][:, 2], t)
            if s.get("phase", 0.0) != self._phase:
                self._phase = s["phase"]
                self.traces.add_vline(t, PHASE_MARKS.get(int(self._phase), ""))
                self._said.append(frame.message)
            self._latest = frame
            self._final = frame.progress == 1.0
            self._dirty = True

    def _store(self, temps: np.ndarray, t: float) -> None:
        """Append a profile to the history: capacity doubled when full, and past MAX_ROWS every other
        row dropped and only every other later frame kept, so a long run stays bounded."""
        if self._rows is None or self._rows.shape[1] != len(temps):
            self._rows, self._count, self._times, self._every, self._seen = np.empty((256, len(temps))), 0, [], 1, 0
        self._seen += 1
        self._hottest = max(self._hottest, float(temps.max()))
        if self._seen % self._every:
            return
        if self._count == MAX_ROWS:
            self._rows[:MAX_ROWS // 2] = self._rows[:MAX_ROWS:2]
            self._times = self._times[::2]
            self._count, self._every = MAX_ROWS // 2, self._every * 2
        if self._count == len(self._rows):
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[self._count] = temps
        self._count += 1
        self._times.append(t)

    def draw(self) -> None:
        if not self._dirty or self._latest is None or "profile" not in self._latest.arrays:
            return
        self._dirty = False
        self.traces.redraw()
        curves = self.traces.series_data().values()
        fit_stepped(self.traces.plot_item.getViewBox(), np.concatenate([t for t, _ in curves]),
                    np.concatenate([temps for _, temps in curves]), AXIS_STEP_C)
        profile = self._latest.arrays["profile"]
        r_cm, temps = profile[:, 0] * 100, profile[:, 2]
        self.profile.set_series("T", r_cm, temps)
        fit_stepped(self.profile.plot_item.getViewBox(), r_cm, temps, AXIS_STEP_C, x_room=0.0)
        hottest = self._hottest if math.isfinite(self._hottest) else COLOUR_FLOOR_C
        top = max(COLOUR_FLOOR_C, math.ceil(hottest / COLOUR_STEP_C) * COLOUR_STEP_C)
        levels = (float(self._params.get("ambient", 20.0)), top)
        if self._z is not None and len(self._z) == len(temps):
            x = np.concatenate([-r_cm[::-1], r_cm])
            self.section.set_data(x, np.concatenate([self._z[::-1], self._z]), np.concatenate([temps[::-1], temps]),
                                  colormap_name="inferno", levels=levels)
            self.pan3d.set_temperatures(temps, levels)
        now = time.monotonic()
        if now - self._slow_drawn < SLOW_PERIOD_S and not self._final:
            return
        self._slow_drawn = now
        if self._count > 1 and self._s is not None:
            stride = -(-self._count // HISTORY_ROWS)      # at most HISTORY_ROWS rows on screen
            self.history_map.set_matrix(self._rows[:self._count:stride], levels=levels, diverging=False)
            self.history_map.set_extent(0.0, float(self._s[-1] + self._s[0]), 0.0, max(self._times[-1], 1e-9))
        self.readout.setText(self._readout_text())

    def _readout_text(self) -> str:
        p, s = self._params, self._latest.scalars
        try:
            w = wall(p["material"], p["thickness"], p["conductivity"], p["density"], p["specific_heat"])
            area = mesh(p["shape"], p["diameter"] / 100, p["depth"] / 100, 4).area
        except (KeyError, ParameterError):
            return ""
        hot, cold = 273.15 + 300.0, 273.15 + p["ambient"]       # radiation linearised at 300 °C (wok.md §3.1)
        h_total = p["h_conv"] + p["emissivity"] * 5.670374419e-8 * (hot ** 2 + cold ** 2) * (hot + cold)
        induction = p["source"].startswith("induction")
        if induction:
            coupling = (" · induction: <b>couples</b>" if w.ferromagnetic
                        else " · induction: <b style='color:#d62728'>does not couple</b> (not ferromagnetic)")
        else:
            coupling = " · on induction it would " + ("couple" if w.ferromagnetic else "not couple (not ferromagnetic)")
        crossed = " · ".join(
            f"{label} ({temp:g} °C): " + ("not yet" if math.isnan(when[0]) else
                                          f"hottest {when[0]:.0f} s, centre "
                                          + ("not yet" if math.isnan(when[1]) else f"{when[1]:.0f} s"))
            for (temp, label), when in zip(THRESHOLDS, self._crossed.values()))
        stored, lost, absorbed = s["energy_stored"], s["energy_lost"], s["energy_in"]
        share = "nothing absorbed"
        if absorbed > 0:
            parts = [(stored, "stored"), (lost, "lost"), (s.get("energy_food", 0.0), "to the food"),
                     (s.get("energy_poured", 0.0), "poured out with the oil")]
            share = ", ".join(f"{value / absorbed:.0%} {what}" for value, what in parts if value or what == "lost")
        routine = ""
        if "verdict" in s:
            said = ("stew: too cool, the food gives up water", "sear", "burn: above the oil's smoke point")[int(s["verdict"])]
            routine = f"<br><b>routine</b> · {' · '.join(self._said)} · verdict: <b>{said}</b>"
        if "pan_low" in s:
            back = ("not back at the drop temperature" if math.isnan(s["recovered_s"])
                    else f"back at the drop temperature after {s['recovered_s']:.0f} s")
            routine += (f"<br><b>cooking</b> · the centre fell to {s['pan_low']:.0f} °C and ends at {s['pan_end']:.0f} °C "
                        f"({back}) · the food {s['food_temp_end']:.0f} °C, {s['water_boiled_g']:.0f} g of water boiled off")
        elif s.get("phase") == 3.0 and s.get("energy_food", 0.0) > 0.0:
            routine += (f"<br><b>cooking</b> · the food {s['food_temp']:.0f} °C, {s['water_boiled']:.0f} g of water "
                        f"boiled off, {s['energy_food'] / 1000:.1f} kJ taken from the pan")
        return (f"<b>{w.label}</b>, {p['thickness']:g} mm: {w.areal_mass * area:.2f} kg, "
                f"heat spreads √(kt/h) = {w.spreading_length(h_total) * 100:.1f} cm (h = convection + radiation "
                f"at 300 °C = {h_total:.0f} W/m²K){coupling}<br>{crossed}<br>"
                f"t = {s['t']:.0f} s: absorbed {absorbed / 1000:.1f} kJ — {share}{routine}")

    def clear(self) -> None:
        self.traces.clear()
        self.traces.clear_vlines()
        self.profile.clear()
        self.pan3d.clear()
        self._reset()
        self.readout.setText("")

    def apply_theme(self, name: str) -> None:
        super().apply_theme(name)
        self.pan3d.apply_theme(name)

    def plots(self) -> dict:
        return {"cross_section": self.section.plot_item, "history": self.history_map.plot_item,
                "temperatures": self.traces.plot_item, "profile": self.profile.plot_item}

    def series(self) -> dict:
        return {"cross_section": self.section.series_data(), "temperatures": self.traces.series_data(),
                "profile": self.profile.series_data()}
