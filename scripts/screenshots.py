"""Drive the workbench as a user would and save screenshots (run under Xvfb for the 3-D view).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py OUT_DIR

Opens the main window, shows the start page, then each rope scenario and the 3-D view, waiting
for the worker's results before each grab.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from widgets.gl_view import grab_with_gl  # noqa: E402
from workbench.shell.main_window import MainWindow  # noqa: E402

SCENARIOS = {
    "hanging": {"scenario": "hanging", "omega": 6.0},
    "hanging_mode2": {"scenario": "hanging", "omega": 12.0, "mode": 2},
    "hanging_rod": {"scenario": "hanging", "omega": 4.0, "top_radius": 0.3},
    "troposkein": {"scenario": "troposkein", "length": 2.7, "span": 0.6},
    "jump": {"scenario": "jump", "length": 2.7, "span": 0.6, "omega": 12.566},
    "su_original": {"scenario": "su_original", "omega": 2.0, "gravity": 3.0, "length": 0.5, "c1": 1.0},
}


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def open_window(out: str, theme: str = "light", topic: str | None = None):
    """(app, window, output folder): a 1600×1000 main window with its settings kept in the folder,
    OpenGL contexts shared as the app does, and ``topic``'s panel raised when given."""
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    from widgets import share_opengl_contexts

    share_opengl_contexts()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(settings=QSettings(str(out_dir / "settings.ini"), QSettings.Format.IniFormat), theme=theme)
    window.resize(1600, 1000)
    window.show()
    if topic:
        window.show_topic(topic)
    return app, window, out_dir


def main(out: str, theme: str = "light") -> None:
    app, window, out_dir = open_window(out, theme)
    settle(app, 1.0)
    grab_with_gl(window).save(str(out_dir / "start.png"))
    window.show_topic("rope")
    panel = window.panels["rope"]
    for name, values in SCENARIOS.items():
        panel.set_params({**panel.schema.defaults(), **values}, f"screenshot {name}")
        settle(app, 1.5)
        grab_with_gl(window).save(str(out_dir / f"rope_{name}.png"))
    panel.set_params({**panel.schema.defaults(), "scenario": "hanging", "omega": 6.0, "top_radius": 0.2})
    panel.steady.tabs.setCurrentWidget(panel.steady.page3d)
    settle(app, 2.0)
    grab_with_gl(window).save(str(out_dir / "rope_3d.png"))
    window.close()
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screens", *(sys.argv[2:3]))
