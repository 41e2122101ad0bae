"""The arena population's backward pass written out, so that each member computes only the gradients
its rule needs.

Why: a loss-level rule (equal, manual, init, prior, real-time, Σlog, power mean, uncertainty) needs
one gradient, ∇Σ_i w_i L_i, with w from the losses alone; only the gradient-level rules
(gradient-normalised, GradNorm, MGDA) need the T per-task gradients.  Autograd's batched backward
gives every member all T of them; here the output deltas of each task are pushed through the trunk
either one task at a time (K = T) or already weighted (K = 1).

For a ReLU layer h_l = relu(h_{l−1}W_l + b_l) and a delta δ_l = ∂L/∂(h_{l−1}W_l + b_l):
∂L/∂W_l = h_{l−1}ᵀδ_l, ∂L/∂b_l = Σ_batch δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[h_{l−1} > 0].
A task's loss is the batch mean of the cross-entropy (δ = (softmax − one-hot)/B) or of the squared
error over its outputs (δ = 2(z − y)/(B·outputs)); its stressed loss λL + c scales δ by λ.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class ForwardPass:
    """Activations [x, h₁, …, h_L] (each (P, B, ·)), the stressed task losses (P, T), and the
    stressed output deltas (P, B, O) — every output column belongs to exactly one task."""

    activations: list[torch.Tensor]
    losses: torch.Tensor
    delta_out: torch.Tensor


def forward(pop, theta: torch.Tensor, x: torch.Tensor, targets: list[torch.Tensor], scale: torch.Tensor,
            shift: torch.Tensor) -> ForwardPass:
    activations = [x.expand(theta.shape[0], *x.shape)]
    for fan_in, (w0, w1, b1, fan_out) in zip(pop.layout.sizes, pop.layout.slices[:-1]):
        w = theta[:, w0:w1].reshape(-1, fan_in, fan_out)
        activations.append(torch.relu(torch.baddbmm(theta[:, w1:b1].unsqueeze(1), activations[-1], w)))
    out = pop.outputs(theta, activations[-1])
    batch, columns, deltas = out.shape[1], [], []
    for t, (task, (a, b), y) in enumerate(zip(pop.tasks, pop.bounds, targets)):
        z = out[:, :, a:b]
        if task.classes:
            logp = torch.log_softmax(z, dim=2)
            picked = y.expand(z.shape[0], -1).unsqueeze(2)
            columns.append(-logp.gather(2, picked).squeeze(2).mean(dim=1))
            delta = logp.exp().scatter_add_(2, picked, -torch.ones_like(picked, dtype=z.dtype)) / batch
        else:
            residual = z - y
            columns.append((residual ** 2).mean(dim=(1, 2)))
            delta = residual * (2.0 / (batch * (b - a)))
        deltas.append(delta * scale[:, t, None, None])
    losses = torch.stack(columns, dim=1) * scale + shift
    return ForwardPass(activations, losses, torch.cat(deltas, dim=2))


def head_deltas(pop, theta: torch.Tensor, delta_out: torch.Tensor) -> torch.Tensor:
    """δ at the trunk's output, one per task: (P, T, B, width)."""
    w0, w1, _b1, fan_out = pop.layout.slices[-1]
    w = theta[:, w0:w1].reshape(-1, pop.layout.sizes[-1], fan_out)
    return torch.stack([torch.bmm(delta_out[:, :, a:b], w[:, :, a:b].transpose(1, 2)) for a, b in pop.bounds], dim=1)


def trunk_gradients(pop, theta: torch.Tensor, activations: list[torch.Tensor], delta_top: torch.Tensor) -> torch.Tensor:
    """∂/∂trunk of K losses at once: δ at the trunk's output (P, K, B, width) → (P, K, trunk)."""
    parts, delta = [], delta_top
    layers = list(zip(pop.layout.sizes, pop.layout.slices[:-1]))
    for index in range(len(layers) - 1, -1, -1):
        fan_in, (w0, w1, b1, fan_out) = layers[index]
        delta = delta * (activations[index + 1] > 0).unsqueeze(1)
        below = activations[index].unsqueeze(1)
        parts.append(delta.sum(dim=2))                                      # b_l
        parts.append(torch.matmul(below.transpose(2, 3), delta).flatten(2))  # W_l
        if index:
            w = theta[:, w0:w1].reshape(-1, fan_in, fan_out)
            delta = torch.matmul(delta, w.transpose(1, 2).unsqueeze(1))
    return torch.cat(parts[::-1], dim=2)


def head_gradient(pop, activations: list[torch.Tensor], delta_out: torch.Tensor) -> torch.Tensor:
    """∂/∂head (W then b) of the loss whose output deltas are ``delta_out``: (P, heads)."""
    return torch.cat([torch.bmm(activations[-1].transpose(1, 2), delta_out).flatten(1), delta_out.sum(dim=1)], dim=1)


def per_task_heads(pop, activations: list[torch.Tensor], delta_out: torch.Tensor) -> torch.Tensor:
    """Each task's head gradient in the head's flat layout, zero in the other tasks' columns: (P, T, heads)."""
    full_w = torch.bmm(activations[-1].transpose(1, 2), delta_out)          # (P, width, O)
    full_b = delta_out.sum(dim=1)
    out = []
    for a, b in pop.bounds:
        w, bias = torch.zeros_like(full_w), torch.zeros_like(full_b)
        w[:, :, a:b], bias[:, a:b] = full_w[:, :, a:b], full_b[:, a:b]
        out.append(torch.cat([w.flatten(1), bias], dim=1))
    return torch.stack(out, dim=1)
