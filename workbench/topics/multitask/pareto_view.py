"""The Pareto playground (multitask.md panel M3): the tasks' contours in θ-space with draggable
centres and start, the Pareto set and each rule's path; the gradients at θ₀ with their hull and the
four directions; the paths in the (L₁, L₂) plane against the Pareto front."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from engines.core.frame import Frame
from engines.multitask.pareto import RULE_LABELS, RULES, parse_points
from engines.registry import load_experiment
from widgets.live_plot import LivePlot
from workbench.pages.experiment_host import ExperimentHost

HELP = ("<b>Pareto playground.</b> Each task is a bowl in the plane: drag its centre (coloured circles) "
        "or the start θ₀ (the cross). At θ₀ the gradients, their convex hull and four directions: the "
        "plain sum, the normalised sum (13), MGDA's min-norm point of the hull and task 1 as primary "
        "with the others as auxiliaries. Each rule then walks from θ₀; MGDA stops where u = 0, on the "
        "Pareto set (grey) for bowls, possibly short of it with a ripple.")
TASK_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
RULE_COLOURS = dict(zip(RULES, ("#d62728", "#00a087", "#8c564b", "#e377c2")))
CONTOUR_LEVELS = 5
SET_NAME, HULL_NAME = "Pareto set", "hull of the g_i"


def gradient_styles(tasks: int) -> dict:
    return {HULL_NAME: {"color": "#8c959f", "width": 1.4},
            **{f"g{i + 1}": {"color": TASK_COLOURS[i], "width": 2.4} for i in range(tasks)},
            **{f"u: {RULE_LABELS[r]}": {"color": RULE_COLOURS[r], "width": 2.0} for r in RULES}}


class ParetoView(ExperimentHost):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("multitask", load_experiment("multitask:pareto")[1], parent, help_text=HELP)

    def build_plots(self) -> QGridLayout:
        self._placing = False
        self.plane = LivePlot()
        self.plane.set_title("θ-space: contours of each task, the Pareto set, each rule's path")
        self.plane.set_labels("θ₁", "θ₂")
        self.plane.plot_item.setAspectLocked(True)
        self.plane.add_series(SET_NAME, color="#8c959f", style="dots", width=1.5)
        for rule in RULES:
            self.plane.add_series(RULE_LABELS[rule], color=RULE_COLOURS[rule], width=2.2)
        self.contours = [pg.PlotCurveItem(pen=pg.mkPen(colour, width=1.0), connect="finite") for colour in TASK_COLOURS]
        for curve in self.contours:
            self.plane.plot_item.addItem(curve)
        self.centres = [self._handle(colour, "o") for colour in TASK_COLOURS]
        self.start_handle = self._handle("#d62728", "+")
        for i, handle in enumerate(self.centres):
            handle.sigPositionChanged.connect(lambda *_, i=i: self._dragged())
        self.start_handle.sigPositionChanged.connect(lambda *_: self._dragged())

        self.gradient_plot = LivePlot()
        self.gradient_plot.set_title("at θ₀: the gradients g_i, their hull, and each rule's u")
        self.gradient_plot.set_labels("∂/∂θ₁", "∂/∂θ₂")
        self.gradient_plot.plot_item.setAspectLocked(True)
        self.gradient_plot.keep_series(gradient_styles(2))

        self.loss_plane = LivePlot()
        self.loss_plane.set_title("the (L₁, L₂) plane: Pareto front and paths")
        self.loss_plane.set_labels("L₁", "L₂")
        self.loss_plane.add_series("Pareto front", color="#8c959f", style="dots", width=1.5)
        for rule in RULES:
            self.loss_plane.add_series(RULE_LABELS[rule], color=RULE_COLOURS[rule], width=2.0)

        grid = QGridLayout()
        grid.addWidget(self.plane, 0, 0, 2, 1)
        grid.addWidget(self.gradient_plot, 0, 1)
        grid.addWidget(self.loss_plane, 1, 1)
        grid.addWidget(self.readout, 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        return grid

    def _handle(self, colour: str, symbol: str) -> pg.TargetItem:
        handle = pg.TargetItem(pos=(0, 0), size=14, symbol=symbol, movable=True, pen=pg.mkPen(colour, width=2.5),
                               brush=pg.mkBrush(0, 0, 0, 0), hoverPen=pg.mkPen(colour, width=4))
        handle.setZValue(50)
        self.plane.plot_item.addItem(handle, ignoreBounds=True)
        return handle

    def _dragged(self) -> None:
        """A handle moved: its coordinates become the ``centres`` / ``start`` values (clipped to ±3);
        the centres of tasks not shown keep theirs."""
        if self._placing:
            return
        values = self.values()
        tasks = values["tasks"]
        hidden = [g.strip() for g in str(values["centres"]).split(";") if g.strip()][tasks:]
        shown = [f"{_clip(h.pos().x()):.3g}, {_clip(h.pos().y()):.3g}" for h in self.centres[:tasks]]
        start = self.start_handle.pos()
        self.set_values({"centres": "; ".join(shown + hidden),
                         "start": f"{_clip(start.x()):.3g}, {_clip(start.y()):.3g}"}, "drag a handle")

    def _place_handles(self, params: dict) -> None:
        self._placing = True
        try:
            centres = parse_points("centres", params["centres"], params["tasks"])
            for i, handle in enumerate(self.centres):
                handle.setVisible(i < len(centres))
                if i < len(centres):
                    handle.setPos(*centres[i])
            self.start_handle.setPos(*parse_points("start", params["start"], 1)[0])
        finally:
            self._placing = False

    def draw_frame(self, frame: Frame, params: dict) -> None:
        a = frame.arrays
        self._place_handles(params)
        xs, ys = a["grid_x"], a["grid_y"]
        for i, curve in enumerate(self.contours):
            field = a.get(f"field_{i + 1}")
            curve.setVisible(field is not None)
            if field is not None:
                curve.setData(*contour_lines(field, xs, ys))
        self.plane.set_series(SET_NAME, a["pareto_set"][:, 0], a["pareto_set"][:, 1])
        front = a["pareto_front"]
        order = np.argsort(front[:, 0])
        self.loss_plane.set_series("Pareto front", front[order, 0], front[order, 1])
        for rule in RULES:
            path, losses = a[f"path_{rule}"], a[f"loss_path_{rule}"]
            self.plane.set_series(RULE_LABELS[rule], path[:, 0], path[:, 1])
            self.loss_plane.set_series(RULE_LABELS[rule], losses[:, 0], losses[:, 1])
        gradients = a["gradients"]
        self.gradient_plot.keep_series(gradient_styles(len(gradients)))
        self.gradient_plot.set_series(HULL_NAME, a["hull"][:, 0], a["hull"][:, 1])
        for task, gx, gy in gradients:
            self.gradient_plot.set_series(f"g{int(task)}", [0.0, gx], [0.0, gy])
        for rule, ux, uy in a["directions"]:
            self.gradient_plot.set_series(f"u: {RULE_LABELS[RULES[int(rule)]]}", [0.0, ux], [0.0, uy])
        self.readout.setText(readout_text(frame.scalars))

    def plots(self) -> dict:
        return {"theta_plane": self.plane.plot_item, "gradients": self.gradient_plot.plot_item,
                "loss_plane": self.loss_plane.plot_item}

    def series(self) -> dict:
        return {"theta_plane": self.plane.series_data(), "gradients": self.gradient_plot.series_data(),
                "loss_plane": self.loss_plane.series_data()}


def _clip(value: float) -> float:
    return float(np.clip(value, -3.0, 3.0))


def contour_lines(field: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Iso-lines of field[i, j] (at xs[i], ys[j]) at levels spaced in √L from the minimum (a bowl's
    ellipses evenly spaced), as one NaN-separated polyline."""
    low, high = float(field.min()), float(np.percentile(field, 60))
    px, py = [], []
    for level in low + (high - low) * np.linspace(0.0, 1.0, CONTOUR_LEVELS + 2)[1:-1] ** 2:
        for line in pg.functions.isocurve(field, level, connected=True):
            i, j = np.array(line).T
            px += [np.interp(i, np.arange(len(xs)), xs), [np.nan]]
            py += [np.interp(j, np.arange(len(ys)), ys), [np.nan]]
    return (np.concatenate(px), np.concatenate(py)) if px else (np.zeros(0), np.zeros(0))


def readout_text(s: dict) -> str:
    rows = "".join(f"<tr><td>{RULE_LABELS[r]}</td><td align=right>{s[f'final_distance_{r}']:.3g}</td>"
                   f"<td align=right>{s[f'final_direction_norm_{r}']:.3g}</td></tr>" for r in RULES)
    return (f"At θ₀: MGDA ‖u‖ = {s['mgda_norm']:.4g}, min_i⟨g_i,u⟩ − ‖u‖² = {s['mgda_slack']:.2g} (≥ 0); "
            f"normalised sum min_i⟨g_i,u⟩ = {s['normalized_min_inner']:.3g}; projection: auxiliaries' "
            f"min⟨g_i,u⟩ = {s['projection_aux_min_inner']:.3g} (≥ 0), ⟨g₁,u⟩ − ‖u‖² = "
            f"{s['projection_primary_gap']:.2g} (= 0)"
            f"<table cellspacing=6><tr><th align=left>rule</th><th>end: distance to the Pareto set</th>"
            f"<th>‖u‖ at the end</th></tr>{rows}</table>")
