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
# Autosave and the last session go to a folder of the test run, never to the user's state folder.
os.environ.setdefault("WORKBENCH_STATE_DIR", tempfile.mkdtemp(prefix="ssw-test-state-"))

from hypothesis import settings  # noqa: E402

# Property-based tests: the same examples on every CI run (a red CI names a real regression, not a
# lucky draw); HYPOTHESIS_PROFILE=explore searches afresh with many more examples.
settings.register_profile("ci", max_examples=50, derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("explore", max_examples=1000, deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))



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
