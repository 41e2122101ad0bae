"""The one host of an experiment (engines.core.experiment) on a page: form, run, status, export.

Everything a page needs to compute one experiment lives here once: the parameter form with undo
and defaults, a RunController (DESIGN.md §3; in a child process when the experiment is
compute-bound), the controls, progress with ETA (laid out by ``host_layout``), a status line (frame messages at ≤ 10 Hz), a
ParameterError from the engine shown under the parameter it names (cleared on the next start, or
when that parameter changes) with a banner when the plots keep an older valid result, a repaint
throttle, a bounded record of the run, provenance, session state and export.  What the experiment
*shows* is the view's job, through the protocol of ``workbench.pages.experiment_view``.

The view is either a separate widget (``view=``, an ``ExperimentView``) or the host's subclass
itself, whose default hooks keep the newest frame and call ``draw_frame(frame, params)``: all a
one-frame tab needs.  Only frames of the run this host started last reach the view, each batch
with the parameters of the run that computed it, so no view keeps a map from runs to parameters.

Modes, from ``Experiment.mode``:

* ``instant`` — exact maths in milliseconds: every valid change restarts the run (a slider drag
  coalesces: the controller keeps only the newest request); no controls; errors go to ``readout``.
* ``stream`` — runs of seconds or more: Run / Stop, or the full transport (``transport=True``:
  play, pause, single step, stop, reset, speed — the speed is the run context's, not a parameter);
  a change of a *live* parameter reaches the running run; a restart parameter applies from the next
  run, or restarts the run at once with ``restart_on_change`` (a simulation one watches).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QSizePolicy, QWidget

from engines.core.experiment import Experiment
from engines.core.frame import Frame, RunContext
from engines.core.params import ParameterError
from engines.core.progress import before_end
from widgets.param_form import ParamForm
from widgets.plot_style import PlotHost
from workbench.pages import themes
from workbench.pages.controller import RunController
from workbench.pages.experiment_view import ExperimentView
from workbench.pages.host_export import HostExport
from workbench.pages.host_guidance import ENDED_INVALID, HostGuidance
from workbench.pages.host_layout import HostLayout
from workbench.core.recording import RunRecord
from workbench.core.session import ExperimentState
from workbench.pages.undo import ParamHistory

REDRAW_MS = 50                      # ≤ 20 Hz for streaming runs
STATUS_INTERVAL_S = 0.1             # frame messages reach the status line ≤ 10 times a second
ERROR_STYLE = "<span style='color:#cf222e'>{}</span>"
ENDED_TEXT = {"invalid": ENDED_INVALID, "error": "engine error", "diverged": "diverged"}


class ExperimentHost(HostLayout, HostExport, HostGuidance, ExperimentView):
    """Form → own RunController → view; see the module docstring for the modes and the protocol."""

    finished = Signal(str)  # how each run ended: finished, stopped, invalid, diverged or error
    statusMessage = Signal(str)

    def __init__(self, topic: str, experiment: Experiment, parent: QWidget | None = None, *,
                 view: QWidget | None = None,
                 run_factory: Callable[[dict, RunContext], Iterator[Frame]] | None = None,
                 process: bool | None = None, help_text: str = "", form_width: int | None = None,
                 base_params: Callable[[], dict[str, Any]] | None = None, tap=None,
                 transport: bool = False, restart_on_change: bool = False, status_line: bool | None = None,
                 redraw_ms: int = REDRAW_MS):
        ExperimentView.__init__(self, parent)
        self.topic, self.experiment = topic, experiment
        self.experiment_id, self.schema = experiment.id, experiment.params
        self.auto = experiment.mode == "instant"
        self.view = self if view is None else view
        self.restart_on_change = restart_on_change
        self._base_params = base_params      # values from another page this one builds on (a sweep)
        self._generation = -1                # the generation this host started last
        self._params: dict[str, Any] = {}    # ... and its parameters
        self._frame: Frame | None = None
        self._frame_params: dict[str, Any] = {}
        self._engine_error = ""              # the parameter whose inline error the engine set
        self._relation_error = ""            # the parameter whose value breaks a declared relation
        self._dirty = False
        self._pending_status, self._status_at = "", 0.0
        self.record = RunRecord(topic, {}, experiment=experiment.id)
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
        self._readout_is_note = self.auto  # it holds "computing …" or an error, not a view's read-out
        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.stale_banner = QLabel(wordWrap=True, visible=False)
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setStyleSheet("background: #fdebd0; color: #7e5109; padding: 4px; border-radius: 3px;")
        # Until the first result, the page says what to do (a streaming run waits for Play) or
        # what is happening (an instant one is computing), instead of showing bare axes.
        self._hint_is_preset = False
        self.first_hint = QLabel(wordWrap=True)
        self.first_hint.setObjectName("firstHint")
        self.first_hint.setStyleSheet("background: #eaf2fb; color: #1b4f72; padding: 6px; border-radius: 3px;")
        self._build_layout(form_width, transport, not self.auto if status_line is None else status_line)
        self._show_first_hint()
        if not help_text:
            self.help_label.hide()
        self.apply_theme(themes.current_theme(QApplication.instance()))
        self._update_rows()
        self._timer = QTimer(self, interval=redraw_ms, timeout=self._tick)
        self._timer.start()
        if self.auto:
            self.start()

    # --- the view protocol (ExperimentView's no-op hooks; a subclass that is its own view overrides) ---
    def build_plots(self) -> QWidget | QLayout:
        """The right-hand side: the view (a subclass that is its own view builds its plots here)."""
        if self.view is self:
            raise NotImplementedError("a host that is its own view builds its plots in build_plots")
        return self.view

    def draw(self) -> None:
        """Push the stored data to the plots (by default: the newest frame, see draw_frame)."""
        if self._frame is not None:
            self.draw_frame(self._frame, self._frame_params)

    def draw_frame(self, frame: Frame, params: dict[str, Any]) -> None:
        """Draw one frame computed for ``params`` (the hook of a one-frame tab)."""

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

    def start(self, single_step: bool = False) -> int:
        """Start a run of the current values; returns its generation."""
        self._clear_engine_error()
        params = self.run_params()
        try:
            self.experiment.check_memory(params)
        except ParameterError as exc:
            self._refuse(exc)
            return self._generation
        generation = self.controller.start(params, single_step=single_step)  # delivers the previous run's last frames first
        self._generation, self._params = generation, params
        self.view.begin(params)
        if self.progress is not None:
            self.progress.start()
        if self.status is not None and not self.auto:
            self._show_status("")
        return generation

    @property
    def page_key(self) -> str:
        """The page's name within its topic (files and autosave): the experiment's id."""
        return self.experiment_id

    def play(self) -> None:
        """Play: resume a paused run, else start one (an instant experiment recomputes)."""
        if self.controller.state == "paused" and self.controller.is_busy():
            self.controller.resume()
        else:
            self.start()

    def step(self) -> None:
        """One more frame of a paused run, or a new run that stops after its first frame."""
        if self.controller.is_busy():
            self.controller.step()
        else:
            self.start(single_step=True)

    def stop(self) -> None:
        running = self.is_running()
        self.controller.stop()        # nothing more from the stopped run reaches the view
        if running and self.progress is not None:
            self.progress.finish("stopped")
        if running:
            self.view.end("stopped", "")
            self.finished.emit("stopped")

    def reset_run(self) -> None:
        """Stop, and forget what the plots show."""
        self.controller.stop()
        self.record = RunRecord(self.topic, {}, experiment=self.experiment_id)
        self._frame, self._frame_params = None, {}
        self.view.clear()
        self._show_first_hint()
        if self.progress is not None:
            self.progress.reset()

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
        if self._hint_is_preset:  # the user moved on from the preset
            self._hint_is_preset = False
            self.first_hint.hide()
        self._update_rows()
        self.form.clear_error(name)
        if name == self._engine_error:
            self._clear_engine_error()
        self._check_relations({name})
        self._after_change({name})

    def _after_change(self, changed: set[str]) -> None:
        """Instant: recompute.  Stream: live values to the running run; a restart value restarts it
        (``restart_on_change``) or applies from the next run."""
        if not changed:
            return
        if self.auto:
            self.start()
            return
        if not self.is_running() or self._base_params is not None:
            return
        live = changed <= self.schema.live_names()
        if live:
            values = self.form.values()
            for name in changed:
                self.controller.set_live(name, values[name])
        elif self.restart_on_change:
            self.start()
        elif self.status is not None:
            titles = ", ".join(self.schema[name].title for name in sorted(changed) if not self.schema[name].live)
            self._show_status(f"{titles}: applies from the next run (press Play)")

    def _apply_values(self, values: dict[str, Any]) -> None:
        """Undo / redo / defaults / sessions: set every value without new undo steps."""
        before = self.form.values()
        changed = {k for k, v in values.items() if before.get(k) != v}
        self.form.set_values(values, emit=False)
        for name in self.form.names():
            self.form.clear_error(name)
        self._relation_error = ""
        self._update_rows()
        self._check_relations(changed)
        self._after_change(changed)

    def _on_frames(self, generation: int, frames: list[Frame]) -> None:
        if generation != self._generation or not frames:
            return
        if self.record.generation != generation:  # the new run's first frames: the record follows the
            self.record = RunRecord(self.topic, dict(self._params), experiment=self.experiment_id,  # plots
                                    generation=generation)
        for frame in frames:
            self.record.add(frame)
        self.view.take(frames, self._params)
        self._frame, self._frame_params = frames[-1], self._params
        self.stale_banner.hide()
        if not self._hint_is_preset:  # a preset's "look for" stays while its run goes on
            self.first_hint.hide()
        self._clear_engine_error()
        if self._readout_is_note:  # the result is here: no longer computing, and no longer in error
            self._readout_is_note = False
            self.readout.clear()
        messages = [frame.message for frame in frames if frame.message]
        if messages and self.status is not None:
            self._pending_status = messages[-1]
        if self.progress is not None:
            self.progress.update_progress(before_end(frames[-1].progress))
        self.mark_dirty()

    def _on_ended(self, status: str, message: str, param: str) -> None:
        if self._pending_status:  # the run's last message, not yet shown by the throttle
            self._show_status(self._pending_status)
        if status == "invalid" and param in self.form.names():
            self.form.set_error(param, message)
            self._engine_error = param
        if status in ENDED_TEXT:
            self._show_error(f"{ENDED_TEXT[status]}: {message}")
        if status == "invalid" and self._frame is not None:
            self.stale_banner.setText(
                "The plots still show the last valid result; exports describe that result and its own "
                f"parameters. Fix {param or 'the parameters'} to see the new one.")
            self.stale_banner.show()
        if self.progress is not None:
            self.progress.finish({"finished": "", "invalid": "invalid parameters"}.get(status, status))
        self.view.end(status, message)
        self.finished.emit(status)

    def _on_state(self, state: str) -> None:
        if self.transport is not None:
            self.transport.set_state(state)
        if self.stop_button is not None:
            self.stop_button.setEnabled(state in ("running", "paused"))

    def mark_dirty(self, *_) -> None:
        """Redraw at the next tick (at once for an instant experiment, which has no latency to spare)."""
        self._dirty = True
        if self.auto:
            self._tick()

    def _tick(self) -> None:
        if self._dirty:
            self._dirty = False
            self.view.draw()
        now = time.monotonic()
        if self._pending_status and now - self._status_at >= STATUS_INTERVAL_S:
            text, self._pending_status = self._pending_status, ""
            self._status_at = now
            if text != self.status.text():
                self._show_status(text)

    def _show_status(self, text: str, error: bool = False) -> None:
        self._pending_status = ""  # a message shown now supersedes one waiting for the tick
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #c0392b;" if error else "")
        self.status.setText(text)
        if text:
            self.statusMessage.emit(text)

    def _show_error(self, text: str) -> None:
        if self._error_label is self.status:
            self._show_status(text, error=True)
        else:
            self.readout.setText(ERROR_STYLE.format(text))
            self._readout_is_note = True

    # --- values and sessions ----------------------------------------------------------------------
    def last_frame(self) -> Frame | None:
        return self._frame

    def values(self) -> dict[str, Any]:
        """The form's current values (what a session stores)."""
        return self.form.values()

    def set_values(self, values: dict[str, Any], text: str = "set parameters") -> None:
        """Values checked against their ranges (missing names keep theirs) as one undoable step;
        recomputes as a change would.  A broken relation is marked on the form, as typing it is."""
        self.history.replace_all(self.schema.validate({**self.values(), **values}, relations=False), text)

    def reset_defaults(self) -> None:
        self.history.replace_all(self.schema.defaults(), "reset to defaults")

    def shown_params(self) -> dict[str, Any]:
        """The values the plotted result was computed with (empty before the first frame)."""
        return dict(self._frame_params)

    def state(self) -> ExperimentState:
        return ExperimentState(self.values())

    def restore(self, state: ExperimentState) -> None:
        self.set_values(state.params, "open session")

    def apply_theme(self, name: str) -> None:
        self.theme = name
        for host in self.plot_hosts():
            themes.style_plot_widget(host.plot_widget, name)
        if self.view is not self:
            self.view.apply_theme(name)

    def shutdown(self) -> bool:
        """Stop the worker and wait for it (tab or window close)."""
        self._timer.stop()
        return self.controller.shutdown()
