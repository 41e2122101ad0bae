"""One plot and a read-out under it, drawn from the last frame of an instant experiment: the shape the
coated-pan timer and the hot spots share (each says how its plot and text come from a frame)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engines.core.frame import Frame
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView


class ResultView(ExperimentView):
    PLOT_NAME = "plot"

    def __init__(self, title: str, x_label: str, y_label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = LivePlot()
        self.plot.set_title(title)
        self.plot.set_labels(x_label, y_label)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self._frame: Frame | None = None

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        if frames:
            self._frame = frames[-1]

    def draw(self) -> None:
        if self._frame is not None:
            self.readout.setText(self.show(self._frame))

    def show(self, frame: Frame) -> str:
        """Put the frame on the plot; return the read-out's text."""
        raise NotImplementedError

    def clear(self) -> None:
        self.plot.clear()
        self._frame = None
        self.readout.setText("")

    def plots(self) -> dict:
        return {self.PLOT_NAME: self.plot.plot_item}

    def series(self) -> dict:
        return {self.PLOT_NAME: self.plot.series_data()}
