"""The one host of an experiment (engines.core.experiment) on a page: form, run, status, export.

Everything a tab needs to compute one experiment lives here once: the parameter form with undo,
a RunController (DESIGN.md §3; in a child process when the experiment is compute-bound), status,
progress with ETA, a ParameterError from the engine shown under the parameter it names (cleared
on the next start, or when that parameter changes), a repaint throttle, provenance, session state
and export.  What the experiment *shows* is the view's job, through a small protocol:

* ``begin(params)`` — a run of ``params`` starts: forget the previous run's data;
* ``take(frames, params)`` — store a batch of frames, all computed for ``params`` (cheap, no drawing);
* ``draw()`` — push the stored data to the plots (the host calls it ≤ 20 Hz, or at once for an
  instant experiment);
* ``clear()``, ``plots()`` (name → PlotItem, for PNG/SVG and theming), ``series()`` (every plotted
  curve, for CSV).

The view is either a separate widget (``view=``) or the host's subclass itself, whose default
hooks keep the newest frame and call ``draw_frame(frame, params)``: all a one-frame tab needs.
Only frames of the run this host started last reach the view, each batch with the parameters of
the run that computed it, so no view keeps a map from runs to parameters.

Two modes, from ``Experiment.mode``:

* ``instant`` — exact maths in milliseconds: every valid change restarts the run (a slider drag
  coalesces: the controller keeps only the newest request); no Run / Stop; errors go to ``readout``.
* ``stream`` — runs of seconds or more: Run / Stop, progress with ETA and a ``status`` line; a
  change of a *live* parameter reaches the running run, a restart parameter waits for Run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout, QLabel, QLayout, QMenu,
                               QPushButton, QScrollArea, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from engines.core.experiment import Experiment
from engines.core.frame import Frame, RunContext
from widgets.param_form import ParamForm
from widgets.plot_style import PlotHost
from widgets.progress_eta import ProgressEta
from workbench import export, themes
from workbench.controller import RunController
from workbench.session import ExperimentState
from workbench.undo import ParamHistory

REDRAW_MS = 50                      # ≤ 20 Hz for streaming runs
FORM_WIDTH = 270                    # the left column; Run / Stop and the ETA need a little more
RUN_FORM_WIDTH = 290
ERROR_STYLE = "<span style='color:#cf222e'>{}</span>"
ENDED_TEXT = {"invalid": "not computed", "error": "engine error", "diverged": "diverged"}
EXPORTS = (("csv", "CSV of the plotted curves…", "CSV (*.csv)"), ("png", "PNG of the plots…", "PNG image (*.png)"))


class ExperimentHost(QWidget):
    """Form → own RunController → view; see the module docstring for the modes and the protocol."""

    finished = Signal(str)  # how each run ended: finished, stopped, invalid, diverged or error

    def __init__(self, topic: str, experiment: Experiment, parent: QWidget | None = None, *,
                 view: QWidget | None = None,
                 run_factory: Callable[[dict, RunContext], Iterator[Frame]] | None = None,
                 process: bool | None = None, help_text: str = "", form_width: int | None = None,
                 base_params: Callable[[], dict[str, Any]] | None = None, tap=None):
        super().__init__(parent)
        self.topic, self.experiment = topic, experiment
        self.experiment_id, self.schema = experiment.id, experiment.params
        self.auto = experiment.mode == "instant"
        self.view = self if view is None else view
        self._base_params = base_params      # values from another page this one builds on (a sweep)
        self._generation = -1                # the generation this host started last
        self._params: dict[str, Any] = {}    # ... and its parameters
        self._frame: Frame | None = None
        self._frame_params: dict[str, Any] = {}
        self._engine_error = ""              # the parameter whose inline error the engine set
        self._dirty = False
        self.form = ParamForm(list(self.schema))
        in_process = experiment.in_process if process is None else process
        self.controller = RunController(run_factory or experiment.run, self, process=in_process, tap=tap)
        self.controller.frames.connect(self._on_frames)
        self.controller.runEnded.connect(self._on_ended)
        self.history = ParamHistory(self.form.values, self._apply_values)
        self.form.valueChanged.connect(self._on_value)
        self.form.editStarted.connect(self.history.begin)
        self.form.editFinished.connect(self.history.end)
        selectable = Qt.TextInteractionFlag.TextSelectableByMouse
        self.help_label = QLabel(help_text, wordWrap=True)
        self.readout = QLabel("computing …" if self.auto else "", wordWrap=True, textInteractionFlags=selectable)
        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._build_layout(form_width)
        if not help_text:
            self.help_label.hide()
        self.apply_theme(themes.current_theme(QApplication.instance()))
        self._update_rows()
        if self.auto:
            self.start()
        else:
            self._timer.start()

    def _build_layout(self, form_width: int | None) -> None:
        side = QWidget()
        self.side_layout = QVBoxLayout(side)
        self.side_layout.setContentsMargins(6, 6, 6, 6)
        self.side_layout.addWidget(self.help_label)
        self.side_layout.addWidget(self.form)
        self.side_layout.addLayout(self._history_row())
        self.run_button = self.stop_button = self.progress = self.status = self._timer = None
        if not self.auto:
            self.run_button = QPushButton("Run", clicked=self.start)
            self.stop_button = QPushButton("Stop", clicked=self.stop, enabled=False)
            buttons = QHBoxLayout()
            buttons.addWidget(self.run_button)
            buttons.addWidget(self.stop_button)
            self.side_layout.addLayout(buttons)
            self.progress = ProgressEta()
            self.status = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
            self.side_layout.addWidget(self.progress)
            self.side_layout.addWidget(self.status)
            self.controller.stateChanged.connect(self._on_state)
            self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._tick)
        self.side_layout.addStretch(1)
        self._error_label = self.readout if self.auto else self.status
        scroll = QScrollArea(widgetResizable=True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        scroll.setFixedWidth(form_width or (FORM_WIDTH if self.auto else RUN_FORM_WIDTH))
        right = QVBoxLayout()
        plots = self.build_plots()
        if isinstance(plots, QLayout):
            right.addLayout(plots, 1)
        else:
            right.addWidget(plots, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)
        if self.readout.parentWidget() is None:      # build_plots did not place it
            right.addWidget(self.readout)

    def _history_row(self) -> QHBoxLayout:
        self.undo_button = QPushButton("Undo", toolTip="Undo the last change of this form", enabled=False)
        self.redo_button = QPushButton("Redo", toolTip="Redo", enabled=False)
        defaults = QPushButton("Defaults", toolTip="Every parameter of this form back to its default",
                               clicked=self.reset_defaults)
        self.undo_button.clicked.connect(self.history.stack.undo)
        self.redo_button.clicked.connect(self.history.stack.redo)
        self.history.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.history.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.export_button = QToolButton(text="Export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup,
                                         toolTip="This experiment's plots or curves, with its own parameters")
        menu = QMenu(self.export_button)
        for kind, text, pattern in EXPORTS:
            menu.addAction(text, lambda k=kind, p=pattern: self._ask_export(k, p))
        self.export_button.setMenu(menu)
        row = QHBoxLayout()
        for button in (self.undo_button, self.redo_button, defaults, self.export_button):
            row.addWidget(button)
        return row

    # --- the view protocol's defaults (a subclass that is its own view overrides them) ---------------
    def build_plots(self) -> QWidget | QLayout:
        """The right-hand side: the view (a subclass that is its own view builds its plots here)."""
        if self.view is self:
            raise NotImplementedError("a host that is its own view builds its plots in build_plots")
        return self.view

    def begin(self, params: dict[str, Any]) -> None:
        """A run of ``params`` starts: forget the previous run's data."""

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        """Store a batch of frames computed for ``params`` (the host keeps the newest anyway)."""

    def draw(self) -> None:
        """Push the stored data to the plots (by default: the newest frame, see draw_frame)."""
        if self._frame is not None:
            self.draw_frame(self._frame, self._frame_params)

    def draw_frame(self, frame: Frame, params: dict[str, Any]) -> None:
        """Draw one frame computed for ``params`` (the hook of a one-frame tab)."""

    def clear(self) -> None:
        """Forget the plotted data."""

    def plots(self) -> dict:
        """The view's plot items by name (for export and theming)."""
        return {}

    def series(self) -> dict:
        """Every plotted curve as (x, y) copies, per plot (for CSV export)."""
        return {}

    def plot_hosts(self) -> list[PlotHost]:
        """The plots that follow the theme: by default every PlotHost on the page."""
        return self.findChildren(PlotHost)

    def relevant(self, values: dict[str, Any]) -> set[str] | None:
        """Names of the parameters that matter for these values (the form hides the others)."""
        return self.experiment.relevant_names(values)

    # --- running ----------------------------------------------------------------------------------
    def run_params(self) -> dict[str, Any]:
        """What a run gets: the form's values (over the base page's, for a sweep)."""
        values = self.form.values()
        return {**self._base_params(), **values} if self._base_params is not None else values

    def start(self) -> int:
        """Start a run of the current values; returns its generation."""
        self._clear_engine_error()
        params = self.run_params()
        generation = self.controller.start(params)  # first delivers what the previous run finished
        self._generation, self._params = generation, params
        self.view.begin(params)
        if self.progress is not None:
            self.progress.start()
            self.status.setText("")
        return generation

    def stop(self) -> None:
        running = self.controller.state in ("running", "paused")
        self.controller.stop()        # nothing more from the stopped run reaches the view
        if running and self.progress is not None:
            self.progress.finish("stopped")
        if running:
            self.finished.emit("stopped")

    def is_running(self) -> bool:
        return self.controller.state in ("running", "paused")

    def _clear_engine_error(self) -> None:
        if self._engine_error:
            self.form.clear_error(self._engine_error)
            self._engine_error = ""

    def _update_rows(self) -> None:
        names = self.relevant(self.form.values())
        for name in self.form.names():
            self.form.set_row_visible(name, names is None or name in names)

    def _on_value(self, name: str, value: Any) -> None:
        self._update_rows()
        self.form.clear_error(name)
        if self.auto:
            self.start()
            return
        if name == self._engine_error:
            self._clear_engine_error()
        if self.is_running() and self._base_params is None:
            if self.schema[name].live:
                self.controller.set_live(name, value)
            elif self.status is not None:
                self.status.setText(f"{self.schema[name].title} applies from the next run: press Run")

    def _apply_values(self, values: dict[str, Any]) -> None:
        """Undo / redo / defaults: set every value without new undo steps; an instant page recomputes."""
        self.form.set_values(values, emit=False)
        for name in self.form.names():
            self.form.clear_error(name)
        self._update_rows()
        if self.auto:
            self.start()

    def _on_frames(self, generation: int, frames: list[Frame]) -> None:
        if generation != self._generation or not frames:
            return
        self.view.take(frames, self._params)
        self._frame, self._frame_params = frames[-1], self._params
        if self.status is not None:
            messages = [frame.message for frame in frames if frame.message]
            if messages:
                self.status.setText(messages[-1])
            self.progress.update_progress(frames[-1].progress)
        self.mark_dirty()

    def _on_ended(self, status: str, message: str, param: str) -> None:
        if status == "invalid" and param in self.form.names():
            self.form.set_error(param, message)
            self._engine_error = param
        if status in ENDED_TEXT:
            self._error_label.setText(ERROR_STYLE.format(f"{ENDED_TEXT[status]}: {message}"))
        if self.progress is not None:
            self.progress.finish("" if status == "finished" else status)
        self.finished.emit(status)

    def _on_state(self, state: str) -> None:
        running = state in ("running", "paused")
        self.stop_button.setEnabled(running)

    def mark_dirty(self, *_) -> None:
        """Redraw soon: at the next timer tick, or now for an instant experiment."""
        self._dirty = True
        if self._timer is None:
            self._tick()

    def _tick(self) -> None:
        if self._dirty:
            self._dirty = False
            self.view.draw()

    # --- values, sessions, provenance, export ---------------------------------------------------
    def last_frame(self) -> Frame | None:
        return self._frame

    def values(self) -> dict[str, Any]:
        """The form's current values (what a session stores)."""
        return self.form.values()

    def set_values(self, values: dict[str, Any]) -> None:
        """Set every value at once (a session being opened); an instant page recomputes."""
        self.form.set_values(values, emit=False)
        self._update_rows()
        if self.auto:
            self.start()

    def reset_defaults(self) -> None:
        self.history.replace_all(self.schema.defaults(), "reset to defaults")

    def shown_params(self) -> dict[str, Any]:
        """The values the plotted result was computed with (empty before the first frame)."""
        return dict(self._frame_params)

    def state(self) -> ExperimentState:
        return ExperimentState(self.values())

    def restore(self, state: ExperimentState) -> None:
        self.set_values(self.schema.validate(state.params))

    def provenance(self) -> tuple[str, ...]:
        return (f"topic: {self.topic}", *self.provenance_block(), export.versions_line())

    def provenance_block(self, plots: tuple[str, ...] = ()) -> tuple[str, ...]:
        """This experiment's share of a header: its name, the parameters of the shown result."""
        return export.experiment_lines(f"{self.topic}:{self.experiment_id}", self.shown_params(), plots)

    def export_csv(self, path: str | Path) -> None:
        """Every plotted curve, with this experiment's own parameters in the header."""
        self.view.draw()
        export.write_series_csv(self.view.series(), path, self.provenance())

    def export_png(self, path: str | Path, scale: float = 2.0) -> None:
        self.view.draw()
        export.render_widget_png(self, path, scale)

    def _ask_export(self, kind: str, pattern: str) -> None:
        name = f"{self.topic}_{self.experiment_id}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {self.experiment.title}", name, pattern)
        if not path:
            return
        try:
            getattr(self, f"export_{kind}")(path)
        except (OSError, ValueError) as exc:
            self._error_label.setText(ERROR_STYLE.format(f"export failed: {exc}"))

    def apply_theme(self, name: str) -> None:
        for host in self.plot_hosts():
            themes.style_plot_widget(host.plot_widget, name)

    def shutdown(self) -> bool:
        """Stop the worker and wait for it (tab or window close)."""
        if self._timer is not None:
            self._timer.stop()
        return self.controller.shutdown()
