"""The start page: the tour of the seed page's essays, the blog's timeline and a playful calculator.

It is also the panel of the 1000th article (kexue.fm/archives/7782), which has nothing to simulate.
Everything is drawn from palette roles so the light and dark themes both work; only the category
accents are fixed colours, used as thin strips, markers and translucent era bands.
"""
from __future__ import annotations

from collections.abc import Collection
from html import escape

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
    QSlider, QVBoxLayout, QWidget,
)

from workbench.shell import tour
from workbench.shell.card_extras import CardPicture, PresetCatalog, parse_preset_link, picture_path, preset_link
from workbench.shell.timeline_ribbon import TimelineRibbon, accent, scaled_font
from workbench.shell.tour import TourCard

_OPEN_BUTTON_QSS = (
    "QPushButton { background: #2f6fd6; color: #ffffff; border: none; border-radius: 5px;"
    " padding: 5px 16px; font-weight: 600; }"
    "QPushButton:hover { background: #3d7de6; }"
    "QPushButton:pressed { background: #2458b0; }"
    "QPushButton:focus { outline: none; border: 2px solid #9cc2ff; padding: 3px 14px; }"
)
MIN_CARD_WIDTH = 300
MAX_COLUMNS = 4


def _label(text: str, *, factor: float = 1.0, bold: bool = False, italic: bool = False,
           muted: bool = False, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if rich:
        label.setOpenExternalLinks(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setFont(scaled_font(label.font(), factor, bold=bold, italic=italic))
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text, quote=False)}</a>'


class TourCardWidget(QFrame):
    """One essay: titles, a picture of its panel, date · archive id · link, our summary, what its
    panel offers and its "Try this" presets (links that open the panel ready to go).

    ``open_button`` is the "Open" button for a built topic, ``None`` otherwise; ``status_label``
    then explains why there is none.  ``presets_label`` fills in when the presets are read.
    """

    presetChosen = Signal(str, str, str)  # topic, experiment id, preset name

    def __init__(self, card: TourCard, built: bool, open_topic: Signal, parent: QWidget | None = None):
        super().__init__(parent)
        self.card = card
        self.setObjectName(f"card_{card.topic_id or 'thousand'}")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 14, 12)
        layout.setSpacing(6)

        layout.addWidget(_label(card.title, factor=1.15, bold=True))
        self.picture: CardPicture | None = None
        if built and card.topic_id and picture_path(card.topic_id).is_file():
            self.picture = CardPicture(picture_path(card.topic_id))
            layout.addWidget(self.picture)
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
        self.presets_label = _label("", factor=0.95, rich=True)
        self.presets_label.setOpenExternalLinks(False)
        self.presets_label.linkActivated.connect(self._on_preset_link)
        self.presets_label.hide()
        layout.addWidget(self.presets_label)
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

    def set_presets(self, entries) -> None:
        """Show the presets (``[(experiment_id, experiment_title, preset), …]``) as links."""
        if not entries or self.card.topic_id is None:
            return
        links = [f'<a href="{escape(preset_link(self.card.topic_id, experiment_id, preset.name))}">'
                 f"{escape(preset.name, quote=False)}</a>" for experiment_id, _, preset in entries[:4]]
        self.presets_label.setText("<b>Try this:</b> " + " · ".join(links))
        self.presets_label.setToolTip("\n".join(f"{preset.name} ({title}): look for {preset.look_for}"
                                                for _, title, preset in entries[:4]))
        self.presets_label.show()

    def _on_preset_link(self, href: str) -> None:
        chosen = parse_preset_link(href)
        if chosen is not None:
            self.presetChosen.emit(*chosen)

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
        painter.fillRect(QRectF(rect.left(), rect.top(), 5, rect.height()), accent(self.card))
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
    """The workbench's start page. ``openTopic(topic_id)`` asks the main window to raise a panel;
    ``openPreset(topic_id, experiment_id, preset_name)`` to raise it with a preset applied."""

    openTopic = Signal(str)
    openPreset = Signal(str, str, str)

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
        for card in self.cards:
            card.presetChosen.connect(self.openPreset)
        self.grid = CardGrid(self.cards)
        self.presets = PresetCatalog(sorted(self.built_topics), self)
        self.presets.loaded.connect(self._show_presets)
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

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.presets.start()

    def changeEvent(self, event) -> None:  # noqa: N802
        """A rich-text label bakes the link colour in when its text is set: set it again when the
        theme changes, or the dark theme shows the light theme's dark-blue links."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            QTimer.singleShot(0, self._refresh_links)  # after every child has its new palette

    def _refresh_links(self) -> None:
        for label in self.findChildren(QLabel):
            if label.textFormat() == Qt.TextFormat.RichText:
                text = label.text()
                label.setText("")
                label.setText(text)

    def _show_presets(self, topic_id: str, entries) -> None:
        self.card_widget(topic_id).set_presets(entries)

    def card_widget(self, topic_id: str | None) -> TourCardWidget:
        """The card of a topic (``None``: the 1000th article's card)."""
        return next(widget for widget in self.cards if widget.card.topic_id == topic_id)
