"""A tab with its own parameter form and its own run: Run / Stop, progress with ETA, status line,
and a ≤ 20 Hz timer that redraws when frames came.  For experiments beside a topic's main run
(e.g. batchnorm's internal-covariate-shift and noisy-BN runs) that take seconds, not a slider drag.

Subclasses build their plots in ``build_plots`` (a widget), store frames in ``take`` (cheap) and push
them to the plots in ``draw``; ``begin`` resets their data when a run starts.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from engines.core.frame import Frame
from widgets.param_form import ParamForm
from widgets.progress_eta import ProgressEta
from workbench.controller import RunController

REDRAW_MS = 50
ERROR_COLOR = "#c0392b"


class RunTab(QWidget):
    def __init__(self, schema, run_factory, parent: QWidget | None = None, process: bool = True):
        super().__init__(parent)
        self._dirty = False
        self.form = ParamForm(list(schema))
        self.controller = RunController(run_factory, self, process=process)
        self.controller.frames.connect(self._on_frames)
        self.controller.runEnded.connect(self._on_ended)
        self.form.valueChanged.connect(lambda name, _: self.form.clear_error(name))
        self.run_button = QPushButton("Run", clicked=self.start)
        self.stop_button = QPushButton("Stop", clicked=self.controller.stop)
        self.progress = ProgressEta()
        self.status = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        side = QWidget()
        self.side_layout = QVBoxLayout(side)
        self.side_layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        self.side_layout.addLayout(buttons)
        self.side_layout.addWidget(self.progress)
        self.side_layout.addWidget(self.status)
        self.side_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(side)
        scroll.setFixedWidth(290)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.build_plots(), 1)
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self._tick)
        self._timer.start()

    # --- for subclasses ---------------------------------------------------------------------------
    def build_plots(self) -> QWidget:
        raise NotImplementedError

    def begin(self, values: dict[str, Any]) -> None:
        """A run of ``values`` starts: forget the previous run's data."""

    def take(self, frame: Frame) -> None:
        """Store a frame (no drawing)."""

    def draw(self) -> None:
        """Push stored data to the plots."""

    # --- running ----------------------------------------------------------------------------------
    def start(self) -> int:
        values = self.form.values()
        self.begin(values)
        self.progress.start()
        self.status.setText("")
        return self.controller.start(values)

    def _on_frames(self, generation: int, frames: list[Frame]) -> None:
        if generation != self.controller.generation:
            return
        for frame in frames:
            self.take(frame)
            if frame.message:
                self.status.setText(frame.message)
        self.progress.update_progress(frames[-1].progress)
        self._dirty = True

    def _on_ended(self, status: str, message: str, param: str) -> None:
        if status == "invalid" and param in self.form.names():
            self.form.set_error(param, message)
        if status in ("invalid", "error", "diverged"):
            self.status.setText(f"<span style='color:{ERROR_COLOR}'>{status}: {message}</span>")
        self.progress.finish("" if status == "finished" else status)

    def mark_dirty(self) -> None:
        self._dirty = True

    def _tick(self) -> None:
        if self._dirty:
            self._dirty = False
            self.draw()

    def shutdown(self) -> bool:
        self._timer.stop()
        return self.controller.shutdown()
