"""The classifier of ``pg_zoo:classifier`` as a function of one flat parameter vector θ: a linear
softmax model z = W x̃, or one hidden ReLU layer z = W₂[relu(W₁ x̃); 1] (x̃ = [x; 1]).

Flat vectors let every method treat θ alike: the zeroth-order methods perturb it as one vector and
score P perturbed copies in one batched product (``logits``), and the gradient methods back-propagate
a gradient with respect to the logits (``backward``), which also returns each example's squared
gradient norm (a per-example gradient is rank one per layer: ‖a ⊗ b‖² = ‖a‖²‖b‖²).
"""
from __future__ import annotations

import math

import torch

MODELS = ("linear", "hidden")


class Network:
    def __init__(self, model: str, inputs: int, classes: int, hidden: int):
        self.model, self.inputs, self.classes, self.hidden = model, inputs, classes, hidden
        if model == "linear":
            self.size = classes * inputs
        elif model == "hidden":
            self.first = hidden * inputs
            self.size = self.first + classes * (hidden + 1)
        else:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")

    def initial(self, generator: torch.Generator) -> torch.Tensor:
        """Small random weights (float64 on the CPU, drawn in a fixed order): linear N(0, 0.01²);
        hidden: He-scaled first layer N(0, 2/D), output layer N(0, 0.01²)."""
        if self.model == "linear":
            return 0.01 * torch.randn(self.size, generator=generator, dtype=torch.float64)
        first = math.sqrt(2.0 / self.inputs) * torch.randn(self.first, generator=generator, dtype=torch.float64)
        second = 0.01 * torch.randn(self.size - self.first, generator=generator, dtype=torch.float64)
        return torch.cat([first, second])

    def _layers(self, thetas: torch.Tensor):
        p = thetas.shape[0]
        w1 = thetas[:, :self.first].view(p, self.hidden, self.inputs)
        w2 = thetas[:, self.first:].view(p, self.classes, self.hidden + 1)
        return w1, w2

    def logits(self, thetas: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """(P, size) parameter vectors and (n, D) inputs → logits (n, P, K)."""
        p = thetas.shape[0]
        if self.model == "linear":
            return (x @ thetas.reshape(p * self.classes, self.inputs).T).view(len(x), p, self.classes)
        w1, w2 = self._layers(thetas)
        h = torch.relu(torch.matmul(x, w1.transpose(1, 2)))                          # (P, n, H)
        h1 = torch.cat([h, torch.ones_like(h[..., :1])], dim=2)
        return torch.matmul(h1, w2.transpose(1, 2)).transpose(0, 1)                   # (n, P, K)

    def backward(self, theta: torch.Tensor, x: torch.Tensor, g_z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean over examples of J_nᵀ g_z[n] as a flat (size,) vector, each example's ‖J_nᵀ g_z[n]‖²)."""
        n = len(x)
        x_norms = (x * x).sum(dim=1)
        if self.model == "linear":
            return (g_z.T @ x / n).reshape(-1), (g_z * g_z).sum(dim=1) * x_norms
        w1, w2 = self._layers(theta[None])
        w1, w2 = w1[0], w2[0]
        pre = x @ w1.T
        h1 = torch.cat([torch.relu(pre), torch.ones_like(pre[:, :1])], dim=1)
        d_w2 = g_z.T @ h1 / n
        d_h = (g_z @ w2[:, :self.hidden]) * (pre > 0)
        d_w1 = d_h.T @ x / n
        squares = (g_z * g_z).sum(dim=1) * (h1 * h1).sum(dim=1) + (d_h * d_h).sum(dim=1) * x_norms
        return torch.cat([d_w1.reshape(-1), d_w2.reshape(-1)]), squares
