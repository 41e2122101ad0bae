"""Test set-up: a writable numba cache and an offscreen Qt platform before anything imports them.

Qt warnings (qWarning and friends) fail tests through pytest-qt's ``qt_log_level_fail`` in
pyproject.toml, so a warning printed by Qt during a test is an error, not noise.
"""
import os
import tempfile

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(tempfile.gettempdir(), "ssw-test-numba-cache"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")

