"""The GUI-thread collector: automatic collection is off while it runs, its timer collects cycles,
and stopping it restores the collector."""
import gc
import threading
import weakref

from workbench.shell.gui_gc import GuiThreadCollector


class _Cycle:
    def __init__(self):
        self.me = self


def test_cycles_are_collected_by_the_gui_thread_timer_not_automatically(qtbot):
    # (the autouse conftest fixture already runs one collector; this test checks a second, short one)
    collector = GuiThreadCollector(interval_ms=20)
    assert not gc.isenabled()
    finalised = threading.Event()
    for _ in range(3000):  # enough allocations to pass generation 0's threshold
        c = _Cycle()
    weakref.finalize(c, finalised.set)
    del c
    qtbot.waitUntil(finalised.is_set, timeout=3000)
    collector.stop()


def test_stop_restores_the_automatic_collector(qapp):
    was = gc.isenabled()  # off here: the autouse fixture's collector runs
    gc.enable()
    try:
        collector = GuiThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
