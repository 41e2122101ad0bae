"""The weighting arena's page (multitask.md panel M1): one colour per scheme on every plot.

*Invariance*: each scheme's parameter distance from its unstressed reference when task k is scaled
by λ, and when c is added, with its control (the reference from a start one rounding error away)
drawn faint — an invariant rule stays on its control, the others leave it at once — and the M-4
table with every cell confirmed or refuted by the run.  *Per task*: the chosen task's unscaled
loss, L/L(0), effective weight, gradient norm, test metric and Kendall's s against log L.
*Gradients*: cos(g₁, g₂) and ‖Σw_i g_i‖.
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from engines.core.frame import Frame
from engines.multitask.arena_data import task_names
from engines.multitask.arena_params import task_count
from engines.multitask.arena_rules import SCHEME_LABELS, SCHEMES
from engines.multitask.invariance import APPROX, COLUMNS, WHY, agrees
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

COLORS = dict(zip(SCHEMES, ("#7f7f7f", "#bcbd22", "#1f77b4", "#17becf", "#d62728", "#e377c2", "#ff7f0e",
                            "#2ca02c", "#9467bd", "#8c564b", "#00a087")))
INVARIANCE_PLOTS = (("scaled", "distance from the reference, task k's loss × λ"),
                    ("shifted", "distance from the reference, c added to task k's loss"))
# key, title, y label, log y
TASK_PLOTS = (("loss", "training loss (unscaled)", "loss", True), ("ratio", "L_i(t)/L_i(0)", "ratio", True),
              ("weight", "effective weight ∂L/∂L_i (normalised)", "weight", False),
              ("grad_norm", "‖∇ L_i‖ on the shared trunk (unscaled)", "gradient norm", True),
              ("test", "test metric (accuracy, or RMSE in the target's units)", "metric", False))
GRADIENT_PLOTS = (("grad_cos", "cos(g₁, g₂) on the trunk", "cosine", False),
                  ("combined_norm", "‖Σ w_i g_i‖ on the trunk", "norm", True))
TABLE_HEADER = ("scale: M-4 table", "scale: this run", "shift: M-4 table", "shift: this run")


def _yes_no(value: float) -> str:
    return "approx." if value == APPROX else "yes" if value == 1.0 else "no"


class ArenaView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._schemes: tuple[str, ...] = ()
        self._points: dict[tuple[str, int, str], tuple[list, list]] = {}
        self._table_rows = None
        self._dirty = False
        self.curves: dict[str, LivePlot] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._invariance_tab(), "Invariance")
        self.tabs.addTab(self._task_tab(), "Per task")
        self.tabs.addTab(self._grid_tab(GRADIENT_PLOTS), "Gradients")
        self.key = QLabel()
        self.key.setToolTip("each scheme's colour on every plot (hover a curve for its values)")
        self.tabs.setCornerWidget(self.key, Qt.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _plot(self, key: str, title: str, y_label: str, log: bool) -> LivePlot:
        plot = LivePlot()
        plot.set_title(title)
        plot.set_labels("step", y_label)
        plot.set_log_y(log)
        plot.plot_item.legend.setVisible(False)
        self.curves[key] = plot
        return plot

    def _invariance_tab(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (key, title) in enumerate(INVARIANCE_PLOTS):
            grid.addWidget(self._plot(key, title, "‖θ − θ_ref‖/‖θ_ref‖", True), 0, column)
        self.table = QTableWidget(len(SCHEMES), len(TABLE_HEADER))
        self.table.setHorizontalHeaderLabels(TABLE_HEADER)
        self.table.setVerticalHeaderLabels([SCHEME_LABELS[s] for s in SCHEMES])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setToolTip("a run confirms a cell when the stressed member drifts like the control "
                              "(ratio < 100) for 'yes', or leaves it at once (ratio > 10⁴) for 'no'; "
                              "hover a row for the reason")
        grid.addWidget(self.table, 1, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        return page

    def _task_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("task"))
        self.task_choice = QComboBox()
        self.task_choice.currentIndexChanged.connect(self._redraw_tasks)
        row.addWidget(self.task_choice)
        row.addStretch(1)
        layout.addLayout(row)
        grid = QGridLayout()
        for index, (key, title, y_label, log) in enumerate(TASK_PLOTS):
            grid.addWidget(self._plot(key, title, y_label, log), index // 3, index % 3)
        kendall = self._plot("uncertainty", "uncertainty weighting: s_i (solid) and log L_i (faint)", "log loss", False)
        grid.addWidget(kendall, 1, 2)
        layout.addLayout(grid, 1)
        return page

    def _grid_tab(self, plots) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (key, title, y_label, log) in enumerate(plots):
            grid.addWidget(self._plot(key, title, y_label, log), 0, index)
        return page

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._params = dict(params)
        self._schemes = tuple(s for s in str(params.get("schemes", "")).split(",") if s in SCHEMES)
        self.key.setText("&nbsp;&nbsp;".join(f'<span style="color:{COLORS[s]}">━━</span>&nbsp;{SCHEME_LABELS[s]}'
                                              for s in self._schemes) + "&nbsp;")
        for row, s in enumerate(SCHEMES):
            self.table.setRowHidden(row, s not in self._schemes)
        try:
            tasks = task_count(params)
        except (KeyError, ValueError):
            tasks = 0
        names = task_names(params.get("dataset", ""), tasks)
        current = max(self.task_choice.currentIndex(), 0)
        self.task_choice.blockSignals(True)
        self.task_choice.clear()
        self.task_choice.addItems([f"{i + 1}: {name}" for i, name in enumerate(names[:tasks])])
        self.task_choice.setCurrentIndex(min(current, tasks - 1))
        self.task_choice.blockSignals(False)
        k = int(params.get("scaled_task", 1))
        lam, c = float(params.get("task_scale", 1.0)), float(params.get("task_shift", 0.0))
        self.curves["scaled"].set_title(f"task {k}'s loss × λ = {lam:g}: distance from the reference")
        self.curves["shifted"].set_title(f"task {k}'s loss + c = {c:g}: distance from the reference")
        for key, plot in self.curves.items():
            wanted = {}
            for s in self._schemes:
                wanted[SCHEME_LABELS[s]] = {"color": COLORS[s], "width": 1.5}
                if key in ("scaled", "shifted"):
                    wanted[f"{SCHEME_LABELS[s]}, control"] = {"color": COLORS[s], "width": 1.0, "faint": True}
            if key == "uncertainty":
                wanted = {"s_i": {"color": COLORS["uncertainty"], "width": 1.5},
                          "log L_i": {"color": COLORS["uncertainty"], "width": 1.0, "faint": True}}
            plot.keep_series(wanted)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            for name, value in frame.scalars.items():
                if not math.isfinite(value):
                    continue
                key, task, scheme = _split(name)
                if key is None:
                    continue
                xs, ys = self._points.setdefault((key, task, scheme), ([], []))
                xs.append(frame.step)
                ys.append(value)
            if "invariance" in frame.arrays:
                self._table_rows = frame.arrays["invariance"]
            self._dirty = True

    def draw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        for key in ("scaled", "shifted"):
            for s in self._schemes:
                self._show(key, SCHEME_LABELS[s], (f"{key}_distance", 0, s), positive=True)
                self._show(key, f"{SCHEME_LABELS[s]}, control", ("control_distance", 0, s), positive=True)
        for key, *_rest in GRADIENT_PLOTS:
            for s in self._schemes:
                self._show(key, SCHEME_LABELS[s], (key, 0, s), positive=key == "combined_norm")
        self._redraw_tasks()
        self._fill_table()

    def _show(self, plot: str, series: str, where: tuple[str, int, str], positive: bool = False) -> None:
        xs, ys = self._points.get(where, ([], []))
        if positive:
            kept = [(x, y) for x, y in zip(xs, ys) if y > 0]
            xs, ys = [x for x, _ in kept], [y for _, y in kept]
        self.curves[plot].set_series(series, xs, ys)

    def _redraw_tasks(self, *_args) -> None:
        task = self.task_choice.currentIndex() + 1
        for key, _title, _y, log in TASK_PLOTS:
            for s in self._schemes:
                self._show(key, SCHEME_LABELS[s], (key, task, s), positive=log)
        self._show("uncertainty", "s_i", ("uncertainty_s", task, ""))
        self._show("uncertainty", "log L_i", ("log_loss", task, ""))

    def _fill_table(self) -> None:
        rows = self._table_rows
        if rows is None:
            return
        column = {name: i for i, name in enumerate(COLUMNS)}
        for row in rows:
            s = SCHEMES[int(row[column["scheme"]])]
            r = SCHEMES.index(s)
            self.table.verticalHeaderItem(r).setToolTip(WHY[s])
            for offset, stress in ((0, "scale"), (2, "shift")):
                expected, measured = row[column[f"expected_{stress}"]], row[column[f"measured_{stress}"]]
                ratio = row[column[f"{stress}_ratio"]]
                self.table.setItem(r, offset, QTableWidgetItem(_yes_no(expected)))
                self.table.setItem(r, offset + 1, self._verdict_item(expected, measured, ratio))

    @staticmethod
    def _verdict_item(expected: float, measured: float, ratio: float) -> QTableWidgetItem:
        if math.isnan(ratio):
            return QTableWidgetItem("not stressed")
        said = "undecided" if math.isnan(measured) else "invariant" if measured == 1.0 else "not invariant"
        verdict = agrees(expected, measured)
        mark = "" if verdict is None else " ✓ confirmed" if verdict else " ✗ refuted"
        item = QTableWidgetItem(f"{said}{mark} (ratio {ratio:.3g})")
        if verdict is not None:
            item.setForeground(QBrush(QColor("#2ca02c" if verdict else "#d62728")))
        return item

    def verdict_text(self) -> dict[str, list[str]]:
        """The table as shown: scheme label → its four cells."""
        out = {}
        for r, s in enumerate(SCHEMES):
            if not self.table.isRowHidden(r):
                out[SCHEME_LABELS[s]] = [self.table.item(r, c).text() if self.table.item(r, c) else ""
                                         for c in range(len(TABLE_HEADER))]
        return out

    def clear(self) -> None:
        self._points.clear()
        self._table_rows = None
        for plot in self.curves.values():
            plot.clear()
        self.table.clearContents()

    def plots(self) -> dict:
        return {key: plot.plot_item for key, plot in self.curves.items()}

    def series(self) -> dict:
        return {key: plot.series_data() for key, plot in self.curves.items()}


PER_TASK_KEYS = ("loss", "ratio", "weight", "grad_norm", "test")
PER_SCHEME_KEYS = ("grad_cos", "combined_norm", "trajectory_distance", "scaled_distance", "shifted_distance",
                   "control_distance")


def _split(name: str) -> tuple[str | None, int, str]:
    """``loss_2_realtime`` → ("loss", 2, "realtime"); ``uncertainty_s_1`` → ("uncertainty_s", 1, "")."""
    for key in ("uncertainty_s", "log_loss"):
        if name.startswith(key + "_"):
            return key, int(name[len(key) + 1:]), ""
    for key in PER_SCHEME_KEYS:
        if name.startswith(key + "_") and name[len(key) + 1:] in SCHEMES:
            return key, 0, name[len(key) + 1:]
    for key in PER_TASK_KEYS:
        if name.startswith(key + "_"):
            task, _, scheme = name[len(key) + 1:].partition("_")
            if task.isdigit() and scheme in SCHEMES:
                return key, int(task), scheme
    return None, 0, ""
