"""Sweeps of one parameter over several seeds: the one sweep view every torch topic shares.

The view knows no topic.  It takes an experiment that declares a sweep (``Experiment.sweep``, an
``engines.core.experiment.SweepSpec``: the sweep's own parameters — swept parameter, values,
seeds, and any the topic adds — its run, and how its table is read) and the experiment's schema for
the swept parameter's range and scale.  It is an ``ExperimentHost`` (form, Run / Stop, progress,
status, errors on the form) whose run is the sweep's, with ``{**base_params(), **sweep values}``
fixed when it starts; each frame's ``sweep`` table (one row per finished member) replaces the
previous one, and the host's timer draws only when a new table came.  Stop keeps the members that
had finished.
"""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from engines.core.experiment import Experiment
from engines.core.frame import Frame
from widgets import LivePlot
from widgets.live_plot import PALETTE
from workbench.pages import export
from workbench.pages import themes
from workbench.core.atomic import write_text_atomic
from workbench.pages.experiment_host import ExperimentHost
from workbench.core.recording import array_csv
from workbench.core.session import ExperimentState
from workbench.core.sweep_summary import (GROUP_COLUMN, AxisPlan, SweepSummary, diverged_text, log_ticks, metric_columns,
                                     parse_values, plan_axis, summarize)

ERROR_COLOR = "#c0392b"


class SweepView(ExperimentHost):
    """The sweep page of an experiment that declares one: the sweep's form, Run / Stop, progress,
    status, a summary plot, the raw table and its CSV export (the host does the running)."""

    def __init__(self, topic: str, experiment: Experiment, base_params: Callable[[], dict], parent=None,
                 process: bool | None = None):
        if experiment.sweep is None:
            raise ValueError(f"{topic}:{experiment.id} declares no sweep")
        self.swept, self.spec = experiment, experiment.sweep
        self.default_metric, self.error_of = self.spec.default_metric, dict(self.spec.error_of)
        self._table, self._columns = np.empty((0, 0)), ()
        self._running = False
        self._axis, self._title, self._summary = AxisPlan(), "", SweepSummary()
        self._groups: tuple[str, ...] = ()
        self._count_labels: list = []
        self._tap_lock = threading.Lock()
        self._tap: tuple[int, np.ndarray, tuple[str, ...]] | None = None
        sweep = Experiment(experiment.id, f"{experiment.title}: sweep", self.spec.params, self.spec.run,
                           in_process=self.spec.in_process, summary="every value of one parameter with every seed")
        # Sweeps that train do it in a child process: in a thread they would share the GUI's GIL.  A
        # sweep that only drives worker processes or a cluster runs in a thread (SweepSpec.in_process).
        help_text = (f"<b>Sweep.</b> Every value of the swept parameter, with every seed, run with the values "
                     f"of the “{experiment.title}” page (fixed when the sweep starts).")
        super().__init__(topic, sweep, parent, process=process, base_params=base_params, tap=self._tap_frame,
                         help_text=help_text)
        self.run_button.setText("Run sweep")
        self.run_button.setToolTip("Run every value with every seed, over the main form's values")
        self.stop_button.setToolTip("Stop; the runs already finished are kept")
        self.status.setObjectName("sweepStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 4 + 4)
        self.form.invalidValue.connect(self._on_invalid_value)
        self.metric_combo.currentTextChanged.connect(self.mark_dirty)
        self.error_check.toggled.connect(self.mark_dirty)
        self.controller.stateChanged.connect(self._on_run_state)

    @property
    def page_key(self) -> str:
        return f"{self.experiment_id}-sweep"

    def build_plots(self) -> QSplitter:
        self.metric_combo = QComboBox(toolTip="The measured quantity plotted against the swept value")
        self.metric_combo.setMinimumContentsLength(14)
        self.error_check = QCheckBox("as error (1 − x)", toolTip="Plot 1 − metric, e.g. accuracy → error")
        self.plot = LivePlot()
        self.mean_line = self.plot.add_series("mean", "#222222", width=2.5)
        self.diverged_marks = diverged = self.plot.add_series("diverged", ERROR_COLOR, style="dots")
        diverged.setSymbol("x")
        diverged.setSymbolSize(12)
        diverged.setSymbolPen(ERROR_COLOR, width=2.5)
        self.table_widget = QTableWidget(0, 0, editTriggers=QTableWidget.EditTrigger.NoEditTriggers)
        self.table_widget.verticalHeader().setVisible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        for part in (QLabel("metric"), self.metric_combo, self.error_check):
            pick.addWidget(part)
        pick.addStretch(1)
        top_layout.addLayout(pick)
        top_layout.addWidget(self.plot, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(self.table_widget)
        right.setSizes([520, 220])
        right.addWidget(self.readout)
        self.readout.hide()
        return right

    # --- commands -------------------------------------------------------------------------------
    def sweep_values(self) -> dict[str, Any]:
        return self.form.values()

    def set_sweep_values(self, values: dict[str, Any]) -> None:
        """Set some of the sweep parameters (validated through the sweep's schema; unknown names raise)."""
        self.form.set_values(self.schema.validate(values, complete=False))

    def state(self) -> ExperimentState:
        """A sweep's values belong to the experiment it sweeps (``ExperimentState.sweep``)."""
        return ExperimentState({}, self.sweep_values())

    def start(self, single_step: bool = False) -> int:
        """Run a sweep of the current sweep values over the base page's current parameters (a
        sweep has no single step: Step runs it like Play)."""
        for name in self.schema.names():
            self.form.clear_error(name)
        generation = super().start()
        self._show_status(f"sweeping {self._title}…")
        return generation

    def stop(self) -> None:
        """Stop now; every member that had finished stays in the table, the plot and the export."""
        if not self._running:
            return
        generation = self._generation
        super().stop()
        with self._tap_lock:
            tap = self._tap
        if tap is not None and tap[0] == generation and tap[1].shape[0] > self._table.shape[0]:
            self._take_table(tap[1], tap[2])
        self._end(f"stopped: kept {self._table.shape[0]} finished run(s)", error=False)

    def is_running(self) -> bool:
        return self._running

    def table(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """The raw sweep table (a copy) and its column names."""
        return self._table.copy(), tuple(self._columns)

    def summary_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What the summary plot shows: ``seed S`` dots, the ``mean`` line, ``diverged`` points
        (x placed on the axis: a 0 on a log axis is at the smallest positive value / 10)."""
        self._tick()
        return self.plot.series_data()

    def plots(self) -> dict[str, Any]:
        """The summary plot, for a panel's PNG / SVG export and theming."""
        return {"sweep_summary": self.plot.plot_item}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """The summary plot's series, for a panel's CSV export (the raw table has its own export)."""
        return {"sweep_summary": self.summary_data()}

    def apply_theme(self, name: str) -> None:
        super().apply_theme(name)
        self.mean_line.setPen(themes.plot_colors(name)["foreground"], width=2.5)

    def export_csv(self, path: str | Path) -> None:
        """The whole table as CSV with ``# `` provenance lines, written atomically."""
        if self._table.shape[0] == 0:
            raise ValueError("there are no sweep results to export yet: run a sweep first")
        header = "".join(f"# {line}\n" for line in self.provenance())
        write_text_atomic(path, header + array_csv(self._table, self._columns))

    def provenance_block(self, plots: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The sweep's share of a header: the experiment it sweeps, the base parameters the shown
        table ran with, the sweep's own values, and that each row has its own seed."""
        names = set(self.schema.names())
        base = {k: v for k, v in self._params.items() if k not in names}
        sweep = {k: v for k, v in self._params.items() if k in names}
        lines = [line for line in export.experiment_lines(f"{self.topic}:{self.experiment_id} (sweep)", base, plots)
                 if not line.startswith("seed:")]
        lines[2:2] = ["sweep: " + json.dumps(sweep, ensure_ascii=False, sort_keys=True),
                      f"seed: per row (the seed column; sweep_seeds = {sweep.get('sweep_seeds', '')})"]
        return tuple(lines)

    # --- the view protocol ----------------------------------------------------------------------
    def begin(self, params: dict[str, Any]) -> None:
        self._prepare_plot({k: v for k, v in params.items() if k in self.schema})
        self._take_table(np.empty((0, 0)), ())

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            if "sweep" in frame.arrays:
                self._take_table(frame.arrays["sweep"], tuple(frame.columns.get("sweep", ())))

    def draw(self) -> None:
        self._redraw()

    # --- running --------------------------------------------------------------------------------
    def _tap_frame(self, generation: int, frame: Frame) -> None:
        """In the worker thread: keep the newest table (under a lock) so Stop keeps a member that
        finished after the last batch of frames was handed over."""
        if "sweep" in frame.arrays:
            with self._tap_lock:
                self._tap = (generation, frame.arrays["sweep"], tuple(frame.columns.get("sweep", ())))

    def _on_ended(self, status: str, message: str, param: str) -> None:
        super()._on_ended(status, message, param)
        text = {"finished": f"done: {self._table.shape[0]} run(s)", "invalid": message,
                "diverged": f"diverged: {message}", "error": f"engine error: {message}"}.get(status, status)
        self._end(text, error=status != "finished")

    def _end(self, text: str, error: bool) -> None:
        self._set_running(False)
        self._tick()
        bad = diverged_text(self._summary.diverged_members, self._title)
        self._show_status(f"{text}\n{bad}" if bad else text, error=error or bool(bad))

    def _on_invalid_value(self, name: str, message: str) -> None:
        self._show_status(message, error=True)

    def _on_run_state(self, state: str) -> None:
        self._set_running(state in ("running", "paused"))

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.form.setEnabled(not running)

    # --- drawing --------------------------------------------------------------------------------
    def _prepare_plot(self, sweep: dict[str, Any]) -> None:
        """Axis (log with the swept values as ticks, or linear) and one dot series per seed, in the
        order the seeds were given, so colours and legend stay put while rows arrive."""
        swept = self.swept.params[sweep["sweep_param"]]
        values = parse_values(sweep["sweep_values"])
        self._title, self._axis = swept.title, plan_axis(values, bool(swept.log))
        self.plot.set_log_x(self._axis.log)
        self.plot.plot_item.getAxis("bottom").setTicks([log_ticks(values, self._axis), []]
                                                       if self._axis.log else None)
        self.plot.plot_item.setLabel("bottom", self._axis.label(self._title))
        for name in self.plot.series_names():
            if name.startswith("seed ") or name in self._group_series():
                self.plot.remove_series(name)
        self._groups = self._group_names(sweep)
        for i, group in enumerate(self._groups):
            color = PALETTE[i % len(PALETTE)]
            dots = self.plot.add_series(f"{group} (each seed)", color, width=2.0, style="dots")
            mean = self.plot.add_series(f"{group} (mean over seeds)", color, width=2.5)
            marks = self.plot.add_series(f"{group} (diverged)", color, style="dots")
            marks.setSymbol("x")
            marks.setSymbolSize(12)
            marks.setSymbolPen(color, width=2.5)
            legend = self.plot.plot_item.legend  # one entry per group: dots and ✖ share its colour
            for item in (dots, mean, marks):
                legend.removeItem(item)
            legend.addItem(mean, group)
        legend = self.plot.plot_item.legend
        for item, name in ((self.mean_line, "mean"), (self.diverged_marks, "diverged")):
            legend.removeItem(item)
            item.setVisible(not self._groups)
            if not self._groups:
                legend.addItem(item, name)
        if self._groups:
            self.plot.set_series("mean", [], [])
            self.plot.set_series("diverged", [], [])
            return
        for i, seed in enumerate(dict.fromkeys(parse_values(sweep["sweep_seeds"]))):
            self.plot.add_series(f"seed {seed:g}", PALETTE[i % len(PALETTE)], width=2.0, style="dots")

    def _group_series(self) -> set[str]:
        return {f"{g} ({what})" for g in self._groups for what in ("each seed", "mean over seeds", "diverged")}

    def _group_names(self, sweep: dict[str, Any]) -> tuple[str, ...]:
        """Labels of the members' groups when the engine sweeps several of something at once
        (``SweepSpec.group_param`` names a comma-separated sweep parameter, e.g. network variants)."""
        param = self.spec.group_param
        if not param:
            return ()
        return tuple(dict.fromkeys(t.strip() for t in str(sweep.get(param, "")).split(",") if t.strip()))

    def _take_table(self, table: np.ndarray, columns: tuple[str, ...]) -> None:
        """Keep a new table (cheap: the timer draws it)."""
        self._table, self._columns = np.asarray(table, dtype=np.float64), columns
        self._dirty = True

    def _redraw(self) -> None:
        self._fill_metrics()
        self._fill_table()
        metric, as_error = self.metric_combo.currentText(), self.error_check.isChecked()
        self._summary = summarize(self._table, self._columns, metric, self._axis, as_error, self._groups)
        empty = (np.empty(0), np.empty(0))
        for item in self._count_labels:
            self.plot.plot_item.removeItem(item)
        self._count_labels = []
        for i, group in enumerate(self._groups):
            self.plot.set_series(f"{group} (each seed)", *self._summary.groups.get(group, empty))
            self.plot.set_series(f"{group} (mean over seeds)", *self._summary.group_means.get(group, empty))
            x, y, texts = self._summary.group_diverged.get(group, (np.empty(0), np.empty(0), []))
            self.plot.set_series(f"{group} (diverged)", x, y)
            for xi, yi, text in zip(x, y, texts):
                label = pg.TextItem(f"{text} diverged", color=PALETTE[i % len(PALETTE)], anchor=(1.1, 0.5))
                label.setPos(math.log10(xi) if self._axis.log else xi, yi)
                self.plot.plot_item.addItem(label, ignoreBounds=True)
                self._count_labels.append(label)
        for name in self.plot.series_names():
            if name.startswith("seed "):
                self.plot.set_series(name, *self._summary.seeds.get(float(name[5:]), empty))
        for seed, xy in self._summary.seeds.items():  # a seed the request did not list (defensive)
            if f"seed {seed:g}" not in self.plot.series_names():
                self.plot.set_series(f"seed {seed:g}", *xy)
        if not self._groups:  # grouped sweeps draw their means and divergences per group above
            self.plot.set_series("mean", *self._summary.mean)
            self.plot.set_series("diverged", *self._summary.diverged)
        ylabel = self.error_of.get(metric, f"1 − {metric}") if as_error and metric else metric
        self.plot.plot_item.setLabel("left", ylabel)

    def _fill_metrics(self) -> None:
        metrics = metric_columns(self._columns)
        if not metrics or metrics == [self.metric_combo.itemText(i) for i in range(self.metric_combo.count())]:
            return
        current = self.metric_combo.currentText()
        blocked = self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        self.metric_combo.addItems(metrics)
        pick = current if current in metrics else self.default_metric
        if pick in metrics:
            self.metric_combo.setCurrentText(pick)
        self.metric_combo.blockSignals(blocked)

    def _fill_table(self) -> None:
        """Rows only grow during a sweep, so only new rows are written; a new sweep starts over."""
        widget, rows = self.table_widget, self._table.shape[0]
        headers = [widget.horizontalHeaderItem(i).text() for i in range(widget.columnCount())]
        if headers != list(self._columns) or rows < widget.rowCount():
            widget.setRowCount(0)
            widget.setColumnCount(len(self._columns))
            widget.setHorizontalHeaderLabels(list(self._columns))
        first = widget.rowCount()
        widget.setRowCount(rows)
        group = self._columns.index(GROUP_COLUMN) if GROUP_COLUMN in self._columns and self._groups else -1
        for r in range(first, rows):
            for c, value in enumerate(self._table[r]):
                text = "—" if math.isnan(value) else f"{value:.6g}"
                if c == group and not math.isnan(value) and 0 <= int(value) < len(self._groups):
                    text = self._groups[int(value)]  # the variant's name, not its index
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                widget.setItem(r, c, item)
        if rows > first:
            widget.resizeColumnsToContents()

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setProperty("error", error)
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")
        self.status.setText(text)
