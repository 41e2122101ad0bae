"""Live training curves of ML runs: the current run bright, earlier runs kept as faint ghosts.

Each (run, metric) is drawn twice, as TensorBoard does: the raw values faint and a smoothed curve
solid, because a noisy minibatch metric hides its trend and a smoothed curve alone hides the noise.
Smoothing is a display setting, so only raw points are stored and the smoothed curve is recomputed
from them, for dirty curves only, whenever they or the weight change.

A curve keeps its points in two :class:`RingSeries`, against step and against seconds, so the x
axis can switch without losing either.  Both rings receive the same y values in the same appends
and their thinning depends on y alone, so they stay index-aligned.  Appends only buffer; ``redraw``
(from a ≤ 60 Hz timer) hands dirty curves whole to the :class:`LivePlot` underneath.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .hover_readout import HoverReadout
from .plot_style import fit_with_headroom, follows_data
from .live_plot import DEFAULT_CAPACITY, PALETTE, LivePlot
from .ema import debiased_ema
from .smoothed_series import SMOOTHED_SUFFIX, SmoothedSeries as _Curve

__all__ = ["TrainingCurves", "debiased_ema"]

X_MODES = {"step": "step", "seconds": "time (s)"}
DEFAULT_SMOOTHING = 0.6
MAX_SMOOTHING = 0.99
MARK_COLOR = (220, 40, 40)
_UNUSED_RING = 8  # LivePlot's own rings stay empty: curves reach it whole through set_series
# (alpha, z) by (ghost, smoothed): ghosts keep their metric's hue but fade behind the current run.
# Every curve is 1 px wide: Qt strokes a wider antialiased polyline as a path, ~30 times slower
# (six 10,000-point curves: 0.75 s against 24 ms per paint).
_LOOK = {(False, True): (255, 3.0), (False, False): (70, 2.0),
         (True, True): (110, 1.0), (True, False): (28, 0.0)}


@dataclass
class _Mark:
    step: float
    metric: str | None
    cross: pg.PlotDataItem
    label: pg.TextItem


@dataclass
class _Run:
    run_id: str
    label: str
    params_text: str
    list_item: QtWidgets.QListWidgetItem
    curves: dict[str, _Curve] = field(default_factory=dict)
    marks: list[_Mark] = field(default_factory=list)
    visible: bool = True


class _RunPlot(LivePlot):
    """A LivePlot whose hover read-out names a curve by its run label and parameters, so a user
    can tell ghosts apart, while the series keep short unique keys."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent, capacity=_UNUSED_RING)
        self.display_names: dict[str, str] = {}

    def _shown_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {self.display_names.get(key, key): data for key, data in super()._shown_data().items()}


class TrainingCurves(QtWidgets.QWidget):
    """One metric group (e.g. loss) of the current ML run and of up to ``max_runs - 1`` earlier ones.

    ``begin_run`` starts a run and turns the previous one into a ghost; ``append`` buffers points;
    ``redraw`` shows them.  A toolbar above the plot sets the smoothing, log y, the x axis (step or
    seconds) and which runs are shown; each has a method too.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, capacity: int = DEFAULT_CAPACITY,
                 max_runs: int = 8):
        super().__init__(parent)
        if max_runs < 1:
            raise ValueError(f"max_runs must be at least 1, got {max_runs}")
        self._capacity = capacity
        self._max_runs = max_runs
        self._runs: dict[str, _Run] = {}  # oldest first; the current run is the last
        self._current: str | None = None
        self._colors: dict[str, str] = {}
        self._shown_metrics: set[str] | None = None
        self._weight = DEFAULT_SMOOTHING
        self._x_mode = "step"
        self._y_label = ""
        self._keys = 0
        self._view = _RunPlot(self)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._build_toolbar())
        layout.addWidget(self._view, 1)
        self.plot_item.ctrl.logYCheck.toggled.connect(self._on_log_mode)
        self.plot_item.ctrl.logXCheck.toggled.connect(self._on_log_mode)
        self._refit = True
        self.plot_item.getViewBox().disableAutoRange()
        self._view.followResumed.connect(self._on_follow_resumed)
        self.set_smoothing(DEFAULT_SMOOTHING)
        self._apply_labels()

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._view.plot_item

    @property
    def hover(self) -> HoverReadout:
        return self._view.hover

    def set_labels(self, y_label: str) -> None:
        """The y label; the x label follows the x mode."""
        self._y_label = y_label
        self._apply_labels()

    def runs(self) -> list[str]:
        """Kept run ids, the current run first, then the ghosts newest first (as the run list)."""
        return list(reversed(self._runs))

    def current_run(self) -> str | None:
        return self._current

    def begin_run(self, run_id: str, label: str, params_text: str = "") -> None:
        """Start a run; the previous current run becomes a ghost and the oldest beyond ``max_runs``
        is dropped.  A run id already kept is replaced.  ``params_text`` tells runs apart in the run
        list's tooltip and the hover read-out."""
        if run_id in self._runs:
            self._drop(run_id)
        previous = self._runs.get(self._current) if self._current else None
        self._runs[run_id] = _Run(run_id, label, params_text, self._new_list_item(run_id, label, params_text))
        self._current = run_id
        if previous is not None:
            self._restyle(previous)
        while len(self._runs) > self._max_runs:
            self._drop(next(iter(self._runs)))

    def append(self, metric: str, step, seconds, value, run_id: str | None = None) -> None:
        """Buffer one point or arrays of equal length of ``metric`` for the current (or named)
        run; shown at the next ``redraw``."""
        run = self._run(run_id)
        steps, times, values = (np.atleast_1d(np.asarray(v, dtype=np.float64)).ravel()
                                for v in (step, seconds, value))
        if not steps.shape == times.shape == values.shape:
            raise ValueError(f"step, seconds and value differ in length: "
                             f"{steps.size}, {times.size}, {values.size}")
        self._curve(run, metric).append(steps, times, values)

    def redraw(self) -> None:
        """Push the shown curves with new points to the plot (call from a ≤ 60 Hz timer); hidden
        ones wait until shown."""
        pushed = False
        for run in self._runs.values():
            for metric, curve in run.curves.items():
                if curve.dirty and self._shown(run, metric):
                    self._push(curve)
                    pushed = True
            self._place_marks(run)
        if (pushed or self._refit) and follows_data(self.plot_item.getViewBox()):
            self._fit_view()

    def _fit_view(self) -> None:
        """Keep the view still while new points fit in it; grow it with headroom when they do not,
        and shrink the y range when the data use less than half of it.

        pyqtgraph's own auto-range refits, and re-lays out both axes, on every new point: on a
        software-rendered screen that was the larger part of a live curve's repaint.  A zoom or
        pan by the user stops the following; "follow data" (or pyqtgraph's "A") resumes it."""
        xs, ys = [], []
        for run in self._runs.values():
            for metric, curve in run.curves.items():
                if self._shown(run, metric) and len(curve.by_step):
                    x, y = curve.raw(self._x_mode)
                    xs.append(x)
                    ys.append(y)
        if not xs:
            return
        x, y = np.concatenate(xs), np.concatenate(ys)
        if self.log_y():
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.where(y > 0, y, np.nan))
        if fit_with_headroom(self.plot_item.getViewBox(), x, y, force=self._refit):
            self._refit = False

    def _on_follow_resumed(self) -> None:
        self.plot_item.getViewBox().disableAutoRange()
        self._refit = True
        self._fit_view()

    def clear(self) -> None:
        """Drop every run, its curves and marks."""
        self._refit = True
        for run_id in list(self._runs):
            self._drop(run_id)
        self._colors.clear()
        self._view.hover.hide()

    def smoothing(self) -> float:
        return self._weight

    def set_smoothing(self, weight: float) -> None:
        """Smoothing weight, clamped to [0, 0.99]; 0 shows the raw values.  Applied at once."""
        w = float(weight)
        if not math.isfinite(w):
            raise ValueError(f"smoothing weight must be finite, got {weight!r}")
        w = min(max(w, 0.0), MAX_SMOOTHING)
        _quietly(self._slider, self._slider.setValue, round(w * 100))
        self._readout.setText(f"{w:.2f}")
        if w != self._weight:
            self._weight = w
            self._redraw_all()

    def log_y(self) -> bool:
        return bool(self.plot_item.getAxis("left").logMode)

    def set_log_y(self, on: bool) -> None:
        self._view.set_log_y(on)

    def x_mode(self) -> str:
        return self._x_mode

    def set_x_mode(self, mode: str) -> None:
        """``"step"`` or ``"seconds"`` (the ``seconds`` given to ``append``); rescales the view."""
        if mode not in X_MODES:
            raise ValueError(f"x mode must be one of {sorted(X_MODES)}, got {mode!r}")
        _quietly(self._x_combo, self._x_combo.setCurrentIndex, self._x_combo.findData(mode))
        if mode != self._x_mode:
            self._x_mode = mode
            self._apply_labels()
            self._refit = True
            self._redraw_all()

    def set_run_visible(self, run_id: str, on: bool) -> None:
        run = self._run(run_id)
        run.visible = bool(on)
        self._refit = True
        state = QtCore.Qt.CheckState.Checked if on else QtCore.Qt.CheckState.Unchecked
        _quietly(self._run_list, run.list_item.setCheckState, state)
        self._apply_visibility(run)

    def set_metrics_visible(self, names: Iterable[str] | None) -> None:
        """Show only these metrics (``None``: all)."""
        self._shown_metrics = None if names is None else set(names)
        for run in self._runs.values():
            self._apply_visibility(run)

    def mark(self, run_id: str, step: float, text: str, metric: str | None = None) -> None:
        """A red cross and label on a run's curve at its last point at or before ``step`` (at the
        last finite value there, since a diverged run ends in NaN or inf), e.g. "diverged".
        ``metric`` picks the curve; by default the run's first metric."""
        run = self._run(run_id)
        cross = pg.PlotDataItem(pen=None, symbol="x", symbolSize=14, symbolPen=pg.mkPen(MARK_COLOR, width=2),
                                symbolBrush=pg.mkBrush(MARK_COLOR))
        label = pg.TextItem(text, color=MARK_COLOR, anchor=(0.0, 1.2))
        for item in (cross, label):
            item.setZValue(900)
            self.plot_item.addItem(item, ignoreBounds=True)
        run.marks.append(_Mark(float(step), metric, cross, label))
        self._place_marks(run)

    def curve_items(self, run_id: str, metric: str) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        """The (raw, smoothed) plot items of a run's metric, e.g. to restyle them."""
        curve = self._run(run_id).curves[metric]
        return curve.raw_item, curve.smooth_item

    def series_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Every kept curve, buffered points included, as ``"{run label}/{metric}"`` (raw) and
        ``"… (smoothed)"``, x in the current x mode (for CSV export).  A label shared by two runs
        gets the run id appended."""
        out = {}
        for run in reversed(self._runs.values()):
            name = self._export_label(run)
            for metric, curve in run.curves.items():
                x, y = curve.raw(self._x_mode)
                out[f"{name}/{metric}"] = (x, y)
                out[f"{name}/{metric} (smoothed)"] = (x.copy(), curve.smoothed(self._weight).copy())
        return out

    def _build_toolbar(self) -> QtWidgets.QHBoxLayout:
        self._slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self._slider.setObjectName("smoothing")
        self._slider.setRange(0, round(MAX_SMOOTHING * 100))
        self._slider.setMaximumWidth(140)
        self._slider.setToolTip("Debiased exponential moving average, as in TensorBoard; 0 shows raw values")
        self._slider.valueChanged.connect(self._on_slider)
        self._readout = QtWidgets.QLabel()
        self._readout.setMinimumWidth(self.fontMetrics().horizontalAdvance("0.00") + 4)
        self._log_check = QtWidgets.QCheckBox("log y")
        self._log_check.setObjectName("logY")
        self._log_check.toggled.connect(self.set_log_y)
        self._x_combo = QtWidgets.QComboBox()
        self._x_combo.setObjectName("xAxis")
        for mode, text in X_MODES.items():
            self._x_combo.addItem(text, mode)
        self._x_combo.currentIndexChanged.connect(self._on_x_combo)
        self._run_list = QtWidgets.QListWidget()
        self._run_list.setObjectName("runList")
        self._run_list.setFlow(QtWidgets.QListView.Flow.LeftToRight)
        self._run_list.setWrapping(False)
        self._run_list.setSpacing(2)
        self._run_list.setMaximumHeight(2 * self.fontMetrics().height() + 14)
        self._run_list.setToolTip("Runs: the current one first; untick to hide")
        self._run_list.itemChanged.connect(self._on_run_item)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 0)
        for widget in (QtWidgets.QLabel("smoothing"), self._slider, self._readout, self._log_check,
                       QtWidgets.QLabel("x"), self._x_combo):
            row.addWidget(widget)
        row.addWidget(self._run_list, 1)
        return row

    def _on_slider(self, value: int) -> None:
        self.set_smoothing(value / 100)

    def _on_x_combo(self, index: int) -> None:
        self.set_x_mode(self._x_combo.itemData(index))

    def _on_run_item(self, item: QtWidgets.QListWidgetItem) -> None:
        run = self._runs.get(item.data(QtCore.Qt.ItemDataRole.UserRole))
        on = item.checkState() == QtCore.Qt.CheckState.Checked
        if run is not None and run.visible != on:
            self.set_run_visible(run.run_id, on)

    def _on_log_mode(self, _checked: bool = False) -> None:
        """Follows the plot's log mode, also when set from its context menu."""
        _quietly(self._log_check, self._log_check.setChecked, self.log_y())
        self._refit = True
        self._view.hover.hide()
        for run in self._runs.values():
            self._place_marks(run)

    def _apply_labels(self) -> None:
        self._view.set_labels(X_MODES[self._x_mode], self._y_label)

    def _new_list_item(self, run_id: str, label: str, params_text: str) -> QtWidgets.QListWidgetItem:
        item = QtWidgets.QListWidgetItem(label)
        item.setFlags(QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
        item.setData(QtCore.Qt.ItemDataRole.UserRole, run_id)
        item.setToolTip(params_text or label)
        item.setCheckState(QtCore.Qt.CheckState.Checked)
        _quietly(self._run_list, self._run_list.insertItem, 0, item)
        _set_bold(item, True)
        return item

    def _run(self, run_id: str | None) -> _Run:
        key = run_id if run_id is not None else self._current
        if key is None:
            raise RuntimeError("no current run: call begin_run() first")
        if key not in self._runs:
            raise KeyError(f"unknown run {key!r}; kept runs: {self.runs()}")
        return self._runs[key]

    def _curve(self, run: _Run, metric: str) -> _Curve:
        curve = run.curves.get(metric)
        if curve is None:
            self._colors.setdefault(metric, PALETTE[len(self._colors) % len(PALETTE)])
            self._keys += 1
            key = f"curve{self._keys}"
            curve = _Curve(self._capacity, *self._style(run, metric, key), key)
            run.curves[metric] = curve
            self._view.display_names[curve.raw_key] = _hover_name(run, metric)
            self._view.display_names[curve.smooth_key] = _hover_name(run, f"{metric} (smoothed)")
            self._apply_visibility(run)
        return curve

    def _restyle(self, run: _Run) -> None:
        _set_bold(run.list_item, run.run_id == self._current)
        for metric, curve in run.curves.items():
            self._style(run, metric, curve.raw_key)

    def _style(self, run: _Run, metric: str, key: str) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        """Declare or restyle a curve's raw and smoothed series with the current or ghost look;
        only the current run's smoothed curves are in the legend (one entry per metric colour),
        since ghosts are named in the run list."""
        ghost = run.run_id != self._current
        legend = self.plot_item.legend
        items = []
        for name, smoothed in ((key, False), (key + SMOOTHED_SUFFIX, True)):
            alpha, z = _LOOK[ghost, smoothed]
            color = pg.mkColor(self._colors[metric])
            color.setAlpha(alpha)
            item = self._view.add_series(name, color=color, width=1.0)
            item.setZValue(z)
            legend.removeItem(item)
            if smoothed and not ghost:
                legend.addItem(item, metric)
            items.append(item)
        return items[0], items[1]

    def _shown(self, run: _Run, metric: str) -> bool:
        return run.visible and (self._shown_metrics is None or metric in self._shown_metrics)

    def _apply_visibility(self, run: _Run) -> None:
        for metric, curve in run.curves.items():
            shown = self._shown(run, metric)
            curve.raw_item.setVisible(shown)
            curve.smooth_item.setVisible(shown)
            if shown and curve.dirty:
                self._push(curve)
        self._place_marks(run)
        self._view.hover.hide()

    def _push(self, curve: _Curve) -> None:
        x, y = curve.raw(self._x_mode)
        self._view.set_series(curve.raw_key, x, y)
        self._view.set_series(curve.smooth_key, x, curve.smoothed(self._weight))
        curve.dirty = False

    def _redraw_all(self) -> None:
        for run in self._runs.values():
            for curve in run.curves.values():
                curve.dirty = True
        self.redraw()

    def _place_marks(self, run: _Run) -> None:
        log_x = bool(self.plot_item.getAxis("bottom").logMode)
        log_y = self.log_y()
        for mark in run.marks:
            point = self._mark_point(run, mark)
            view = None if point is None else (_to_view(point[0], log_x), _to_view(point[1], log_y))
            shown = run.visible and view is not None and None not in view
            if shown:
                mark.cross.setData([point[0]], [point[1]])
                mark.label.setPos(*view)
            mark.cross.setVisible(shown)
            mark.label.setVisible(shown)

    def _mark_point(self, run: _Run, mark: _Mark) -> tuple[float, float] | None:
        curve = run.curves.get(mark.metric) if mark.metric else next(iter(run.curves.values()), None)
        if curve is None:
            return None
        steps, values = curve.by_step.data()
        upto = np.flatnonzero(steps <= mark.step)
        i = int(upto[-1]) if upto.size else 0
        finite = np.flatnonzero(np.isfinite(values[:i + 1]))
        if finite.size == 0:
            return None
        return float(curve.raw(self._x_mode)[0][i]), float(values[finite[-1]])

    def _export_label(self, run: _Run) -> str:
        shared = sum(r.label == run.label for r in self._runs.values()) > 1
        return f"{run.label} [{run.run_id}]" if shared else run.label

    def _drop(self, run_id: str) -> None:
        run = self._runs.pop(run_id)
        for curve in run.curves.values():
            for key in (curve.raw_key, curve.smooth_key):
                self._view.remove_series(key)
                self._view.display_names.pop(key, None)
        for mark in run.marks:
            self.plot_item.removeItem(mark.cross)
            self.plot_item.removeItem(mark.label)
        self._run_list.takeItem(self._run_list.row(run.list_item))
        if self._current == run_id:
            self._current = None


def _hover_name(run: _Run, curve_name: str) -> str:
    name = f"{run.label}/{curve_name}"
    return f"{name}\n{run.params_text}" if run.params_text else name


def _to_view(value: float, log: bool) -> float | None:
    if not log:
        return value
    return math.log10(value) if value > 0 else None


def _set_bold(item: QtWidgets.QListWidgetItem, bold: bool) -> None:
    font = QtGui.QFont(item.font())
    font.setBold(bold)
    item.setFont(font)


def _quietly(widget: QtCore.QObject, setter, *args) -> None:
    """Set a control's value without its change signal, when the widget itself set it."""
    was = widget.blockSignals(True)
    try:
        setter(*args)
    finally:
        widget.blockSignals(was)
