"""Cold start: from a fresh interpreter to the first paint of the main window (goal ≤ 2.5 s with
warm caches), against building every panel at start-up (what the window did before panels were
built on first need), and the memory with every panel open (goal < 1 GiB).

Each sample is a child process (``python -c``) started by this one; the wall time runs from just
before the child is spawned to the child's report of the window's first Paint event, so it counts
the interpreter, the imports, the window and the paint, as ``main.py`` does.  The median of
``--repeat`` runs is printed (the first, which fills the OS file cache, is dropped).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import os, resource, sys, time
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
from widgets import share_opengl_contexts
from workbench.shell.main_window import MainWindow

EAGER, ALL = sys.argv[1] == "eager", sys.argv[2] == "all"
share_opengl_contexts()
pg.setConfigOptions(antialias=True)
app = QApplication(sys.argv[:1])


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "done"):
            self.done = time.time()
            print("painted", self.done, flush=True)
            QTimer.singleShot(0, finish)
        return False


def finish():
    if ALL:
        for topic in window.panels.topics:
            window.show_topic(topic)
            app.processEvents()
    print("rss_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
    window.close()
    app.quit()


window = MainWindow(settings=QSettings(os.path.join(os.environ["WORKBENCH_STATE_DIR"], "b.ini"),
                                       QSettings.Format.IniFormat))
if EAGER:
    for topic in window.panels.topics:
        window.panels[topic]
paint = FirstPaint()
window.installEventFilter(paint)
window.show()
app.exec()
"""


def sample(mode: str, panels: str) -> tuple[float, float]:
    """(seconds to the first paint, peak RSS in MiB) of one child."""
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "WORKBENCH_STATE_DIR": state}
        started = time.time()
        done = subprocess.run([sys.executable, "-c", CHILD, mode, panels], cwd=ROOT, env=env, text=True,
                              capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    values = dict(line.split() for line in done.stdout.splitlines() if line.split()[0] in ("painted", "rss_mib"))
    return float(values["painted"]) - started, float(values["rss_mib"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = 1 if args.smoke else args.repeat
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
    if not args.smoke:
        sample("lazy", "none")  # fills the file cache
    lazy = [sample("lazy", "none")[0] for _ in range(repeat)]
    eager = [sample("eager", "none")[0] for _ in range(repeat)]
    _, rss_all = sample("lazy", "all")
    t_lazy, t_eager = statistics.median(lazy), statistics.median(eager)
    print(f"first paint of the main window: {t_lazy:.2f} s (panels built on first need; goal ≤ 2.5 s), "
          f"{t_eager:.2f} s building every panel first: {t_eager / t_lazy:.1f}× faster "
          f"(median of {repeat}, platform {os.environ['QT_QPA_PLATFORM']})")
    print(f"peak memory with every panel open: {rss_all:.0f} MiB (goal < 1024)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
