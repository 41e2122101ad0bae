"""What an experiment's page shows: the view protocol every ExperimentHost drives.

A view stores what frames bring and draws when asked; it never runs anything.  The host calls

* ``begin(params)`` — a run of ``params`` starts: forget the previous run's data;
* ``take(frames, params)`` — store a batch of frames, all computed for ``params`` (cheap, no drawing);
* ``draw()`` — push the stored data to the plots (from the host's repaint timer);
* ``end(status, message)`` — the run ended (finished, stopped, invalid, diverged, error);
* ``clear()`` — forget everything (Reset);
* ``plots()`` — name → PlotItem, for PNG / SVG export and theming;
* ``series()`` — every plotted curve as {plot: {series: (x, y)}}, for CSV export;
* ``apply_theme(name)`` — restyle what the theme of the plots does not reach by itself.

``ExperimentView`` is the no-op base a view widget subclasses.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from engines.core.frame import Frame
from widgets.plot_style import PlotHost
from workbench.pages import themes


class ExperimentView(QWidget):
    """A view widget with every hook of the protocol doing nothing."""

    def begin(self, params: dict[str, Any]) -> None:
        """A run of ``params`` starts."""

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        """Store frames computed for ``params`` (no drawing)."""

    def draw(self) -> None:
        """Push the stored data to the plots."""

    def end(self, status: str, message: str) -> None:
        """The run ended."""

    def clear(self) -> None:
        """Forget the plotted data."""

    def plots(self) -> dict:
        return {}

    def series(self) -> dict:
        return {}

    def apply_theme(self, name: str) -> None:
        for host in self.findChildren(PlotHost):
            themes.style_plot_widget(host.plot_widget, name)
