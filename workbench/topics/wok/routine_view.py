"""The routine's page (wok.md panel 3): the comparator's plots with the three steps as buttons —
add oil, then heat off (home) or swap the hot oil for cold (restaurant), then the food — each
enabled when it is next, and the steps marked on the temperature traces as they happen."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from engines.core.frame import Frame
from workbench.topics.wok.comparator_view import ComparatorView

STEP_LABELS = ("1 · add oil", "2 · heat off", "3 · food in")


class RoutineView(ComparatorView):
    stepRequested = Signal()  # the cook asks for the next step

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>Take a step now</b> (the steps then wait for you):"))
        self.buttons = [QPushButton(text) for text in STEP_LABELS]
        for button in self.buttons:
            button.clicked.connect(self.stepRequested)
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        self.layout().insertLayout(0, row)

    def begin(self, params: dict[str, Any]) -> None:
        super().begin(params)
        swap = params.get("routine") == "restaurant"
        self.buttons[1].setText("2 · swap in cold oil" if swap else STEP_LABELS[1])
        self._enable(0)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        super().take(frames, params)
        if frames:
            self._enable(-1 if frames[-1].progress == 1.0 else int(frames[-1].scalars.get("phase", 0)))

    def end(self, status: str, message: str) -> None:
        self._enable(-1)

    def _enable(self, phase: int) -> None:
        """Only the next step's button, and only while a run goes on."""
        for index, button in enumerate(self.buttons):
            button.setEnabled(phase == index)
