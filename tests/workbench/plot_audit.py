"""What a reader of a plot would complain about, found by inspection: a title wider than its plot,
a legend that runs past its view or only repeats the axis label, data outside the visible range,
text or marks too faint on the plot's background.  ``audit_plots(widget)`` returns one line per problem of every visible plot.

Contrast is WCAG 2's luminance ratio: 4.5 for text (axis ticks and labels, titles, legends), 3 for
annotations drawn in a data colour, 1.8 for curves and dots (every palette colour passes on both
themes' backgrounds; black on near-black, 1.1, does not).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from widgets.plot_style import PlotHost
from widgets.plot_tidy import item_view_data

TEXT_CONTRAST = 4.5
NOTE_CONTRAST = 3.0
MARK_CONTRAST = 1.8
OUTSIDE_TOLERANCE = 0.005  # of the view's span
PX = 1.5                   # px of slack for rounding when comparing rectangles


def luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def blended(color: QColor, background: QColor) -> QColor:
    """``color`` as seen over ``background`` (alpha applied)."""
    a = color.alphaF()
    return QColor.fromRgbF(*(a * c + (1 - a) * b for c, b in zip(color.getRgbF()[:3], background.getRgbF()[:3])))


def contrast(color: QColor, background: QColor) -> float:
    lighter, darker = sorted((luminance(blended(color, background)), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _color_of(spec) -> QColor | None:
    if spec is None:
        return None
    if isinstance(spec, QColor):
        return spec
    if hasattr(spec, "color"):
        return spec.color() if spec.style() != 0 else None  # a QPen or QBrush; NoPen/NoBrush draw nothing
    return pg.mkColor(spec)


def _mark_colours(item) -> list[QColor]:
    """The colours a data item draws with: its pen, and its dots' brush when it has dots."""
    opts = getattr(item, "opts", {})
    colours = []
    if isinstance(item, pg.PlotDataItem):
        if opts.get("pen") is not None:
            colours.append(_color_of(pg.mkPen(opts["pen"])))
        if opts.get("symbol") is not None and opts.get("symbolBrush") is not None:
            colours.append(_color_of(pg.mkBrush(opts["symbolBrush"])))
    elif isinstance(item, pg.ScatterPlotItem):
        brush = opts.get("brush")
        if brush is not None:
            colours.append(_color_of(pg.mkBrush(brush)))
    return [c for c in colours if c is not None and c.alphaF() >= 0.5]


def _title_problems(name: str, plot: pg.PlotItem) -> list[str]:
    label = plot.titleLabel
    if not label.isVisible() or not label.text:
        return []
    text = label.item.boundingRect()
    problems = []
    if text.width() > plot.vb.width() + PX:  # the title's cell is as wide as the view
        problems.append(f"{name}: title {label.text!r} is {text.width():.0f} px wide above a "
                        f"{plot.vb.width():.0f} px view")
    if text.height() > label.maximumHeight() + 12:
        problems.append(f"{name}: title {label.text!r} is {text.height():.0f} px tall in a "
                        f"{label.maximumHeight():.0f} px row")
    return problems


def _legend_problems(name: str, plot: pg.PlotItem) -> list[str]:
    legend = plot.legend
    if legend is None or not legend.isVisible() or not legend.items:
        return []
    if len(legend.items) == 1 and plot.getAxis("left").labelText:
        return [f"{name}: a legend of one entry ({legend.items[0][1].text!r}) repeats the axis label"]
    box, view = legend.sceneBoundingRect(), plot.vb.sceneBoundingRect()
    if (box.left() < view.left() - PX or box.top() < view.top() - PX
            or box.right() > view.right() + PX or box.bottom() > view.bottom() + PX):
        labels = [label.text for _, label in legend.items]
        return [f"{name}: legend {labels} ({box.width():.0f}×{box.height():.0f} px) runs past its "
                f"view ({view.width():.0f}×{view.height():.0f} px)"]
    return []


def _outside_problems(name: str, plot: pg.PlotItem) -> list[str]:
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    slack_x, slack_y = OUTSIDE_TOLERANCE * (x1 - x0), OUTSIDE_TOLERANCE * (y1 - y0)
    problems = []
    for item in plot.vb.addedItems:
        if not item.isVisible() or getattr(item, "may_leave_view", False):
            continue
        data = item_view_data(item)
        if data is None:
            continue
        x, y, _ = data
        keep = np.isfinite(x) & np.isfinite(y)
        if not keep.any():
            continue
        x, y = x[keep], y[keep]
        if x.min() < x0 - slack_x or x.max() > x1 + slack_x or y.min() < y0 - slack_y or y.max() > y1 + slack_y:
            label = item.name() if hasattr(item, "name") and item.name() else type(item).__name__
            problems.append(f"{name}: {label!r} spans x {x.min():.4g}…{x.max():.4g}, y {y.min():.4g}…"
                            f"{y.max():.4g}; the view shows x {x0:.4g}…{x1:.4g}, y {y0:.4g}…{y1:.4g}")
    return problems


def _contrast_problems(name: str, host: PlotHost) -> list[str]:
    plot = host.plot_item
    background = host.plot_widget.backgroundBrush().color()
    problems = []

    def check(what: str, colour: QColor | None, least: float, against: QColor = background) -> None:
        if colour is not None and contrast(colour, against) < least:
            problems.append(f"{name}: {what} {colour.name()} on {against.name()} has contrast "
                            f"{contrast(colour, against):.2f} < {least}")

    for side in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(side)
        if axis.isVisible():
            check(f"{side} axis text", axis.textPen().color(), TEXT_CONTRAST)
    if plot.titleLabel.isVisible() and plot.titleLabel.text:
        check("title", _color_of(plot.titleLabel.opts.get("color")) or axis.textPen().color(), TEXT_CONTRAST)
    legend = plot.legend
    if legend is not None and legend.isVisible():
        behind = _color_of(legend.opts.get("brush")) or background
        behind = blended(behind, background)
        for _, label in legend.items:
            check(f"legend text {label.text!r}", _color_of(label.opts.get("color")), TEXT_CONTRAST, behind)
    for item in plot.vb.addedItems:
        if not item.isVisible():
            continue
        if isinstance(item, pg.TextItem):
            check(f"note {item.textItem.toPlainText()!r}", item.color, NOTE_CONTRAST)
        for colour in _mark_colours(item):
            label = item.name() if hasattr(item, "name") and item.name() else type(item).__name__
            check(f"{label!r}", colour, MARK_CONTRAST)
    return problems


def audit_plots(widget, where: str = "") -> list[str]:
    """Every problem of every plot shown in ``widget`` (itself a plot, or holding plots)."""
    problems = []
    hosts = ([widget] if isinstance(widget, PlotHost) else []) + widget.findChildren(PlotHost)
    for host in hosts:
        if not host.isVisible() or host.width() < 50 or host.height() < 50:
            continue
        plot = host.plot_item
        name = f"{where}{host.title or plot.getAxis('left').labelText or type(host).__name__}"
        problems += _title_problems(name, plot)
        problems += _legend_problems(name, plot)
        problems += _outside_problems(name, plot)
        problems += _contrast_problems(name, host)
    return problems
