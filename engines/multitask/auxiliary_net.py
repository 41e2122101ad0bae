"""A one-hidden-layer ReLU classifier for P members at once, with its backward pass written out.

Why by hand: panel M4's loss masking needs, for every noisy sample n, the inner product of its own
gradient g_n with the clean-set gradient G.  For a layer z = aW + b the per-sample gradient is the
outer product a_nᵀδ_n (δ_n = ∂ℓ_n/∂z_n), so ⟨g_n, G⟩ = Σ_layers (a_n G_W)·δ_n + G_b·δ_n: one matrix
product per layer for the whole batch, and no per-sample gradient is ever stored.  The same deltas
give the batch gradient, so the whole step costs about one ordinary backward.

Parameters are rows of a flat (P, n) float64 tensor in ``arena_population.Layout`` order
(W₁ as (inputs, width), b₁, W₂ as (width, classes), b₂); the cross-entropy is the batch mean.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from engines.multitask.arena_population import Layout


@dataclass(frozen=True)
class Pass:
    """One forward pass and its per-sample deltas: inputs x (P, B, D), hidden h (P, B, H), the
    deltas at the output (softmax − one-hot, (P, B, C)) and at the hidden pre-activation (P, B, H),
    and each sample's loss (P, B)."""

    x: torch.Tensor
    h: torch.Tensor
    delta_out: torch.Tensor
    delta_hidden: torch.Tensor
    losses: torch.Tensor


class TwoLayerNet:
    def __init__(self, inputs: int, width: int, classes: int):
        self.layout = Layout.of(inputs, width, 1, classes)
        (self.w1, self.b1_start, self.b1_end, _), (self.w2, self.b2_start, self.b2_end, _) = self.layout.slices
        self.inputs, self.width, self.classes = inputs, width, classes

    def weights(self, theta: torch.Tensor):
        """(W₁ (P, D, H), b₁ (P, 1, H), W₂ (P, H, C), b₂ (P, 1, C)) as views of θ."""
        p = theta.shape[0]
        return (theta[:, self.w1:self.b1_start].reshape(p, self.inputs, self.width),
                theta[:, self.b1_start:self.b1_end].reshape(p, 1, self.width),
                theta[:, self.w2:self.b2_start].reshape(p, self.width, self.classes),
                theta[:, self.b2_start:self.b2_end].reshape(p, 1, self.classes))

    def logits(self, theta: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(x broadcast to (P, B, D), hidden activations, logits (P, B, C))."""
        w1, b1, w2, b2 = self.weights(theta)
        x = x.expand(theta.shape[0], *x.shape[-2:]) if x.dim() == 2 else x
        h = torch.relu(torch.baddbmm(b1, x, w1))
        return x, h, torch.baddbmm(b2, h, w2)

    def forward_backward(self, theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> Pass:
        x, h, z = self.logits(theta, x)
        logp = torch.log_softmax(z, dim=2)
        y = y.expand(theta.shape[0], y.shape[-1]) if y.dim() == 1 else y
        losses = -logp.gather(2, y.unsqueeze(2)).squeeze(2)
        delta_out = logp.exp()
        delta_out.scatter_add_(2, y.unsqueeze(2), -torch.ones_like(losses).unsqueeze(2))
        _w1, _b1, w2, _b2 = self.weights(theta)
        delta_hidden = torch.bmm(delta_out, w2.transpose(1, 2)) * (h > 0)
        return Pass(x, h, delta_out, delta_hidden, losses)

    def gradient(self, p: Pass, weights: torch.Tensor | None = None) -> torch.Tensor:
        """∇θ of (1/B)Σ_n w_n ℓ_n, flat (P, n); w = 1 when ``weights`` is None (the mean loss)."""
        batch = p.losses.shape[1]
        d_out, d_hidden = p.delta_out, p.delta_hidden
        if weights is not None:
            d_out, d_hidden = d_out * weights.unsqueeze(2), d_hidden * weights.unsqueeze(2)
        parts = (torch.bmm(p.x.transpose(1, 2), d_hidden), d_hidden.sum(dim=1),
                 torch.bmm(p.h.transpose(1, 2), d_out), d_out.sum(dim=1))
        return torch.cat([part.flatten(1) for part in parts], dim=1) / batch

    def alignments(self, p: Pass, direction: torch.Tensor) -> torch.Tensor:
        """⟨∇θ ℓ_n, G⟩ for every member and sample (P, B), G (P, n) one direction per member."""
        g_w1, g_b1, g_w2, g_b2 = self.weights(direction)
        hidden = (torch.baddbmm(g_b1, p.x, g_w1) * p.delta_hidden).sum(dim=2)
        out = (torch.baddbmm(g_b2, p.h, g_w2) * p.delta_out).sum(dim=2)
        return hidden + out

    def evaluate(self, theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean cross-entropy (P,), accuracy (P,)) on a fixed set."""
        with torch.no_grad():
            _x, _h, z = self.logits(theta, x)
            loss = torch.nn.functional.cross_entropy(z.flatten(0, 1), y.repeat(theta.shape[0]), reduction="none")
            return loss.view(theta.shape[0], -1).mean(dim=1), (z.argmax(dim=2) == y).to(z.dtype).mean(dim=1)

    def predictions(self, theta: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.logits(theta, x)[2].argmax(dim=2)
