"""Python's cyclic garbage collector, run in the GUI thread only.

pyqtgraph's items form reference cycles, so Qt objects are often freed by the cyclic collector, and
that collector runs in whichever thread crosses its allocation threshold.  In a worker thread (an
engine generator in the run controller) it then finalises Qt objects off the GUI thread; a test run
was seen to deadlock that way (the worker, holding the GIL, waited for a Qt lock that the GUI thread
held while it waited for the GIL).  So automatic collection is switched off and a timer in the GUI
thread collects instead — pyqtgraph's own recipe (``pyqtgraph.util.garbage_collector``), with a
``stop`` that restores the collector.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

INTERVAL_MS = 1000


class GuiThreadCollector:
    def __init__(self, interval_ms: int = INTERVAL_MS):
        self._was_enabled = gc.isenabled()
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer()
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds (what gc would have done)."""
        counts = gc.get_count()
        generation = -1
        for i, (count, threshold) in enumerate(zip(counts, self._threshold)):
            if count > threshold:
                generation = i
            else:
                break
        if generation >= 0:
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
