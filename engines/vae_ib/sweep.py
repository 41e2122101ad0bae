"""β (or lr, K, training-set size) sweeps over several seeds, each member a full run.

Back-ends: ``sequential`` trains one population of one member after another (the CPU default, so
results appear as members finish, although batching measured 1.5–2.2× faster on two cores);
``batched`` trains every member at once as one population
(``engines.training.population``), which is what makes a sweep cheap on a GPU.  Because every member
draws its initial weights, batch order and noise from its own generator, both back-ends give the
same numbers for the same seeds (to floating-point reassociation; ``tests`` compare them).
Only β and lr can vary inside one batched population (K and the training set change its shapes).
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema, parse_list
from engines.core.torch_runtime import resolve_device
from engines.training.guard import DivergenceGuard
from engines.vae_ib.bottleneck import BottleneckPopulation, MemberConfig
from engines.vae_ib.params import PARAMS
from engines.vae_ib.training import build_population, check_batch_size, evaluate, prepare

SWEEPABLE = ("beta", "lr", "latent_dim", "train_size")
BATCHABLE = ("beta", "lr")
PROGRESS_EVERY = 20

SWEEP_PARAMS = ParamSchema([
    Param("sweep_param", "beta", kind="choice", choices=SWEEPABLE, label="swept parameter"),
    Param("sweep_values", "0, 1e-4, 1e-3, 1e-2, 1e-1, 0.3, 1", kind="str", label="values",
          help="comma-separated values of the swept parameter, each checked against its own range"),
    Param("sweep_seeds", "0", kind="str", label="seeds", help="comma-separated seeds; every value runs with each"),
    Param("backend", "auto", kind="choice", choices=("auto", "sequential", "batched"),
          help="auto: one batched population on CUDA, sequential runs on the CPU"),
])


def plan(params: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Any, int]], str]:
    """Validated base values, the (value, seed) members, and the back-end to use."""
    base = PARAMS.validate({k: v for k, v in params.items() if k in PARAMS})
    sweep = SWEEP_PARAMS.validate({k: v for k, v in params.items() if k in SWEEP_PARAMS})
    name = sweep["sweep_param"]
    values = parse_list("sweep_values", sweep["sweep_values"], PARAMS[name])
    seeds = parse_list("sweep_seeds", sweep["sweep_seeds"], PARAMS["seed"])
    backend = sweep["backend"]
    if backend == "auto":
        backend = "batched" if resolve_device(base["device"]).type == "cuda" and name in BATCHABLE else "sequential"
    if backend == "batched" and name not in BATCHABLE:
        raise ParameterError("backend", f"backend = batched needs the swept parameter to be one of "
                                        f"{', '.join(BATCHABLE)} ({name} changes the model's shapes); allowed: sequential")
    return base, [(v, s) for v in values for s in seeds], backend


def run_sweep(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """Frames carry the growing ``sweep`` table: one row per finished member."""
    base, members, backend = plan(params)
    name = SWEEP_PARAMS.validate({k: v for k, v in params.items() if k in SWEEP_PARAMS})["sweep_param"]
    for value, _ in members:
        check_batch_size({**base, name: value})
    device = prepare(base)
    rows: list[list[float]] = []
    columns: tuple[str, ...] = ()
    groups = [members] if backend == "batched" else [[m] for m in members]
    done = 0
    for group in groups:
        p = dict(base)
        if backend == "sequential":
            p[name] = group[0][0]
        configs = [MemberConfig(seed, v if name == "beta" else p["beta"], v if name == "lr" else p["lr"])
                   for v, seed in group]
        pop, data = build_population(p, configs, device)
        total = p["epochs"] * pop.steps_per_epoch
        messages = [""] * len(group)
        for step, diverged_at in _train(pop, total, ctx, messages):
            if step % PROGRESS_EVERY == 0:
                yield Frame(step, (done + len(group) * step / total) / len(members))
        results = evaluate(pop, data, p, total)
        for (value, seed), (metrics, _), div in zip(group, results, diverged_at):
            columns = ("value", "seed", "diverged_step", *metrics)
            rows.append([float(value), float(seed), float(div), *metrics.values()])
        done += len(group)
        message = f"{done}/{len(members)} runs done ({backend} on {device.type})"
        for (value, seed), text in zip(group, messages):
            if text:
                message += f"; {name} = {value:g}, seed {seed}: {text}"
        yield Frame(done, done / len(members), arrays={"sweep": np.array(rows, dtype=np.float64)},
                    columns={"sweep": columns}, message=message)


def _train(pop: BottleneckPopulation, total: int, ctx: RunContext, messages: list[str]):
    """Step every member ``total`` times; yields (step, diverged_at) where diverged_at[i] is the
    step at which member i's guard fired (nan while it is fine); ``messages[i]`` says which metric.
    A diverged member keeps training harmlessly (its NaN stays in its own slice of the stack)."""
    task = "ce" if pop.model == "vib" else "recon"
    guards = [DivergenceGuard() for _ in range(pop.size)]
    diverged_at = [math.nan] * pop.size
    for step in range(1, total + 1):
        ctx.check()
        for i, (loss, task_value, kl, _) in enumerate(pop.step().tolist()):
            if math.isnan(diverged_at[i]):
                message = guards[i].check(step, {"loss": loss, task: task_value, "kl_nats": kl})
                if message:
                    diverged_at[i], messages[i] = step, message
        yield step, diverged_at
