"""Loss surfaces as the user sees them: the batchnorm panel (engine in its child process, Qt offscreen)
runs one SGD step and then its 51×51 surfaces; measured from the Play click to the first coarse
surface on screen (goal ≤ 0.5 s) and to both full surfaces on screen, against the same run headless.

The child process is started by a first, unmeasured run (its start-up is paid once per panel).
"""
from __future__ import annotations

import argparse
import statistics
import time


def _points(label_text: str) -> tuple[int, int]:
    """``A (none): 375/2601 points · …`` → (375, 2601); (0, 0) before any surface."""
    try:
        done, total = label_text.split(": ", 1)[1].split(" points")[0].split("/")
        return int(done), int(total)
    except (IndexError, ValueError):
        return 0, 0


def gui_times(panel, app, params: dict) -> tuple[float, float]:
    panel.set_params({**panel.params, **params})
    panel.main.reset_run()
    start = time.perf_counter()
    panel.play()
    coarse = full = None
    while full is None and time.perf_counter() - start < 120:
        app.processEvents()
        a, b = (_points(panel.pair.surface.readouts[k].text()) for k in ("a", "b"))
        if coarse is None and a[0] > 0:
            coarse = time.perf_counter() - start
        if a[1] and a[0] == a[1] and b[1] and b[0] == b[1]:
            full = time.perf_counter() - start
        time.sleep(0.002)
    return coarse or float("nan"), full or float("nan")


def headless_time(params: dict) -> float:
    from engines.batchnorm import PARAMS, run
    from engines.core.frame import RunContext

    p = {**PARAMS.defaults(), **params}
    start = time.perf_counter()
    for _ in run(p, RunContext.for_params(p)):
        pass
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from engines.registry import load_engine
    from workbench.topics import panel_class

    res, repeats = (9, 1) if args.smoke else (51, 3)
    params = {"steps": 1, "surface_resolution": res, "device": "cpu"}
    app = QApplication.instance() or QApplication([])
    panel = panel_class("batchnorm")("batchnorm", load_engine("batchnorm"))
    panel.resize(1400, 900)
    panel.show()
    gui_times(panel, app, {**params, "surface_resolution": 5})  # start the child process
    headless_time({**params, "surface_resolution": 5})  # imports and data, once, as the child had them
    coarse, full, headless = [], [], []
    for _ in range(repeats):
        c, f = gui_times(panel, app, params)
        coarse.append(c)
        full.append(f)
        headless.append(headless_time(params))
    panel.shutdown()
    med = statistics.median
    print(f"batchnorm panel, 1 SGD step then two {res}×{res} surfaces (6×100 MLP, batch 512), median of {repeats}:")
    print(f"  Play → first coarse surface on screen: {1000 * med(coarse):.0f} ms   (goal ≤ 500 ms)")
    print(f"  Play → both full surfaces on screen: {med(full):.2f} s; the same run headless: {med(headless):.2f} s "
          f"(ratio GUI / headless {med(full) / med(headless):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
