"""Plot hygiene every plot shares: a legend that sits where no data is and never overflows its view,
and a title that fits its plot.

pyqtgraph anchors a legend at a fixed offset and lets a title run past the plot's edges; each view
then tuned its own offsets for the data it expected, which failed as soon as the data moved.  Here
the legend measures, whenever the view or the data change, how much of each curve every corner of
the view would hide, and takes the emptiest corner; a title too wide for its plot is wrapped at a
natural break, then elided, with the whole text in its tooltip.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6 import QtCore, QtGui

#: Corners (x, y anchor: 0 left/top, 1 right/bottom), in the order a reader looks for a legend.
CORNERS: tuple[tuple[int, int], ...] = ((1, 0), (0, 0), (1, 1), (0, 1))
MARGIN = 8          # px between a legend and its view's edge
LINE_STEP = 3.0     # px between the samples of a line when measuring what a legend hides
DOT_WEIGHT = 4.0    # a dot counts as much as this many px of line
TITLE_HEIGHT = 30   # px of pyqtgraph's title row (one line)
BREAKS = (": ", "; ", " — ", " vs ", ", ", " (", " ")


def mark_as_context(item) -> None:
    """Mark a curve as context drawn past the view on purpose (reference branches, level sets): the
    view follows the run's data, not it, and the plot-hygiene checks let it leave the view."""
    item.may_leave_view = True


def _log_mapped(values: np.ndarray, log: bool) -> np.ndarray:
    if not log:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(values)


def item_view_data(item) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """(x, y, is_line) of a data item in view coordinates (log axes applied), all points, not only
    the ones clipped to the view; None for items that are not curves or dots."""
    if isinstance(item, pg.PlotDataItem):
        if item.xData is None or item.yData is None:
            return None
        log_x, log_y = item.opts.get("logMode", (False, False))
        x = _log_mapped(np.asarray(item.xData, dtype=float), log_x)
        y = _log_mapped(np.asarray(item.yData, dtype=float), log_y)
        return x, y, item.opts.get("pen") is not None and item.curve.isVisible()
    if isinstance(item, (pg.ScatterPlotItem, pg.PlotCurveItem)):
        x, y = item.getData()
        if x is None or y is None:
            return None
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float), isinstance(item, pg.PlotCurveItem)
    return None


def _pixel_samples(view_box: pg.ViewBox) -> np.ndarray:
    """Weighted samples (px, py, weight) of every visible curve and dot of a view, in the view's
    own pixel coordinates; lines are resampled every ``LINE_STEP`` px along their length."""
    (x0, x1), (y0, y1) = view_box.viewRange()
    width, height = view_box.width(), view_box.height()
    if x1 <= x0 or y1 <= y0 or width <= 0 or height <= 0:
        return np.empty((0, 3))
    chunks = []
    for item in view_box.addedItems:
        if not item.isVisible():
            continue
        data = item_view_data(item)
        if data is None:
            continue
        x, y, is_line = data
        n = min(x.size, y.size)
        px = (x[:n] - x0) / (x1 - x0) * width
        py = (y1 - y[:n]) / (y1 - y0) * height
        keep = np.isfinite(px) & np.isfinite(py)
        px, py = px[keep], py[keep]
        if px.size == 0:
            continue
        if is_line and px.size > 1:
            steps = np.hypot(np.diff(px), np.diff(py))
            along = np.concatenate(([0.0], np.cumsum(np.minimum(steps, 4.0 * (width + height)))))
            count = int(min(20_000, max(2, along[-1] / LINE_STEP)))
            at = np.linspace(0.0, along[-1], count)
            px, py = np.interp(at, along, px), np.interp(at, along, py)
            weight = np.full(count, LINE_STEP)
        else:
            weight = np.full(px.size, DOT_WEIGHT)
        chunks.append(np.column_stack((px, py, weight)))
    return np.concatenate(chunks) if chunks else np.empty((0, 3))


def corner_rect(corner: tuple[int, int], size: tuple[float, float], area: tuple[float, float]) -> QtCore.QRectF:
    """The rectangle a legend of ``size`` takes at ``corner`` of a view of ``area`` (px)."""
    (w, h), (width, height) = size, area
    left = MARGIN if corner[0] == 0 else width - MARGIN - w
    top = MARGIN if corner[1] == 0 else height - MARGIN - h
    return QtCore.QRectF(left, top, w, h)


def hidden_weight(samples: np.ndarray, rect: QtCore.QRectF) -> float:
    """How much data (px of line, dots) a rectangle hides."""
    if samples.size == 0:
        return 0.0
    inside = ((samples[:, 0] >= rect.left()) & (samples[:, 0] <= rect.right())
              & (samples[:, 1] >= rect.top()) & (samples[:, 1] <= rect.bottom()))
    return float(samples[inside, 2].sum())


class TidyLegend(pg.LegendItem):
    """A legend that moves to the corner of its view hiding the least data and wraps into more
    columns when it is taller than the view.

    It re-places itself (at most every 250 ms) when the view's range or size changes, when an
    entry comes or goes, and when asked (``request_placement``, e.g. after new data).  Dragging it
    pins it where the user put it; a double click gives it back to the automatic placement.
    """

    def __init__(self, axis_label=None, **kwargs):
        """``axis_label()``: the plot's y-axis label; a legend of one entry under a labelled axis
        only repeats it, and hides itself."""
        super().__init__(offset=(-MARGIN, MARGIN), **kwargs)
        self._axis_label = axis_label or (lambda: "")
        self._wanted_visible = True
        self.pinned = False
        self.corner = CORNERS[0]
        self._timer = QtCore.QTimer(self)  # dies with the legend: never fires on a torn-down plot
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.place)
        self.sigDoubleClicked.connect(self._unpin)

    def setParentItem(self, parent):
        result = super().setParentItem(parent)
        if isinstance(parent, pg.ViewBox):
            parent.sigRangeChanged.connect(self.request_placement)
            parent.sigResized.connect(self.request_placement)
        return result

    def setVisible(self, visible: bool) -> None:
        self._wanted_visible = bool(visible)
        super().setVisible(self._wanted_visible and not self.is_redundant())

    def is_redundant(self) -> bool:
        """One entry under a labelled axis: the axis already says what the curve is."""
        return len(self.items) == 1 and bool(self._axis_label())

    def addItem(self, item, name):
        super().addItem(item, name)
        self.request_placement()

    def removeItem(self, item):
        super().removeItem(item)
        self.request_placement()

    def mouseDragEvent(self, ev):
        super().mouseDragEvent(ev)
        self.pinned = True

    def _unpin(self, *_args) -> None:
        self.pinned = False
        self.place()

    def request_placement(self, *_args) -> None:
        """Place the legend soon: at most once per 250 ms however often data arrive."""
        if not self.pinned and not self._timer.isActive():
            self._timer.start()

    def _follow_data(self, view_box: pg.ViewBox) -> None:
        """Re-place whenever any curve or dot of the view gets new data."""
        for item in view_box.addedItems:
            signal = getattr(item, "sigPlotChanged", None)
            if signal is not None and not getattr(item, "_tidy_followed", False):
                signal.connect(self.request_placement)
                item._tidy_followed = True

    def place(self) -> None:
        """Fit the columns to the view, then move to the corner that hides the least data (the
        current corner wins ties, so the legend does not hop)."""
        view_box = self.parentItem()
        if view_box is None or not (shiboken6.isValid(self) and shiboken6.isValid(view_box)):
            return
        self.setVisible(self._wanted_visible)
        if self.pinned or not isinstance(view_box, pg.ViewBox) or not self.items or not self.isVisible():
            return
        screen = view_box.getViewWidget()
        if screen is None or not screen.isVisible() or view_box.width() < 40 or view_box.height() < 40:
            return  # a hidden tab: it places itself when shown (PlotHost.showEvent), not on every frame
        self._follow_data(view_box)
        self._fit_columns(view_box.width(), view_box.height())
        samples = _pixel_samples(view_box)
        area, size = (view_box.width(), view_box.height()), (self.width(), self.height())
        hidden = {corner: hidden_weight(samples, corner_rect(corner, size, area)) for corner in CORNERS}
        best = min(CORNERS, key=lambda corner: (hidden[corner], corner != self.corner))
        if hidden[best] < hidden[self.corner] or best == self.corner:
            self.corner = best
        x_anchor, y_anchor = self.corner
        offset = (MARGIN if x_anchor == 0 else -MARGIN, MARGIN if y_anchor == 0 else -MARGIN)
        self.anchor(itemPos=self.corner, parentPos=self.corner, offset=offset)

    def _fit_columns(self, width: float, height: float) -> None:
        """As few columns as let the legend fit the view's height, fewer if it is too wide."""
        rows = max(1, math.ceil(len(self.items) / self.columnCount))
        row_height = self.height() / rows
        room = max(height - 2 * MARGIN, row_height)
        wanted = min(len(self.items), max(1, math.ceil(len(self.items) * row_height / room)))
        if wanted != self.columnCount:
            self.setColumnCount(wanted)
        while self.width() > width - 2 * MARGIN and self.columnCount > 1:
            self.setColumnCount(self.columnCount - 1)


def _break_in_two(text: str) -> tuple[str, str] | None:
    """The two lines of a title split at the natural break nearest its middle."""
    middle = len(text) / 2
    for separator in BREAKS:
        spots = [i for i in range(len(text)) if text.startswith(separator, i)]
        if spots:
            at = min(spots, key=lambda i: abs(i + len(separator) / 2 - middle))
            keep = separator.strip() if separator.strip() in (":", ";", ",") else ""
            rest = text[at + len(separator):] if keep else text[at:].lstrip()
            return text[:at] + keep, rest
    return None


def fit_title(plot_item: pg.PlotItem, text: str | None) -> None:
    """Show ``text`` as the plot's title on one line if it fits, else on two lines broken at a
    natural break, else elided; the whole text is the title's tooltip."""
    label = plot_item.titleLabel
    if not text:
        plot_item.setTitle(None)
        return
    available = max(40.0, plot_item.vb.width() - 8.0)  # the title's cell spans the view, not the axes
    plot_item.setTitle(_escape(text))
    label.setToolTip(text)
    if label.item.boundingRect().width() <= available:
        return
    metrics = QtGui.QFontMetricsF(label.item.font())
    lines = _break_in_two(text) or (text,)
    lines = [metrics.elidedText(line, QtCore.Qt.TextElideMode.ElideRight, available - 8.0) for line in lines]
    rows = len(lines)
    height = TITLE_HEIGHT + (rows - 1) * int(metrics.height() + 2)
    plot_item.setTitle("<br>".join(_escape(line) for line in lines))
    label.setMaximumHeight(height)
    plot_item.layout.setRowFixedHeight(0, height)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TidyAxis(pg.AxisItem):
    """An axis whose log-scale minor labels (2·10¹ … 9·10¹) never overlap.

    pyqtgraph labels every minor tick of a log axis that spans under three decades and only limits
    the total amount of text, so near the top of a decade, where the ticks crowd, the labels are
    drawn over each other.  Here a minor label is kept only when it sits at least a label's extent
    (its height on a vertical axis, its width on a horizontal one) from every label kept before it,
    the decades' labels first; the ticks themselves all stay.
    """

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        strings = super().logTickStrings(values, scale, spacing)
        low, high = self.range
        length = self.height() if self.orientation in ("left", "right") else self.width()
        if spacing is not None or high <= low or length <= 0:
            return strings  # a decade level, or no geometry yet
        metrics = QtGui.QFontMetricsF(self.style.get("tickFont") or self.font())
        per_unit = length / (high - low)
        vertical = self.orientation in ("left", "right")
        kept = [float(v) * per_unit for v in range(math.floor(low), math.ceil(high) + 1)]
        shown = []
        for value, text in zip(values, strings):
            extent = metrics.height() if vertical else metrics.horizontalAdvance(text) + metrics.height()
            where = float(value) * per_unit
            if abs(value - round(value)) < 1e-9:  # a decade: always labelled
                shown.append(text)
            elif all(abs(where - other) >= extent for other in kept):
                kept.append(where)
                shown.append(text)
            else:
                shown.append("")
        return shown
