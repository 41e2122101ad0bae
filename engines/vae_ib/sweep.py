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
from functools import partial
from typing import Any, Iterator

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError
from engines.core.sweep import Member, MemberResult, SweepPlan, plan_sweep, run_batches, sweep_schema
from engines.core.torch_runtime import resolve_device
from engines.training.guard import PopulationGuard
from engines.vae_ib.bottleneck import BottleneckPopulation, MemberConfig
from engines.vae_ib.params import PARAMS
from engines.vae_ib.training import build_population, evaluate, prepare

SWEEPABLE = ("beta", "lr", "latent_dim", "train_size")
BATCHABLE = ("beta", "lr")
PROGRESS_EVERY = 20

SWEEP_PARAMS = sweep_schema(
    SWEEPABLE, "0, 1e-4, 1e-3, 1e-2, 1e-1, 0.3, 1", "0",
    Param("backend", "auto", kind="choice", choices=("auto", "sequential", "batched"),
          help="auto: one batched population on CUDA, sequential runs on the CPU"))


def plan(params: dict[str, Any]) -> tuple[SweepPlan, str]:
    """The members (values × seeds) and the back-end to use."""
    sweep_plan = plan_sweep(params, PARAMS, SWEEP_PARAMS)
    name, backend = sweep_plan.name, sweep_plan.sweep["backend"]
    if backend == "auto":
        cuda = resolve_device(sweep_plan.base["device"]).type == "cuda"
        backend = "batched" if cuda and name in BATCHABLE else "sequential"
    if backend == "batched" and name not in BATCHABLE:
        raise ParameterError("backend", f"backend = batched needs the swept parameter to be one of "
                                        f"{', '.join(BATCHABLE)} ({name} changes the model's shapes); allowed: sequential")
    return sweep_plan, backend


def run_sweep(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """Frames carry the growing ``sweep`` table: one row per finished member."""
    sweep_plan, backend = plan(params)
    device = prepare(sweep_plan.base)
    members = sweep_plan.members
    batches = [members] if backend == "batched" else [[m] for m in members]
    yield from run_batches(sweep_plan, batches, partial(_train_batch, device=device), ctx,
                           note=lambda done: f"{backend} on {device.type}")


def _train_batch(sweep_plan: SweepPlan, batch: list[Member], ctx: RunContext, device) -> Iterator[float]:
    """One population of the batch's members (a lone member takes its value into the model's
    shapes; a batched one differs only in β or the learning rate, carried per member)."""
    name = sweep_plan.name
    p = {**sweep_plan.base, name: batch[0].value} if len(batch) == 1 else dict(sweep_plan.base)
    configs = [MemberConfig(m.seed, m.value if name == "beta" else p["beta"], m.value if name == "lr" else p["lr"])
               for m in batch]
    pop, data = build_population(p, configs, device)
    total = p["epochs"] * pop.steps_per_epoch
    messages = [""] * len(batch)
    diverged_at: list[float] = []
    for step, diverged_at in _train(pop, total, ctx, messages):
        yield step / total
    results = evaluate(pop, data, p, total)
    return [MemberResult(div, metrics, text) for (metrics, _), div, text in zip(results, diverged_at, messages)]


def _train(pop: BottleneckPopulation, total: int, ctx: RunContext, messages: list[str]):
    """Step every member ``total`` times; yields (step, diverged_at) every ``PROGRESS_EVERY`` steps
    and at the end, where diverged_at[i] is the step at which member i's guard fired (nan while it
    is fine); ``messages[i]`` says which metric.  The guard runs on the population's device and is
    read back only when yielding, so a GPU is never made to wait for the host each step (the
    host then draws the next epoch's batches while the device works).  A diverged member keeps
    training harmlessly (its NaN stays in its own slice of the stack)."""
    task = "ce" if pop.model == "vib" else "recon"
    guard = PopulationGuard(("loss", task, "kl_nats"), pop.size, pop.device)
    diverged_at = [math.nan] * pop.size
    for step in range(1, total + 1):
        ctx.check()
        guard.update(step, pop.step()[:, :3])
        if step % PROGRESS_EVERY == 0 or step == total:
            for i, (when, message) in guard.newly_diverged().items():
                diverged_at[i], messages[i] = float(when), message
            yield step, diverged_at
