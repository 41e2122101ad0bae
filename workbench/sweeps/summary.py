"""``summary.png``: each main metric of a sweep against its first grid parameter, the mean over seeds
as a line and the seeds' spread (min to max) as a band, one line per combination of the other grid
parameters.  ``summary_lines`` is the arithmetic (pure numpy); ``write_summary`` draws it offscreen.

The main metrics are the experiment's declared scalars whose mean over seeds changes across the grid
(at most ``MAX_METRICS``, in the order the experiment declares them): one that differs only between
seeds says nothing about the swept parameters.  A numeric first
parameter gets a log axis when all its values are positive and span a factor of 50 or more; a
non-numeric one (a choice) is laid out in the order given.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from workbench.sweeps.results import cell

MAX_METRICS = 6


@dataclass
class Line:
    label: str
    x: np.ndarray        # positions on the axis
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def summary_lines(folder) -> tuple[str, list[str], bool, dict[str, list[Line]]]:
    """(the first grid parameter, its tick labels for a non-numeric axis (else []), log x?, and per
    metric the lines) from the table so far."""
    rows = [r for r in folder.rows.values() if r["status"] == "ok"]
    first, others = folder.axis_names[0], folder.axis_names[1:]
    order = [cell(v) for v in folder.grid.axes[0].values]
    numeric = all(math.isfinite(_number(v)) for v in order)
    positions = {v: (_number(v) if numeric else float(i)) for i, v in enumerate(order)}
    xs = np.array(sorted(positions.values()))
    log_x = bool(numeric and xs.size > 1 and xs.min() > 0 and xs.max() / xs.min() >= 50)
    metrics = []
    for name in folder.scalars:
        values = np.array([_number(r.get(name, "")) for r in rows])
        finite = values[np.isfinite(values)]
        if finite.size and np.ptp(finite) > 0:
            metrics.append(name)
    lines: dict[str, list[Line]] = {}
    for name in metrics:
        groups: dict[tuple[str, ...], dict[float, list[float]]] = {}
        for r in rows:
            value = _number(r.get(name, ""))
            if math.isfinite(value):
                key = tuple(r[o] for o in others)
                groups.setdefault(key, {}).setdefault(positions[r[first]], []).append(value)
        drawn = []
        for key, by_x in groups.items():
            x = np.array(sorted(by_x))
            samples = [np.array(by_x[v]) for v in x]
            label = ", ".join(f"{o} = {v}" for o, v in zip(others, key)) or name
            drawn.append(Line(label, x, np.array([s.mean() for s in samples]),
                              np.array([s.min() for s in samples]), np.array([s.max() for s in samples])))
        means = np.concatenate([line.mean for line in drawn])
        if np.ptp(means) > 1e-9 * np.abs(means).max():          # it moves with the grid, not only the seed
            lines[name] = drawn
        if len(lines) == MAX_METRICS:
            break
    return first, ([] if numeric else order), log_x, lines


def write_summary(folder, width: int = 1200) -> bool:
    """Draw ``summary.png`` into the sweep's folder; False when there is nothing to draw yet."""
    first, ticks, log_x, lines = summary_lines(folder)
    if not lines:
        return False
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from widgets.live_plot import PALETTE
    from workbench.core.atomic import write_with

    app = QApplication.instance() or QApplication([])
    view = pg.GraphicsLayoutWidget()
    view.setBackground("w")
    columns = 2 if len(lines) > 1 else 1
    seeds = len(folder.grid.seeds)
    view.addLabel(f"{folder.grid.ref}: each metric at the end of its run against {first} — "
                  + (f"mean over {seeds} seeds (line), their range (band)" if seeds > 1 else "one seed"),
                  row=0, col=0, colspan=columns, color="#333")
    for k, (metric, metric_lines) in enumerate(lines.items()):
        plot = view.addPlot(row=1 + k // columns, col=k % columns, title=metric)
        plot.setLabel("bottom", first)
        lows = np.concatenate([line.low for line in metric_lines])
        log_y = bool(lows.size and lows.min() > 0 and np.concatenate([l.high for l in metric_lines]).max()
                     >= 100 * lows.min())
        plot.setLogMode(x=log_x, y=log_y)
        plot.getAxis("left").setWidth(56)
        if ticks:
            plot.getAxis("bottom").setTicks([list(enumerate(ticks))])
        if len(metric_lines) > 1:
            plot.addLegend(offset=(-10, 10))
        for index, line in enumerate(metric_lines):
            colour = PALETTE[index % len(PALETTE)]
            x = np.log10(line.x) if log_x else line.x
            low = pg.PlotDataItem(x, np.log10(line.low) if log_y else line.low)
            high = pg.PlotDataItem(x, np.log10(line.high) if log_y else line.high)
            fill = pg.mkColor(colour)
            fill.setAlpha(60)
            plot.addItem(pg.FillBetweenItem(low, high, brush=fill))
            plot.plot(line.x, line.mean, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5, symbolBrush=colour,
                      name=line.label)
    rows = math.ceil(len(lines) / columns)
    view.resize(width, 320 * rows)
    view.show()
    app.processEvents()
    image = view.grab().toImage()
    view.close()

    def save(tmp) -> None:
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write {folder.out / 'summary.png'}")

    write_with(folder.out / "summary.png", save)
    return True
