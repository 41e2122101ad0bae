"""One race method as the obvious plain torch loop: its own leaf tensors, the penalty written into
the loss and differentiated by autograd, and ``torch.optim``'s SGD, Adam or AdamW.

Two uses: the race's tests check that every member of the batched ``RacePopulation`` (hand-written
backward pass, flat parameters) follows this loop's trajectory, and ``bench`` times the methods run
this way one after another against the batched race.
"""
from __future__ import annotations

import torch

from engines.regularization.mlp import LOG_GUARD
from engines.regularization.race_population import METHOD_RULES, Coefficients


class ReferenceRun:
    def __init__(self, method: str, init: list[tuple[torch.Tensor, torch.Tensor | None]], c: Coefficients,
                 shared_optimizer: str):
        self.rule = METHOD_RULES[method]
        self.c = c
        self.weights = [w.clone().requires_grad_(True) for w, _ in init]
        self.biases = [None if b is None else b.clone().requires_grad_(True) for _, b in init]
        biases = [b for b in self.biases if b is not None]
        optimizer = shared_optimizer if self.rule.optimizer == "shared" else self.rule.optimizer
        if optimizer == "sgd":
            self.optimizer = torch.optim.SGD(self.weights + biases, lr=c.sgd_lr)
        elif self.rule.decoupled_decay:
            self.optimizer = torch.optim.AdamW([{"params": self.weights, "weight_decay": c.wd},
                                                {"params": biases, "weight_decay": 0.0}], lr=c.lr)
        else:
            self.optimizer = torch.optim.Adam(self.weights + biases, lr=c.lr)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.weights) - 1
        for index, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = x @ w if b is None else x @ w + b
            if index < last:
                x = torch.relu(x)
        return x

    def penalty(self) -> torch.Tensor:
        total = torch.zeros(())
        for w in self.weights:
            norm2 = (w * w).sum()
            if self.rule.l2:
                total = total + self.c.lam * norm2
            if self.rule.log:
                total = total + self.c.lam1 * 0.5 * torch.log(norm2 + LOG_GUARD)
            if self.rule.l1_direction:
                total = total + self.c.lam2 * w.abs().sum() / norm2.sqrt()
        return total

    def step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        self.optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.forward(x), y)
        if self.rule.l2 or self.rule.log or self.rule.l1_direction:
            loss = loss + self.penalty()
        loss.backward()
        self.optimizer.step()
        if self.rule.rebalance:
            self.rebalance()

    @torch.no_grad()
    def rebalance(self) -> None:
        norms = torch.stack([w.norm() for w in self.weights])
        gammas = norms.log().mean().exp() / norms
        cumulative = torch.cumprod(gammas, dim=0)
        for index, (w, b) in enumerate(zip(self.weights, self.biases)):
            w.mul_(gammas[index])
            if b is not None:
                b.mul_(cumulative[index])
