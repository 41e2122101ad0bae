"""Two networks, A and B, trained side by side on identical batches from identical initial weights
(note §6): the only difference between them is the normalisation variant.

Plain SGD (no momentum, no weight decay), as in the note's reference runs.  Each net's step computes
its loss and gradient in training mode (moving its running statistics), and the probes and surfaces
reuse that gradient without writing anything.  A net whose loss diverges stops training; the other
one goes on, which is the point of a learning-rate comparison.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from engines.batchnorm.network import (NetSpec, Noise, RunningStats, cross_entropy, flat, forward, init_params,
                                       init_stats)
from engines.training.datasets import Split, digits_split, moons_split
from engines.training.guard import DivergenceGuard

LABELS = ("a", "b")


def dataset(name: str) -> tuple[Split, int, int]:
    """(split, input dimension, classes)."""
    if name == "moons":
        return moons_split(), 2, 2
    return digits_split(), 64, 10


@dataclass
class Net:
    label: str
    spec: NetSpec
    params: list[torch.Tensor]
    stats: RunningStats
    guard: DivergenceGuard = field(default_factory=DivergenceGuard)
    diverged: str = ""
    grad: list[torch.Tensor] | None = None
    snapshots: list[np.ndarray] = field(default_factory=list)
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = cross_entropy

    @property
    def suffix(self) -> str:
        return f"_{self.label}"

    def loss_and_grad(self, x: torch.Tensor, y: torch.Tensor, noise: list[Noise] | None) -> float:
        """One training-mode pass: the batch loss, the gradient kept in ``self.grad``; the running
        statistics move (this is the step's own forward)."""
        logits = forward(self.spec, self.params, x, self.stats, train=True, update_stats=True, noise=noise)
        loss = self.loss_fn(logits, y)
        self.grad = list(torch.autograd.grad(loss, self.params))
        return float(loss.detach())

    def sgd(self, lr: float) -> None:
        with torch.no_grad():
            for p, g in zip(self.params, self.grad):
                p.sub_(lr * g)

    def accuracy(self, x: torch.Tensor, y: torch.Tensor) -> float:
        """Evaluation mode: running statistics, no noise."""
        with torch.no_grad():
            logits = forward(self.spec, self.params, x, self.stats, train=False)
            return float((logits.argmax(-1) == y).float().mean())

    def snapshot(self) -> None:
        with torch.no_grad():
            self.snapshots.append(flat(self.params).cpu().numpy().copy())


def make_pair(p: dict[str, Any], in_dim: int, out_dim: int, device) -> list[Net]:
    """A and B from the same seed: ``init_params`` draws W then b of each Linear in the same order
    for every variant, so the shared Linear layers start identical."""
    nets = []
    for label in LABELS:
        spec = NetSpec(p[f"variant_{label}"], p["depth"], p["width"], in_dim, out_dim)
        generator = torch.Generator().manual_seed(p["seed"])
        nets.append(Net(label, spec, init_params(spec, p["init"], generator, device), init_stats(spec, device)))
    return nets


class NoiseSource:
    """noisy_bn's per-unit, per-step shift m ~ U(−a, a) and scale s ~ U(lo, hi), plus optional
    per-example N(0, c²) (note §3.5), drawn from one CPU generator so both nets see the same noise."""

    def __init__(self, p: dict[str, Any], depth: int, width: int, device):
        self.a, self.lo, self.hi, self.c = (p["noise_mean"], p["noise_scale_lo"], p["noise_scale_hi"],
                                            p["noise_sample"])
        self.depth, self.width, self.device = depth, width, device
        self.generator = torch.Generator().manual_seed(p["seed"] + 2)

    def draw(self, n: int) -> list[Noise]:
        out = []
        for _ in range(self.depth):
            shift = (torch.rand(self.width, generator=self.generator) * 2 - 1) * self.a
            scale = self.lo + torch.rand(self.width, generator=self.generator) * (self.hi - self.lo)
            sample = (torch.randn(n, self.width, generator=self.generator) * self.c) if self.c > 0 else None
            out.append(Noise(scale.to(self.device), shift.to(self.device),
                             None if sample is None else sample.to(self.device)))
        return out

    def for_batch(self, step_noise: list[Noise], n: int) -> list[Noise]:
        """The same step's per-unit shift and scale for another batch of n examples (a fresh
        per-example part, if any): what a probe batch sees at this step."""
        out = []
        for layer in step_noise:
            sample = None
            if self.c > 0:
                sample = (torch.randn(n, self.width, generator=self.generator) * self.c).to(self.device)
            out.append(Noise(layer.scale, layer.shift, sample))
        return out


class Batches:
    """``batch_size`` examples drawn without replacement at every step, the same for A and B."""

    def __init__(self, n: int, batch_size: int, seed: int):
        self.n, self.batch_size = n, batch_size
        self.generator = torch.Generator().manual_seed(seed + 1)

    def next(self) -> torch.Tensor:
        return torch.randperm(self.n, generator=self.generator)[: self.batch_size]
