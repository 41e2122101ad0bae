"""``multitask:auxiliary`` (panel M4): a primary task with an auxiliary that must not get worse.

Two problems (``problem``): ``noisy_labels`` — a large noisy set is the primary, a small clean set the
auxiliary (``auxiliary_noisy``); ``l2_free`` — the training loss is the primary, ½‖θ‖² the auxiliary,
“L2 without λ” (``auxiliary_l2``).  Every rule is one row of a population: same θ₀, same batches.

Streams, ``noisy_labels``: per rule m ``test_acc_<m>``, ``test_loss_<m>``, ``clean_loss_<m>``,
``memorised_<m>`` (mislabelled training images predicted as their wrong label); the projection's
``conflict_rate`` (steps with ⟨g_noisy, g_clean⟩ < 0) and ``projection_gamma``; masking's
``masked_fraction``, ``masked_mislabelled`` (of the masked, truly mislabelled) and
``mislabelled_masked`` against ``batch_mislabelled`` (the base rate).  ``l2_free``: per rule
``test_acc_<m>``, ``test_loss_<m>``, ``val_acc_<m>``, ``train_loss_<m>``, ``weight_norm_<m>`` (‖θ‖),
for the tuned rules those of the grid member best on validation at that evaluation, whose λ is
``lambda_l2`` / ``lambda_adamw``; the table ``grid`` scores every member at the end.
"""
from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

import numpy as np
import torch

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.torch_runtime import DEVICE_CHOICES, configure_threads, resolve_device
from engines.multitask.arena_population import BatchedAdam, initial_parameters
from engines.multitask.auxiliary_l2 import GRIDDED, L2_METHODS, L2Step, Members, chosen, small_digits
from engines.multitask.auxiliary_net import TwoLayerNet
from engines.multitask.auxiliary_noisy import NOISY_LABELS, NOISY_METHODS, NoisyStep, noisy_data
from engines.training.datasets import DIGITS_TRAIN_SIZE

PROBLEMS = ("noisy_labels", "l2_free")
AUXILIARY_PARAMS = ParamSchema([
    Param("problem", "noisy_labels", kind="choice", choices=PROBLEMS,
          choice_labels=("noisy labels, a clean set as the auxiliary", "L2 without λ"),
          help="noisy_labels (noisy digits, a small clean set that must not get worse) or l2_free "
               "(weight decay as an auxiliary task, against tuned L2 and AdamW)"),
    Param("noise_rate", 0.4, lo=0.0, hi=0.8, label="label noise rate",
          help="noisy labels: the probability that a training label is flipped to another class"),
    Param("clean_size", 50, kind="int", lo=20, hi=200, label="clean-set size",
          help="noisy labels: training images kept with their true labels (the auxiliary task)"),
    Param("train_size", 100, kind="int", lo=20, hi=DIGITS_TRAIN_SIZE,
          help="L2 without λ: training images (few, so that the network over-fits)"),
    Param("init_scale", 1.0, lo=0.1, hi=10.0, log=True, label="initial scale",
          help="L2 without λ: θ₀ is PyTorch's default initialisation times this; the projected rules "
               "keep ‖θ‖ near ‖θ₀‖, so it sets how strongly they regularise"),
    Param("width", 128, kind="int", lo=4, hi=1024, help="hidden units of the one-hidden-layer ReLU network"),
    Param("optimizer", "adam", kind="choice", choices=("adam", "sgd"), help="Adam or plain SGD, every rule"),
    Param("lr", 1e-3, lo=1e-6, hi=1.0, log=True, live=True, help="learning rate, every rule"),
    Param("steps", 2000, kind="int", lo=1, hi=100_000, help="training steps"),
    Param("batch_size", 64, kind="int", lo=2, hi=DIGITS_TRAIN_SIZE, help="examples per step, shared by every rule"),
    Param("eval_every", 25, kind="int", lo=1, hi=10_000, advanced=True, help="steps between evaluations"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the noise, the initial weights and the batches"),
    Param("device", "cpu", kind="choice", choices=DEVICE_CHOICES, advanced=True, help="cpu, cuda or auto"),
])
GRID_COLUMNS = ("method", "lambda", "val_acc", "test_acc", "val_loss", "test_loss", "weight_norm")


def relevant_auxiliary(values: Mapping[str, Any]) -> set[str]:
    names = set(AUXILIARY_PARAMS.names())
    if values.get("problem") == "l2_free":
        return names - {"noise_rate", "clean_size"}
    return names - {"train_size", "init_scale"}


class Batches:
    """Shuffled mini-batches of one training set, reshuffled every epoch, the same for every row."""

    def __init__(self, size: int, batch: int, seed: int, device):
        self.size, self.batch, self.device = size, min(batch, size), device
        self.generator = torch.Generator().manual_seed(seed + 1)
        self.order, self.at = torch.randperm(size, generator=self.generator), 0

    def next(self) -> torch.Tensor:
        if self.at + self.batch > self.size:
            self.order, self.at = torch.randperm(self.size, generator=self.generator), 0
        self.at += self.batch
        return self.order[self.at - self.batch:self.at].to(self.device)


def _training(p: dict[str, Any], ctx: RunContext, theta: torch.Tensor, batches: Batches, direction, evaluate,
              describe) -> Iterator[Frame]:
    """The loop both problems share: θ ← θ − η·optimiser(direction(θ, batch)), evaluated every
    ``eval_every`` steps; a non-finite loss ends the run with what it had."""
    optimiser = BatchedAdam(theta.shape, theta.dtype, theta.device, adam=p["optimizer"] == "adam")
    steps = p["steps"]
    for step in range(steps + 1):
        if step % p["eval_every"] == 0 or step == steps:
            scalars, arrays, columns = evaluate(theta, step)
            bad = [k for k, v in scalars.items() if (k.startswith("test_loss") or k.startswith("train_loss"))
                   and not math.isfinite(v)]
            frame = Frame(step=step, progress=step / steps, scalars=scalars, arrays=arrays, columns=columns,
                          message=describe(scalars, step))
            if bad:
                frame.diverged = f"{bad[0]} became {scalars[bad[0]]} at step {step}; lower lr"
                yield frame
                return
            yield frame
        if step == steps:
            return
        ctx.check()
        theta.sub_(ctx.live("lr") * direction(optimiser, theta, batches.next()))


def run_noisy(p: dict[str, Any], ctx: RunContext, device) -> Iterator[Frame]:
    data = noisy_data(p["noise_rate"], p["clean_size"], p["seed"], device)
    net = TwoLayerNet(data.x_noisy.shape[1], p["width"], 10)
    theta = initial_parameters(net.layout, p["seed"], zero_heads=False).to(device).repeat(len(NOISY_METHODS), 1)
    rules = NoisyStep(net, data)

    def evaluate(theta, step):
        scalars = rules.evaluate(theta)
        if step:
            scalars.update(rules.take_counts())
        return scalars, {}, {}

    def describe(s, step):
        text = f"step {step} · test accuracy " + ", ".join(f"{m} {s[f'test_acc_{m}']:.3f}" for m in NOISY_METHODS)
        if step:
            text += (f" · masking drops {s['masked_fraction']:.0%} of a batch, {s['masked_mislabelled']:.0%} of "
                     f"them mislabelled (base rate {s['batch_mislabelled']:.0%})")
        return text

    yield from _training(p, ctx, theta, Batches(len(data.y_noisy), p["batch_size"], p["seed"], device),
                         lambda optimiser, th, batch: optimiser.direction(rules.directions(th, batch)),
                         evaluate, describe)


def run_l2(p: dict[str, Any], ctx: RunContext, device) -> Iterator[Frame]:
    data = small_digits(p["train_size"], device)
    net = TwoLayerNet(data.x_train.shape[1], p["width"], 10)
    members = Members.all()
    theta0 = initial_parameters(net.layout, p["seed"], zero_heads=False) * p["init_scale"]
    theta = theta0.to(device).repeat(len(members.rows), 1)
    rules = L2Step(net, members, theta)

    def direction(optimiser, th, batch):
        return rules.update(th, optimiser.direction(rules.gradient(th, data.x_train[batch], data.y_train[batch])[0]))

    def evaluate(theta, step):
        val_loss, val_acc = net.evaluate(theta, data.x_val, data.y_val)
        test_loss, test_acc = net.evaluate(theta, data.x_test, data.y_test)
        train_loss, _ = net.evaluate(theta, data.x_train, data.y_train)
        norms = theta.norm(dim=1)
        scalars = {}
        for m in L2_METHODS:
            i = chosen(members, m, val_loss)
            if m in GRIDDED:
                scalars[f"lambda_{m}"] = members.rows[i][1]
            scalars.update({f"test_acc_{m}": float(test_acc[i]), f"test_loss_{m}": float(test_loss[i]),
                            f"val_acc_{m}": float(val_acc[i]), f"train_loss_{m}": float(train_loss[i]),
                            f"weight_norm_{m}": float(norms[i])})
        grid = np.array([[L2_METHODS.index(m), lam, float(val_acc[i]), float(test_acc[i]), float(val_loss[i]),
                          float(test_loss[i]), float(norms[i])] for i, (m, lam) in enumerate(members.rows)])
        return scalars, {"grid": grid}, {"grid": GRID_COLUMNS}

    def describe(s, step):
        return (f"step {step} · test accuracy " + ", ".join(f"{m} {s[f'test_acc_{m}']:.3f}" for m in L2_METHODS)
                + f" · ‖θ‖ without λ {s['weight_norm_projected']:.2f}, unregularised {s['weight_norm_none']:.2f}")

    yield from _training(p, ctx, theta, Batches(len(data.y_train), p["batch_size"], p["seed"], device),
                         direction, evaluate, describe)


def run_auxiliary(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = AUXILIARY_PARAMS.validate(params)
    device = resolve_device(p["device"])
    configure_threads(device)
    yield from (run_noisy if p["problem"] == "noisy_labels" else run_l2)(p, ctx, device)


__all__ = ["AUXILIARY_PARAMS", "NOISY_LABELS", "run_auxiliary", "relevant_auxiliary"]
