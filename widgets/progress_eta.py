"""A progress bar with an estimated time to completion, or a busy indicator for open-ended runs."""
from __future__ import annotations

import math
import time
from typing import Callable

from PySide6 import QtWidgets

_TICKS = 1000


def format_duration(seconds: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above (seconds rounded up so an ETA never shows 0:00 early)."""
    s = max(0, int(math.ceil(seconds - 1e-9)))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def format_eta(elapsed_s: float, fraction: float) -> str:
    """``"37 % · ETA 0:12"``: percent done (floored, so 100 % means done) and the remaining time
    extrapolated linearly, ``elapsed · (1 − f) / f``.  Before any progress the ETA is ``–:––``."""
    if not math.isfinite(fraction):
        fraction = 0.0
    f = min(max(fraction, 0.0), 1.0)
    percent = int(math.floor(f * 100 + 1e-9))
    if f <= 0.0 or elapsed_s <= 0.0:
        return f"{percent} % · ETA –:––"
    return f"{percent} % · ETA {format_duration(elapsed_s * (1.0 - f) / f)}"


def format_elapsed(seconds: float) -> str:
    """``"3.2 s"`` below a minute, ``"1:05"`` above."""
    return f"{seconds:.1f} s" if seconds < 60 else format_duration(seconds)


class ProgressEta(QtWidgets.QWidget):
    """Progress bar and a label: ``37 % · ETA 0:12``, ``running… 0:07`` or ``done in 3.2 s``.

    ``clock`` is injectable so tests control time; it defaults to :func:`time.monotonic`, which
    never jumps when the wall clock is adjusted.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(parent)
        self._clock = clock
        self._t0: float | None = None
        self._bar = QtWidgets.QProgressBar(self)
        self._bar.setRange(0, _TICKS)
        self._bar.setTextVisible(False)
        self._bar.setMaximumHeight(max(10, self.fontMetrics().height() - 2))
        self._label = QtWidgets.QLabel(self)
        self._label.setMinimumWidth(self.fontMetrics().horizontalAdvance("100 % · ETA 00:00:00") + 4)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(8)
        layout.addWidget(self._bar, 1)
        layout.addWidget(self._label)
        self.reset()

    @property
    def progress_bar(self) -> QtWidgets.QProgressBar:
        return self._bar

    def text(self) -> str:
        return self._label.text()

    def start(self) -> None:
        """Begin timing a run (the ETA is measured from here)."""
        self._t0 = self._clock()
        self._bar.setRange(0, _TICKS)
        self._bar.setValue(0)
        self._label.setText(format_eta(0.0, 0.0))

    def elapsed(self) -> float:
        return 0.0 if self._t0 is None else self._clock() - self._t0

    def update_progress(self, fraction: float | None) -> None:
        """Show progress ``fraction`` in [0, 1], or a busy indicator when it is None (open-ended)."""
        if self._t0 is None:
            self.start()
        if fraction is None:
            if self._bar.maximum() != 0:
                self._bar.setRange(0, 0)
            self._label.setText(f"running… {format_duration(self.elapsed())}")
            return
        if self._bar.maximum() == 0:
            self._bar.setRange(0, _TICKS)
        f = min(max(float(fraction), 0.0), 1.0) if math.isfinite(fraction) else 0.0
        self._bar.setValue(int(round(f * _TICKS)))
        self._label.setText(format_eta(self.elapsed(), f))

    def finish(self, text: str = "") -> None:
        """Fill the bar and show ``text``, or ``done in 3.2 s`` when none is given."""
        elapsed = self.elapsed()
        self._bar.setRange(0, _TICKS)
        self._bar.setValue(_TICKS)
        self._label.setText(text or f"done in {format_elapsed(elapsed)}")
        self._t0 = None

    def reset(self) -> None:
        """Back to an empty bar and a blank label."""
        self._t0 = None
        self._bar.setRange(0, _TICKS)
        self._bar.setValue(0)
        self._label.setText("")
