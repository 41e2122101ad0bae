"""The panel every topic shares: parameter form, transport, progress, undo, help, export.

A topic panel subclasses ``TopicPanel`` and supplies only its views: ``build_views`` (the widget
shown beside the form), ``consume_frame`` (store a frame's data, cheaply), ``redraw`` (called by the
repaint timer, ≤ 60 Hz, only when new data arrived), ``plots`` and ``series`` (for export).
The GUI thread never computes: every parameter change goes to the run controller's worker.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMenu, QPushButton, QScrollArea, QSplitter,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from engines.core.experiment import find, route
from engines.core.frame import Frame
from engines.core.params import ParameterError, ParamSchema
from widgets import HelpPane, ParamForm, ProgressEta, TransportBar
from workbench import export, themes
from workbench.controller import RunController
from workbench.experiment_host import ExperimentHost
from workbench.recording import RunRecord
from workbench.session import ExperimentState, TopicState
from workbench.sweep_view import SweepView
from workbench.undo import ParamHistory

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
EXPORT_KINDS = (("png", "PNG image…"), ("svg", "SVG (vector) of the main plot…"),
                ("csv", "CSV of every plotted series…"), ("npz", "NPZ of the arrays…"),
                ("everything", "Everything into a folder…"))
REPAINT_INTERVAL_MS = 17  # ≤ 60 Hz
STATUS_INTERVAL_S = 0.1


class TopicPanel(QWidget):
    """Base class of all topic panels (one per dock)."""

    AUTO_RUN = False  # True: every parameter change re-runs at once (instant solves, e.g. the rope)
    REPAINT_INTERVAL_MS = REPAINT_INTERVAL_MS  # a topic whose views need no 60 Hz may repaint less often
    RUN_IN_PROCESS = False  # True: the engine runs in a child process (compute-bound training)
    statusMessage = Signal(str)
    exportRequested = Signal(str)  # "png", "svg", "csv", "npz" or "everything"; the window asks where

    def __init__(self, topic_id: str, engine, parent=None):
        super().__init__(parent)
        self.topic_id, self.engine = topic_id, engine
        self.schema = engine.PARAMS
        self.params: dict[str, Any] = self.schema.defaults()
        self.record = RunRecord(topic_id, dict(self.params))
        self._dirty = False
        self._engine_error_param = ""  # a parameter the engine rejected (cleared by a good run)
        self._run_params: dict[int, dict[str, Any]] = {}  # generation -> the values it ran with
        self._pending_status, self._status_at = "", 0.0
        self.controller = RunController(engine.run, self, process=self.RUN_IN_PROCESS)
        self.history = ParamHistory(lambda: self.params, self._apply_params)
        self._build_ui()
        self._connect()
        self._repaint = QTimer(self, interval=self.REPAINT_INTERVAL_MS, timeout=self._on_repaint_tick)
        self._repaint.start()
        self._auto_mode: bool | None = None
        self._update_row_visibility()

    # --- to be provided by topics ---------------------------------------------------------------
    def build_views(self) -> QWidget:
        return QLabel("no views")

    def consume_frame(self, frame: Frame) -> None:
        """Store what a frame brings; no drawing here (the repaint timer calls ``redraw``)."""

    def redraw(self) -> None:
        """Push stored data to the plots."""

    def clear_views(self) -> None:
        """Forget plotted data (Reset)."""

    def plots(self) -> dict[str, Any]:
        """Named pyqtgraph PlotItems for PNG/SVG export."""
        return {}

    def series(self) -> dict[str, dict[str, tuple]]:
        """Every plotted series, per plot: {plot: {series: (x, y)}}."""
        return {}

    def auto_run(self) -> bool:
        """True while every parameter change re-runs at once (instant solves); a topic with both
        instant solves and simulations (the rope's dynamics) answers per scenario."""
        return self.AUTO_RUN

    def relevant_params(self, params: dict[str, Any]) -> set[str] | None:
        """Names of the parameters that matter for these values (others are hidden); None = all."""
        return None

    # --- layout ---------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.form = ParamForm(list(self.schema))
        self.transport = TransportBar()
        self.progress = ProgressEta()
        self.status = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setObjectName("panelStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status.setFixedHeight(self.status.fontMetrics().lineSpacing() * 4 + 4)  # no relayout per frame
        self.undo_button = QPushButton("Undo", toolTip="Undo the last parameter change (Ctrl+Z)")
        self.redo_button = QPushButton("Redo", toolTip="Redo (Ctrl+Shift+Z)")
        self.defaults_button = QPushButton("Defaults", toolTip="Reset all parameters to their defaults")
        self.export_button = QToolButton(text="Export", toolTip="Export plots and data of this panel",
                                         popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for kind, text in EXPORT_KINDS:
            menu.addAction(text, lambda k=kind: self.exportRequested.emit(k))
        self.export_button.setMenu(menu)
        buttons = QHBoxLayout()
        for b in (self.undo_button, self.redo_button, self.defaults_button, self.export_button):
            buttons.addWidget(b)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.form)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.transport)
        side_layout.addWidget(self.progress)
        side_layout.addWidget(self.status)
        side_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(side)
        scroll.setMinimumWidth(330)
        self.stale_banner = QLabel(wordWrap=True, visible=False)
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setStyleSheet("background: #fdebd0; color: #7e5109; padding: 4px; border-radius: 3px;")
        self.tabs = QTabWidget()
        self.views = self.build_views()
        self.tabs.addTab(self.views, "Plots")
        self.help = HelpPane()
        self.help.set_markdown_file(RESOURCES / "topics" / f"{self.topic_id}.md")
        self.tabs.addTab(self.help, "Help")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.stale_banner)
        right_layout.addWidget(self.tabs, 1)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.form.valueChanged.connect(self._on_value_changed)
        self.form.editStarted.connect(self.history.begin)
        self.form.editFinished.connect(self.history.end)
        self.form.invalidValue.connect(lambda name, msg: self._show_status(msg, error=True))
        self.undo_button.clicked.connect(self.history.stack.undo)
        self.redo_button.clicked.connect(self.history.stack.redo)
        self.history.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.history.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.defaults_button.clicked.connect(self.reset_defaults)
        self.transport.playClicked.connect(self.play)
        self.transport.pauseClicked.connect(self.controller.pause)
        self.transport.stepClicked.connect(self.step)
        self.transport.stopClicked.connect(self.stop)
        self.transport.resetClicked.connect(self.reset_run)
        self.transport.speedChanged.connect(self.controller.set_speed)
        self.controller.frames.connect(self._on_frames)
        self.controller.stateChanged.connect(self._on_state_changed)
        self.controller.runEnded.connect(self._on_run_ended)

    # --- parameters -----------------------------------------------------------------------------
    def _on_value_changed(self, name: str, value: Any) -> None:
        self.params[name] = value
        self.form.clear_error(name)
        self._update_row_visibility()
        self._after_change({name})

    def _apply_params(self, values: dict[str, Any]) -> None:
        """Set all values (undo / redo / reset / session) without creating new undo steps."""
        changed = {k for k, v in values.items() if self.params.get(k) != v}
        self.params = dict(values)
        self.form.set_values(self.params, emit=False)
        for name in self.schema.names():
            self.form.clear_error(name)
        self._update_row_visibility()
        self._after_change(changed)

    def _after_change(self, changed: set[str]) -> None:
        if not changed:
            return
        live = self.schema.live_names()
        busy = self.controller.is_busy() and self.controller.state in ("running", "paused")
        auto = self.auto_run()
        if busy and changed <= live and not auto:
            for name in changed:
                self.controller.set_live(name, self.params[name])
        elif auto:
            self.play(restart=True)
        elif busy:
            self.stop()
            self._show_status("a restart parameter changed: press Play to run with the new values")

    def _update_row_visibility(self) -> None:
        relevant = self.relevant_params(self.params)
        for name in self.schema.names():
            self.form.set_row_visible(name, relevant is None or name in relevant)
        self._sync_run_mode()

    def _sync_run_mode(self) -> None:
        """Instant solves show no progress and keep the transport still; runs show both."""
        auto = self.auto_run()
        if auto == self._auto_mode:
            return
        self._auto_mode = auto
        self.progress.setVisible(not auto)
        self.transport.set_state("finished" if auto else self.controller.state)

    def _on_state_changed(self, state: str) -> None:
        if not self.auto_run():  # an instant solve flips running/finished per drag step: keep buttons still
            self.transport.set_state(state)

    def set_params(self, values: dict[str, Any], text: str = "set parameters") -> None:
        """Validated complete values as one undoable step (used by sessions and scripts)."""
        self.history.replace_all(self.schema.validate(values), text)

    def reset_defaults(self) -> None:
        self.history.replace_all(self.schema.defaults(), "reset to defaults")

    # --- running --------------------------------------------------------------------------------
    def play(self, restart: bool = False) -> None:
        if self.controller.state == "paused" and self.controller.is_busy() and not restart:
            self.controller.resume()
            return
        if not self.auto_run():
            self.progress.start()
        self._remember(self.controller.start(dict(self.params)))

    def step(self) -> None:
        if self.controller.is_busy():
            self.controller.step()
        else:
            self._remember(self.controller.start(dict(self.params), single_step=True))

    def _remember(self, generation: int) -> None:
        self._run_params = {g: p for g, p in self._run_params.items() if g >= generation - 4}
        self._run_params[generation] = dict(self.params)

    def stop(self) -> None:
        self.controller.stop()
        self.progress.finish("stopped")

    def reset_run(self) -> None:
        self.controller.stop()
        self.record = RunRecord(self.topic_id, dict(self.params))
        self.clear_views()
        self.progress.reset()
        self._dirty = True

    @property
    def shown_params(self) -> dict[str, Any]:
        """The values the displayed result was computed with (they lag the form while a run is
        in flight, and stay on the last valid result when the form holds an invalid one)."""
        return self.record.params

    def _on_frames(self, generation: int, frames: list[Frame]) -> None:
        if generation != self.record.generation:
            params = self._run_params.get(generation, self.params)
            self.record = RunRecord(self.topic_id, dict(params), generation=generation)
            self.stale_banner.hide()
        for frame in frames:
            self.record.add(frame)
            self.consume_frame(frame)
        if self._engine_error_param:
            self.form.clear_error(self._engine_error_param)
            self._engine_error_param = ""
        last = frames[-1]
        if not self.auto_run():
            self.progress.update_progress(last.progress)
        if last.message:
            self._pending_status = last.message  # shown by the repaint tick, ≤ 10 times a second
        self._dirty = True

    def _on_run_ended(self, status: str, message: str, param: str) -> None:
        if status == "invalid":
            if param in self.schema:
                self.form.set_error(param, message)
                self._engine_error_param = param
            self._show_status(message, error=True)
            if self.record.recorded or self.record.arrays:
                self.stale_banner.setText(
                    "The plots still show the last valid result; exports describe that result and its "
                    f"own parameters. Fix {param or 'the parameters'} to see the new one.")
                self.stale_banner.show()
            self.progress.finish("invalid parameters")
        elif status == "diverged":
            self._show_status(f"diverged: {message}", error=True)
            self.progress.finish("diverged")
        elif status == "error":
            self._show_status(f"engine error: {message}", error=True)
            self.progress.finish("error")
        elif not self.auto_run():
            self.progress.finish()

    def _on_repaint_tick(self) -> None:
        if self._dirty:
            self._dirty = False
            self.redraw()
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
        self.statusMessage.emit(text)

    def apply_theme(self, name: str) -> None:
        """Restyle this panel's plots (pyqtgraph does not follow the Qt palette by itself), those of
        every experiment page included."""
        for item in self.plots().values():
            themes.style_plot_widget(item, name)
        for host in self.findChildren(ExperimentHost):
            host.apply_theme(name)

    # --- experiments: sessions and provenance ----------------------------------------------------
    def experiment_tabs(self) -> list[ExperimentHost]:
        """The tabs that run an experiment of their own (each with its form and its run)."""
        return [tab for tab in self.findChildren(ExperimentHost) if not isinstance(tab, SweepView)]

    def sweep_views(self) -> list[SweepView]:
        return self.findChildren(SweepView)

    def state(self) -> TopicState:
        """Every experiment's values: the main form's (the rope's combined form holds two: its
        ``scenario`` says which one is shown), each experiment tab's, and the sweep's own."""
        declared = self.engine.EXPERIMENTS
        shown, values = route(declared, self.params)
        states = {shown.id: ExperimentState({k: v for k, v in values.items() if k in shown.params})}
        main = declared[0]
        if main.id not in states:
            states[main.id] = ExperimentState(_valid_share(main.params, self.params))
        for sweep in self.sweep_views():
            states[sweep.experiment_id].sweep = sweep.sweep_values()
        for tab in self.experiment_tabs():
            states[tab.experiment_id] = ExperimentState(tab.values())
        return TopicState(states, shown.id)

    def restore(self, state: TopicState) -> None:
        """Apply a validated session's values to the form, the experiment tabs and the sweep."""
        declared = self.engine.EXPERIMENTS
        main, shown = declared[0], find(declared, state.active, self.topic_id)
        values = dict(state.experiments[main.id].params) if main.id in state.experiments else {}
        if shown.selected_by is not None:  # the combined form shows that experiment
            name, value = shown.selected_by
            values.update({**state.experiments[shown.id].params, name: value})
        if values:
            self.set_params({**self.params, **values}, "open session")
        for tab in self.experiment_tabs():
            if tab.experiment_id in state.experiments:
                tab.set_values(state.experiments[tab.experiment_id].params)
        for sweep in self.sweep_views():
            saved = state.experiments.get(sweep.experiment_id)
            if saved is not None and saved.sweep is not None:
                sweep.set_sweep_values(saved.sweep)

    def provenance(self) -> tuple[str, ...]:
        """The header of this panel's exports: each experiment shown with the parameters its own
        result was computed with, and the plots that show it."""
        shown, values = route(self.engine.EXPERIMENTS, self.shown_params)
        values = {k: v for k, v in values.items() if k in shown.params}
        others: list[str] = []
        blocks: list[str] = []
        for host in [*self.experiment_tabs(), *self.sweep_views()]:
            plots = tuple(host.plots())
            if host.shown_params():
                others += plots
                blocks += host.provenance_block(plots)
        main_plots = tuple(name for name in self.plots() if name not in others)
        return (f"topic: {self.topic_id}",
                *export.experiment_lines(f"{self.topic_id}:{shown.id}", values, main_plots),
                *blocks, export.versions_line())

    def export_png(self, path: str | Path, scale: float = 1.0) -> None:
        self.redraw()
        export.render_widget_png(self.views, path, scale)

    def export_svg(self, path: str | Path, plot: str | None = None) -> None:
        self.redraw()
        plots = self.plots()
        name = plot or next(iter(plots))
        export.plot_svg(plots[name], path)

    def export_csv(self, path: str | Path) -> None:
        self.redraw()
        export.write_series_csv(self.series(), path, self.provenance())

    def export_npz(self, path: str | Path) -> None:
        export.write_npz(self.record.arrays, path)

    def export_everything(self, folder: str | Path, scale: float = 2.0) -> list[Path]:
        """Panel PNG, every plot as SVG and PNG, plotted series CSV, run files, session."""
        from workbench.session import Session, write_session

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.redraw()
        written = [folder / f"{self.topic_id}.png"]
        self.export_png(written[0], scale)
        for name, item in self.plots().items():
            export.plot_svg(item, folder / f"{name}.svg")
            export.plot_png(item, folder / f"{name}.png", scale)
            written += [folder / f"{name}.svg", folder / f"{name}.png"]
        written.append(folder / "plotted_series.csv")
        self.export_csv(written[-1])
        written += self.record.write(folder, self.provenance())
        write_session(folder / "session.json", Session({self.topic_id: self.state()}, self.topic_id))
        written.append(folder / "session.json")
        return written

    def shutdown(self) -> bool:
        """Stop every run of the panel, its experiment pages' too, and wait for them."""
        self._repaint.stop()
        hosts = [host.shutdown() for host in self.findChildren(ExperimentHost)]
        return self.controller.shutdown() and all(hosts)


def _valid_share(schema: ParamSchema, values: dict[str, Any]) -> dict[str, Any]:
    """The values ``schema`` declares, each kept if it is valid there and defaulted otherwise (the
    rope's combined form holds ``scenario = dynamics``, which the steady shapes do not accept)."""
    share = schema.defaults()
    for name in share:
        if name in values:
            try:
                share[name] = schema[name].validate(values[name])
            except ParameterError:
                pass
    return share
