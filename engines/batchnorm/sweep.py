"""Learning-rate (or depth, width, batch-size) sweeps over seeds and network variants (note §3.3,
§3.4; issue panel 5): final test accuracy against the swept value, divergence marked.

Each member is one net of one variant trained alone with the run's settings (plain SGD, the same
batches and initial weights for every variant at a given seed; no probes, no surfaces).  Rows are
``value, seed, diverged_step, group, test_acc, train_acc, final_loss`` with ``group`` the index of the
variant in ``sweep_variants`` (``SWEEP_GROUP_PARAM`` tells the sweep view to draw one line per variant).
A member that diverges stops at once and reports NaN accuracy; the sweep goes on.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np
import torch

from engines.batchnorm.network import VARIANTS, NetSpec, init_params, init_stats
from engines.batchnorm.pair import Batches, Net, NoiseSource, dataset
from engines.batchnorm.params import PARAMS, check_consistency
from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema, parse_list
from engines.core.torch_runtime import configure_threads, resolve_device, seed_everything

SWEEPABLE = ("lr", "depth", "width", "batch_size")
SWEEP_GROUP_PARAM = "sweep_variants"
COLUMNS = ("value", "seed", "diverged_step", "group", "test_acc", "train_acc", "final_loss")
PROGRESS_EVERY = 25
VARIANT = Param("variant", "none", kind="choice", choices=VARIANTS)

SWEEP_PARAMS = ParamSchema([
    Param("sweep_param", "lr", kind="choice", choices=SWEEPABLE, label="swept parameter"),
    Param("sweep_values", "0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5", kind="str", label="values",
          help="comma-separated values of the swept parameter, each checked against its own range"),
    Param("sweep_seeds", "0, 1, 2", kind="str", label="seeds", help="comma-separated seeds; every value runs with each"),
    Param("sweep_variants", "none, bn", kind="str", label="variants",
          help="comma-separated network variants, one line each: " + ", ".join(VARIANTS)),
])


def plan(params: dict[str, Any]):
    base = PARAMS.validate({k: v for k, v in params.items() if k in PARAMS})
    check_consistency(base)
    sweep = SWEEP_PARAMS.validate({k: v for k, v in params.items() if k in SWEEP_PARAMS})
    name = sweep["sweep_param"]
    values = list(dict.fromkeys(parse_list("sweep_values", sweep["sweep_values"], PARAMS[name])))
    seeds = list(dict.fromkeys(parse_list("sweep_seeds", sweep["sweep_seeds"], PARAMS["seed"])))
    variants = list(dict.fromkeys(parse_list("sweep_variants", sweep["sweep_variants"], VARIANT)))
    return base, name, [(v, g, s) for v in values for g in range(len(variants)) for s in seeds], variants


def run_sweep(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    base, name, members, variants = plan(params)
    device = resolve_device(base["device"])
    configure_threads(device)
    split, in_dim, out_dim = dataset(base["dataset"])
    if name == "batch_size" or base["batch_size"] > len(split.y_train):
        for value, _, _ in members:
            size = value if name == "batch_size" else base["batch_size"]
            if size > len(split.y_train):
                raise ParameterError("sweep_values" if name == "batch_size" else "batch_size",
                                     f"batch size {size} exceeds the {len(split.y_train)} training examples")
    data = tuple(torch.from_numpy(a).to(device) for a in (split.x_train, split.y_train, split.x_test, split.y_test))
    rows: list[list[float]] = []
    messages = []
    for done, (value, group, seed) in enumerate(members):
        p = {**base, name: value, "seed": seed}
        seed_everything(seed)
        result, message = yield from _train_member(p, variants[group], data, in_dim, out_dim, device, ctx,
                                                   done, len(members))
        rows.append([float(value), float(seed), result[0], float(group), *result[1:]])
        if message:
            messages.append(f"{variants[group]}, {name} = {value:g}, seed {seed}: {message}")
        text = f"{done + 1}/{len(members)} runs done" + ("; " + "; ".join(messages[-3:]) if messages else "")
        yield Frame(done + 1, (done + 1) / len(members), arrays={"sweep": np.array(rows, dtype=np.float64)},
                    columns={"sweep": COLUMNS}, message=text)


def _train_member(p, variant, data, in_dim, out_dim, device, ctx, done, count):
    """Train one net; yields progress frames; returns ((diverged_step, test_acc, train_acc, loss), message)."""
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
            return (float(step), math.nan, math.nan, loss), net.diverged
        net.sgd(p["lr"])
        if step % PROGRESS_EVERY == 0:
            yield Frame(done, (done + step / p["steps"]) / count)
    return (math.nan, net.accuracy(x_test, y_test), net.accuracy(x_train, y_train), loss), ""
