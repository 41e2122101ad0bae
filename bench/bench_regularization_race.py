"""The regulariser race: six methods on moons (width 64, depth 3, batch 64) as one batched population
(the real ``regularization:race`` run, hand-written backward pass) against the same six methods as
plain torch loops (``race_reference``: autograd, ``torch.optim``) run one after another on the same
batches.  Goals: the race ≥ 3 × the sequential loops, ≥ 1,000 steps/s per method; and the GUI's race
(the panel, its curves live, the run in a child process) ≥ 0.9 × headless.

The issue asked to measure numba against torch for these tiny nets: ``numba_rate`` is the smallest
fair contender (forward, backward and Adam of six members in one compiled function, ``np.dot`` for
the products, no penalties), timed against the torch population doing exactly that work.  Whichever
is faster runs the race; on the build machine that is torch (README).
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
    import engines.regularization as engine
    from bench.panel_timing import headless_created, panel_created, rate
    from engines.regularization.race import run_race
    from workbench.topics.regularization import RegularizationPanel

    values = race_values(steps, eval_every=100)
    created = panel_created(RegularizationPanel, engine, values) if gui else headless_created(run_race, values)
    return rate(created, steps)


def numba_rate(steps: int) -> tuple[float, float]:
    """(numba, torch) race steps per second for six Adam members without penalties."""
    import numba
    import numpy as np
    import torch

    from engines.regularization.race import coefficients, initial_layers
    from engines.regularization.race_population import RacePopulation

    values = race_values(steps)
    init = initial_layers(values, 2, 2)
    members = 6
    weights = numba.typed.List([np.ascontiguousarray(np.repeat(w.numpy()[None], members, 0)) for w, _ in init])
    biases = numba.typed.List([np.ascontiguousarray(np.repeat(b.numpy()[None], members, 0)) for _, b in init])
    moments = [numba.typed.List([np.zeros_like(a) for a in arrays]) for arrays in (weights, weights, biases, biases)]
    generator = np.random.default_rng(0)
    x = generator.normal(size=(64, 2)).astype(np.float32)
    one_hot = np.eye(2, dtype=np.float32)[(x[:, 0] > 0).astype(int)]
    step = _compile_numba_step()
    step(weights, biases, *moments, 1, x, one_hot, np.float32(3e-3))  # compile
    started = time.perf_counter()
    for t in range(2, steps + 2):
        step(weights, biases, *moments, t, x, one_hot, np.float32(3e-3))
    numba_rate = steps / (time.perf_counter() - started)
    pop = RacePopulation(("none",) * members, init, coefficients(values), "adam", torch.device("cpu"))
    xt, ht = torch.from_numpy(x), torch.from_numpy(one_hot)
    started = time.perf_counter()
    for _ in range(steps):
        pop.step(xt, ht)
    return numba_rate, steps / (time.perf_counter() - started)


def _compile_numba_step():
    import numba
    import numpy as np

    @numba.njit(cache=False)
    def step(weights, biases, m_w, v_w, m_b, v_b, t, x, one_hot, lr):
        b1, b2, eps = np.float32(0.9), np.float32(0.999), np.float32(1e-8)
        c1, c2 = np.float32(1 - 0.9 ** t), np.float32(1 - 0.999 ** t)
        layers = len(weights)
        for p in range(weights[0].shape[0]):
            hs = [x]
            for k in range(layers):
                z = hs[k] @ weights[k][p] + biases[k][p]
                hs.append(np.maximum(z, np.float32(0.0)) if k < layers - 1 else z)
            out = hs[layers]
            delta = np.empty_like(out)
            for i in range(out.shape[0]):
                e = np.exp(out[i] - out[i].max())
                delta[i] = (e / e.sum() - one_hot[i]) / np.float32(out.shape[0])
            for k in range(layers - 1, -1, -1):
                gw = np.ascontiguousarray(hs[k].T) @ delta
                gb = delta.sum(axis=0)
                if k > 0:
                    delta = (delta @ np.ascontiguousarray(weights[k][p].T)) * (hs[k] > 0)
                for g, param, m, v in ((gw, weights[k][p], m_w[k][p], v_w[k][p]),):
                    m[:] = b1 * m + (np.float32(1) - b1) * g
                    v[:] = b2 * v + (np.float32(1) - b2) * g * g
                    param -= lr * (m / c1) / (np.sqrt(v / c2) + eps)
                m_b[k][p][:] = b1 * m_b[k][p] + (np.float32(1) - b1) * gb
                v_b[k][p][:] = b2 * v_b[k][p] + (np.float32(1) - b2) * gb * gb
                biases[k][p] -= lr * (m_b[k][p] / c1) / (np.sqrt(v_b[k][p] / c2) + eps)
    return step


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
    compiled, population = numba_rate(steps)
    print(f"  six Adam members without penalties: numba {compiled:.0f}, torch population {population:.0f} "
          f"steps/s per method (torch/numba {population / compiled:.2f})")
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
