"""The "Internal covariate shift" tab's own run: two nets (A, B) trained side by side with ICS
(Definition 2.1, ``engines.batchnorm.ics``) measured per layer every ``measure_every`` steps.

Models: the digits MLP of the note (ReLU, cross-entropy, Kaiming init, batch 128) or Santurkar's
deep linear network (25 linear layers of width 10, x ~ N(0, I₁₀), y = Ax, squared error, orthogonal
init, the full 1000-example batch at every step; note §3.5).

A noisy_bn net gets the mild noise of the noisy-BN tab's defaults (a = 0.5, s ∈ [0.5, 1.5]), the same
step's noise in its training step and in both gradients of the measurement.

Frames: scalars ``loss_a``/``loss_b`` every step, ``test_acc_*`` (MLP) at each measurement; arrays
``ics_a``/``ics_b`` (columns layer, l2, cosine, grad_norm: the latest measurement) and
``ics_mean_a``/``ics_mean_b`` (the same averaged over every measurement so far).
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import torch

from engines.batchnorm.ics import measure_ics, mse
from engines.batchnorm.network import NetSpec, VARIANTS, cross_entropy, init_params, init_stats
from engines.batchnorm.pair import Batches, Net, NoiseSource
from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.torch_runtime import configure_threads, seed_everything
from engines.training.datasets import digits_split

MODELS = ("digits_mlp", "deep_linear")
DLN = {"depth": 25, "width": 10, "samples": 1000}
COLUMNS = ("layer", "l2", "cosine", "grad_norm")
MILD_NOISE = {"noise_mean": 0.5, "noise_scale_lo": 0.5, "noise_scale_hi": 1.5, "noise_sample": 0.0}

ICS_PARAMS = ParamSchema([
    Param("model", "digits_mlp", kind="choice", choices=MODELS,
          help="digits_mlp: the note's ReLU MLP on digits; deep_linear: 25 linear layers of width 10 "
               "on y = Ax (Santurkar's DLN)"),
    Param("variant_a", "none", kind="choice", choices=VARIANTS, label="network A",
          help="the first net's normalisation (none, bn, input_norm, …; see the Nets A and B page)"),
    Param("variant_b", "bn", kind="choice", choices=VARIANTS, label="network B", help="the second net's normalisation"),
    Param("depth", 6, kind="int", lo=1, hi=10, label="hidden layers", help="digits MLP only"),
    Param("width", 100, kind="int", lo=4, hi=256, label="units per layer", help="digits MLP only"),
    Param("lr", 0.1, lo=1e-4, hi=5.0, log=True, label="learning rate",
          help="plain SGD; the deep linear net needs ≤ 0.01 (the note used 0.01 and 0.001)"),
    Param("steps", 400, kind="int", lo=10, hi=5000, help="SGD steps of each net"),
    Param("measure_every", 20, advanced=True, kind="int", lo=1, hi=1000, unit="steps", label="measure every",
          help="each measurement costs one extra forward/backward pass per layer"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds the shared initial weights and the batches"),
])


def _problem(p: dict[str, Any]):
    """(specs, init, loss, train x/y, test x/y or None, batch size)."""
    if p["model"] == "deep_linear":
        g = torch.Generator().manual_seed(p["seed"] + 7)
        a = torch.randn(10, 10, generator=g)
        x = torch.randn(DLN["samples"], 10, generator=g)
        specs = [NetSpec(p[f"variant_{k}"], DLN["depth"] - 1, DLN["width"], 10, 10, "linear") for k in "ab"]
        return specs, "orthogonal", mse, x, x @ a.T, None, None, DLN["samples"]
    split = digits_split()
    specs = [NetSpec(p[f"variant_{k}"], p["depth"], p["width"]) for k in "ab"]
    return (specs, "kaiming", cross_entropy, torch.from_numpy(split.x_train), torch.from_numpy(split.y_train),
            torch.from_numpy(split.x_test), torch.from_numpy(split.y_test), 128)


def relevant_ics(values: dict[str, Any]) -> set[str]:
    """The deep linear net has its own fixed shape (25 layers of width 10)."""
    names = set(ICS_PARAMS.names())
    return names - {"depth", "width"} if values.get("model") == "deep_linear" else names


def run_ics(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = ICS_PARAMS.validate(params)
    configure_threads("cpu")
    seed_everything(p["seed"])
    specs, init, loss_fn, x, y, x_test, y_test, batch = _problem(p)
    nets = [Net(label, spec, init_params(spec, init, torch.Generator().manual_seed(p["seed"])), init_stats(spec),
                loss_fn=loss_fn) for label, spec in zip("ab", specs)]
    sums = [None, None]
    count = 0
    batches = Batches(len(x), batch, p["seed"])
    noisy = any(s.norm.noisy for s in specs)
    noise_source = NoiseSource({**MILD_NOISE, "seed": p["seed"]}, specs[0].depth, specs[0].width, "cpu") if noisy else None
    for step in range(1, p["steps"] + 1):
        ctx.check()
        idx = batches.next() if batch < len(x) else torch.arange(len(x))
        xb, yb = x[idx], y[idx]
        noise = noise_source.draw(len(idx)) if noise_source else None
        scalars, arrays, columns = {}, {}, {}
        measuring = step == 1 or step % p["measure_every"] == 0
        if measuring:
            count += 1
        for k, net in enumerate(nets):
            if net.diverged:
                continue
            label = net.label
            step_noise = noise if net.spec.norm.noisy else None
            if measuring:
                r = measure_ics(net.spec, net.params, xb, yb, p["lr"], loss_fn, step_noise)
                table = np.column_stack([r.layers, r.l2, r.cosine, r.grad_norm]).astype(np.float64)
                sums[k] = table if sums[k] is None else sums[k] + table
                arrays[f"ics_{label}"] = table
                arrays[f"ics_mean_{label}"] = sums[k] / count
                columns[f"ics_{label}"] = columns[f"ics_mean_{label}"] = COLUMNS
            scalars[f"loss_{label}"] = loss = net.loss_and_grad(xb, yb, step_noise)
            net.diverged = net.guard.check(step, {f"loss_{label}": loss})
            if net.diverged:
                continue
            net.sgd(p["lr"])
            if measuring and x_test is not None:
                scalars[f"test_acc_{label}"] = net.accuracy(x_test, y_test)
        done = all(net.diverged for net in nets)
        message = "; ".join(f"{net.label.upper()} stopped: {net.diverged}" for net in nets if net.diverged)
        yield Frame(step, step / p["steps"], scalars, arrays, columns, message, message if done else "")
        if done:
            return
