"""TransportBar: buttons follow the run state, clicks and speed changes are reported."""
from __future__ import annotations

import pytest
from PySide6 import QtCore

from widgets.transport import SPEEDS, TransportBar

ACTIONS = ("play", "pause", "step", "stop", "reset")


@pytest.fixture
def bar(qtbot):
    b = TransportBar()
    qtbot.addWidget(b)
    return b


def enabled(bar):
    return {name for name in ACTIONS if bar.button(name).isEnabled()}


@pytest.mark.parametrize("state, expected", [
    ("idle", {"play", "step", "reset"}),
    ("running", {"pause", "stop", "reset"}),
    ("paused", {"play", "step", "stop", "reset"}),
    ("finished", {"play", "reset"}),
])
def test_states_enable_sensible_buttons(bar, state, expected):
    bar.set_state(state)
    assert bar.state() == state
    assert enabled(bar) == expected


def test_initial_state_is_idle(bar):
    assert enabled(bar) == {"play", "step", "reset"}


def test_unknown_state_rejected(bar):
    with pytest.raises(ValueError, match="running"):
        bar.set_state("exploded")


@pytest.mark.parametrize("action", ACTIONS)
def test_each_button_emits_its_signal(bar, qtbot, action):
    bar.set_state("paused" if action != "pause" else "running")
    with qtbot.waitSignal(getattr(bar, f"{action}Clicked"), timeout=1000):
        qtbot.mouseClick(bar.button(action), QtCore.Qt.MouseButton.LeftButton)


def test_disabled_button_emits_nothing(bar, qtbot):
    bar.set_state("running")
    with qtbot.assertNotEmitted(bar.playClicked):
        qtbot.mouseClick(bar.button("play"), QtCore.Qt.MouseButton.LeftButton)


def test_speed_combo(bar, qtbot):
    assert bar.speed() == 1.0
    combo = bar.findChild(type(bar._speed), "transport_speed")
    assert [combo.itemData(i) for i in range(combo.count())] == list(SPEEDS)
    with qtbot.waitSignal(bar.speedChanged, timeout=1000) as blocker:
        combo.setCurrentIndex(SPEEDS.index(4.0))
    assert blocker.args == [4.0] and bar.speed() == 4.0
    with qtbot.assertNotEmitted(bar.speedChanged):
        bar.set_speed(0.3)
    assert bar.speed() == 0.25


def test_shortcut_hint_in_tooltip(bar):
    assert bar.button("play").toolTip().startswith("Play")
    bar.set_shortcut_hint("play", "Space")
    assert "(Space)" in bar.button("play").toolTip()
    assert not bar.button("play").icon().isNull()
    with pytest.raises(KeyError):
        bar.set_shortcut_hint("rewind", "R")


def test_icons_follow_the_palette(bar):
    """Fusion's media icons are black; on a dark theme they are re-tinted with the text colour."""
    from PySide6 import QtGui

    def brightest(button):
        img = button.icon().pixmap(button.iconSize()).toImage()
        return max(QtGui.QColor(img.pixel(x, y)).lightness()
                   for x in range(img.width()) for y in range(img.height())
                   if QtGui.QColor.fromRgba(img.pixel(x, y)).alpha() > 128)

    dark = QtGui.QPalette(bar.palette())
    dark.setColor(QtGui.QPalette.ColorRole.ButtonText, QtGui.QColor("#e3e6ea"))
    bar.setPalette(dark)
    assert brightest(bar.button("play")) > 200
    light = QtGui.QPalette(bar.palette())
    light.setColor(QtGui.QPalette.ColorRole.ButtonText, QtGui.QColor("#1f2328"))
    bar.setPalette(light)
    assert brightest(bar.button("play")) < 80
