"""The live rope's plots (the rope panel's ``dynamics`` scenario): the shape in the rope's plane and
across it, the pitchfork traced live against λ1(N) (hanging) or the spin the hands keep (skipping),
and four curves against time. Frames only buffer; ``redraw`` (≤ 60 Hz) paints.

Painting, not the simulation, bounds the frame rate on a software-rendered screen, so the views
hold still: the rope's plots keep a range set by its geometry (the true scale of the whole
rope's reach), the time curves grow their range in steps (``fit_with_headroom``) and are repainted
at CURVES_HZ; the axes then re-lay out their ticks only when a range really changes.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QTextBrowser, QVBoxLayout, QWidget

from engines.core.frame import Frame
from widgets import ColoredCurvePlot, LivePlot
from workbench.pages import themes
from widgets.plot_style import fit_with_headroom, follows_data
from widgets.plot_tidy import mark_as_context
from workbench.pages.plot_helpers import marker

CURVES = (  # (plot key, scalar, y label, series name)
    ("radius", "radius", "radius of the rope's end / outermost point (m)", "radius"),
    ("out_of_plane", "out_of_plane", "largest distance from the rope's plane (m)", "out of plane"),
    ("end_tension", "end_tension", "tension at the fixed end / first hand (N)", "end tension"),
    ("energy", "energy", "Jacobi integral E_J (J)", "E_J"),
)
READOUT_EVERY_S = 0.1
CURVES_HZ = 15


class DynamicsViews(QWidget):
    """Everything the dynamics scenario draws except the 3-D view (which the panel shares)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.shape: np.ndarray | None = None
        self.scalars: dict[str, float] = {}
        self.first: Frame | None = None
        self._continuum_marker: pg.InfiniteLine | None = None
        self._lambda_shown = 0.0
        self._energy0 = math.nan
        self._readout_at = -1.0
        self._curves_at = -1.0
        self._across_half = 0.0
        self.plane = ColoredCurvePlot(colorbar_title="tension (N)", name="rope", value_name="tension")
        self.plane.set_labels("in the rope's plane: distance from the axis (m)", "along the axis z (m)")
        self.plane.set_equal_aspect(True)
        self.across = LivePlot()
        self.across.set_labels("across the rope's plane (m)", "along the axis z (m)")
        self.across.add_series("rope", color="#1f77b4", width=2)
        for plot in (self.plane.plot_item, self.across.plot_item):
            plot.addItem(marker(0.0, "", color=(150, 150, 150)))
        self.phase = LivePlot()
        self.curves = {}
        for key, _, label, name in CURVES:
            plot = LivePlot()
            plot.set_labels("time t (s)", label)
            plot.add_series(name, color="#1f77b4")
            self.curves[key] = plot
        self.readout = QTextBrowser(frameShape=QFrame.Shape.NoFrame)
        self.readout.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.readout.setFixedHeight(self.readout.fontMetrics().lineSpacing() * 3 + 14)
        self.readout.viewport().setAutoFillBackground(False)
        grid = QGridLayout()
        grid.addWidget(self.plane, 0, 0, 1, 2)
        grid.addWidget(self.across, 0, 2)
        grid.addWidget(self.phase, 0, 3)
        for column, plot in enumerate(self.curves.values()):
            grid.addWidget(plot, 1, column)
        for plot in (self.plane.plot_item, self.across.plot_item, *(c.plot_item for c in self.curves.values())):
            plot.getViewBox().disableAutoRange()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.readout)

    # --- data -----------------------------------------------------------------------------------
    @property
    def hanging(self) -> bool:
        return "free_end_radius" in self.scalars

    def consume(self, frame: Frame) -> None:
        if frame.step == 0:  # a run's first frame: start the curves afresh
            self.clear()
            self.first = frame
            self._energy0 = frame.scalars["energy"]
            self.shape = frame.arrays["shape"]
            self._setup_phase_plot()
            self._fit_rope_views()
        s = frame.scalars
        self.scalars = s
        self.shape = frame.arrays.get("shape", self.shape)
        t = s["t"]
        self.curves["radius"].append("radius", t, s.get("free_end_radius", s["max_radius"]))
        self.curves["out_of_plane"].append("out of plane", t, s["out_of_plane"])
        self.curves["end_tension"].append("end tension", t, s["end_tension"])
        self.curves["energy"].append("E_J", t, s["energy"])
        if "lambda" in s:
            self.phase.append("this run", s["lambda"], s["free_end_radius"] / self._length())
        else:
            self.phase.append("hands ω", t, s["omega"])
            self.phase.append("rope's own spin", t, s["spin_rate"])

    def _length(self) -> float:
        return float(self.shape[-1, 0]) if self.shape is not None else 1.0

    def clear(self) -> None:
        self.shape, self.scalars, self.first = None, {}, None
        for plot in (self.phase, *self.curves.values()):
            plot.clear()
        self.across.clear()
        empty = np.zeros(0)
        self.plane.set_data(empty, empty, empty)
        self.readout.clear()

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self, now: float) -> None:
        if self.shape is None:
            return
        s, shape = self.scalars, self.shape
        angle = s["plane_angle"]
        c, sn = math.cos(angle), math.sin(angle)
        along = c * shape[:, 1] + sn * shape[:, 2]
        across = -sn * shape[:, 1] + c * shape[:, 2]
        self.plane.set_data(along, shape[:, 3], shape[:, 4])
        self.across.set_series("rope", across, shape[:, 3])
        self._hold_across(float(np.abs(across).max()))
        if now - self._curves_at >= 1.0 / CURVES_HZ:
            self._curves_at = now
            self._redraw_curves()
        if now - self._readout_at >= READOUT_EVERY_S:
            self._readout_at = now
            self._draw_readout()

    def _fit_rope_views(self) -> None:
        """Fixed ranges from the rope's geometry: the plane view shows everywhere the rope can
        reach (radius ≤ the anchor's + L), the across view its whole height."""
        shape = self.shape
        length = float(shape[-1, 0])
        anchor = float(np.hypot(shape[0, 1], shape[0, 2]))
        if "free_end_radius" in self.first.scalars:
            reach, z_lo, z_hi = anchor + length, -length, 0.0
        else:
            reach, z_lo, z_hi = anchor + 0.5 * length, float(shape[0, 3]), float(shape[-1, 3])
        pad = 0.05 * max(reach, z_hi - z_lo)
        self.plane.plot_item.getViewBox().setRange(xRange=(-reach - pad, reach + pad),
                                                   yRange=(z_lo - pad, z_hi + pad), padding=0)
        self.across.plot_item.setYRange(z_lo - pad, z_hi + pad, padding=0)
        self._across_half = 0.0

    def _hold_across(self, widest: float) -> None:
        """A symmetric range that moves only when the rope leaves it or uses under a third of it."""
        half = self._across_half
        if (widest > half or widest < half / 3) and follows_data(self.across.plot_item.getViewBox()):
            self._across_half = max(1.5 * widest, 1e-4)
            self.across.plot_item.setXRange(-self._across_half, self._across_half, padding=0)

    def _redraw_curves(self) -> None:
        s = self.scalars
        if (s.get("lambda", 0.0) > 0.9 * self._lambda_shown  # the traced λ ran off the right edge
                and follows_data(self.phase.plot_item.getViewBox())):
            self._lambda_shown = 1.5 * s["lambda"]
            self.phase.plot_item.setXRange(0.0, self._lambda_shown, padding=0)
        for plot in (self.phase, *self.curves.values()):
            plot.redraw()
        for plot in self.curves.values():
            (x, y), = plot.series_data().values()
            fit_with_headroom(plot.plot_item.getViewBox(), x, y)
        if "lambda" not in s:
            x = np.concatenate([xy[0] for xy in self.phase.series_data().values()])
            y = np.concatenate([xy[1] for xy in self.phase.series_data().values()])
            fit_with_headroom(self.phase.plot_item.getViewBox(), x, y)

    def _setup_phase_plot(self) -> None:
        plot = self.phase
        for name in plot.series_names():
            plot.remove_series(name)
        plot.clear_vlines()
        if self._continuum_marker is not None:
            plot.plot_item.removeItem(self._continuum_marker)
            self._continuum_marker = None
        first = self.first
        hanging = "lambda" in first.scalars
        if plot.plot_item.legend is not None:
            plot.plot_item.legend.setVisible(not hanging)
        plot.set_title("this run (red), steady branches (grey)" if hanging else "")
        if hanging:
            plot.set_labels("λ = ω²L/g", "free-end radius r_f / L")
            table = first.arrays.get("bifurcation")
            if table is not None:
                for mode in np.unique(table[:, 2]).astype(int)[:3]:
                    rows = table[table[:, 2] == mode]
                    name = f"steady mode {mode} (continuum)" if mode else "steady vertical"
                    mark_as_context(plot.add_series(name, color="#7f7f7f", faint=True))
                    plot.set_series(name, rows[:, 0], rows[:, 1])
            plot.add_series("this run", color="#d62728", width=2)
            critical = first.arrays["critical"]
            plot.add_vline(float(critical[0, 1]), f"λ1({len(self.shape) - 1}) = {critical[0, 1]:.5f}")
            self._continuum_marker = marker(float(critical[0, 2]), "", color=(120, 120, 120))
            plot.plot_item.addItem(self._continuum_marker)
            self._lambda_shown = max(3.0, 1.5 * first.scalars["lambda"])
            plot.plot_item.getViewBox().disableAutoRange()
            plot.plot_item.setXRange(0.0, self._lambda_shown, padding=0)
            plot.plot_item.setYRange(-0.05, 1.1 + float(np.hypot(*self.shape[0, 1:3])) / self._length(), padding=0)
        else:
            self._lambda_shown = math.inf
            plot.plot_item.getViewBox().disableAutoRange()
            plot.set_labels("time t (s)", "spin rate (rad/s)")
            plot.add_series("hands ω", color="#7f7f7f")
            plot.add_series("rope's own spin", color="#d62728")

    def _draw_readout(self) -> None:
        s = self.scalars
        rows = [("t", f"{s['t']:.2f} s"), ("ω", f"{s['omega']:.4g} rad/s"),
                ("rope's own spin", f"{s['spin_rate']:.4g} rad/s")]
        if "lambda" in s and self.first is not None:
            lam1 = self.first.arrays["critical"][0]
            rows += [("λ = ω²L/g", f"{s['lambda']:.4g}"),
                     (f"λ1 of {len(self.shape) - 1} beads / continuum", f"{lam1[1]:.5f} / {lam1[2]:.5f}"),
                     ("free-end radius", f"{s['free_end_radius']:.4g} m")]
        else:
            rows.append(("largest radius", f"{s['max_radius']:.4g} m"))
        drift = (s["energy"] - self._energy0) / abs(self._energy0) if self._energy0 else math.nan
        rows += [("out of plane", f"{s['out_of_plane']:.3g} m"), ("end tension", f"{s['end_tension']:.4g} N"),
                 ("E_J change since start", f"{drift:.2e}"), ("drag power", f"{abs(s['drag_power']):.3g} W"),
                 ("link length error", f"{s['link_error']:.1e}")]
        cells = "".join(f"<td>{k}</td><td align='right'><b>{v}</b></td><td width='14'></td>"
                        + ("</tr><tr>" if i % 4 == 3 else "") for i, (k, v) in enumerate(rows))
        self.readout.setHtml(f"<table cellspacing='2'><tr>{cells}</tr></table>")

    def apply_theme(self, name: str) -> None:
        for plot in (self.across, self.phase, *self.curves.values()):
            themes.style_plot_widget(plot.plot_item, name)

    # --- export ---------------------------------------------------------------------------------
    def plots(self) -> dict[str, pg.PlotItem]:
        found = {"rope_plane": self.plane.plot_item, "across_plane": self.across.plot_item,
                 "pitchfork" if self.hanging else "spin": self.phase.plot_item}
        found.update({key: plot.plot_item for key, plot in self.curves.items()})
        return found

    def series(self) -> dict[str, dict[str, tuple]]:
        found = {"rope_plane": self.plane.series_data(), "across_plane": self.across.series_data(),
                 "pitchfork" if self.hanging else "spin": self.phase.series_data()}
        found.update({key: plot.series_data() for key, plot in self.curves.items()})
        return found
