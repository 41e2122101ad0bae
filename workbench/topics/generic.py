"""The view an experiment gets before its topic has its own: everything it declares, drawn.

Scalar series are curves against the step, one plot per declared group; a 1-D array is a line
against its index, a 2-D array with named columns is its columns against the first, and a 2-D
array without names is an image.  The labels and units come from the experiment's declared
outputs (engines.core.experiment), so a new topic is usable the moment its engine exists.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QGridLayout, QTabWidget, QVBoxLayout, QWidget

from engines.core.experiment import Experiment, Series
from engines.core.frame import Frame
from widgets import LivePlot
from widgets.heat_map import HeatMap
from workbench.pages.experiment_view import ExperimentView

MAX_COLUMNS = 2


class GenericView(ExperimentView):
    """Curves of the declared series by group, and a tab per declared array."""

    def __init__(self, experiment: Experiment, parent: QWidget | None = None):
        super().__init__(parent)
        self.experiment = experiment
        self._groups: dict[str, LivePlot] = {}
        self._arrays: dict[str, np.ndarray] = {}
        self._columns: dict[str, tuple[str, ...]] = {}
        self._drawn: set[str] = set()
        self.tabs = QTabWidget()
        curves = QWidget()
        self._grid = QGridLayout(curves)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(curves, "Curves")
        self._array_views: dict[str, LivePlot | HeatMap] = {}
        for series in experiment.series():
            self._plot_for(series)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _plot_for(self, series: Series) -> LivePlot:
        group = series.group or "values"
        if group not in self._groups:
            plot = LivePlot()
            plot.set_title(group)
            plot.set_labels("step", series.unit or "value")
            index = len(self._groups)
            self._grid.addWidget(plot, index // MAX_COLUMNS, index % MAX_COLUMNS)
            self._groups[group] = plot
        plot = self._groups[group]
        if series.title not in plot.series_names():
            plot.add_series(series.title)
        return plot

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            for name, value in frame.scalars.items():
                series = self.experiment.output(name)
                series = series if isinstance(series, Series) else Series(name)
                self._plot_for(series).append(series.title, frame.step, value)
            self._arrays.update(frame.arrays)
            self._columns.update(frame.columns)

    def draw(self) -> None:
        for plot in self._groups.values():
            plot.redraw()
        for name, array in self._arrays.items():
            self._draw_array(name, np.asarray(array, dtype=float))

    def _draw_array(self, name: str, array: np.ndarray) -> None:
        columns = self._columns.get(name, ())
        image = array.ndim == 2 and not columns
        view = self._array_views.get(name)
        if view is None:
            declared = self.experiment.output(name)
            view = HeatMap(colorbar_title=name) if image else LivePlot()
            view.set_title(getattr(declared, "label", "") or name)
            self._array_views[name] = view
            self.tabs.addTab(view, name)
        if image:
            view.set_matrix(array)
        elif array.ndim == 1:
            view.set_labels("index", name)
            if name not in view.series_names():
                view.add_series(name)
            view.set_series(name, np.arange(array.size), array)
        else:
            view.set_labels(columns[0], ", ".join(columns[1:]))
            for i, column in enumerate(columns[1:], start=1):
                if column not in view.series_names():
                    view.add_series(column)
                view.set_series(column, array[:, 0], array[:, i])

    def clear(self) -> None:
        for plot in self._groups.values():
            plot.clear()
        self._arrays, self._columns = {}, {}

    def plots(self) -> dict:
        out = {f"curves_{group}": plot.plot_item for group, plot in self._groups.items()}
        out.update({name: view.plot_item for name, view in self._array_views.items() if isinstance(view, LivePlot)})
        return out

    def series(self) -> dict:
        out = {f"curves_{group}": plot.series_data() for group, plot in self._groups.items()}
        out.update({name: view.series_data() for name, view in self._array_views.items() if isinstance(view, LivePlot)})
        return out
