"""The rope's live simulation as the user sees it: frames drawn per second by the rope panel (goal
≥ 30 fps) while the dynamics scenario runs at N = 200 beads, at transport speed 1× and 8×, in the
Plots tab against the 3-D tab (only where an OpenGL context works, i.e. under Xvfb, not offscreen).

Per row, over ~4 s of wall time: frames in/s (from the worker), redraws/s (calls of the page view's
``draw`` by the host's 60 Hz repaint timer: the GUI frame rate), painted/s (paint events of the
rope-plane plot or GL view), median / 95th percentile ms in ``draw`` (painting comes after it), simulated s per wall s
against the speed asked, and the largest gap between ticks of a 10 ms timer in the GUI thread (a
frozen GUI shows as a big gap).  Comparison rows: the steady ``hanging`` scenario, ω dragged at 60
events/s (the panel before the dynamics).  Set up as the app is (shared GL contexts, antialiasing,
GUI-thread garbage collector).  Speed drifts by ±30 %; each row is one run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_rope_dynamics_gui [--smoke]
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m bench.bench_rope_dynamics_gui [--smoke]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.bench_gui_solves import run_loop

GOAL_FPS = 30.0


def opengl_works() -> bool:
    """A GL context can be made current, on a platform with QOpenGLWidget (offscreen has none)."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    context, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    return context.create() and surface.isValid() and context.makeCurrent(surface)


def measure(panel, host, seconds: float, shown, drag: bool = False) -> dict:
    """Run the loop for ``seconds`` and count what the page ``host`` drew meanwhile."""
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, watched, event):  # noqa: N802 - Qt API
            self.count += event.type() == QEvent.Type.Paint
            return False

    times, ticks, sent, frames = [], [], [0], [0]
    view = host.view
    original, take = view.draw, view.take

    def timed_redraw():
        t0 = time.perf_counter()
        original()
        times.append(time.perf_counter() - t0)

    def send():  # a slider drag of ω (the steady comparison)
        host.form.set_values({"omega": 5.0 + (sent[0] % 200) * 0.01}, emit=True)
        sent[0] += 1

    counter = PaintCounter()
    gl_window = hasattr(shown, "frameSwapped")  # a 3-D view: a QOpenGLWindow, counted by its swaps
    if gl_window:
        swapped = lambda: setattr(counter, "count", counter.count + 1)  # noqa: E731
        shown.frameSwapped.connect(swapped)
    else:
        shown.installEventFilter(counter)
    view.draw = timed_redraw
    view.take = lambda batch, params: (frames.__setitem__(0, frames[0] + len(batch)), take(batch, params))
    ticker = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer, timeout=lambda: ticks.append(time.perf_counter()))
    dragger = QTimer(interval=16, timerType=Qt.TimerType.PreciseTimer, timeout=send)
    sim0 = panel.chain.dynamics.scalars.get("t", 0.0)
    start = time.perf_counter()
    for timer in (ticker, dragger) if drag else (ticker,):
        timer.start()
    run_loop(seconds)
    for timer in (ticker, dragger):
        timer.stop()
    wall = time.perf_counter() - start
    del view.draw, view.take  # the class's methods again
    if gl_window:
        shown.frameSwapped.disconnect(swapped)
    else:
        shown.removeEventFilter(counter)
    gaps = [b - a for a, b in zip([start] + ticks, ticks + [start + wall])]
    ms = sorted(1e3 * t for t in times) or [float("nan")]
    return dict(frames=frames[0] / wall, fps=len(times) / wall, painted=counter.count / wall, med=statistics.median(ms),
                p95=ms[min(len(ms) - 1, int(0.95 * len(ms)))], gap=1e3 * max(gaps),
                sim=(panel.chain.dynamics.scalars.get("t", 0.0) - sim0) / wall, events=sent[0] / wall)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 40, 0.5 s per row: check that it still runs")
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args(argv)
    beads, seconds, settle = (40, 0.5, 0.2) if args.smoke else (200, args.seconds, 1.0)
    if not os.environ.get("DISPLAY"):  # under Xvfb: the X11 platform, whose OpenGL the 3-D tab needs
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    import engines.rope as rope
    from widgets import share_opengl_contexts
    from workbench.shell.gui_gc import GuiThreadCollector
    from workbench.topics.rope import RopePanel

    share_opengl_contexts()  # as the application does (workbench.shell.app.launch)
    antialias = pg.getConfigOption("antialias")
    pg.setConfigOptions(antialias=True)  # as the application does; restored below (python -m bench)
    app = QApplication.instance() or QApplication([])
    collector = GuiThreadCollector()  # as the application does: no cyclic collection in the worker
    gl = opengl_works()
    rope.warm_up()
    panel = RopePanel("rope", rope)
    panel.resize(1400, 900)
    panel.show()
    ended, errors = [], []  # runs that ended; exceptions in slots (PySide passes them to excepthook)
    for host in panel.pages:
        host.controller.runEnded.connect(lambda status, message, _: ended.append((status, message)))
    sys.excepthook = lambda *exc: (errors.append(exc), sys.__excepthook__(*exc))
    # A QOpenGLWidget used to turn the window's surface into an OpenGL one for good (Qt then composited
    # the whole window through GL); the 3-D views are GL windows in containers now, and the plots are
    # measured before one exists and again after it, to show they keep their speed.
    phases = [[("Plots", False)]] + ([[("3-D", True), ("Plots*", False)]] if gl else [])
    rows = []
    dynamics = {"beads": beads, "duration": 3600.0}
    skipping = {**dynamics, "ends": "skipping", "gravity": 0.0, "hand_radius": 0.1, "drag": 0.2, "omega": 12.0}
    cases = ((f"N={beads} hanging ω=6", "dynamics", {**dynamics, "ends": "hanging", "omega": 6.0}, (1.0, 8.0)),
             (f"N={beads} skipping g=0 drag 0.2 ω=12", "dynamics", skipping, (1.0, 8.0)),
             ("steady hanging, ω dragged", "steady", {"omega": 5.0}, (None,)))
    for tabs in phases:
        for name, page, values, speeds in cases:
            host = panel.show_page(page)
            view, live = host.view, page == "dynamics"
            view.tabs.setCurrentIndex(0)
            host.set_values({**host.schema.defaults(), **values}, name)
            if live:
                host.transport.set_speed(1.0, emit=True)
                host.start()  # a new run each case
            started = time.monotonic()  # wait for this run's first frames
            while (host.shown_params() != host.values() or live and panel.chain.dynamics.scalars.get("t", 0.0) <= 0) \
                    and time.monotonic() - started < 30:
                run_loop(0.05)
            for tab, in_3d in tabs:
                view.tabs.setCurrentWidget(view.page3d if in_3d else view.tabs.widget(0))
                for speed in speeds:
                    if speed:
                        host.transport.set_speed(speed, emit=True)
                    run_loop(settle)
                    shown = (view.view3d.view if in_3d else
                             (panel.chain.dynamics.plane if live else panel.steady.shape_plot).plot_widget.viewport())
                    rows.append((name, tab, f"{speed:g}×" if speed else "—", speed,
                                 measure(panel, host, seconds, shown, drag=speed is None)))
            host.stop()
    rows.sort(key=lambda row: [case[0] for case in cases].index(row[0]))  # stable: tabs stay in order
    run_loop(0.3)
    panel.shutdown()
    collector.stop()
    sys.excepthook = sys.__excepthook__
    pg.setConfigOptions(antialias=antialias)
    print(f"rope panel (1400×900), Qt platform {app.platformName()}, "
          f"{seconds:g} s per row; {'3-D tab measured' if gl else '3-D skipped (no OpenGL)'}")
    print(f"{'case':36s} {'tab':6s} {'speed':>5s} {'frames in/s':>11s} {'redraws/s':>9s} {'painted/s':>9s} "
          f"{'redraw ms med/p95':>17s} {'sim s/wall s':>14s} {'max loop gap':>12s}  goal ≥ {GOAL_FPS:.0f} fps")
    status = 0
    for case, tab, speed_text, speed, r in rows:
        sim = f"{r['sim']:6.2f} ({r['sim'] / speed:4.0%})" if speed else f"{r['events']:5.1f} ev/s"
        print(f"{case:36s} {tab:6s} {speed_text:>5s} {r['frames']:11.1f} {r['fps']:9.1f} {r['painted']:9.1f} "
              f"{r['med']:8.2f} / {r['p95']:6.2f} {sim:>14s} {r['gap']:9.0f} ms  "
              f"{'met' if r['fps'] >= GOAL_FPS else 'missed'}")
        if r["fps"] == 0:
            print("    FAILED: no frame was drawn")
            status = 1
    bad = [f"{s}: {m}" for s, m in ended if s in ("error", "diverged", "invalid")]
    bad += [f"{e[0].__name__}: {e[1]}" for e in errors]
    if bad:
        print("    FAILED: a run ended badly or a slot raised: " + "; ".join(bad))
        status = 1
    print("sim s/wall s: simulated seconds per wall second (in brackets: of the speed asked); steady rows: "
          "ω events handled per second instead" + ("; Plots*: the plots once the 3-D view exists" if gl else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
