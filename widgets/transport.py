"""Transport controls for a simulation run: play, pause, single step, stop, reset and speed.

The bar only reports clicks; the application owns the run and tells the bar its state, so the
buttons can never disagree with what the run is actually doing.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

STATES = ("idle", "running", "paused", "finished")
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)

_SP = QtWidgets.QStyle.StandardPixmap
_BUTTONS = (
    ("play", "Play", _SP.SP_MediaPlay, "start or resume the run"),
    ("pause", "Pause", _SP.SP_MediaPause, "pause the run"),
    ("step", "Step", _SP.SP_MediaSkipForward, "advance one step"),
    ("stop", "Stop", _SP.SP_MediaStop, "stop the run, keeping its results"),
    ("reset", "Reset", _SP.SP_BrowserReload, "discard the run and start over"),
)
_ENABLED = {
    "idle": {"play", "step", "reset"},
    "running": {"pause", "stop", "reset"},
    "paused": {"play", "step", "stop", "reset"},
    "finished": {"play", "reset"},
}


def _tinted(icon: QtGui.QIcon, size: QtCore.QSize, color: QtGui.QColor, dpr: float) -> QtGui.QPixmap:
    """The icon's shape (its alpha) filled with one colour."""
    pixmap = icon.pixmap(size, dpr)
    painter = QtGui.QPainter(pixmap)
    painter.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), color)
    painter.end()
    return pixmap


def _speed_text(speed: float) -> str:
    return f"{speed:g}×"


class TransportBar(QtWidgets.QWidget):
    """Tool buttons and a speed combo in one row.

    ``set_state`` enables the buttons that make sense: idle → play / step / reset; running →
    pause / stop / reset; paused → play / step / stop / reset; finished → play / reset.
    """

    playClicked = QtCore.Signal()
    pauseClicked = QtCore.Signal()
    stepClicked = QtCore.Signal()
    stopClicked = QtCore.Signal()
    resetClicked = QtCore.Signal()
    speedChanged = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._buttons: dict[str, QtWidgets.QToolButton] = {}
        self._hints: dict[str, str] = {}
        self._state = "idle"
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        signals = {"play": self.playClicked, "pause": self.pauseClicked, "step": self.stepClicked,
                   "stop": self.stopClicked, "reset": self.resetClicked}
        for name, text, pixmap, _ in _BUTTONS:
            button = QtWidgets.QToolButton(self)
            button.setObjectName(f"transport_{name}")
            button.setText(text)
            button.setAutoRaise(True)
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.clicked.connect(signals[name])
            layout.addWidget(button)
            self._buttons[name] = button
        layout.addSpacing(8)
        self._speed_label = QtWidgets.QLabel("Speed")
        layout.addWidget(self._speed_label)
        self._speed = QtWidgets.QComboBox(self)
        self._speed.setObjectName("transport_speed")
        for s in SPEEDS:
            self._speed.addItem(_speed_text(s), s)
        self._speed.setCurrentIndex(SPEEDS.index(1.0))
        self._speed.setToolTip("Simulation speed relative to real time")
        self._speed.currentIndexChanged.connect(lambda _: self.speedChanged.emit(self.speed()))
        layout.addWidget(self._speed)
        layout.addStretch(1)
        self._update_tooltips()
        self._update_icons()
        self.set_state("idle")

    def changeEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802
        if event.type() in (QtCore.QEvent.Type.PaletteChange, QtCore.QEvent.Type.StyleChange):
            self._update_icons()
        super().changeEvent(event)

    def _update_icons(self) -> None:
        """Style icons tinted with the palette's text colour: Fusion's media icons are black and
        vanish on a dark theme, and the one coloured reload icon looked out of place."""
        palette = self.palette()
        normal = palette.color(QtGui.QPalette.ColorGroup.Active, QtGui.QPalette.ColorRole.ButtonText)
        disabled = QtGui.QColor(normal)
        disabled.setAlphaF(0.35)
        for name, _, pixmap, _ in _BUTTONS:
            button = self._buttons[name]
            base = self.style().standardIcon(pixmap)
            size = button.iconSize()
            icon = QtGui.QIcon()
            icon.addPixmap(_tinted(base, size, normal, self.devicePixelRatioF()), QtGui.QIcon.Mode.Normal)
            icon.addPixmap(_tinted(base, size, disabled, self.devicePixelRatioF()), QtGui.QIcon.Mode.Disabled)
            button.setIcon(icon)

    def button(self, action_name: str) -> QtWidgets.QToolButton:
        """The tool button for "play", "pause", "step", "stop" or "reset"."""
        return self._buttons[action_name]

    def set_shortcut_hint(self, action_name: str, text: str) -> None:
        """Show a keyboard shortcut (e.g. "Space") in the button's tooltip; the app owns the key."""
        if action_name not in self._buttons:
            raise KeyError(f"unknown transport action {action_name!r}; known: {', '.join(self._buttons)}")
        self._hints[action_name] = text
        self._update_tooltips()

    def set_state(self, state: str) -> None:
        if state not in _ENABLED:
            raise ValueError(f"unknown transport state {state!r}; expected one of {', '.join(STATES)}")
        self._state = state
        for name, button in self._buttons.items():
            button.setEnabled(name in _ENABLED[state])

    def state(self) -> str:
        return self._state

    def speed(self) -> float:
        return float(self._speed.currentData())

    def set_speeds(self, speeds) -> None:
        """Offer these speeds instead (e.g. 1× to 120× for a pan that heats for minutes)."""
        blocked = self._speed.blockSignals(True)
        self._speed.clear()
        for s in speeds:
            self._speed.addItem(_speed_text(s), float(s))
        self._speed.blockSignals(blocked)

    def set_speed(self, speed: float, emit: bool = False) -> None:
        """Select the listed speed nearest to ``speed``."""
        listed = [float(self._speed.itemData(i)) for i in range(self._speed.count())]
        index = min(range(len(listed)), key=lambda i: abs(listed[i] - speed))
        blocked = self._speed.blockSignals(not emit)
        self._speed.setCurrentIndex(index)
        self._speed.blockSignals(blocked)

    def _update_tooltips(self) -> None:
        for name, text, _, what in _BUTTONS:
            hint = f" ({self._hints[name]})" if self._hints.get(name) else ""
            self._buttons[name].setToolTip(f"{text}{hint}: {what}")
