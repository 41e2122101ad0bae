"""Drive the batchnorm panel as a user would and save screenshots of every view.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_batchnorm.py OUT_DIR [STEPS]

Trains A = none vs B = bn (probes and surfaces), then A = none vs B = center, grabs a surface while it
is still filling, runs the ICS and noisy-BN tabs and a small learning-rate sweep, and grabs every tab.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from widgets.gl_view import grab_with_gl  # noqa: E402
from screenshots import open_window, settle  # noqa: E402 - the sibling script (its folder is on sys.path)
from screenshots_vae_ib import train, wait_for  # noqa: E402


def grab(app, window, out_dir: Path, name: str, pause: float = 0.6) -> None:
    settle(app, pause)
    grab_with_gl(window).save(str(out_dir / f"{name}.png"))


def main(out: str, steps: int = 300) -> None:
    app, window, out_dir = open_window(out, topic="batchnorm")
    panel = window.panels["batchnorm"]
    tabs, pair = panel.tabs, panel.pair
    train(app, panel, {"variant_a": "none", "variant_b": "bn", "steps": steps, "surface_resolution": 41})
    pair.view_tabs.setCurrentWidget(pair.probes)
    grab(app, window, out_dir, "probes_none_vs_bn")
    pair.view_tabs.setCurrentWidget(pair.surface)
    grab(app, window, out_dir, "surface_none_vs_bn")
    pair.surface.three_d.setChecked(True)
    grab(app, window, out_dir, "surface_none_vs_bn_3d", 1.5)
    pair.surface.three_d.setChecked(False)
    panel.set_params({**panel.schema.defaults(), "variant_a": "none", "variant_b": "center", "steps": steps,
                      "surface_resolution": 51, "surface_plane": "gradient_random"}, "screenshot run")
    panel.play()
    wait_for(app, lambda: "loss surface of A" in panel.main.status.text() or not panel.controller.is_busy())
    grab(app, window, out_dir, "surface_filling", 0.3)
    wait_for(app, lambda: not panel.controller.is_busy())
    grab(app, window, out_dir, "surface_none_vs_center")
    pair.view_tabs.setCurrentWidget(pair.probes)
    grab(app, window, out_dir, "probes_none_vs_center")
    for name in ("descent", "neuron", "projection"):
        tabs.setCurrentWidget(panel.page(name))
        grab(app, window, out_dir, name, 2.0)
    for view, name in ((panel.page("ics"), "ics"), (panel.page("noisy"), "noisy")):
        tabs.setCurrentWidget(view)
        view.start()
        settle(app, 1.0)
        wait_for(app, lambda: not view.controller.is_busy())
        grab(app, window, out_dir, name)
    panel.set_params({**panel.schema.defaults(), "steps": 200}, "sweep base")
    panel.sweep.set_sweep_values({"sweep_values": "0.05, 0.2, 0.5, 1, 2", "sweep_seeds": "0",
                                  "sweep_variants": "none, bn, center"})
    tabs.setCurrentWidget(panel.sweep)
    panel.sweep.start()
    settle(app, 1.0)
    wait_for(app, lambda: not panel.sweep.is_running())
    grab(app, window, out_dir, "sweep")
    window.close()
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screens", *(int(a) for a in sys.argv[2:3]))
