"""Santurkar et al.'s landscape probes (2018, §3.1, Fig. 4; note §2.2 E4 and §3.2).

At a training step with parameters θ, batch B and gradient g = ∇L(θ; B), evaluate the training
objective at θ − ηg for η on a grid [η_min, η_max]:

* loss landscape (Lipschitzness of the loss): the band min…max of L(θ − ηg);
* gradient predictiveness: the band of ‖∇L(θ − ηg) − g‖₂ (its maximum is the headline number);
* effective β-smoothness: max_η ‖∇L(θ − ηg) − g‖₂ / ‖ηg‖₂.

All probe points run as one batched forward/backward (the η values are a leading grid dimension of
the parameters), on the same batch, with normalisations in training mode on that batch (the landscape
of the objective being optimised) and without touching running statistics or the optimiser (note §6):
probes read θ and g and write nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engines.batchnorm.network import NetSpec, Noise, cross_entropy, forward


@dataclass(frozen=True)
class ProbeResult:
    etas: np.ndarray         # (k,)
    losses: np.ndarray       # (k,) L(θ − ηg)
    grad_diffs: np.ndarray   # (k,) ‖∇L(θ − ηg) − g‖
    grad_norm: float         # ‖g‖

    @property
    def loss_min(self) -> float:
        return float(self.losses.min())

    @property
    def loss_max(self) -> float:
        return float(self.losses.max())

    @property
    def loss_range(self) -> float:
        return self.loss_max - self.loss_min

    @property
    def grad_pred(self) -> float:
        """The largest gradient change along the probe (the paper's 'gradient predictiveness')."""
        return float(self.grad_diffs.max())

    @property
    def grad_pred_min(self) -> float:
        return float(self.grad_diffs.min())

    @property
    def beta_eff(self) -> float:
        if self.grad_norm == 0.0:
            return 0.0
        return float(np.max(self.grad_diffs / (self.etas * self.grad_norm)))

    def scalars(self, suffix: str) -> dict[str, float]:
        return {f"loss_min{suffix}": self.loss_min, f"loss_max{suffix}": self.loss_max,
                f"loss_range{suffix}": self.loss_range, f"grad_pred_min{suffix}": self.grad_pred_min,
                f"grad_pred{suffix}": self.grad_pred, f"beta_eff{suffix}": self.beta_eff,
                f"grad_norm{suffix}": self.grad_norm}


def probe_etas(eta_min: float, eta_max: float, points: int) -> np.ndarray:
    return np.linspace(eta_min, eta_max, points)


def probe(spec: NetSpec, params: list[torch.Tensor], grad: list[torch.Tensor], x: torch.Tensor,
          y: torch.Tensor, etas: np.ndarray, noise: list[Noise] | None = None) -> ProbeResult:
    """Loss and gradient change at θ − ηg for every η (one batched pass; θ and g are only read)."""
    k = len(etas)
    eta = torch.as_tensor(etas, dtype=params[0].dtype, device=params[0].device)
    points = []
    for p, g in zip(params, grad):
        shape = (k,) + (1,) * p.dim()
        points.append((p.detach().unsqueeze(0) - eta.view(shape) * g.detach().unsqueeze(0)).requires_grad_(True))
    losses = cross_entropy(forward(spec, points, x, None, train=True, noise=noise), y)
    grads = torch.autograd.grad(losses.sum(), points)
    with torch.no_grad():
        sq = sum(((gp - g.unsqueeze(0)) ** 2).reshape(k, -1).sum(1) for gp, g in zip(grads, grad))
        grad_norm = torch.sqrt(sum((g ** 2).sum() for g in grad))
    return ProbeResult(np.asarray(etas, dtype=np.float64), losses.detach().double().cpu().numpy(),
                       torch.sqrt(sq).double().cpu().numpy(), float(grad_norm))
