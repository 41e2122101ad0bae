"""One arena member trained the plain way: its own parameters, its own autograd, the rule written as
the loss the essay writes (Σ L_i/sg(L_i), Σ log L_i, Σ L_i^γ/γ, Σ ½e^{−s}L + ½s, ...).

It shares nothing with the batched population but the data, the initial parameters and the
Frank–Wolfe solver, so the tests can check every population member against it, and the benchmark
can time the schemes trained one after another with plain torch loops.
"""
from __future__ import annotations

import torch

from engines.multitask.arena_data import ArenaData
from engines.multitask.arena_population import Layout
from engines.multitask.arena_rules import RuleSettings
from engines.multitask.weighting import frank_wolfe


class ReferenceMember:
    def __init__(self, scheme: str, data: ArenaData, layout: Layout, theta0: torch.Tensor, settings: RuleSettings,
                 scale: torch.Tensor, shift: torch.Tensor, adam: bool = True):
        self.scheme, self.data, self.settings = scheme, data, settings
        self.scale, self.shift = scale, shift
        self.params = []
        for fan_in, (w0, w1, b1, fan_out) in zip(layout.sizes + (layout.sizes[-1],), layout.slices):
            self.params += [theta0[w0:w1].reshape(fan_in, fan_out).clone().requires_grad_(True),
                            theta0[w1:b1].clone().requires_grad_(True)]
        self.trunk = self.params[:-2]
        self.optimizer = (torch.optim.Adam(self.params, lr=1e-3) if adam else torch.optim.SGD(self.params, lr=1e-3))
        x = torch.as_tensor(data.x_train, dtype=torch.float64)
        self.init = self._losses(x, [torch.as_tensor(t.y_train) for t in data.tasks]).detach()
        prior = torch.tensor([t.prior_loss for t in data.tasks], dtype=torch.float64)
        self.prior = prior * scale + shift
        self.s = (self.init.log() if settings.uncertainty_start == "optimum" else torch.zeros_like(self.init)).clone()
        self.w = torch.ones_like(self.init)
        self.w_m, self.w_v, self.t = torch.zeros_like(self.w), torch.zeros_like(self.w), 0

    def theta(self) -> torch.Tensor:
        return torch.cat([p.detach().flatten() for p in self.params])

    def _losses(self, x, targets) -> torch.Tensor:
        h = x
        for w, b in zip(self.params[:-2:2], self.params[1:-2:2]):
            h = torch.relu(h @ w + b)
        self.h = h
        out = h @ self.params[-2] + self.params[-1]
        losses, start = [], 0
        for task, y in zip(self.data.tasks, targets):
            z = out[:, start:start + task.outputs]
            start += task.outputs
            losses.append(torch.nn.functional.cross_entropy(z, y) if task.classes else ((z - y) ** 2).mean())
        return torch.stack(losses) * self.scale + self.shift

    def step(self, x, targets, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad()
        losses = self._losses(x, targets)
        cfg, name = self.settings, self.scheme
        if name == "equal":
            total = losses.sum()
        elif name == "manual":
            total = (torch.tensor(cfg.manual, dtype=losses.dtype) * losses).sum()
        elif name in ("init", "prior"):
            total = (losses / (self.init if name == "init" else self.prior)).sum()
        elif name == "realtime":
            total = (losses / losses.detach()).sum()
        elif name == "log" or (name == "power_mean" and cfg.gamma == 0.0):
            total = losses.log().sum()
        elif name == "power_mean":
            total = (losses ** cfg.gamma).sum() / cfg.gamma
        elif name == "uncertainty":
            s = self.s.clone().requires_grad_(True)
            total = (0.5 * torch.exp(-s) * losses + 0.5 * s).sum()
            total.backward()
            self.s -= cfg.uncertainty_lr * s.grad
            self.optimizer.step()
            return
        else:
            total = self._gradient_rule(losses)
        total.backward()
        self.optimizer.step()

    def _gradient_rule(self, losses: torch.Tensor) -> torch.Tensor:
        """The rules that need each task's gradient first: one backward per task."""
        grads = [torch.autograd.grad(loss, self.params + [self.h], retain_graph=True, allow_unused=True)
                 for loss in losses]
        flat = [torch.cat([g.flatten() for g in gs[:-1] if g is not None]) for gs in grads]
        trunk_size = sum(p.numel() for p in self.trunk)
        cfg = self.settings
        if self.scheme == "grad_normalized":
            norms = torch.stack([f.norm() for f in flat])
            return (losses / norms).sum()
        if self.scheme == "gradnorm":
            w = self.w.clone()
            if cfg.gradnorm_layer == "last":
                norms = torch.stack([gs[len(self.trunk) - 2].norm() for gs in grads])
            else:  # all shared parameters: the trunk
                norms = torch.stack([f[:trunk_size].norm() for f in flat])
            self._gradnorm(losses.detach(), norms)
            return (w * losses).sum()
        if cfg.mgda_mode == "ub":
            on_h = torch.stack([gs[-1].flatten() for gs in grads])
        else:
            on_h = torch.stack([f[:trunk_size] for f in flat])
        alpha = frank_wolfe((on_h @ on_h.T)[None], cfg.fw_iterations)[0]
        for p, *gs in zip(self.params, *[g[:-1] for g in grads]):
            trunk = any(p is q for q in self.trunk)
            p.grad = sum((a if trunk else 1.0) * g for a, g in zip(alpha, gs) if g is not None)
        return torch.zeros((), dtype=losses.dtype, requires_grad=True)

    def _gradnorm(self, losses, norms) -> None:
        cfg = self.settings
        g = self.w * norms
        ratio = losses / self.init
        target = g.mean() * (ratio / ratio.mean()) ** cfg.gradnorm_alpha
        grad = torch.sign(g - target) * norms
        self.t += 1
        self.w_m = 0.9 * self.w_m + 0.1 * grad
        self.w_v = 0.999 * self.w_v + 0.001 * grad * grad
        self.w -= cfg.gradnorm_lr * (self.w_m / (1 - 0.9 ** self.t)) / ((self.w_v / (1 - 0.999 ** self.t)).sqrt() + 1e-8)
        self.w = self.w.clamp(min=1e-6)
        self.w *= len(self.w) / self.w.sum()
