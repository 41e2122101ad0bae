"""Rope solves per second with the GUI live, vs the same solves headless (goal ≥ 45/s live).

A slider drag is simulated by a timer that changes ``omega`` on the panel at a mouse's event rate
(60 and 120 events/s asked; the loop handles what it can); each change starts a new generation in the worker, stale ones are dropped, and
every current solve is drawn by the repaint timer.  We count solves that reached the view per
second, and check that the last value of the drag is the one shown.
"""
from __future__ import annotations

import argparse
import os
import time


def run_loop(seconds: float) -> None:
    """Run the Qt event loop for a while, as the application does (timers, queued signals, paint)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    seconds = 0.5 if args.smoke else args.seconds
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    import engines.rope as rope
    from workbench.topics.rope import RopePanel

    app = QApplication.instance() or QApplication([])  # noqa: F841 (must exist while the panel lives)
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
    drawn: list[tuple[object, float]] = []
    view = panel.steady
    original_draw = view.draw

    def counting_draw():
        if view.latest is not None and (not drawn or drawn[-1][0] is not view.latest):
            drawn.append((view.latest, time.perf_counter()))
        original_draw()

    view.draw = counting_draw
    run_loop(1.0)
    results = {}
    for label, interval_ms in (("drag, 60 events/s asked", 16), ("drag, 120 events/s asked", 8)):
        drawn.clear()
        sent = [0]

        def send():
            panel.form.set_values({"omega": 5.0 + (sent[0] % 200) * 0.01}, emit=True)
            sent[0] += 1

        timer = QTimer(interval=interval_ms, timerType=Qt.TimerType.PreciseTimer, timeout=send)
        timer.start()
        t0 = time.perf_counter()
        run_loop(seconds)
        timer.stop()
        elapsed, last_sent = time.perf_counter() - t0, time.perf_counter()
        n_drawn = len(drawn)
        run_loop(0.3)
        last = drawn[-1][0]
        final_ok = abs((last.scalars["lambda"] * 9.81 / panel.params["length"]) ** 0.5 - panel.params["omega"]) < 1e-6
        results[label] = (sent[0] / elapsed, n_drawn / elapsed, final_ok, (drawn[-1][1] - last_sent) * 1e3)
    panel.shutdown()
    print(f"rope solves headless:            {headless_rate:8.1f} /s")
    for label, (events, solves, final_ok, latency) in results.items():
        print(f"{label:<25} solves drawn {solves:6.1f} /s  (events handled {events:5.1f} /s; last value drawn: "
              f"{'yes' if final_ok else 'NO'}, {max(latency, 0.0):5.1f} ms after the last event)")
    live = max(r[1] for r in results.values())
    print(f"ratio GUI-live / headless: {live / headless_rate:.3f}; goal ≥ 45 solves/s with the GUI live: "
          f"{'met' if live >= 45 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
