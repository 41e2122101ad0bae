"""The steady rope's view (the experiment ``rope:steady``): the shape coloured by tension, the
tension along the rope, the bifurcation diagram of the hanging rope, read-outs, and the rope turning
in 3-D.

A solve takes milliseconds and the host recomputes on every change, so a slider drag redraws at
frame rate: the shape and the tension follow every frame; the bifurcation diagram and the read-out
follow at ≤ 10 Hz, and the last frame of a drag is always drawn, 100 ms later at most.
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFrame, QGridLayout, QLabel, QTabWidget,
                               QTextBrowser, QVBoxLayout, QWidget)

from engines.core.frame import Frame
from widgets import ColoredCurvePlot, LivePlot
from widgets.plot_style import hold_range
from workbench.pages import themes
from workbench.pages.experiment_view import ExperimentView
from workbench.topics.rope.rope3d import Rope3DTab

READOUTS = (
    ("max_radius", "largest radius", "m"),
    ("end_angle_deg", "angle to the axis at the fixed end", "°"),
    ("end_tension", "tension at the fixed end", "N"),
    ("free_end_radius", "free-end radius", "m"),
    ("depth", "depth of the free end", "m"),
    ("lambda", "λ = ω²L/g", ""),
    ("modes_available", "modes available (top on the axis)", ""),
    ("k", "elliptic modulus k", ""),
    ("axial_tension", "axial tension H", "N"),
    ("virtual_axis_offset", "virtual axis offset d = g/ω²", "m"),
    ("sag", "sag below the hands R − d", "m"),
    ("phi_start", "Su's φ at the start (> 0: compression)", ""),
)
MODE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
ROTATION_FPS = 30
SECONDARY_INTERVAL_MS = 100


class SteadyView(ExperimentView):
    """Plots and 3-D of one steady solve; the newest frame is the one drawn."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.latest: Frame | None = None
        self.params: dict[str, Any] = {}
        self._drawn_bifurcation = None
        self._labelled_for = ""
        self._secondary_at = 0.0
        self._angle = 0.0
        self._secondary_timer = QTimer(self, singleShot=True, timeout=self._draw_secondary)
        self.shape_plot = ColoredCurvePlot(colorbar_title="tension (N)", name="rope (x, z)", value_name="tension along x")
        self.shape_plot.set_labels("radius x (m)", "height z (m)")
        self.shape_plot.set_equal_aspect(True)
        self._legend = self.shape_plot.add_legend()
        self._overlays: dict[str, pg.PlotDataItem] = {}
        self.tension_plot = LivePlot()
        self.tension_plot.set_labels("arc length s from the fixed end (m)", "tension (N)")
        self.tension_plot.add_series("tension", color="#1f77b4")
        self.bifurcation_plot = LivePlot()
        self.bifurcation_plot.set_labels("λ = ω²L/g", "free-end radius r_f / L")
        # A text browser, not a QLabel: QLabel.setText asks for a new layout every frame, and the
        # tab widget answers that by repainting every plot in it.
        self.readout = QTextBrowser(frameShape=QFrame.Shape.NoFrame)
        self.readout.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.readout.setFixedHeight(self.readout.fontMetrics().lineSpacing() * 8 + 16)
        self.readout.viewport().setAutoFillBackground(False)
        grid = QGridLayout()
        grid.addWidget(self.shape_plot, 0, 0, 2, 1)
        grid.addWidget(self.tension_plot, 0, 1)
        grid.addWidget(self.bifurcation_plot, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        plots = QWidget()
        layout = QVBoxLayout(plots)
        layout.addLayout(grid, 1)
        layout.addWidget(self.readout)
        self.slow_motion = QDoubleSpinBox(minimum=1.0, maximum=1000.0, value=20.0, suffix=" × slower",
                                          toolTip="slow-motion factor of the 3-D rotation (1 = real speed)")
        self.freeze = QCheckBox("stroboscope (freeze rotation)")
        self.page3d = Rope3DTab([QLabel("Rotation:"), self.slow_motion, self.freeze])
        self.tabs = QTabWidget()
        self.tabs.addTab(plots, "Plots")
        self.tabs.addTab(self.page3d, "3-D view")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._spin_timer = QTimer(self, interval=int(1000 / ROTATION_FPS), timeout=self._advance_rotation)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

    @property
    def view3d(self):
        return self.page3d.view3d

    def ensure_3d_view(self):
        return self.page3d.ensure_view()

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.page3d:
            self.page3d.ensure_view()
            self._spin_timer.start()
        else:
            self._spin_timer.stop()

    def _advance_rotation(self) -> None:
        if self.view3d is None or self.freeze.isChecked() or not self.params:
            return
        omega = float(self.params["omega"])
        self._angle = math.fmod(self._angle + omega / ROTATION_FPS / self.slow_motion.value(), 2 * math.pi)
        self.view3d.set_rotation_angle(self._angle)

    # --- the view protocol ------------------------------------------------------------------------
    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        self.latest, self.params = frames[-1], params

    def draw(self) -> None:
        frame = self.latest
        if frame is None or "shape" not in frame.arrays:
            return
        shape = frame.arrays["shape"]
        s, x, _, z, tension = shape.T
        self.shape_plot.set_data(x, z, tension)
        self._label_axes(self.params["scenario"])
        overlays = self._draw_overlays(frame)
        hold_range(self.shape_plot.plot_item.getViewBox(), np.concatenate([x, *overlays[0]]),
                   np.concatenate([z, *overlays[1]]))
        self.tension_plot.set_series("tension", s, tension)
        hold_range(self.tension_plot.plot_item.getViewBox(), s, tension)
        ends = {"hanging": "hanging", "troposkein": "hands", "jump": "hands"}.get(self.params["scenario"], "none")
        self.page3d.set_shape(shape, ends)
        self._draw_secondary_soon()

    def clear(self) -> None:
        self.latest = None
        empty = np.zeros(0)
        self.shape_plot.set_data(empty, empty, empty)
        for item in self._overlays.values():
            item.setData(empty, empty)
        self.tension_plot.clear()
        self.tension_plot.add_series("tension", color="#1f77b4")
        self.bifurcation_plot.clear()
        self._drawn_bifurcation = None
        self.readout.clear()

    def plots(self):
        found = {"shape": self.shape_plot.plot_item, "tension": self.tension_plot.plot_item}
        if self.params.get("scenario") == "hanging":
            found["bifurcation"] = self.bifurcation_plot.plot_item
        return found

    def series(self):
        shape = dict(self.shape_plot.series_data())
        shape.update({name: item.getData() for name, item in self._overlays.items()})
        found = {"shape": shape, "tension": self.tension_plot.series_data()}
        if self.params.get("scenario") == "hanging":
            found["bifurcation"] = self.bifurcation_plot.series_data()
        return found

    def apply_theme(self, name: str) -> None:
        for plot in (self.shape_plot.plot_item, self.tension_plot.plot_item, self.bifurcation_plot.plot_item):
            themes.style_plot_widget(plot, name)
        self.page3d.apply_theme(name)

    # --- drawing ----------------------------------------------------------------------------------
    def _draw_secondary_soon(self) -> None:
        """The bifurcation diagram and the read-out follow at ≤ 10 Hz during a drag (the shape and
        tension follow every frame); the last frame is always drawn, 100 ms later at most."""
        if self._secondary_timer.isActive():
            return
        wait_ms = SECONDARY_INTERVAL_MS - (time.monotonic() - self._secondary_at) * 1000
        if wait_ms <= 0:
            self._draw_secondary()
        else:
            self._secondary_timer.start(int(wait_ms) + 1)

    def _draw_secondary(self) -> None:
        frame = self.latest
        if frame is None or "shape" not in frame.arrays:
            return
        self._secondary_at = time.monotonic()
        self._draw_bifurcation(frame)
        self._draw_readout(frame)

    def _label_axes(self, scenario: str) -> None:
        if scenario == self._labelled_for:
            return
        self._labelled_for = scenario
        if scenario in ("troposkein", "jump"):  # the rotation axis runs through the hands
            self.shape_plot.set_labels("distance from the axis through the hands x (m)",
                                       "position along the axis z (m)")
        elif scenario == "su_original":
            self.shape_plot.set_labels("Su's x (distance from the axis)", "Su's y (height)")
        else:
            self.shape_plot.set_labels("distance from the axis x (m)", "height z (m)")

    def _draw_overlays(self, frame: Frame) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Draw the comparison curves; return their x and y arrays (the view's range holds them too)."""
        overlays = {}
        if "su_code" in frame.arrays:
            _, sx, sy = frame.arrays["su_code"].T
            overlays["Su's code as written"] = (sx, sy, pg.mkPen("#e67e22", width=2))
        if "corrected" in frame.arrays:
            _, cx, cy = frame.arrays["corrected"].T
            overlays["corrected equations"] = (cx, cy, pg.mkPen("#16a085", width=2, style=pg.QtCore.Qt.PenStyle.DashLine))
        if "ode_check" in frame.arrays:
            zc, _, r_ode = frame.arrays["ode_check"].T
            overlays["direct ODE integration"] = (r_ode, zc, pg.mkPen("#e74c3c", width=1, style=pg.QtCore.Qt.PenStyle.DotLine))
        if "no_gravity" in frame.arrays:
            zg, xg = frame.arrays["no_gravity"].T
            overlays["same rope without gravity"] = (xg, zg, pg.mkPen("#95a5a6", width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        self._legend.setVisible(bool(overlays))
        for name in list(self._overlays):
            if name not in overlays:
                self.shape_plot.plot_item.removeItem(self._overlays.pop(name))
        for name, (ox, oy, pen) in overlays.items():
            if name not in self._overlays:
                self._overlays[name] = self.shape_plot.plot_item.plot(name=name, pen=pen)
            self._overlays[name].setData(ox, oy)
        return ([np.asarray(o[0], float) for o in overlays.values()],
                [np.asarray(o[1], float) for o in overlays.values()])

    def _draw_bifurcation(self, frame: Frame) -> None:
        """Redraw the branches only when the diagram itself changed (it does not depend on ω)."""
        plot = self.bifurcation_plot
        hanging = "bifurcation" in frame.arrays
        plot.setVisible(hanging)
        if not hanging:
            return
        table = frame.arrays["bifurcation"]
        if table is not self._drawn_bifurcation:
            self._drawn_bifurcation = table
            for name in plot.series_names():
                plot.remove_series(name)
            plot.clear_vlines()
            for mode in np.unique(table[:, 2]).astype(int):
                rows = table[table[:, 2] == mode]
                name = f"mode {mode}" if mode > 0 else "vertical (trivial)"
                plot.add_series(name, color=MODE_COLORS[(mode - 1) % len(MODE_COLORS)] if mode > 0 else "#7f7f7f")
                plot.set_series(name, rows[:, 0], rows[:, 1])
            for mode, lam in frame.arrays.get("thresholds", np.zeros((0, 2))):
                if lam <= table[:, 0].max():
                    plot.add_vline(float(lam), f"λ{int(mode)}")
            plot.add_series("this solution", color="#e377c2", style="dots", width=2.5)  # seen on both themes
        lam_now = frame.scalars.get("lambda", math.nan)
        radius = frame.scalars.get("free_end_radius", 0.0) / float(self.params["length"])
        if math.isfinite(lam_now):
            plot.set_series("this solution", np.array([lam_now]), np.array([radius]))

    def _draw_readout(self, frame: Frame) -> None:
        rows = []
        for key, label, unit in READOUTS:
            if key in frame.scalars:
                rows.append(f"<tr><td>{label}</td><td align='right'><b>{frame.scalars[key]:.6g}</b> {unit}</td></tr>")
        half = (len(rows) + 1) // 2
        columns = "".join(f"<td valign='top'><table cellspacing='3'>{''.join(part)}</table></td><td width='30'></td>"
                          for part in (rows[:half], rows[half:]))
        self.readout.setHtml(f"<table><tr>{columns}</tr></table>")
