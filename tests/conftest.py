"""Test set-up: a writable numba cache and an offscreen Qt platform before anything imports them.

Qt warnings (qWarning and friends) fail tests through pytest-qt's ``qt_log_level_fail`` in
pyproject.toml, so a warning printed by Qt during a test is an error, not noise.
"""
import os
import tempfile

import pytest

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(tempfile.gettempdir(), "ssw-test-numba-cache"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")



@pytest.fixture(autouse=True)
def _collect_garbage_in_the_gui_thread(request):
    """Qt tests collect cyclic garbage in the GUI thread only, as the application does
    (``workbench.shell.gui_gc``): a collection started in a worker thread can deadlock with Qt."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("qapp")
    from workbench.shell.gui_gc import GuiThreadCollector

    collector = GuiThreadCollector()
    yield
    collector.stop()
