"""The "Noisy BN" tab's own run (Santurkar et al. E2, Figure 2; note §3.5): a standard net, a BN net
and a noisy-BN net trained on the same batches from the same weights, with the input distribution of
one unit recorded over time.

Noisy BN: after each BN, ŷ ← ŷ·s + m (+ ε) with per-unit, per-step m ~ U(−a, a), s ~ U(lo, hi)
and optional per-example ε ~ N(0, c²) — a covariate shift far larger than a plain net's, by design.
Every ``record_every`` steps the chosen hidden layer's activation input (what enters its ReLU) is
taken on a fixed probe batch of 512 training images, in training mode with that step's noise (the
distribution the next layer really sees).  Drift = the standard deviation over time of each unit's
mean (and of its standard deviation) over the probe batch, averaged over the layer's units.

Arrays ``unit_<net>`` (records × 512: the chosen unit's values), ``record_steps``; scalars
``test_acc_<net>``, ``drift_mean_<net>``, ``drift_std_<net>`` for net in standard, bn, noisy.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import torch

from engines.batchnorm.network import NetSpec, forward, init_params, init_stats
from engines.batchnorm.pair import Batches, Net, NoiseSource
from engines.batchnorm.params import NOISE_SCALE_ORDER
from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.torch_runtime import configure_threads, seed_everything
from engines.training.datasets import digits_split

NETS = {"standard": "none", "bn": "bn", "noisy": "noisy_bn"}
PROBE_BATCH = 512

NOISY_PARAMS = ParamSchema([
    Param("noise_mean", 0.5, lo=0.0, hi=5.0, label="noise mean range a", help="shift m ~ U(−a, a) per unit and step"),
    Param("noise_scale_lo", 0.5, lo=0.0, hi=5.0, label="noise scale low", help="scale s ~ U(low, high)"),
    Param("noise_scale_hi", 1.5, lo=0.0, hi=5.0, label="noise scale high",
          help="upper end of the scale's range, s ~ U(low, high); at least the low end"),
    Param("noise_sample", 0.0, lo=0.0, hi=5.0, label="per-sample noise c", help="ε ~ N(0, c²) per example and unit"),
    Param("layer", 3, kind="int", lo=1, hi=6, label="layer shown", help="hidden layer whose ReLU input is recorded"),
    Param("unit", 0, kind="int", lo=0, hi=99, label="unit shown", help="which of the layer's 100 units is recorded"),
    Param("lr", 0.1, lo=1e-3, hi=5.0, log=True, label="learning rate", help="plain SGD step of all three nets"),
    Param("steps", 400, kind="int", lo=10, hi=5000, help="SGD steps of each net"),
    Param("record_every", 10, advanced=True, kind="int", lo=1, hi=500, unit="steps", label="record every",
          help="how often the unit's pre-activations over the probe batch are recorded"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds the initial weights, batches and noise"),
], relations=[NOISE_SCALE_ORDER])
DEPTH, WIDTH = 6, 100


def run_noisy(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = NOISY_PARAMS.validate(params)
    configure_threads("cpu")
    seed_everything(p["seed"])
    split = digits_split()
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    x_test, y_test = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    probe_x = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(p["seed"] + 3))[:PROBE_BATCH]]
    nets = {name: Net(name, spec, init_params(spec, "kaiming", torch.Generator().manual_seed(p["seed"])),
                      init_stats(spec))
            for name, spec in ((name, NetSpec(variant, DEPTH, WIDTH)) for name, variant in NETS.items())}
    noise_source = NoiseSource(p, DEPTH, WIDTH, "cpu")
    batches = Batches(len(x), 128, p["seed"])
    records: dict[str, list[np.ndarray]] = {name: [] for name in NETS}
    means: dict[str, list[np.ndarray]] = {name: [] for name in NETS}
    stds: dict[str, list[np.ndarray]] = {name: [] for name in NETS}
    steps: list[int] = []
    for step in range(1, p["steps"] + 1):
        ctx.check()
        idx = batches.next()
        noise = noise_source.draw(len(idx))
        recording = step == 1 or step % p["record_every"] == 0 or step == p["steps"]
        probe_noise = noise_source.for_batch(noise, PROBE_BATCH) if recording else None
        scalars: dict[str, float] = {}
        for name, net in nets.items():
            if net.diverged:
                continue
            noisy = net.spec.norm.noisy
            if recording:
                _record(net.spec, net.params, probe_x, p["layer"] - 1, p["unit"],
                        probe_noise if noisy else None, records[name], means[name], stds[name])
            scalars[f"loss_{name}"] = loss = net.loss_and_grad(x[idx], y[idx], noise if noisy else None)
            net.diverged = net.guard.check(step, {f"loss_{name}": loss})
            if net.diverged:
                continue
            net.sgd(p["lr"])
            if recording:
                scalars[f"test_acc_{name}"] = net.accuracy(x_test, y_test)
        arrays = {}
        if recording:
            steps.append(step)
            arrays["record_steps"] = np.array(steps, dtype=np.float64)
            for name in NETS:
                if records[name]:
                    arrays[f"unit_{name}"] = np.stack(records[name])
                    scalars[f"drift_mean_{name}"] = _drift(means[name])
                    scalars[f"drift_std_{name}"] = _drift(stds[name])
        message = "; ".join(f"{name} stopped: {net.diverged}" for name, net in nets.items() if net.diverged)
        yield Frame(step, step / p["steps"], scalars, arrays, message=message)
        if all(net.diverged for net in nets.values()):
            return


def _record(spec, params, probe_x, layer, unit, noise, records, means, stds) -> None:
    captured: list[torch.Tensor] = []
    with torch.no_grad():
        forward(spec, params, probe_x, None, train=True, noise=noise, capture=captured)
    h = captured[layer]
    records.append(h[:, unit].double().numpy())
    means.append(h.mean(0).double().numpy())
    stds.append(h.std(0).double().numpy())


def _drift(series: list[np.ndarray]) -> float:
    """Std over time of each unit's statistic, averaged over units (0 with one record)."""
    if len(series) < 2:
        return 0.0
    return float(np.stack(series).std(0).mean())
