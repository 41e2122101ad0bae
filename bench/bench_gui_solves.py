"""Rope solves per second with the GUI live, vs the same solves headless (goal ≥ 30/s live).

A slider drag is simulated by changing ``omega`` on the panel as fast as the event loop turns;
each change starts a new generation in the worker, stale ones are coalesced, and every finished
solve is drawn by the repaint timer.  We count solves that reached the view per second.
"""
from __future__ import annotations

import argparse
import os
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    seconds = 0.5 if args.smoke else args.seconds
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import engines.rope as rope
    from workbench.topics.rope import RopePanel

    app = QApplication.instance() or QApplication([])
    params = rope.PARAMS.defaults()
    rope.warm_up()
    rope.solve(params)
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        params["omega"] = 5.0 + (n % 200) * 0.01
        rope.solve(params)
        n += 1
    headless_rate = n / (time.perf_counter() - t0)

    panel = RopePanel("rope", rope)
    panel.resize(1400, 900)
    panel.show()
    drawn = []
    original_redraw = panel.redraw

    def counting_redraw():
        before = panel.latest
        original_redraw()
        if before is not None and (not drawn or drawn[-1] is not before):
            drawn.append(before)

    panel.redraw = counting_redraw
    t0, i = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        panel.form.set_values({"omega": 5.0 + (i % 200) * 0.01}, emit=True)
        i += 1
        app.processEvents()
    elapsed = time.perf_counter() - t0
    gui_rate = len(drawn) / elapsed
    panel.shutdown()
    print(f"rope solves headless:        {headless_rate:8.1f} /s")
    print(f"rope solves drawn, GUI live: {gui_rate:8.1f} /s  (slider events sent: {i / elapsed:.0f} /s)")
    print(f"ratio GUI-live / headless:   {gui_rate / headless_rate:8.3f}   goal: GUI ≥ 30 solves/s -> "
          f"{'met' if gui_rate >= 30 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
