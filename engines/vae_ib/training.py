"""Training as an engine generator (DESIGN.md §2): a frame per optimisation step with the step's
metrics, and every ``eval_every`` steps the full-data metrics and array snapshots."""
from __future__ import annotations

import time
from typing import Any, Iterator

import numpy as np
import torch

from engines.core.frame import Frame, RunContext
from engines.core.torch_runtime import configure_threads, describe_device, resolve_device, seed_everything
from engines.training.datasets import digits_all, digits_split
from engines.training.guard import DivergenceGuard
from engines.vae_ib.bottleneck import BottleneckPopulation, MemberConfig
from engines.vae_ib.evaluation import evaluate_vae, evaluate_vib
from engines.vae_ib.information import LN2

LIVE_KNOBS = ("lr", "beta", "beta_step", "latent_noise")


def build_population(p: dict[str, Any], members: list[MemberConfig], device) -> tuple[BottleneckPopulation, Any]:
    """The population for these values and the data it evaluates on (a Split, or the labels)."""
    if p["model"] == "vib":
        split = digits_split(p["train_size"])
        x, y, data = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train), split
    else:
        images, labels = digits_all()
        x, y, data = torch.from_numpy(np.array(images)), None, labels
    pop = BottleneckPopulation(p["model"], x, y, members, p["latent_dim"], p["batch_size"], device,
                               p["penalty"], p["info_budget"], p["beta_step"])
    pop.sample_latent = p["latent_noise"] == "sample"
    return pop, data


def evaluate(pop: BottleneckPopulation, data, p: dict[str, Any], step: int):
    if p["model"] == "vib":
        return evaluate_vib(pop, data, step, p["test_samples"], p["mi_samples"])
    return evaluate_vae(pop, data, step, p["mi_samples"])


def latent_columns(k: int) -> dict[str, tuple[str, ...]]:
    return {"latent": tuple(f"z{i}" for i in range(k)) + ("label",),
            "latent_sigma": tuple(f"sigma{i}" for i in range(k)),
            "latent_2d": ("x", "y", "label"), "ellipses": ("x", "y"),
            "sigma_hist": ("log10_sigma", "count"),
            "info_plane": ("step", "ixz_bits", "izy_bits", "kl_bound_bits"),
            "interp_logprior": ("t", "linear", "cossin")}


def prepare(p: dict[str, Any]):
    device = resolve_device(p["device"])
    configure_threads(device)
    seed_everything(p["seed"])
    return device


def train_run(p: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """One run (a population of one member): streams per-step metrics and periodic evaluations."""
    device = prepare(p)
    pop, data = build_population(p, [MemberConfig(p["seed"], p["beta"], p["lr"])], device)
    total = p["epochs"] * pop.steps_per_epoch
    task = "ce" if p["model"] == "vib" else "recon"
    guard = DivergenceGuard()
    live = {name: p[name] for name in LIVE_KNOBS}
    columns = latent_columns(p["latent_dim"])
    trajectory: list[tuple[float, float, float, float]] = []
    device_text = describe_device(device)
    yield Frame(0, 0.0, message=f"training {p['model']} on {device_text}: {total} steps")
    trained_s = 0.0  # time spent in this generator's steps: pauses and the consumer do not count
    for step in range(1, total + 1):
        ctx.check()
        step_start = time.perf_counter()
        _apply_live(ctx, pop, live)
        loss, task_value, kl, beta = pop.step()[0].tolist()
        scalars = {"loss": loss, task: task_value, "kl_nats": kl, "kl_bits": kl / LN2, "beta": beta,
                   "lr": live["lr"], "seconds": trained_s + time.perf_counter() - step_start}
        if task == "recon":
            scalars["elbo"] = -(task_value + kl)  # the evidence lower bound (β = 1), nats per image
        diverged = guard.check(step, {"loss": loss, task: task_value, "kl_nats": kl})
        arrays: dict[str, np.ndarray] = {}
        message = ""
        if not diverged and (step % p["eval_every"] == 0 or step == total):
            metrics, arrays = evaluate(pop, data, p, step)[0]
            scalars.update(metrics)
            if p["model"] == "vib":
                trajectory.append((step, metrics["mi_bits"], metrics["izy_bits"], metrics["kl_bound_bits"]))
                arrays["info_plane"] = np.array(trajectory, dtype=np.float64)
            message = _summary(p, step, total, pop.steps_per_epoch, metrics, device_text)
        trained_s += time.perf_counter() - step_start
        yield Frame(step, step / total, scalars, arrays, columns if arrays else {}, message, diverged)
        if diverged:
            return


def _apply_live(ctx: RunContext, pop: BottleneckPopulation, live: dict[str, Any]) -> None:
    """Send changed live values into the running optimiser (lr, β, α_β, training code)."""
    for name in LIVE_KNOBS:
        value = ctx.live(name)
        if value == live[name]:
            continue
        live[name] = value
        if name == "lr":
            pop.set_lr(value)
        elif name == "beta":
            pop.set_beta(value)
        elif name == "beta_step":
            pop.beta_step = value
        else:
            pop.sample_latent = value == "sample"


def _summary(p, step, total, per_epoch, m, device_text) -> str:
    epoch = f"epoch {step / per_epoch:.0f}/{p['epochs']}"
    if p["model"] == "vib":
        body = (f"test acc {m['test_acc']:.3f} (z = μ), {m['test_acc_sampled']:.3f} ({p['test_samples']} samples) · "
                f"KL bound {m['kl_bound_bits']:.3g} bits · MI {m['mi_bits']:.3g} bits · I(Z;Y) ≥ {m['izy_bits']:.3f} bits")
    else:
        body = (f"recon {m['recon_bce']:.2f} nats · KL {m['kl_bound_bits'] * LN2:.3g} nats · "
                f"{m['active_units']:.0f} active units · TC {m['total_correlation']:.3g} nats")
    return f"{epoch} · {body} · {device_text}"
