"""A population of P identical small MLPs whose parameters are stacked on a leading dimension.

Why: one digits-scale model is kernel-launch bound on a GPU (an H200 trains one at ~480 steps/s,
no faster than two CPU cores), but P models as one batched program (``torch.baddbmm`` over the
stacked weights) run hundreds of times more model-steps per second.  A single run is simply P = 1,
so a sweep member and a lone run execute the same code and give the same numbers for the same seed.

Each member owns a CPU ``torch.Generator`` seeded from its own seed.  Its initial weights, its
mini-batch order and its noise are drawn from that generator in a fixed order, on the CPU, and then
moved to the device: a member's trajectory depends neither on the other members nor on the device
(up to floating-point reassociation in the kernels).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch


def member_generators(seeds: list[int]) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(int(s)) for s in seeds]


@dataclass
class StackedLinear:
    """Weights (P, fan_in, fan_out) and biases (P, 1, fan_out), torch's default Linear init per member:
    U(−1/√fan_in, 1/√fan_in) for both (kaiming-uniform with a = √5 reduces to this bound)."""

    weight: torch.Tensor
    bias: torch.Tensor

    @classmethod
    def init(cls, fan_in: int, fan_out: int, generators: list[torch.Generator], device) -> "StackedLinear":
        bound = 1.0 / math.sqrt(fan_in)
        ws, bs = [], []
        for g in generators:
            ws.append((torch.rand(fan_in, fan_out, generator=g) * 2 - 1) * bound)
            bs.append((torch.rand(1, fan_out, generator=g) * 2 - 1) * bound)
        weight = torch.stack(ws).to(device).requires_grad_(True)
        bias = torch.stack(bs).to(device).requires_grad_(True)
        return cls(weight, bias)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """x: (P, B, fan_in) → (P, B, fan_out)."""
        return torch.baddbmm(self.bias, x, self.weight)

    def parameters(self) -> list[torch.Tensor]:
        return [self.weight, self.bias]


class StackedMLP:
    """Linear layers with ReLU between them (none after the last)."""

    def __init__(self, sizes: list[int], generators: list[torch.Generator], device):
        self.layers = [StackedLinear.init(a, b, generators, device) for a, b in zip(sizes[:-1], sizes[1:])]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x

    def parameters(self) -> list[torch.Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]


class PopulationAdam:
    """Adam (Kingma & Ba 2015, bias-corrected) over stacked parameters with a learning rate per member.

    ``lr`` is a (P,) tensor the caller may change between steps (a live learning-rate slider, or a
    sweep over lr); everything else is the textbook update, elementwise, so member i's update uses
    only member i's gradients.
    """

    def __init__(self, params: list[torch.Tensor], lr: torch.Tensor, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        c1 = 1 - self.beta1**self.t
        c2 = 1 - self.beta2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            g = p.grad
            m.mul_(self.beta1).add_(g, alpha=1 - self.beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            lr = self.lr.view(-1, *([1] * (p.dim() - 1)))
            denom = (v / c2).sqrt_().add_(self.eps)
            p.addcdiv_(m * (lr / c1), denom, value=-1.0)
            p.grad = None


class MemberBatches:
    """Per-member mini-batch indices and Gaussian noise, drawn one epoch at a time on the CPU.

    For each epoch, member i draws from its own generator a permutation of the N examples and then
    the noise for every step of the epoch, always in that order; the epoch's tensors go to the
    device in one copy.  Steps per epoch = ⌈N / B⌉ (the last batch is smaller).
    """

    def __init__(self, n_examples: int, batch_size: int, noise_dim: int, generators: list[torch.Generator],
                 device):
        self.n, self.batch, self.noise_dim = n_examples, min(batch_size, n_examples), noise_dim
        self.generators, self.device = generators, device
        self.steps_per_epoch = math.ceil(self.n / self.batch)
        self._step_in_epoch = self.steps_per_epoch
        self._order = self._noise = None

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(P, b) example indices and (P, b, noise_dim) standard-normal noise for the next step."""
        if self._step_in_epoch == self.steps_per_epoch:
            self._new_epoch()
        k = self._step_in_epoch
        self._step_in_epoch += 1
        lo, hi = k * self.batch, min((k + 1) * self.batch, self.n)
        return self._order[:, lo:hi], self._noise[:, lo:hi]

    def _new_epoch(self) -> None:
        orders, noises = [], []
        for g in self.generators:
            orders.append(torch.randperm(self.n, generator=g))
            noises.append(torch.randn(self.n, self.noise_dim, generator=g))
        self._order = torch.stack(orders).to(self.device)
        self._noise = torch.stack(noises).to(self.device)
        self._step_in_epoch = 0

