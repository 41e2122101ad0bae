"""Drive the vae_ib panel as a user would and save screenshots of every view.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_vae_ib.py OUT_DIR [EPOCHS]

Trains a VIB (β = 1e-3, then β = 0 so the first run stays as a ghost), a VAE (K = 8, β = 0.1), and a
β sweep, waiting for each in the Qt event loop, then grabs the window with each tab raised.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from widgets.gl_view import grab_with_gl  # noqa: E402
from screenshots import open_window, settle  # noqa: E402 - the sibling script (its folder is on sys.path)


def wait_for(app: QApplication, done, limit: float = 600.0) -> None:
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    settle(app, 0.5)


def train(app, panel, values) -> None:
    panel.set_params({**panel.schema.defaults(), **values}, "screenshot run")
    panel.play()
    settle(app, 1.0)
    wait_for(app, lambda: not panel.controller.is_busy())


def grab_tabs(app, window, panel, out_dir: Path, prefix: str, tabs) -> None:
    view_tabs = panel.training.view_tabs
    for index in tabs:
        view_tabs.setCurrentIndex(index)
        settle(app, 0.6)
        name = view_tabs.tabText(index).split(" ")[0].lower()
        grab_with_gl(window).save(str(out_dir / f"{prefix}_{index}_{name}.png"))


def main(out: str, epochs: int = 60) -> None:
    app, window, out_dir = open_window(out, topic="vae_ib")
    panel = window.panels["vae_ib"]
    train(app, panel, {"model": "vib", "beta": 1e-3, "latent_dim": 2, "epochs": epochs, "eval_every": 50})
    train(app, panel, {"model": "vib", "beta": 0.0, "latent_dim": 2, "epochs": epochs, "eval_every": 50})
    grab_tabs(app, window, panel, out_dir, "vib", (0, 1, 2))
    train(app, panel, {"model": "vae", "beta": 0.1, "latent_dim": 8, "epochs": epochs, "eval_every": 90})
    grab_tabs(app, window, panel, out_dir, "vae", (0, 1, 3, 4))
    panel.set_params({**panel.schema.defaults(), "epochs": max(10, epochs // 2)}, "sweep base")
    panel.sweep.set_sweep_values({"sweep_values": "0, 1e-4, 1e-3, 1e-2, 0.1, 0.3, 1", "sweep_seeds": "0",
                                  "backend": "sequential"})
    panel.tabs.setCurrentWidget(panel.sweep)
    panel.sweep.start()
    settle(app, 1.0)
    wait_for(app, lambda: not panel.sweep.is_running())
    panel.sweep.error_check.setChecked(True)
    settle(app, 0.5)
    grab_with_gl(window).save(str(out_dir / "sweep.png"))
    panel.tabs.setCurrentWidget(panel.algebra)
    settle(app, 2.0)
    grab_with_gl(window).save(str(out_dir / "algebra.png"))
    window.close()
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screens", *(int(a) for a in sys.argv[2:3]))
