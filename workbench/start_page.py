"""The start page: the tour of the seed page's essays, the blog's timeline and a playful calculator.

It is also the panel of the 1000th article (kexue.fm/archives/7782), which has nothing to simulate.
Everything is drawn from palette roles so the light and dark themes both work; only the category
accents are fixed colours, used as thin strips, markers and translucent era bands.
"""
from __future__ import annotations

from collections.abc import Collection
from html import escape

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
    QSlider, QVBoxLayout, QWidget,
)

from workbench import tour
from workbench.tour import TourCard

_ACCENTS = {
    tour.CATEGORY_PHYSICS: "#13a8a0",
    tour.CATEGORY_ML: "#4f7cf0",
    tour.CATEGORY_LIFE: "#e0962a",
}
_ERA_ACCENTS = ("#8a8f98", "#7b61ff", "#13a8a0", "#4f7cf0")  # prehistory, astronomy, maths, ML
_OPEN_BUTTON_QSS = (
    "QPushButton { background: #2f6fd6; color: #ffffff; border: none; border-radius: 5px;"
    " padding: 5px 16px; font-weight: 600; }"
    "QPushButton:hover { background: #3d7de6; }"
    "QPushButton:pressed { background: #2458b0; }"
    "QPushButton:focus { outline: none; border: 2px solid #9cc2ff; padding: 3px 14px; }"
)
MIN_CARD_WIDTH = 300
MAX_COLUMNS = 4


def _accent(card: TourCard) -> QColor:
    return QColor(_ACCENTS.get(card.category, "#8a8f98"))


def _scaled_font(base: QFont, factor: float = 1.0, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _label(text: str, *, factor: float = 1.0, bold: bool = False, italic: bool = False,
           muted: bool = False, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if rich:
        label.setOpenExternalLinks(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setFont(_scaled_font(label.font(), factor, bold=bold, italic=italic))
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _first_fitting(painter: QPainter, box: QRectF, flags, candidates) -> str:
    """The first text that fits in the box with the painter's font ('' if none does)."""
    for text in candidates:
        needed = painter.boundingRect(box, flags, text) if text else None
        if needed is not None and needed.height() <= box.height() and needed.width() <= box.width() + 0.5:
            return text
    return ""


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text, quote=False)}</a>'


class TourCardWidget(QFrame):
    """One essay: titles, date · archive id · link, our summary, and what its panel offers.

    ``open_button`` is the "Open" button for a built topic, ``None`` otherwise; ``status_label``
    then explains why there is none.
    """

    def __init__(self, card: TourCard, built: bool, open_topic: Signal, parent: QWidget | None = None):
        super().__init__(parent)
        self.card = card
        self.setObjectName(f"card_{card.topic_id or 'thousand'}")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 14, 12)
        layout.setSpacing(6)

        layout.addWidget(_label(card.title, factor=1.15, bold=True))
        zh = _label(card.essay_title_zh)
        zh.setToolTip(card.essay_title_en)
        layout.addWidget(zh)
        meta = f"{escape(card.date)} · #{card.archive_id} · " + _link(card.url, "read on kexue.fm ↗")
        meta_label = _label(meta, factor=0.9, rich=True, muted=True)
        meta_label.setToolTip(f"{card.essay_title_en}\n{card.url}\n{card.category}")
        layout.addWidget(meta_label)
        layout.addWidget(_label(card.summary, factor=0.95))
        if card.related:
            parts = " · ".join(f"{_link(r.url, r.label)} ({escape(r.date)})" for r in card.related)
            layout.addWidget(_label(f"Continued in {parts}", factor=0.9, rich=True, muted=True))
        lead = "" if card.topic_id is None else "<b>In the panel:</b> "
        layout.addWidget(_label(lead + escape(card.what_you_can_do, quote=False), factor=0.95, rich=True))
        layout.addStretch(1)

        row = QHBoxLayout()
        row.setContentsMargins(0, 4, 0, 0)
        self.open_button: QPushButton | None = None
        self.status_label: QLabel | None = None
        if card.topic_id is None:
            self.status_label = _label("Timeline and calculator below ↓", factor=0.9, italic=True,
                                       muted=True)
        elif built:
            self.open_button = QPushButton("Open panel")
            self.open_button.setObjectName(f"open_{card.topic_id}")
            self.open_button.setToolTip(f"Open the {card.title.lower()} panel")
            self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.open_button.setStyleSheet(_OPEN_BUTTON_QSS)
            topic_id = card.topic_id
            self.open_button.clicked.connect(lambda: open_topic.emit(topic_id))
        else:
            self.status_label = _label("Panel not built yet", factor=0.9, italic=True, muted=True)
        if self.status_label is not None:
            self.status_label.setWordWrap(False)
        row.addWidget(self.status_label or self.open_button)
        row.addStretch(1)
        layout.addLayout(row)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        painter.fillPath(path, palette.color(QPalette.ColorRole.Base))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawPath(path)
        painter.setClipPath(path)
        painter.fillRect(QRectF(rect.left(), rect.top(), 5, rect.height()), _accent(self.card))
        painter.end()


class CardGrid(QWidget):
    """Cards in tour order, as many columns as fit (each at least MIN_CARD_WIDTH wide)."""

    def __init__(self, cards: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.cards = cards
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(14)
        self.columns = 0
        self._reflow(3)

    def columns_for(self, width: int) -> int:
        spacing = self._grid.horizontalSpacing()
        return max(1, min(MAX_COLUMNS, (width + spacing) // (MIN_CARD_WIDTH + spacing)))

    def _reflow(self, columns: int) -> None:
        if columns == self.columns:
            return
        for card in self.cards:
            self._grid.removeWidget(card)
        for column in range(max(columns, self.columns)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        for index, card in enumerate(self.cards):
            self._grid.addWidget(card, index // columns, index % columns)
        self.columns = columns

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._reflow(self.columns_for(event.size().width()))
        super().resizeEvent(event)


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
        return _scaled_font(self.font(), 0.88)

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

        painter.setFont(_scaled_font(self.font(), 0.85, italic=True))
        painter.setPen(muted)
        painter.drawText(QRectF(left, 0, right - left, self.CAPTION_H),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "Era boundaries are approximate (the sources give none). "
                         f"Years after {int(self.SCALE_BREAK)} are drawn at a larger scale.")
        self._paint_band(painter, band, width)

        axis_y = band.bottom()
        painter.setFont(_scaled_font(self.font(), 0.8))
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
        painter.setFont(_scaled_font(self.font(), 0.85, bold=True))
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
        return _accent(card)


class ThousandCalculator(QWidget):
    """Posts per week → years to the next 1000 articles (1000 / (52 · rate))."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, 70)  # tenths of a post per week
        self.slider.setMinimumWidth(220)
        self.slider.setMaximumWidth(460)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.1, 7.0)
        self.spin.setSingleStep(0.1)
        self.spin.setDecimals(1)
        self.spin.setSuffix(" posts / week")
        self.result = _label("", factor=1.1, bold=True)
        note = _label(
            "At about one post a week — the rate the blog reported at ten years — the essay "
            "guessed “about 20 years”. The first thousand took ≈ 11.5 years (March 2009 to "
            "September 2020), ≈ 1.7 posts a week on average.", factor=0.9, muted=True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Posting rate"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(note)
        self.slider.valueChanged.connect(lambda tenths: self.spin.setValue(tenths / 10))
        self.spin.valueChanged.connect(self._update)
        self.spin.setValue(1.0)
        self._update(self.spin.value())

    def _update(self, rate: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(rate * 10))
        self.slider.blockSignals(False)
        years = tour.years_to_next_thousand(rate)
        self.result.setText(f"→ about {years:.1f} years to the next 1000 articles")


class StartPage(QWidget):
    """The workbench's start page. ``openTopic(topic_id)`` asks the main window to raise a panel."""

    openTopic = Signal(str)

    def __init__(self, built_topics: Collection[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("startPage")
        self.built_topics = frozenset(built_topics)
        content = QWidget()
        content.setObjectName("startPageContent")
        content.setBackgroundRole(QPalette.ColorRole.Window)
        content.setAutoFillBackground(True)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 24, 28, 28)
        layout.setSpacing(12)

        layout.addWidget(_label("Scientific Spaces Workbench", factor=1.9, bold=True))
        layout.addWidget(_label(
            "Interactive experiments built from eight essays of 科学空间 · <i>Scientific Spaces</i>, "
            "the blog of 苏剑林 (Su Jianlin). The tour follows the blog page the essays come from, "
            "November 2018 to November 2023: a rotating rope, a kitchen wok, and a run of machine "
            "learning ideas. Open a card's panel to experiment, or follow its link to read the "
            "original (in Chinese).", factor=1.05, rich=True))
        layout.addWidget(_label(
            f"Essays © {escape(tour.AUTHOR)}, {_link(tour.BLOG_URL, 'kexue.fm')}, licensed "
            f"{_link(tour.LICENCE_URL, tour.LICENCE)}. The workbench shows only its own summaries "
            "and links to the originals; it is not affiliated with the author.",
            factor=0.9, rich=True, muted=True))

        layout.addSpacing(6)
        layout.addWidget(_label("The tour", factor=1.3, bold=True))
        self.cards = [TourCardWidget(card, card.topic_id in self.built_topics, self.openTopic)
                      for card in tour.TOUR]
        self.grid = CardGrid(self.cards)
        layout.addWidget(self.grid)

        layout.addSpacing(10)
        layout.addWidget(_label("Timeline of the blog", factor=1.3, bold=True))
        self.timeline = TimelineRibbon()
        layout.addWidget(self.timeline)

        layout.addSpacing(6)
        layout.addWidget(_label("The next thousand", factor=1.3, bold=True))
        self.calculator = ThousandCalculator()
        layout.addWidget(self.calculator)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("startPageScroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def card_widget(self, topic_id: str | None) -> TourCardWidget:
        """The card of a topic (``None``: the 1000th article's card)."""
        return next(widget for widget in self.cards if widget.card.topic_id == topic_id)
