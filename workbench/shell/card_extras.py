"""What a start-page card shows besides text: a picture of its topic and its "Try this" presets.

Pictures are pre-rendered from the engines' own results (``scripts/render_card_pictures.py``) into
``resources/pictures/<topic>.png``, transparent, so they read on either theme.  Presets live in the
experiments' declarations, and importing an engine can take seconds (torch), so the catalogue reads
them in a worker thread after the page is shown; that also warms the imports a panel will need.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, QTimer, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from engines.registry import experiments

PICTURES_DIR = Path(__file__).resolve().parents[2] / "resources" / "pictures"


def picture_path(topic_id: str) -> Path:
    return PICTURES_DIR / f"{topic_id}.png"


class CardPicture(QWidget):
    """A picture as wide as the card, its aspect ratio kept."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.pixmap = QPixmap(str(path))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("what the panel shows, computed by its engine")

    def _aspect(self) -> float:
        size = self.pixmap.deviceIndependentSize()
        return size.height() / size.width() if not self.pixmap.isNull() and size.width() else 0.4

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return round(width * self._aspect())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(280, self.heightForWidth(280))

    def paintEvent(self, event) -> None:  # noqa: N802
        if self.pixmap.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        height = min(self.height(), self.heightForWidth(self.width()))
        painter.drawPixmap(QRectF(0, 0, self.width(), height), self.pixmap, QRectF(self.pixmap.rect()))
        painter.end()


class PresetCatalog(QObject):
    """Reads each topic's presets off the GUI thread; ``loaded(topic, entries)`` brings them back,
    ``entries`` being ``[(experiment_id, experiment_title, preset), …]`` in declaration order.

    The worker touches no Qt object: it only returns the entries, and a timer of this object
    collects them on the GUI thread, so a page closed mid-import leaves a harmless thread behind
    instead of a signal emitted on a deleted object.
    """

    loaded = Signal(str, object)

    def __init__(self, topics, parent: QObject | None = None):
        super().__init__(parent)
        self._topics = list(topics)
        self._futures: dict[str, Future] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._collect)

    def start(self) -> None:
        if self._futures or not self._topics:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="presets")
        self._futures = {topic: pool.submit(read_presets, topic) for topic in self._topics}
        pool.shutdown(wait=False)
        self._timer.start()

    def _collect(self) -> None:
        for topic, future in list(self._futures.items()):
            if future.done():
                del self._futures[topic]
                self.loaded.emit(topic, future.result() if future.exception() is None else [])
        if not self._futures:
            self._timer.stop()


def read_presets(topic: str) -> list:
    """``[(experiment_id, experiment_title, preset), …]`` of a topic (imports its engine)."""
    return [(e.id, e.title, preset) for e in experiments(topic) for preset in e.presets]


def preset_link(topic_id: str, experiment_id: str, name: str) -> str:
    """The href of a preset's link on a card."""
    return f"preset:{topic_id}/{experiment_id}/{name}"


def parse_preset_link(href: str) -> tuple[str, str, str] | None:
    if not href.startswith("preset:"):
        return None
    topic_id, experiment_id, name = href[len("preset:"):].split("/", 2)
    return topic_id, experiment_id, name

