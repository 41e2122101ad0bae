"""The weighting arena: all eleven schemes on digits (three tasks, width 64, depth 2, batch 64) as one
float64 population (``Arena``: a written-out backward, per task for the gradient-level rules, one
weighted gradient for the others) against
the same schemes trained one after another, each by its plain autograd loop (``ReferenceMember``:
one backward per task where the rule needs per-task gradients, ``torch.optim``), on the same
batches.  Goal ≥ 3×.  Per scheme: its plain loop's steps/s, and a population of that scheme alone.
Then the arena as a user runs it, invariance monitor on (five members per scheme), evaluating every
25 steps, on the panel (child process, curves live) against headless: goal ≥ 0.9×.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from engines.multitask.arena_rules import SCHEMES


def arena_values(steps: int, schemes: tuple[str, ...] = SCHEMES, invariance: bool = False,
                 eval_every: int | None = None) -> dict:
    from engines.multitask.arena_params import ARENA_PARAMS

    return ARENA_PARAMS.validate({"schemes": ",".join(schemes), "dataset": "digits", "width": 64, "depth": 2,
                                  "batch_size": 64, "steps": steps, "invariance": invariance,
                                  "eval_every": eval_every or steps, "weights": "1, 1, 1", "device": "cpu"})


def _batches(p: dict, x, steps: int) -> list:
    from engines.multitask.arena import Batches

    batches = Batches(len(x), p["batch_size"], p["seed"])
    return [batches.next() for _ in range(steps)]


def population_rate(steps: int, schemes: tuple[str, ...] = SCHEMES, device: str = "cpu") -> float:
    """Arena steps per second (every scheme one step), evaluations excluded."""
    import torch

    from engines.multitask.arena import Arena

    p = arena_values(steps, schemes)
    arena = Arena.build(p, torch.device(device))
    x, y = arena.tensors[:2]
    batches = [index.to(device) for index in _batches(p, x, steps)]
    started = time.perf_counter()
    for index in batches:
        arena.trainer.step(x[index], [t[index] for t in y], p["lr"])
    if device == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - started)


def reference_rates(steps: int) -> dict[str, float]:
    """Each scheme's plain autograd loop on the same batches, one after another: steps/s each."""
    import torch

    from engines.multitask.arena import Arena
    from engines.multitask.arena_params import rule_settings
    from engines.multitask.arena_reference import ReferenceMember

    p = arena_values(steps)
    arena = Arena.build(p, torch.device("cpu"))
    x, y = arena.tensors[:2]
    batches = _batches(p, x, steps)
    trainer, rates = arena.trainer, {}
    for s, roles in arena.where.items():
        m = roles["main"]
        member = ReferenceMember(s, arena.data, arena.layout, arena.theta0, rule_settings(p), trainer.scale[m],
                                 trainer.shift[m])
        started = time.perf_counter()
        for index in batches:
            member.step(x[index], [t[index] for t in y], p["lr"])
        rates[s] = steps / (time.perf_counter() - started)
    return rates


def streamed_rate(steps: int, gui: bool) -> float:
    """Steps per second of the arena with its invariance monitor, evaluating every 25 steps, from its
    first frame to its last: headless, or on the panel."""
    import engines.multitask as engine
    from bench.panel_timing import headless_created, panel_created, rate
    from engines.multitask.arena import run_arena
    from workbench.topics.multitask import MultitaskPanel

    values = arena_values(steps, invariance=True, eval_every=25)
    created = panel_created(MultitaskPanel, engine, values) if gui else headless_created(run_arena, values)
    return rate(created, steps)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import torch

    torch.set_num_threads(1)
    steps = 6 if args.smoke else 300
    population = population_rate(steps)
    references = reference_rates(steps)
    sequential = 1.0 / sum(1.0 / r for r in references.values())
    print(f"arena of {len(SCHEMES)} schemes, digits (3 tasks), width 64, depth 2, batch 64, float64, "
          f"{steps} steps, one CPU thread")
    print(f"  one population:      {population:8.1f} arena steps/s (each scheme one step)")
    print(f"  sequential loops:    {sequential:8.1f} arena steps/s")
    print(f"  ratio: {population / sequential:.2f}× (goal ≥ 3×)")
    print("  per scheme: plain loop steps/s · a population of that scheme alone steps/s")
    for s, r in references.items():
        print(f"    {s:16s} {r:8.1f} · {population_rate(steps, (s,)):8.1f}")
    headless, gui = [], []
    for _ in range(1 if args.smoke else 3):
        headless.append(streamed_rate(steps, gui=False))
        gui.append(streamed_rate(steps, gui=True))
    h, g = statistics.median(headless), statistics.median(gui)
    print(f"  with the invariance monitor (5 members per scheme), evaluating every 25 steps: headless {h:.1f} "
          f"steps/s, on the panel (child process, curves live) {g:.1f} steps/s: ratio GUI-live / headless "
          f"{g / h:.2f} (goal ≥ 0.9)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
