"""ProgressEta and format_eta: percent, remaining time, busy mode and the final message."""
from __future__ import annotations

import pytest

from widgets.progress_eta import ProgressEta, format_duration, format_eta


@pytest.mark.parametrize("elapsed, fraction, expected", [
    (10.0, 0.5, "50 % · ETA 0:10"),
    (12.0, 0.37, "37 % · ETA 0:21"),
    (0.0, 0.0, "0 % · ETA –:––"),
    (5.0, 0.0, "0 % · ETA –:––"),
    (30.0, 1.0, "100 % · ETA 0:00"),
    (30.0, 0.999, "99 % · ETA 0:01"),
    (100.0, 0.025, "2 % · ETA 1:05:00"),
    (3.0, 1.7, "100 % · ETA 0:00"),
    (3.0, -0.2, "0 % · ETA –:––"),
    (3.0, float("nan"), "0 % · ETA –:––"),
])
def test_format_eta(elapsed, fraction, expected):
    assert format_eta(elapsed, fraction) == expected


def test_format_duration():
    assert format_duration(0) == "0:00"
    assert format_duration(59.2) == "1:00"
    assert format_duration(61) == "1:01"
    assert format_duration(3600 * 2 + 5) == "2:00:05"


class FakeClock:
    def __init__(self, t: float = 100.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock_and_widget(qtbot):
    clock = FakeClock()
    w = ProgressEta(clock=clock)
    qtbot.addWidget(w)
    return clock, w


def test_progress_with_eta(clock_and_widget):
    clock, w = clock_and_widget
    w.start()
    clock.t += 10.0
    w.update_progress(0.5)
    assert w.text() == "50 % · ETA 0:10"
    bar = w.progress_bar
    assert bar.value() == pytest.approx(bar.maximum() / 2, abs=1)


def test_busy_mode_when_fraction_unknown(clock_and_widget):
    clock, w = clock_and_widget
    w.start()
    clock.t += 7.0
    w.update_progress(None)
    assert w.progress_bar.maximum() == 0
    assert w.text() == "running… 0:07"
    w.update_progress(0.25)
    assert w.progress_bar.maximum() > 0


def test_finish_and_reset(clock_and_widget):
    clock, w = clock_and_widget
    w.start()
    clock.t += 3.2
    w.finish()
    assert w.text() == "done in 3.2 s"
    assert w.progress_bar.value() == w.progress_bar.maximum()
    w.reset()
    assert w.text() == "" and w.progress_bar.value() == 0
    w.start()
    w.finish("stopped at step 40")
    assert w.text() == "stopped at step 40"


def test_update_without_start_starts_the_clock(clock_and_widget):
    clock, w = clock_and_widget
    w.update_progress(0.1)
    clock.t += 9.0
    w.update_progress(0.1 + 0.9 / 2)
    assert w.text().startswith("55 % · ETA 0:0")
