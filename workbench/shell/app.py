"""Start the GUI: ``python main.py [--topic ID]``."""
from __future__ import annotations

import os
import sys
import threading
import time
from typing import Sequence

from engines.registry import built_topics, load_engine


SCREENSHOT_DELAY_MS = 300  # after the panels settle: two repaint ticks and a paint
SCREENSHOT_TIMEOUT_S = 60
WARM_UP_DELAY_MS = 500


def warm_up_kernels() -> threading.Thread:
    """Import every engine (torch with them) and compile / load their numba kernels in the
    background, so the first click on a topic builds only its widgets."""

    def work() -> None:
        for topic in built_topics():
            warm = getattr(load_engine(topic), "warm_up", None)
            if warm is not None:
                warm()

    thread = threading.Thread(target=work, name="numba-warm-up", daemon=True)
    thread.start()
    return thread


def make_settings():
    """QSettings; ``WORKBENCH_SETTINGS_DIR`` puts them in an INI file there (tests, portable use)."""
    from PySide6.QtCore import QSettings

    folder = os.environ.get("WORKBENCH_SETTINGS_DIR")
    if folder:
        return QSettings(os.path.join(folder, "workbench.ini"), QSettings.Format.IniFormat)
    return QSettings("ScientificSpaces", "Workbench")


def launch(argv: Sequence[str]) -> int:
    from workbench.cli import gui_parser

    args = gui_parser().parse_args(list(argv))
    if args.topic and args.topic not in built_topics():
        print(f"error: topic {args.topic!r} is not built yet; built: {', '.join(built_topics())}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    from widgets import share_opengl_contexts
    from widgets.gl_view import grab_with_gl
    from workbench.shell.main_window import MainWindow

    share_opengl_contexts()  # before the QApplication: several 3-D views, floating docks (pyqtgraph #1822)
    pg.setConfigOptions(antialias=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Scientific Spaces Workbench")
    app.setOrganizationName("ScientificSpaces")
    from workbench.shell.gui_gc import GuiThreadCollector

    collector = GuiThreadCollector()  # noqa: F841 - kept alive for the application's lifetime
    window = MainWindow(settings=make_settings(), theme=args.theme)
    if args.topic:
        window.show_topic(args.topic)
    window.show()
    from PySide6.QtCore import QTimer

    warm_up: list[threading.Thread] = []
    QTimer.singleShot(WARM_UP_DELAY_MS, lambda: warm_up.append(warm_up_kernels()))  # after the first paint
    if args.screenshot:
        from PySide6.QtCore import QTimer

        started = time.monotonic()

        def shoot() -> None:
            settled = all(not h.controller.is_busy() and (h.record.recorded or not h.auto)
                          for p in window.panels.values() for h in p.pages)  # a run waits for Play
            if not settled and time.monotonic() - started < SCREENSHOT_TIMEOUT_S:
                QTimer.singleShot(200, shoot)
                return
            QTimer.singleShot(SCREENSHOT_DELAY_MS, lambda: save_and_quit(settled))

        def save_and_quit(settled: bool) -> None:
            ok = grab_with_gl(window).save(args.screenshot)
            state = "" if settled else " (panels still busy)"
            print(f"screenshot {'saved to ' + args.screenshot + state if ok else 'FAILED'}", file=sys.stderr)
            window.close()
            app.exit(0 if ok else 1)

        QTimer.singleShot(200, shoot)
    status = app.exec()
    for thread in warm_up:  # an import cut off by the interpreter's exit prints a traceback
        thread.join(timeout=30)
    return status
