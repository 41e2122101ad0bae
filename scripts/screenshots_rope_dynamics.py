"""Drive the rope's live dynamics as a user would and save screenshots.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_rope_dynamics.py OUT_DIR

A hanging rope spun up slowly through λ1 (ω ramped at 0.15 rad/s², 8× real time), seen in the plots
and in 3-D (lab frame); then a skipping rope with its hands on 10 cm circles, without and with air
drag (g = 0, as in Aristoff & Stone), in the plots and in 3-D, with its hands on the axis (it slips),
and with gravity across the axis (a real skipping rope: only quasi-steady).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widgets.gl_view import grab_with_gl  # noqa: E402
from screenshots import open_window, settle  # noqa: E402 - the sibling script (its folder is on sys.path)


def run_until(app, panel, simulated: float, limit_s: float = 120.0) -> None:
    """Let the simulation reach ``simulated`` seconds (the GUI keeps drawing meanwhile)."""
    chain = panel.page("dynamics")
    started, generation = time.monotonic(), chain.controller.generation
    while time.monotonic() - started < limit_s and (chain.record.generation < generation or
                                                    panel.chain.dynamics.scalars.get("t", 0.0) < simulated):
        settle(app, 0.05)


def grab(app, window, out_dir: Path, name: str) -> None:
    settle(app, 0.3)
    grab_with_gl(window).save(str(out_dir / f"{name}.png"))


def main(out: str) -> None:
    app, window, out_dir = open_window(out, topic="rope")
    panel = window.panels["rope"]
    chain, view = panel.show_page("dynamics"), panel.chain
    chain.transport.set_speed(8.0, emit=True)
    base = {**chain.schema.defaults(), "duration": 600.0}
    chain.set_values({**base, "omega": 2.0, "omega_ramp": 0.15, "beads": 40}, "spin-up")
    chain.play()
    run_until(app, panel, 11.0)
    grab(app, window, out_dir, "dyn_hanging_below_lambda1")
    run_until(app, panel, 30.0)
    grab(app, window, out_dir, "dyn_hanging_spun_up")
    chain.set_values({"frame": "lab"}, "lab frame")
    view.tabs.setCurrentWidget(view.page3d)
    settle(app, 1.5)
    grab(app, window, out_dir, "dyn_hanging_3d_lab")
    view.tabs.setCurrentIndex(0)
    skipping = {**base, "ends": "skipping", "omega": 12.0, "hand_radius": 0.1, "beads": 60, "damping": 1.0,
                "gravity": 0.0}
    chain.set_values(skipping, "skipping rope")
    run_until(app, panel, 20.0)
    grab(app, window, out_dir, "dyn_skipping_no_drag")
    chain.set_values({"drag": 0.2}, "drag on")
    run_until(app, panel, 40.0)
    grab(app, window, out_dir, "dyn_skipping_drag")
    view.tabs.setCurrentWidget(view.page3d)
    settle(app, 1.5)
    grab(app, window, out_dir, "dyn_skipping_drag_3d")
    chain.set_values({**skipping, "drag": 0.2, "hand_radius": 0.0}, "hands on the axis")
    view.tabs.setCurrentIndex(0)
    run_until(app, panel, 25.0)
    grab(app, window, out_dir, "dyn_skipping_drag_hands_on_axis")
    chain.set_values({**skipping, "drag": 0.05, "gravity": 9.81}, "with gravity across the axis")
    run_until(app, panel, 20.0)
    grab(app, window, out_dir, "dyn_skipping_gravity")
    window.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshots_rope_dynamics")
