"""The panel a built engine gets before it has its own: live curves of every scalar it streams."""
from __future__ import annotations

from engines.core.frame import Frame
from widgets import LivePlot
from workbench.panel import TopicPanel


class GenericPanel(TopicPanel):
    def build_views(self):
        self.curves = LivePlot()
        self.curves.set_labels("step", "value")
        self._known: set[str] = set()
        return self.curves

    def consume_frame(self, frame: Frame) -> None:
        for name, value in frame.scalars.items():
            if name not in self._known:
                self._known.add(name)
                self.curves.add_series(name)
            self.curves.append(name, frame.step, value)

    def redraw(self) -> None:
        self.curves.redraw()

    def clear_views(self) -> None:
        self.curves.clear()

    def plots(self):
        return {"curves": self.curves.plot_item}

    def series(self):
        return {"curves": self.curves.series_data()}
