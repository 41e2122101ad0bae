"""The blog's timeline as a painted ribbon: eras as soft bands (their dates are approximate),
events as markers with labels packed so that no leader line crosses a label."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.shell import tour
from workbench.shell.tour import TourCard

ACCENTS = {
    tour.CATEGORY_PHYSICS: "#13a8a0",
    tour.CATEGORY_ML: "#4f7cf0",
    tour.CATEGORY_LIFE: "#e0962a",
}
_ERA_ACCENTS = ("#8a8f98", "#7b61ff", "#13a8a0", "#4f7cf0")  # prehistory, astronomy, maths, ML


def accent(card: TourCard) -> QColor:
    return QColor(ACCENTS.get(card.category, "#8a8f98"))


def scaled_font(base: QFont, factor: float = 1.0, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _first_fitting(painter: QPainter, box: QRectF, flags, candidates) -> str:
    """The first text that fits in the box with the painter's font ('' if none does)."""
    for text in candidates:
        needed = painter.boundingRect(box, flags, text) if text else None
        if needed is not None and needed.height() <= box.height() and needed.width() <= box.width() + 0.5:
            return text
    return ""


class TimelineRibbon(QWidget):
    """The blog's timeline: eras as soft translucent bands, milestones and essays as markers.

    The years of the essays (from 2018) are drawn at a larger scale than the years before, and the
    essay labels are packed into lanes, latest on top, so that no leader line crosses a label.
    """

    MARGIN = 18
    CAPTION_H = 20
    BAND_H = 40
    AXIS_H = 24
    LANE_H = 19
    LABEL_PAD = 5
    SCALE_BREAK = 2018.5  # the years before this share BREAK_FRACTION of the width, the essays'
    BREAK_FRACTION = 0.55  # years the rest, so they are drawn about twice as wide

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(400)

    def _x(self, year: float, width: int) -> float:
        """Piecewise-linear position: [start, break] and [break, end] each get their share."""
        inner = width - 2 * self.MARGIN
        start, brk, end = tour.TIMELINE_START, self.SCALE_BREAK, tour.TIMELINE_END
        if year <= brk:
            fraction = (year - start) / (brk - start) * self.BREAK_FRACTION
        else:
            fraction = self.BREAK_FRACTION + (year - brk) / (end - brk) * (1 - self.BREAK_FRACTION)
        return self.MARGIN + fraction * inner

    def _label_font(self) -> QFont:
        return scaled_font(self.font(), 0.88)

    @staticmethod
    def _label_text(event: tour.TimelineEvent) -> str:
        return f"{event.when} · {event.label}"

    def _lanes(self, events, width: int) -> list[tuple[tour.TimelineEvent, int, QRectF]]:
        """Labels packed into lanes (lane 0 next to the band) by :func:`tour.pack_labels`.

        Where no crossing-free place exists (a narrow widget forcing labels to the left of their
        markers) the packing lets a line pass behind a label, and the painter masks it there.
        """
        metrics = QFontMetrics(self._label_font())
        markers = [self._x(event.year, width) for event in events]
        widths = [metrics.horizontalAdvance(self._label_text(event)) + 2 * self.LABEL_PAD for event in events]
        packed = tour.pack_labels(markers, widths, width, pad=self.LABEL_PAD)
        return [(event, lane, QRectF(left, 0, text_w, metrics.height()))
                for event, text_w, (lane, left) in zip(events, widths, packed)]

    def essay_labels(self, width: int) -> list[tuple[tour.TimelineEvent, int, QRectF]]:
        """(event, lane, rect) of the essays' labels below the axis; rect.top() is 0."""
        return self._lanes([e for e in tour.TIMELINE_EVENTS if e.essay], width)

    def milestone_labels(self, width: int) -> list[tuple[tour.TimelineEvent, int, QRectF]]:
        """(event, lane, rect) of the other milestones' labels above the band."""
        return self._lanes([e for e in tour.TIMELINE_EVENTS if not e.essay], width)

    @staticmethod
    def _lane_count(placed) -> int:
        return 1 + max((lane for _, lane, _ in placed), default=0)

    def _band_top(self, width: int) -> float:
        return self.CAPTION_H + self._lane_count(self.milestone_labels(width)) * self.LANE_H + 4

    def _height(self, width: int) -> int:
        lanes = self._lane_count(self.essay_labels(width))
        return int(self._band_top(width) + self.BAND_H + self.AXIS_H + lanes * self.LANE_H + 6)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._height(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, self._height(900))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, self._height(400))

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        width = self.width()
        left, right = self._x(tour.TIMELINE_START, width), self._x(tour.TIMELINE_END, width)
        band = QRectF(left, self._band_top(width), right - left, self.BAND_H)

        painter.setFont(scaled_font(self.font(), 0.85, italic=True))
        painter.setPen(muted)
        painter.drawText(QRectF(left, 0, right - left, self.CAPTION_H),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "Era boundaries are approximate (the sources give none). "
                         f"Years after {int(self.SCALE_BREAK)} are drawn at a larger scale.")
        self._paint_band(painter, band, width)

        axis_y = band.bottom()
        painter.setFont(scaled_font(self.font(), 0.8))
        for year in range(int(tour.TIMELINE_START) + 1, int(tour.TIMELINE_END) + 1):
            x = self._x(year, width)
            major = year >= self.SCALE_BREAK or year % 2 == 0
            painter.setPen(QPen(muted, 1))
            painter.drawLine(QPointF(x, axis_y), QPointF(x, axis_y + (6 if major else 3)))
            if major:
                painter.drawText(QRectF(x - 20, axis_y + 6, 40, 14), Qt.AlignmentFlag.AlignCenter,
                                 str(year))

        marker_y = band.bottom() - 9
        labels = []  # (rect, text, colour), drawn last over a background that masks any line
        for milestone, lane, rect in self.milestone_labels(width):
            x = self._x(milestone.year, width)
            rect = rect.translated(0, band.top() - 2 - (lane + 1) * self.LANE_H)
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, rect.center().y() + 6), QPointF(x, marker_y))
            self._paint_marker(painter, x, marker_y, text, 3.5)
            labels.append((rect, self._label_text(milestone), muted))
        top = axis_y + self.AXIS_H
        for essay, lane, rect in self.essay_labels(width):
            x = self._x(essay.year, width)
            rect = rect.translated(0, top + lane * self.LANE_H)
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, marker_y), QPointF(x, rect.center().y()))
            big = essay.archive_id == 7782
            self._paint_marker(painter, x, marker_y, self._marker_colour(essay), 5.5 if big else 4.5)
            labels.append((rect, self._label_text(essay), text))
        painter.setFont(self._label_font())
        background = palette.color(QPalette.ColorRole.Window)
        for rect, label, colour in labels:
            painter.fillRect(rect.adjusted(self.LABEL_PAD - 1, 1, 1 - self.LABEL_PAD, -1), background)
            painter.setPen(colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()

    def _paint_band(self, painter: QPainter, band: QRectF, width: int) -> None:
        palette = self.palette()
        outline = QPainterPath()
        outline.addRoundedRect(band, 6, 6)
        painter.fillPath(outline, palette.color(QPalette.ColorRole.Base))
        painter.save()
        painter.setClipPath(outline)
        for era, colour in zip(tour.TIMELINE_ERAS, _ERA_ACCENTS):
            x0 = self._x(era.start - era.fade / 2, width)
            x1 = self._x(min(era.end + era.fade / 2, tour.TIMELINE_END + 1), width)
            fade = 0.5 * era.fade / max(era.end - era.start + era.fade, 1e-6)
            gradient = QLinearGradient(x0, 0, x1, 0)
            solid, clear = QColor(colour), QColor(colour)
            solid.setAlpha(105)
            clear.setAlpha(0)
            gradient.setColorAt(0.0, clear)
            gradient.setColorAt(min(2 * fade, 0.5), solid)
            gradient.setColorAt(max(1 - 2 * fade, 0.5), solid)
            gradient.setColorAt(1.0, clear)
            painter.fillRect(QRectF(x0, band.top(), x1 - x0, band.height()), gradient)
        painter.restore()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawPath(outline)
        painter.setFont(scaled_font(self.font(), 0.85, bold=True))
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        eras = tour.TIMELINE_ERAS
        for index, era in enumerate(eras):  # where eras overlap, each label stops half-way
            start = era.start if index == 0 else max(era.start, (era.start + eras[index - 1].end) / 2)
            end = era.end if index == len(eras) - 1 else min(era.end, (era.end + eras[index + 1].start) / 2)
            x0 = self._x(max(start, tour.TIMELINE_START), width)
            x1 = self._x(min(end, tour.TIMELINE_END), width)
            box = QRectF(x0 + 3, band.top(), x1 - x0 - 6, band.height() - 14)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(box, flags, _first_fitting(painter, box, flags, (era.label, era.short)))

    def _paint_marker(self, painter: QPainter, x: float, y: float, colour: QColor, radius: float) -> None:
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    @staticmethod
    def _marker_colour(event: tour.TimelineEvent) -> QColor:
        card = next(c for c in tour.TOUR if c.archive_id == event.archive_id)
        return accent(card)
