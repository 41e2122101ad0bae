"""Internal covariate shift as Santurkar et al. measure it (Definition 2.1; note §2.2 E3, §3.5).

For Linear layer i at step t, on the *same* batch:

    G  = ∇_{W_i} L(W_1ᵗ, …, W_kᵗ)                      (the gradient the step uses)
    G′ = ∇_{W_i} L(W_1ᵗ⁺¹, …, W_{i−1}ᵗ⁺¹, W_iᵗ, …, W_kᵗ)  (after updating only the preceding layers)
    ICS = ‖G − G′‖₂ (ideal 0) and cos(G, G′) (ideal 1).

"Preceding layers" are every parameter of the Linear layers before i and of the normalisations
that follow them (γ, β included — the note's own runs held those fixed, a simplification we do not
need).  The update is the run's own SGD step.  One measurement costs k − 1 extra forward/backward
passes; normalisations use batch statistics and never move the running ones.

The note found BN *lowering* this ICS on the digits MLP and raising it on a 25-layer deep linear net:
the app shows the numbers without asserting a direction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from engines.batchnorm.network import NetSpec, Noise, forward

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def layer_index(name: str) -> int:
    """The Linear layer a parameter belongs to: W3, b3, gamma3, beta3 → 3."""
    return int(re.search(r"(\d+)$", name).group(1))


@dataclass(frozen=True)
class IcsResult:
    layers: np.ndarray   # Linear layer indices measured (1 … depth)
    l2: np.ndarray       # ‖G − G′‖
    cosine: np.ndarray   # cos(G, G′)
    grad_norm: np.ndarray  # ‖G‖ (to read ℓ2 relative to the gradient's own size)


def measure_ics(spec: NetSpec, params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float,
                loss_fn: LossFn, noise: list[Noise] | None = None, frozen: frozenset[int] = frozenset()) -> IcsResult:
    """Definition 2.1 for every Linear layer after the first; ``frozen`` layers take no SGD step
    (the unit test's check: freezing layer 0 makes layer 1's ICS exactly 0)."""
    names = spec.names()
    owner = [layer_index(n) for n in names]
    base = [p.detach().requires_grad_(True) for p in params]
    grads = torch.autograd.grad(loss_fn(forward(spec, base, x, None, True, noise=noise), y), base)
    updated = [p.detach() if owner[j] in frozen else (p - lr * g).detach()
               for j, (p, g) in enumerate(zip(base, grads))]
    layers, l2, cos, norms = [], [], [], []
    for i in range(1, spec.depth + 1):
        w_index = names.index(f"W{i}")
        point = [(updated[j] if owner[j] < i else base[j].detach()).requires_grad_(j == w_index)
                 for j in range(len(base))]
        loss = loss_fn(forward(spec, point, x, None, True, noise=noise), y)
        g_new = torch.autograd.grad(loss, [point[w_index]])[0].double()
        g_old = grads[w_index].double()
        diff = float(torch.linalg.vector_norm(g_old - g_new))
        denom = float(torch.linalg.vector_norm(g_old) * torch.linalg.vector_norm(g_new))
        layers.append(i)
        l2.append(diff)
        cos.append(float((g_old * g_new).sum()) / denom if denom > 0 else 1.0)
        norms.append(float(torch.linalg.vector_norm(g_old)))
    return IcsResult(np.array(layers), np.array(l2), np.array(cos), np.array(norms))


def mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error over examples and outputs (torch's ``mse_loss``), (…, n, d) → (…)."""
    return ((prediction - target) ** 2).mean((-2, -1))
