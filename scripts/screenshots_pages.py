"""Click through every page of every topic as a user would and save a screenshot of each.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_pages.py OUT_DIR [light|dark] [TOPIC]

Each experiment page is shown; a run page is played with small values until it ends (the rope's
chain for a few simulated seconds), a sweep page sweeps two values, an instant page solves as it
is shown; the inner tabs of the main views are grabbed too.  One PNG per page:
``<topic>_<nn>_<page>.png``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widgets.gl_view import grab_with_gl  # noqa: E402
from screenshots import open_window, settle  # noqa: E402 - the sibling script (its folder is on sys.path)

SMALL = {
    ("vae_ib", "train"): {"epochs": 3, "eval_every": 10},
    ("batchnorm", "train"): {"steps": 60, "surface_resolution": 21},
    ("batchnorm", "ics"): {"steps": 60, "measure_every": 20},
    ("batchnorm", "noisy"): {"steps": 60, "record_every": 20},
    ("rope", "dynamics"): {"beads": 30, "omega": 8.0, "duration": 4.0},
    ("regularization", "conservation"): {"steps": 20_000, "record_every": 100},
    ("regularization", "race"): {"steps": 1500, "eval_every": 25},
    ("pg_zoo", "estimator"): {"estimates": 5000},
    ("pg_zoo", "classifier"): {"steps": 300},
    ("pg_zoo", "blackbox"): {"evaluations": 50_000},
    ("multitask", "arena"): {"steps": 300},
    ("multitask", "auxiliary"): {"noise_rate": 0.6, "steps": 3000},
    ("wok", "comparator"): {"duration": 240.0},
}
SWEEPS = {"vae_ib": {"sweep_values": "0, 1e-2", "sweep_seeds": "0", "backend": "sequential"},
          "batchnorm": {"sweep_values": "0.1, 2", "sweep_seeds": "0", "sweep_variants": "none, bn"},
          "pg_zoo": {"sweep_values": "logspace(-3, 0, 7)", "sweep_seeds": "0, 1, 2"},
          "wok": {"sweep_values": "500, 1000, 2000, 3000", "sweep_seeds": "0"},
          "regularization": {"sweep_values": "0, 1e-4, 1e-3, 1e-2, 1e-1", "sweep_seeds": "0, 1"},
          "rope": {"sweep_values": "linspace(1, 20, 20)", "sweep_seeds": "0"}}


def wait_until(app, done, limit: float = 300.0) -> None:
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        settle(app, 0.05)
    settle(app, 0.5)


def main(out: str, theme: str = "light", only: str = "") -> None:
    app, window, out_dir = open_window(out, theme)
    for topic in window.panels.topics:
        if only and topic != only:
            continue
        window.show_topic(topic)  # builds the panel
        panel = window.panels[topic]
        for index, host in enumerate(panel.pages):
            panel.tabs.setCurrentWidget(host)
            name = panel.tabs.tabText(index).split(":")[0].replace(" ", "_").replace("'", "").lower()
            if hasattr(host, "sweep_values"):
                host.set_sweep_values(SWEEPS[topic])
                base = panel.page(host.experiment_id)
                base.set_values(SMALL.get((topic, host.experiment_id), {}))
                host.start()
                wait_until(app, lambda: not host.is_running())
            elif not host.auto:
                host.set_values(SMALL.get((topic, host.experiment_id), {}))
                host.start()
                wait_until(app, lambda: not host.is_running())
            else:
                wait_until(app, lambda: host.last_frame() is not None, 20)
            grab_with_gl(window).save(str(out_dir / f"{topic}_{index}_{name}.png"))
            inner = getattr(host.view, "view_tabs", None) or getattr(host.view, "tabs", None)
            for tab in range(1, inner.count() if inner is not None else 0):
                inner.setCurrentIndex(tab)
                settle(app, 1.0)
                label = inner.tabText(tab).split(" ")[0].replace("-", "").lower()
                grab_with_gl(window).save(str(out_dir / f"{topic}_{index}_{name}_{tab}_{label}.png"))
            if inner is not None:
                inner.setCurrentIndex(0)
    window.close()
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screens", *(sys.argv[2:4]))
