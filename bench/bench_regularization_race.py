"""The regulariser race: six methods on moons (width 64, depth 3, batch 64) as one batched population
(the real ``regularization:race`` run, hand-written backward pass) against the same six methods as
plain torch loops (``race_reference``: autograd, ``torch.optim``) run one after another on the same
batches.  Goals: the race ≥ 3 × the sequential loops, ≥ 1,000 steps/s per method; and the GUI's race
(the panel, its curves live, the run in a child process) ≥ 0.9 × headless.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

BENCH_METHODS = "none,l2_sgd,l2_adam,adamw,weissi_log,weissi_full"


def race_values(steps: int, eval_every: int | None = None) -> dict:
    from engines.regularization.race import validate_race

    return validate_race({"methods": BENCH_METHODS, "dataset": "moons", "train_size": 700, "width": 64,
                          "depth": 3, "batch_size": 64, "steps": steps, "eval_every": eval_every or steps,
                          "device": "cpu"})


def headless_rate(steps: int) -> float:
    """Race steps per second (each advances every method one step), evaluations excluded."""
    from engines.core.frame import RunContext
    from engines.regularization.race import run_race

    values = race_values(steps)
    last = None
    for frame in run_race(values, RunContext.for_params(values)):
        last = frame
    return steps / last.scalars["seconds"]


def streamed_rate(steps: int, gui: bool) -> float:
    """Steps per second of a race that evaluates every 100 steps, from its first frame's creation to
    its last (evaluations included): headless, or on the panel with its curves and table live and
    the run in a child process, as a user runs it."""
    values = race_values(steps, eval_every=100)
    if not gui:
        from engines.core.frame import RunContext
        from engines.regularization.race import run_race

        created = [frame.created for frame in run_race(values, RunContext.for_params(values))]
        return steps / (created[-1] - created[0])
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    import engines.regularization as engine
    from workbench.topics.regularization import RegularizationPanel

    app = QApplication.instance() or QApplication([])  # noqa: F841
    panel = RegularizationPanel("regularization", engine)
    panel.resize(1400, 900)
    panel.show()
    host = panel.main
    created: list[float] = []
    original_take = host.view.take

    def timed_take(frames, params):
        created.extend(frame.created for frame in frames)
        original_take(frames, params)

    host.view.take = timed_take
    host.set_values(values)
    host.start()
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: loop.quit() if not host.is_running() else None)
    timer.start()
    loop.exec()
    panel.shutdown()
    return steps / (created[-1] - created[0])


def sequential_rate(steps: int) -> float:
    """The same methods, each a plain torch loop over the same batches, one after another."""
    import numpy as np
    import torch

    from engines.regularization.race import coefficients, initial_layers
    from engines.regularization.race_data import make_race_data
    from engines.regularization.race_reference import ReferenceRun

    values = race_values(steps)
    data = make_race_data("moons", 700, values["noise"], 0.0, values["seed"])
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(np.asarray(data.y_train))
    generator = torch.Generator().manual_seed(0)
    batches = [torch.randperm(len(y), generator=generator)[:64] for _ in range(steps)]
    started = time.perf_counter()
    for method in BENCH_METHODS.split(","):
        run = ReferenceRun(method, initial_layers(values, 2, 2), coefficients(values), values["optimizer"])
        for index in batches:
            run.step(x[index], y[index])
    return steps / (time.perf_counter() - started)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import torch

    torch.set_num_threads(1)
    steps = 60 if args.smoke else 3000
    batched = headless_rate(steps)
    sequential = sequential_rate(steps)
    methods = len(BENCH_METHODS.split(","))
    print(f"race of {methods} methods, moons, width 64, depth 3, batch 64, {steps} steps, one CPU thread")
    print(f"  batched race:        {batched:8.0f} steps/s per method")
    print(f"  sequential loops:    {sequential:8.0f} race steps/s ({sequential * methods:.0f} method-steps/s)")
    print(f"  ratio: {batched / sequential:.2f}× (goal ≥ 3×); per method {batched:.0f} steps/s (goal ≥ 1000)")
    # This machine's speed drifts from minute to minute: interleaved runs, medians.
    headless, gui = [], []
    for _ in range(1 if args.smoke else 3):
        headless.append(streamed_rate(steps, gui=False))
        gui.append(streamed_rate(steps, gui=True))
    h, g = statistics.median(headless), statistics.median(gui)
    print(f"  evaluating every 100 steps: headless {h:.0f} steps/s, on the panel (child process, curves live) "
          f"{g:.0f} steps/s: ratio {g / h:.2f} (goal ≥ 0.9)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
