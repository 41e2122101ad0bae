"""Many copies of one multi-task network trained at once: a shared ReLU trunk and a linear head per
task, every member's parameters one row of a flat (P, n) tensor.

Each member sees the same batch; its task losses (P, T) go through its own stress (task k's loss
λ_k·L_k + c_k); ``arena_backward`` gives each member the gradients its rule needs (per task for
the gradient-level rules, from which they read norms and the Gram matrix of the shared parameters,
MGDA eq. 13; one weighted gradient for the others).  The trajectories are compared parameter by parameter, so they are kept in float64:
the rounding noise (~1e-16) is then far below every effect the invariance monitor looks for.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from engines.multitask.arena_data import ArenaData


@dataclass(frozen=True)
class Layout:
    """Where each layer lives in a member's flat parameter vector."""

    sizes: tuple[int, ...]          # input, hidden..., (the heads' total outputs are ``outputs``)
    outputs: int
    slices: tuple[tuple[int, int, int, int], ...]  # per layer: W start, W end, b end, fan-out
    trunk: int                      # parameters of the shared trunk (the first ``trunk`` entries)
    total: int

    @classmethod
    def of(cls, inputs: int, width: int, depth: int, outputs: int) -> "Layout":
        sizes = (inputs,) + (width,) * depth
        slices, start = [], 0
        for fan_in, fan_out in zip(sizes, sizes[1:] + (outputs,)):
            w_end = start + fan_in * fan_out
            slices.append((start, w_end, w_end + fan_out, fan_out))
            start = w_end + fan_out
        return cls(sizes, outputs, tuple(slices), slices[-1][0], start)

    @property
    def last_shared(self) -> tuple[int, int]:
        """The last trunk layer's weight matrix (GradNorm's W)."""
        return self.slices[-2][0], self.slices[-2][1]


def initial_parameters(layout: Layout, seed: int, zero_heads: bool = True) -> torch.Tensor:
    """PyTorch's Linear default U(−1/√fan_in, 1/√fan_in) for the trunk; zero heads, so every task
    starts at its theoretical initial loss (log K, E[y²]; M-6), unless ``zero_heads`` is off."""
    g = torch.Generator().manual_seed(seed)
    theta = torch.zeros(layout.total, dtype=torch.float64)
    layers = layout.slices if not zero_heads else layout.slices[:-1]
    for fan_in, (w0, w1, b1, _fan_out) in zip(layout.sizes, layers):
        bound = fan_in ** -0.5
        theta[w0:b1] = (torch.rand(b1 - w0, generator=g, dtype=torch.float64) * 2.0 - 1.0) * bound
    return theta


class Population:
    """(P, n) parameters, the tasks' output slices and their losses."""

    def __init__(self, data: ArenaData, layout: Layout, theta: torch.Tensor, device):
        self.layout, self.device = layout, device
        self.theta = theta.to(device)
        self.tasks = data.tasks
        bounds, start = [], 0
        for task in data.tasks:
            bounds.append((start, start + task.outputs))
            start += task.outputs
        self.bounds = tuple(bounds)

    def features(self, theta: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The trunk's output H (P, B, width)."""
        h = x.expand(theta.shape[0], *x.shape)
        for fan_in, (w0, w1, b1, fan_out) in zip(self.layout.sizes, self.layout.slices[:-1]):
            w = theta[:, w0:w1].reshape(-1, fan_in, fan_out)
            h = torch.relu(torch.baddbmm(theta[:, w1:b1].unsqueeze(1), h, w))
        return h

    def outputs(self, theta: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        w0, w1, b1, fan_out = self.layout.slices[-1]
        w = theta[:, w0:w1].reshape(-1, self.layout.sizes[-1], fan_out)
        return torch.baddbmm(theta[:, w1:b1].unsqueeze(1), h, w)

    def losses(self, out: torch.Tensor, targets: list[torch.Tensor]) -> torch.Tensor:
        """Each member's loss on each task (P, T): mean cross-entropy, or mean squared error averaged
        over the task's outputs."""
        columns = []
        for task, (a, b), y in zip(self.tasks, self.bounds, targets):
            z = out[:, :, a:b]
            if task.classes:
                logp = torch.log_softmax(z, dim=2)
                columns.append(-logp.gather(2, y.expand(z.shape[0], -1).unsqueeze(2)).squeeze(2).mean(dim=1))
            else:
                columns.append(((z - y) ** 2).mean(dim=(1, 2)))
        return torch.stack(columns, dim=1)

    def metrics(self, theta: torch.Tensor, x: torch.Tensor, targets: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """(losses (P, T), test metric (P, T): accuracy, or root-mean-square error in the target's units)."""
        with torch.no_grad():
            out = self.outputs(theta, self.features(theta, x))
            losses = self.losses(out, targets)
            metric = []
            for task, (a, b), y, loss in zip(self.tasks, self.bounds, targets, losses.T):
                if task.classes:
                    metric.append((out[:, :, a:b].argmax(dim=2) == y).to(out.dtype).mean(dim=1))
                else:
                    metric.append(loss.sqrt())
            return losses, torch.stack(metric, dim=1)


class BatchedAdam:
    """Adam (or plain SGD) on a (P, n) tensor, one independent optimiser per row."""

    def __init__(self, shape, dtype, device, adam: bool = True, betas=(0.9, 0.999), eps: float = 1e-8):
        self.adam, self.betas, self.eps, self.t = adam, betas, eps, 0
        self.m = torch.zeros(shape, dtype=dtype, device=device)
        self.v = torch.zeros(shape, dtype=dtype, device=device)

    def step(self, x: torch.Tensor, grad: torch.Tensor, lr) -> None:
        """x ← x − lr·m̂/(√v̂ + ε) (or x − lr·g); lr a float or a (P,) tensor."""
        lr = lr.view(-1, *([1] * (x.dim() - 1))) if torch.is_tensor(lr) else lr
        x.sub_(self.direction(grad) * lr)

    def direction(self, grad: torch.Tensor) -> torch.Tensor:
        """The step before the learning rate, m̂/(√v̂ + ε) (or g), advancing the moments once."""
        if not self.adam:
            return grad
        b1, b2 = self.betas
        self.t += 1
        self.m.mul_(b1).add_(grad, alpha=1 - b1)
        self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        return (self.m / (1 - b1 ** self.t)) / ((self.v / (1 - b2 ** self.t)).sqrt() + self.eps)
