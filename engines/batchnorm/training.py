"""The A-vs-B run as an engine generator (DESIGN.md §2): a frame per SGD step with both training
losses; every ``probe_every`` steps Santurkar's probes for both nets and the A/B ratios; every
``eval_every`` steps test accuracy; loss surfaces (progressively refined) every ``surface_every``
steps and at the end.

curves.csv columns (issue 5): ``loss_a``, ``test_acc_a``, ``loss_range_a``, ``grad_pred_a``,
``beta_eff_a`` and the same for ``_b``; also the probe bands (``loss_min``, ``loss_max``,
``grad_pred_min``), ``grad_norm``, ``train_acc`` and ``ratio_loss_range`` / ``ratio_grad_pred`` /
``ratio_beta_eff`` (A / B).
"""
from __future__ import annotations

import math
import time
from functools import partial
from typing import Any, Iterator

import torch

from engines.batchnorm.pair import Batches, Net, NoiseSource, dataset, make_pair
from engines.batchnorm.probes import probe, probe_etas
from engines.batchnorm.surface_run import SurfaceRun
from engines.core.frame import Frame, RunContext
from engines.core.progress import WorkPlan
from engines.core.torch_runtime import configure_threads, describe_device, resolve_device, seed_everything

SNAPSHOTS = 60  # trajectory points kept per net for the projection on the surface plane
SURFACE_PASS_COST = 0.25  # a surface example forward, in training example passes (PairWork)
PLATEAU_AFTER = 50  # steps before a loss stuck at ln(classes) counts as a plateau
PLATEAU_TOLERANCE = 0.02  # relative distance of the smoothed loss from ln(classes)


def prepare(p: dict[str, Any]):
    device = resolve_device(p["device"])
    configure_threads(device)
    seed_everything(p["seed"])
    return device


class PairWork:
    """The run's work in example passes (a forward pass of one example = 1, a backward = 2), so
    the progress bar moves through the surfaces as it does through training.  Per step and net:
    a batch forward and backward (3B), the probes every ``probe_every`` steps (3B per η), the
    accuracies every ``eval_every`` steps (one forward of train and test); per surface and net,
    R² points × ``surface_batch`` forwards at SURFACE_PASS_COST each (no autograd, batched lanes:
    measured 0.08–0.35 of a training example pass on 2 cores, nets 3×32 to 6×256; at the defaults
    this model puts training at 0.74 of the run, measured 0.77).

    ``probe_every`` and ``surface_every`` are live: the work still to do is re-estimated with the
    values in force at each frame, and the progress shown never goes back."""

    def __init__(self, p: dict[str, Any], n_train: int, n_test: int):
        self.p, self.steps, self.n_examples = p, p["steps"], n_train + n_test
        self.per_step = self.step_cost(p["probe_every"])
        self.per_surface = 2 * SURFACE_PASS_COST * p["surface_resolution"] ** 2 * min(p["surface_batch"], n_train)
        self.enabled = p["surface_resolution"] > 0
        surfaces = self.surfaces_left(0, p["surface_every"]) if self.enabled else 0
        self.plan = WorkPlan({"training": self.steps * self.per_step, "surfaces": surfaces * self.per_surface})
        self.done, self._shown = 0.0, 0.0

    def step_cost(self, probe_every: int) -> float:
        p = self.p
        return 2 * (3 * p["batch_size"] * (1 + p["probe_points"] / probe_every) + self.n_examples / p["eval_every"])

    def surfaces_left(self, step: int, every: int) -> int:
        """Surfaces still to compute after ``step`` steps: those at steps step+1 … steps−1 that
        ``every`` divides, and the final one."""
        middle = (self.steps - 1) // every - step // every if every and step < self.steps - 1 else 0
        return max(middle, 0) + 1

    def at(self, step: int, ctx: RunContext, surface_fraction: float = 0.0) -> float:
        """Progress with ``step`` steps trained (``done`` counts them and the finished surfaces)
        and ``surface_fraction`` of the surface pass under way, if any."""
        left = (self.steps - step) * self.step_cost(ctx.live("probe_every"))
        if self.enabled:
            every = ctx.live("surface_every")
            pending = bool(step < self.steps and every and step % every == 0)  # a surface due at this step
            left += (self.surfaces_left(step, every) + pending) * self.per_surface
        fraction = (self.done + surface_fraction * self.per_surface) / max(self.done + left, 1e-12)
        self._shown = max(self._shown, min(fraction, 1.0))
        return self._shown


def train_pair(p: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    device = prepare(p)
    split, in_dim, out_dim = dataset(p["dataset"])
    x_train, y_train = torch.from_numpy(split.x_train).to(device), torch.from_numpy(split.y_train).to(device)
    x_test, y_test = torch.from_numpy(split.x_test).to(device), torch.from_numpy(split.y_test).to(device)
    nets = make_pair(p, in_dim, out_dim, device)
    noisy = any(net.spec.norm.noisy for net in nets)
    noise_source = NoiseSource(p, p["depth"], p["width"], device) if noisy else None
    batches = Batches(len(y_train), p["batch_size"], p["seed"])
    etas = probe_etas(p["probe_min"], p["probe_max"], p["probe_points"])
    surfaces = SurfaceRun(p, nets, x_train, y_train, device)
    work = PairWork(p, len(y_train), len(y_test))
    total = p["steps"]
    snapshot_every = max(1, math.ceil(total / SNAPSHOTS))
    yield Frame(0, 0.0, message=f"A = {p['variant_a']}, B = {p['variant_b']}: {total} SGD steps on "
                                f"{describe_device(device)}")
    for net in nets:
        net.snapshot()
    lr = p["lr"]
    trained_s = 0.0
    chance_loss = math.log(out_dim)
    smoothed = {net.label: chance_loss for net in nets}
    for step in range(1, total + 1):
        ctx.check()
        started = time.perf_counter()
        lr = ctx.live("lr")
        idx = batches.next().to(device)
        xb, yb = x_train[idx], y_train[idx]
        noise = noise_source.draw(len(idx)) if noise_source else None
        scalars: dict[str, float] = {}
        stopped_now: list[str] = []
        probing = step == 1 or step % ctx.live("probe_every") == 0
        for net in nets:
            if net.diverged:
                continue
            loss = net.loss_and_grad(xb, yb, noise if net.spec.norm.noisy else None)
            scalars[f"loss{net.suffix}"] = loss
            if probing and math.isfinite(loss):
                result = probe(net.spec, net.params, net.grad, xb, yb, etas, noise if net.spec.norm.noisy else None)
                scalars.update(result.scalars(net.suffix))
            net.diverged = net.guard.check(step, {f"loss{net.suffix}": loss})
            if net.diverged:
                stopped_now.append(f"net {net.label.upper()} ({net.spec.variant}) stopped: {net.diverged}")
            else:
                net.sgd(lr)
                smoothed[net.label] = 0.9 * smoothed[net.label] + 0.1 * loss
                if probing:
                    scalars[f"plateau{net.suffix}"] = float(
                        step >= PLATEAU_AFTER and abs(smoothed[net.label] - chance_loss) < PLATEAU_TOLERANCE * chance_loss)
        if probing:
            scalars.update(_ratios(scalars))
        if step % p["eval_every"] == 0 or step == total:
            for net in nets:
                if not net.diverged:
                    scalars[f"test_acc{net.suffix}"] = net.accuracy(x_test, y_test)
                    scalars[f"train_acc{net.suffix}"] = net.accuracy(x_train, y_train)
        if step % snapshot_every == 0 or step == total:
            for net in nets:
                if not net.diverged:
                    net.snapshot()
        trained_s += time.perf_counter() - started
        scalars["seconds"] = trained_s
        scalars["lr"] = lr
        message = "; ".join(stopped_now) or _plateau_message(nets, scalars, chance_loss, step)
        all_diverged = all(net.diverged for net in nets)
        work.done += work.step_cost(ctx.live("probe_every"))
        yield Frame(step, work.at(step, ctx), scalars, message=message,
                    diverged=_diverged(nets) if all_diverged else "")
        if all_diverged:
            return
        every = ctx.live("surface_every")
        if surfaces.enabled and step < total and every and step % every == 0:
            yield from surfaces.frames(step, partial(work.at, step, ctx), ctx)
            work.done += work.per_surface
    if surfaces.enabled:
        yield from surfaces.frames(total, partial(work.at, total, ctx), ctx)
    yield Frame(total, 1.0, message=_final_message(nets, total), diverged=_diverged(nets))


def _ratios(s: dict[str, float]) -> dict[str, float]:
    out = {}
    for name in ("loss_range", "grad_pred", "beta_eff"):
        a, b = s.get(f"{name}_a"), s.get(f"{name}_b")
        if a is not None and b is not None and b > 0:
            out[f"ratio_{name}"] = a / b
    return out


def _diverged(nets: list[Net]) -> str:
    return "; ".join(f"net {net.label.upper()} ({net.spec.variant}): {net.diverged}" for net in nets if net.diverged)


def _plateau_message(nets: list[Net], scalars: dict[str, float], chance_loss: float, step: int) -> str:
    """Say why a flat net's small probe values are no credit to it (note §3: default init)."""
    stuck = [net for net in nets if scalars.get(f"plateau{net.suffix}") == 1.0]
    if not stuck:
        return ""
    names = " and ".join(f"{net.label.upper()} ({net.spec.variant})" for net in stuck)
    return (f"step {step}: {names} sits on a plateau, loss ≈ ln {round(math.exp(chance_loss))} = {chance_loss:.3f} "
            f"(chance): its small probe values mean flat, not well-conditioned. A deep plain net starts there "
            f"with init = default; kaiming avoids it.")


def _final_message(nets: list[Net], total: int) -> str:
    parts = []
    for net in nets:
        state = f"diverged ({net.diverged})" if net.diverged else "trained"
        parts.append(f"{net.label.upper()} = {net.spec.variant}: {state}")
    return f"{total} steps · " + " · ".join(parts)
