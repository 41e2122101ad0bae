"""Start the GUI: ``python main.py [--topic ID]``."""
from __future__ import annotations

import argparse
import os
import sys
import threading
from typing import Sequence

from engines.registry import TOPIC_IDS, built_topics, load_engine


def warm_up_kernels() -> threading.Thread:
    """Compile / load every engine's numba kernels in the background, never on the first click."""

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
    parser = argparse.ArgumentParser(prog="main.py", description="Open the Scientific Spaces Workbench")
    parser.add_argument("--topic", choices=TOPIC_IDS, help="raise this topic's panel")
    parser.add_argument("--theme", choices=("light", "dark"))
    args = parser.parse_args(list(argv))
    if args.topic and args.topic not in built_topics():
        print(f"error: topic {args.topic!r} is not built yet; built: {', '.join(built_topics())}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    from widgets import share_opengl_contexts
    from workbench.main_window import MainWindow

    share_opengl_contexts()  # before the QApplication: several 3-D views, floating docks (pyqtgraph #1822)
    pg.setConfigOptions(antialias=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Scientific Spaces Workbench")
    app.setOrganizationName("ScientificSpaces")
    warm_up_kernels()
    window = MainWindow(settings=make_settings(), theme=args.theme)
    if args.topic:
        window.show_topic(args.topic)
    window.show()
    return app.exec()
