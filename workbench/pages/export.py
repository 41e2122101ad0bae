"""Exports of a panel: PNG (with a resolution factor), SVG, CSV of every plotted series, NPZ.

Every file is written atomically (temporary file beside the target, then rename), so a failed
export never leaves a truncated file and never clobbers a good one.  CSV files start with ``# ``
provenance lines: topic, parameters, seed and package versions.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

from widgets.gl_view import gl_view_images, paint_images
from workbench.core.atomic import write_text_atomic, write_with
from workbench.core.versions import package_versions

Series = Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]]


def provenance_lines(topic: str, params: Mapping[str, Any], experiment: str = "") -> tuple[str, ...]:
    """Topic, the experiment (``topic:id``) with the parameters its result was computed with, the
    seed, and the package versions: the ``# `` header of every exported CSV."""
    return (f"topic: {topic}", *experiment_lines(experiment, params), versions_line())


def experiment_lines(experiment: str, params: Mapping[str, Any], plots: tuple[str, ...] = ()) -> tuple[str, ...]:
    """One experiment's share of a header: its name, its own parameters, its seed, and the plots
    that show it (a panel's CSV holds the plots of several experiments)."""
    lines = (f"experiment: {experiment}",) if experiment else ()
    lines += ("parameters: " + json.dumps(dict(params), ensure_ascii=False, sort_keys=True),
              f"seed: {params.get('seed', 'none (deterministic)')}")
    return lines + ((f"plots: {', '.join(plots)}",) if plots else ())


def versions_line() -> str:
    return "versions: " + json.dumps(package_versions(), sort_keys=True)


def render_widget_png(widget: QWidget, path: str | Path, scale: float = 1.0) -> QSize:
    """Render ``widget`` (and its children) at ``scale`` × its size into a PNG."""
    if not 0.25 <= scale <= 8:
        raise ValueError(f"PNG scale factor must be in [0.25, 8], got {scale}")
    size = widget.size()
    gl_images = gl_view_images(widget)
    image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        widget.render(painter, QPoint(0, 0))
        paint_images(painter, gl_images)
    finally:
        painter.end()
    _save_image(image, path)
    return image.size()


def _save_image(image: QImage, path: str | Path) -> None:
    def write(tmp: Path) -> None:
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write PNG to {path}")

    write_with(path, write)


def plot_png(plot_item, path: str | Path, scale: float = 1.0) -> None:
    """One pyqtgraph plot as PNG; ``scale`` multiplies the on-screen width (publication resolution)."""
    exporter = pg_exporters.ImageExporter(plot_item)
    width = max(int(plot_item.sceneBoundingRect().width() * scale), 16)
    exporter.parameters()["width"] = width

    def write(tmp: Path) -> None:
        exporter.export(fileName=str(tmp))

    write_with(path, write)


def plot_svg(plot_item, path: str | Path) -> None:
    """One pyqtgraph plot as SVG (vector)."""
    exporter = pg_exporters.SVGExporter(plot_item)

    def write(tmp: Path) -> None:
        exporter.export(fileName=str(tmp))

    write_with(path, write)


def series_csv(series: Series, header: tuple[str, ...]) -> str:
    """Every plotted series in long format: ``plot,series,x,y`` (one row per point)."""
    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["plot", "series", "x", "y"])
    for plot_name, curves in series.items():
        for name, (x, y) in curves.items():
            for xv, yv in zip(np.asarray(x, float), np.asarray(y, float)):
                writer.writerow([plot_name, name, repr(float(xv)), repr(float(yv))])
    return out.getvalue()


def write_series_csv(series: Series, path: str | Path, header: tuple[str, ...]) -> None:
    write_text_atomic(path, series_csv(series, header))


def write_npz(arrays: Mapping[str, np.ndarray], path: str | Path) -> None:
    if not arrays:
        raise ValueError("there are no arrays to export yet: run the topic first")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **{k: np.asarray(v) for k, v in arrays.items()})

    write_with(path, write)
