"""Learning-rate (or depth, width, batch-size) sweeps over seeds and network variants (note §3.3,
§3.4; issue panel 5): final test accuracy against the swept value, divergence marked.

Each member is one net of one variant trained alone with the run's settings (plain SGD, the same
batches and initial weights for every variant at a given seed; no probes, no surfaces).  Rows are
``value, seed, diverged_step, group, test_acc, train_acc, final_loss`` with ``group`` the index of the
variant in ``sweep_variants`` (the experiment's ``SweepSpec.group_param``: the sweep page draws one
line per variant).
A member that diverges stops at once and reports NaN accuracy; the sweep goes on.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any, Iterator

import torch

from engines.batchnorm.network import VARIANTS, NetSpec, init_params, init_stats
from engines.batchnorm.pair import Batches, Net, NoiseSource, dataset
from engines.batchnorm.params import PARAMS
from engines.core.frame import Frame, RunContext
from engines.core.params import Param
from engines.core.sweep import Member, MemberResult, SweepPlan, plan_sweep, run_batches, sweep_schema
from engines.core.torch_runtime import configure_threads, resolve_device, seed_everything

SWEEPABLE = ("lr", "depth", "width", "batch_size")
SWEEP_GROUP_PARAM = "sweep_variants"
PROGRESS_EVERY = 25
VARIANT = Param("variant", "none", kind="choice", choices=VARIANTS)

SWEEP_PARAMS = sweep_schema(
    SWEEPABLE, "0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5", "0, 1, 2",
    Param("sweep_variants", "none, bn", kind="str", label="variants",
          help="comma-separated network variants, one line each: " + ", ".join(VARIANTS)))


def plan(params: dict[str, Any]) -> SweepPlan:
    """Members = values × variants × seeds; ``groups`` are the variants."""
    return plan_sweep(params, PARAMS, SWEEP_PARAMS, VARIANT, SWEEP_GROUP_PARAM)


def run_sweep(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    sweep_plan = plan(params)
    base = sweep_plan.base
    device = resolve_device(base["device"])
    configure_threads(device)
    split, in_dim, out_dim = dataset(base["dataset"])
    data = tuple(torch.from_numpy(a).to(device) for a in (split.x_train, split.y_train, split.x_test, split.y_test))
    train = partial(_train_batch, data=data, in_dim=in_dim, out_dim=out_dim, device=device)
    yield from run_batches(sweep_plan, [[m] for m in sweep_plan.members], train, ctx)


def _train_batch(sweep_plan: SweepPlan, batch: list[Member], ctx: RunContext, data, in_dim, out_dim, device):
    (member,) = batch
    p = sweep_plan.params_of(member)
    seed_everything(member.seed)
    result = yield from _train_member(p, sweep_plan.groups[member.group], data, in_dim, out_dim, device, ctx)
    return [result]


def _train_member(p, variant, data, in_dim, out_dim, device, ctx):
    """Train one net; yields the fraction done; returns its MemberResult (NaN accuracies when it
    diverged: it stops at once)."""
    x_train, y_train, x_test, y_test = data
    spec = NetSpec(variant, p["depth"], p["width"], in_dim, out_dim)
    net = Net("m", spec, init_params(spec, p["init"], torch.Generator().manual_seed(p["seed"]), device),
              init_stats(spec, device))
    batches = Batches(len(y_train), p["batch_size"], p["seed"])
    noise = NoiseSource(p, p["depth"], p["width"], device) if spec.norm.noisy else None
    loss = math.nan
    for step in range(1, p["steps"] + 1):
        ctx.check()
        idx = batches.next().to(device)
        loss = net.loss_and_grad(x_train[idx], y_train[idx], noise.draw(len(idx)) if noise else None)
        net.diverged = net.guard.check(step, {"loss": loss})
        if net.diverged:
            return MemberResult(float(step), _metrics(math.nan, math.nan, loss), net.diverged)
        net.sgd(p["lr"])
        if step % PROGRESS_EVERY == 0:
            yield step / p["steps"]
    return MemberResult(math.nan, _metrics(net.accuracy(x_test, y_test), net.accuracy(x_train, y_train), loss))


def _metrics(test_acc: float, train_acc: float, loss: float) -> dict[str, float]:
    return {"test_acc": test_acc, "train_acc": train_acc, "final_loss": loss}
