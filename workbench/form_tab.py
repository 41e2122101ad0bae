"""A tab with its own parameter form and its own small run beside a topic's main run: an optional
help text and the form in a fixed-width scroll area on the left, the subclass's plots on the right,
a RunController (DESIGN.md §3) running the tab's engine generator, and a ParameterError from the
engine shown inline under the parameter it names (cleared on the next start, or when that
parameter changes).

Two modes:

* ``auto=True`` — exact maths that takes milliseconds: every valid form change restarts the run
  (a slider drag coalesces, because the controller keeps only the newest request).  No Run / Stop;
  engine errors go to ``readout``.  Such a run yields one frame (or a few), so frames are drawn as
  soon as they arrive: no timer, no latency.
* ``auto=False`` — experiments that take seconds: Run / Stop buttons, a ProgressEta and a
  ``status`` line (frame messages, engine errors) under the form.  Frames are stored as they arrive
  (``take``) and pushed to the plots by a timer at ≤ 20 Hz (``draw``), so a fast stream of frames
  never makes the GUI redraw per frame.

Only frames of the generation this tab started last reach ``take`` (the controller already drops
older ones; this also drops a run started on the controller directly and keeps each frame paired
with the parameters it was computed for).

Subclass hooks: ``build_plots()`` returns the right-hand widget or layout; it may place
``self.readout`` itself, otherwise the readout goes under the plots.  ``begin(params)`` when a run
starts, ``take(frame)`` per frame (cheap, no drawing), ``draw()`` to push data to the plots; the
default ``draw`` calls ``draw_frame(last_frame, its params)``, which is all a one-frame tab needs.
``plots()`` / ``series()`` name the plots and their curves for export.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from engines.core.frame import Frame, RunContext
from engines.core.params import ParamSchema
from widgets.param_form import ParamForm
from widgets.plot_style import PlotHost
from widgets.progress_eta import ProgressEta
from workbench import themes
from workbench.controller import RunController

REDRAW_MS = 50                      # ≤ 20 Hz for streaming (auto=False) runs
FORM_WIDTH = 270                    # the left column; Run / Stop and the ETA need a little more
RUN_FORM_WIDTH = 290
ERROR_STYLE = "<span style='color:#cf222e'>{}</span>"
ENDED_TEXT = {"invalid": "not computed", "error": "engine error", "diverged": "diverged"}


class FormTab(QWidget):
    """Form → own RunController → plots; see the module docstring for the two modes and the hooks."""

    def __init__(self, schema: Iterable, run_factory: Callable[[dict, RunContext], Iterator[Frame]],
                 parent: QWidget | None = None, *, auto: bool = True, process: bool = False,
                 help_text: str = "", form_width: int | None = None, experiment_id: str = ""):
        super().__init__(parent)
        self.auto = auto
        self.experiment_id = experiment_id  # the topic's experiment this tab runs (sessions, provenance)
        self.schema = schema if isinstance(schema, ParamSchema) else ParamSchema(list(schema))
        self._generation = -1               # the generation this tab started last
        self._params: dict[str, Any] = {}   # ... and its parameters
        self._frame: Frame | None = None
        self._frame_params: dict[str, Any] = {}
        self._engine_error = ""             # the parameter whose inline error the engine set
        self._dirty = False
        self.form = ParamForm(list(self.schema))
        self.controller = RunController(run_factory, self, process=process)
        self.controller.frames.connect(self._on_frames)
        self.controller.runEnded.connect(self._on_ended)
        self.form.valueChanged.connect(self._on_value)
        selectable = Qt.TextInteractionFlag.TextSelectableByMouse
        self.help_label = QLabel(help_text, wordWrap=True)
        self.readout = QLabel("computing …" if auto else "", wordWrap=True, textInteractionFlags=selectable)
        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        side = QWidget()
        self.side_layout = QVBoxLayout(side)
        self.side_layout.setContentsMargins(6, 6, 6, 6)
        self.side_layout.addWidget(self.help_label)
        self.side_layout.addWidget(self.form)
        self.run_button = self.stop_button = self.progress = self.status = self._timer = None
        if not auto:
            self.run_button = QPushButton("Run", clicked=self.start)
            self.stop_button = QPushButton("Stop", clicked=self.stop, enabled=False)
            buttons = QHBoxLayout()
            buttons.addWidget(self.run_button)
            buttons.addWidget(self.stop_button)
            self.side_layout.addLayout(buttons)
            self.progress = ProgressEta()
            self.status = QLabel(wordWrap=True, textInteractionFlags=selectable)
            self.side_layout.addWidget(self.progress)
            self.side_layout.addWidget(self.status)
            self.controller.stateChanged.connect(self._on_state)
            self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._tick)
        self.side_layout.addStretch(1)
        self._error_label = self.readout if auto else self.status
        scroll = QScrollArea(widgetResizable=True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        scroll.setFixedWidth(form_width or (FORM_WIDTH if auto else RUN_FORM_WIDTH))

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
        if not help_text:
            self.help_label.hide()
        self.apply_theme(themes.current_theme(QApplication.instance()))
        self._update_rows()
        if auto:
            self.start()
        else:
            self._timer.start()

    # --- for subclasses ---------------------------------------------------------------------------
    def build_plots(self) -> QWidget | QLayout:
        raise NotImplementedError

    def begin(self, params: dict[str, Any]) -> None:
        """A run of ``params`` starts: forget the previous run's data."""

    def take(self, frame: Frame) -> None:
        """Store a frame of the current run (no drawing); ``last_frame`` is kept by the base."""

    def draw(self) -> None:
        """Push the stored data to the plots (by default: the newest frame, see draw_frame)."""
        if self._frame is not None:
            self.draw_frame(self._frame, self._frame_params)

    def draw_frame(self, frame: Frame, params: dict[str, Any]) -> None:
        """Draw one frame computed for ``params`` (the hook of a one-frame tab)."""

    def plots(self) -> dict:
        """The tab's plot items by name (for export)."""
        return {}

    def series(self) -> dict:
        """Every plotted curve as (x, y) copies, per plot (for CSV export)."""
        return {}

    def plot_hosts(self) -> list[PlotHost]:
        """The plots that follow the theme: by default every PlotHost in the tab."""
        return self.findChildren(PlotHost)

    # --- running ----------------------------------------------------------------------------------
    def start(self) -> int:
        """Start a run of the form's current values; returns its generation."""
        self._clear_engine_error()
        params = self.form.values()
        generation = self.controller.start(params)  # first delivers what the previous run finished
        self._generation, self._params = generation, params
        self.begin(params)
        if self.progress is not None:
            self.progress.start()
            self.status.setText("")
        return generation

    def stop(self) -> None:
        running = self.controller.state in ("running", "paused")
        self.controller.stop()        # nothing more from the stopped run reaches the tab
        if running and self.progress is not None:
            self.progress.finish("stopped")

    def _clear_engine_error(self) -> None:
        if self._engine_error:
            self.form.clear_error(self._engine_error)
            self._engine_error = ""

    def relevant(self, values: dict[str, Any]) -> set[str] | None:
        """Names of the parameters that matter for these values (the form hides the others); None: all."""
        return None

    def _update_rows(self) -> None:
        names = self.relevant(self.form.values())
        for name in self.form.names():
            self.form.set_row_visible(name, names is None or name in names)

    def _on_value(self, name: str, value: Any) -> None:
        self._update_rows()
        if self.auto:
            self.start()
        elif name == self._engine_error:
            self._clear_engine_error()

    def _on_frames(self, generation: int, frames: list[Frame]) -> None:
        if generation != self._generation or not frames:
            return
        for frame in frames:
            self.take(frame)
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

    def _on_state(self, state: str) -> None:
        self.stop_button.setEnabled(state in ("running", "paused"))

    def mark_dirty(self) -> None:
        """Redraw soon: at the next timer tick, or now in auto mode."""
        self._dirty = True
        if self._timer is None:
            self._tick()

    def _tick(self) -> None:
        if self._dirty:
            self._dirty = False
            self.draw()

    # --- API ----------------------------------------------------------------------------------------
    def last_frame(self) -> Frame | None:
        return self._frame

    def values(self) -> dict[str, Any]:
        """The form's current values (what a session stores)."""
        return self.form.values()

    def set_values(self, values: dict[str, Any]) -> None:
        """Set every value at once (a session being opened); an instant tab recomputes."""
        self.form.set_values(values, emit=False)
        self._update_rows()
        if self.auto:
            self.start()

    def shown_params(self) -> dict[str, Any]:
        """The values the plotted result was computed with (empty before the first frame)."""
        return dict(self._frame_params)

    def apply_theme(self, name: str) -> None:
        for host in self.plot_hosts():
            themes.style_plot_widget(host.plot_widget, name)

    def shutdown(self) -> bool:
        """Stop the worker and wait for it (tab or window close)."""
        if self._timer is not None:
            self._timer.stop()
        return self.controller.shutdown()
