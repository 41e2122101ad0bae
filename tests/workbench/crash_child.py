"""A window that sets rope's ω, lets the steady shape solve, autosaves, says SAVED and waits to be
killed (``test_autosave``).  Run as ``python -m tests.workbench.crash_child``."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.shell.main_window import MainWindow  # noqa: E402

OMEGA = 7.25


def main() -> None:
    app = QApplication(sys.argv[:1])
    settings = QSettings(os.path.join(os.environ["WORKBENCH_STATE_DIR"], "wb.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.show()
    rope = window.panels["rope"]
    rope.set_params({**rope.params, "omega": OMEGA})

    def save_when_solved() -> None:
        if rope.controller.is_busy() or not rope.record.arrays or rope.record.params.get("omega") != OMEGA:
            QTimer.singleShot(50, save_when_solved)
            return
        window.autosave.save(wait=True)
        print("SAVED", window.autosave.folder.folder, flush=True)

    QTimer.singleShot(0, save_when_solved)
    app.exec()


if __name__ == "__main__":
    main()
