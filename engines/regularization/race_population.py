"""The regulariser race's networks: one ReLU MLP per method, stacked on a leading axis and stepped as
one batched program (``torch.baddbmm``), from identical initial weights on identical batches.

Why one flat parameter tensor (P, n) and a hand-written backward pass: a 2-64-64-2 network is bound
by torch's per-operation overhead, not by arithmetic.  Every member's weights and biases are views
into the flat tensor, so the optimiser (SGD or Adam per member, the penalties' gradients, AdamW's
decoupled decay, re-balancing) is a few whole-population operations instead of a few per layer per
method, and per-layer norms are one product with a layer-indicator matrix; the backward pass of an
MLP under cross-entropy is five operations a layer, with no autograd graph to build.  ``bench``
measures the result against plain torch loops, and a test checks that every member follows the
trajectory of its own plain torch loop (``race_reference``).

Each member's update uses only its own gradient: ``bmm`` is independent per batch entry.

Conventions (regularization.md; the help states them): L2 adds λ·Σ_l‖W_l‖_F² to the loss (gradient
2λW); WEISSI-log adds λ₁·Σ_l ½·log(‖W_l‖² + δ) (gradient λ₁·W/(‖W_l‖² + δ)); WEISSI full adds
λ₂·Σ_l‖W_l‖₁/‖W_l‖ (gradient λ₂·(sign W/‖W‖ − ‖W‖₁·W/‖W‖³)); AdamW decays θ ← θ − lr·λ_w·θ as torch
does; penalties and decay act on weights, never biases.  Forced re-balancing scales the layers to
equal Frobenius norms after every step with the cumulative bias rule Γ_l = ∏_{k≤l} γ_k, which keeps
the function (W-1) and minimises Σ‖W_l‖² (W-3).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from engines.regularization.mlp import LOG_GUARD


@dataclass(frozen=True)
class MethodRule:
    """How one method trains: its optimiser (``shared``: the race's ``optimizer`` choice) and which
    penalties it adds."""

    label: str
    optimizer: str  # "sgd", "adam" or "shared"
    l2: bool = False
    log: bool = False
    l1_direction: bool = False
    decoupled_decay: bool = False
    rebalance: bool = False


METHOD_RULES = {
    "none": MethodRule("no penalty", "shared"),
    "l2_sgd": MethodRule("L2 + SGD", "sgd", l2=True),
    "l2_adam": MethodRule("L2 + Adam", "adam", l2=True),
    "adamw": MethodRule("AdamW", "adam", decoupled_decay=True),
    "weissi_log": MethodRule("WEISSI-log (λ₁)", "shared", log=True),
    "weissi_full": MethodRule("WEISSI full (λ₁, λ₂)", "shared", log=True, l1_direction=True),
    "l2_rebalance": MethodRule("L2 + re-balancing", "shared", l2=True, rebalance=True),
}
METHODS = tuple(METHOD_RULES)


@dataclass
class Coefficients:
    """The values a running race may change (all live)."""

    lr: float
    sgd_lr: float
    lam: float
    lam1: float
    lam2: float
    wd: float


class RacePopulation:
    """P = len(methods) MLPs ``sizes[0] → … → sizes[-1]`` sharing one initial state.

    ``init``: per layer (W (fan_in, fan_out), b (fan_out,) or None), CPU tensors of the dtype the race
    runs in (float32; the tests use float64), already carrying the initial imbalance; every member
    starts from a copy.
    """

    def __init__(self, methods: tuple[str, ...], init: list[tuple[torch.Tensor, torch.Tensor | None]],
                 coefficients: Coefficients, shared_optimizer: str, device):
        self.methods, self.device = methods, device
        self.rules = [METHOD_RULES[m] for m in methods]
        pieces, slices, offset = [], [], 0
        for w, b in init:
            for tensor in (w, b):
                if tensor is None:
                    slices.append(None)
                    continue
                pieces.append(tensor.reshape(-1))
                slices.append((offset, offset + tensor.numel(), tuple(tensor.shape)))
                offset += tensor.numel()
        self.n_params = offset
        self.initial = torch.cat(pieces).to(device)
        self.flat = self.initial.repeat(len(methods), 1)
        self.grad = torch.zeros_like(self.flat)
        self.m = torch.zeros_like(self.flat)
        self.v = torch.zeros_like(self.flat)
        self.t = 0
        self._bind(slices)
        self.shared_optimizer = shared_optimizer
        self.active = torch.ones(len(methods), 1, device=device)
        self.set_coefficients(coefficients)

    def _bind(self, slices) -> None:
        """Views of every layer's weight and bias into ``flat`` and ``grad``, and the indicator
        matrices: ``weight_rows`` (L, n) marks each layer's weight entries, ``any_rows`` (2L, n) each
        layer's weight (row l) and bias (row L + l) entries."""
        p, layers = len(self.methods), len(slices) // 2

        def views(tensor, piece):
            return None if piece is None else tensor[:, piece[0]:piece[1]].view(p, *([1] if len(piece[2]) == 1 else []), *piece[2])

        self.weights = [views(self.flat, slices[2 * k]) for k in range(layers)]
        self.biases = [views(self.flat, slices[2 * k + 1]) for k in range(layers)]
        self.weight_grads = [views(self.grad, slices[2 * k]) for k in range(layers)]
        self.bias_grads = [views(self.grad, slices[2 * k + 1]) for k in range(layers)]
        indicator = torch.zeros(self.n_params, 2 * layers, dtype=self.flat.dtype)
        for k, piece in enumerate(slices):
            if piece is not None:
                indicator[piece[0]:piece[1], k // 2 + (k % 2) * layers] = 1.0
        self.any_rows = indicator.T.contiguous().to(self.device)  # (2L, n): products are matrix-vector
        self.weight_rows = self.any_rows[:layers].contiguous()
        self.is_weight = self.weight_rows.sum(dim=0, keepdim=True)

    def _column(self, values) -> torch.Tensor:
        return torch.tensor(values, dtype=self.flat.dtype, device=self.device).view(-1, 1)

    def set_coefficients(self, c: Coefficients) -> None:
        """Per-member learning rates, optimiser masks and penalty coefficients as (P, 1) columns."""
        self.coefficients = c
        optimizers = [self.shared_optimizer if r.optimizer == "shared" else r.optimizer for r in self.rules]
        self.uses_adam = self._column([o == "adam" for o in optimizers]).bool()
        self.any_adam, self.any_sgd = "adam" in optimizers, "sgd" in optimizers
        self.lr = self._column([c.lr if o == "adam" else c.sgd_lr for o in optimizers]) * self.active
        self.lam_l2 = self._column([2.0 * c.lam * r.l2 for r in self.rules]) * self.active  # the gradient's 2λ
        self.lam_log = self._column([c.lam1 * r.log for r in self.rules]) * self.active
        self.lam_l1 = self._column([c.lam2 * r.l1_direction for r in self.rules]) * self.active
        self.decay = self._column([c.wd * r.decoupled_decay for r in self.rules]) * self.lr
        self.rebalancing = (self._column([r.rebalance for r in self.rules]) * self.active).bool()
        self.with_l2, self.with_log = bool(self.lam_l2.any()), bool(self.lam_log.any())
        self.with_l1, self.with_decay = bool(self.lam_l1.any()), bool(self.decay.any())
        self.with_rebalance = bool(self.rebalancing.any())

    def forward(self, x: torch.Tensor, keep: list | None = None) -> torch.Tensor:
        """x: (P, B, d) → logits (P, B, classes); ReLU between layers, none after the last.
        ``keep`` collects each layer's input (for the backward pass)."""
        last = len(self.weights) - 1
        for index, (w, b) in enumerate(zip(self.weights, self.biases)):
            if keep is not None:
                keep.append(x)
            x = torch.bmm(x, w) if b is None else torch.baddbmm(b, x, w)
            if index < last:
                x = torch.relu(x)
        return x

    def layer_norms2(self) -> torch.Tensor:
        """‖W_l‖_F² of every member and layer, (P, L)."""
        return (self.weight_rows @ (self.flat * self.flat).T).T

    @torch.no_grad()
    def step(self, x: torch.Tensor, one_hot: torch.Tensor) -> None:
        """One optimisation step on the batch (x (B, d), labels one-hot (B, classes)) that every
        member shares."""
        p = len(self.methods)
        inputs: list[torch.Tensor] = []
        logits = self.forward(x.expand(p, *x.shape), inputs)
        delta = torch.softmax(logits, dim=-1).sub_(one_hot).mul_(1.0 / len(x))  # ∂(mean cross-entropy)/∂logits
        for index in range(len(self.weights) - 1, -1, -1):
            h = inputs[index]
            self.weight_grads[index].copy_(torch.bmm(h.transpose(1, 2), delta))
            if self.biases[index] is not None:
                self.bias_grads[index].copy_(delta.sum(dim=1, keepdim=True))
            if index:
                delta = torch.ops.aten.threshold_backward(torch.bmm(delta, self.weights[index].transpose(1, 2)), h, 0.0)
        self._add_penalty_gradients()
        self._update()
        if self.with_rebalance:
            self.rebalance(self.rebalancing)

    def _add_penalty_gradients(self) -> None:
        """2λW (L2), λ₁·W/(‖W‖² + δ) (log) and λ₂·(sign W/‖W‖ − ‖W‖₁·W/‖W‖³) (L1 direction), per layer
        through the indicator matrix."""
        if not (self.with_l2 or self.with_log or self.with_l1):
            return
        scale = self.lam_l2
        if self.with_log or self.with_l1:
            norm2 = self.layer_norms2()
        if self.with_log:
            scale = scale + self.lam_log / (norm2 + LOG_GUARD)
        per_entry = scale @ self.weight_rows if scale.shape[1] > 1 else scale * self.is_weight
        self.grad.addcmul_(self.flat, per_entry)
        if self.with_l1:
            norm = norm2.sqrt()
            l1 = (self.weight_rows @ self.flat.abs().T).T
            self.grad.addcmul_(self.flat.sign(), (self.lam_l1 / norm) @ self.weight_rows)
            self.grad.addcmul_(self.flat, (self.lam_l1 * l1 / norm ** 3) @ self.weight_rows, value=-1.0)

    def _update(self) -> None:
        """SGD or bias-corrected Adam per member (torch's formulas), then AdamW's decoupled decay
        W ← W − lr·λ_w·W on the weights, applied first as torch does."""
        direction = self.grad
        if self.any_adam:
            self.t += 1
            b1, b2, eps = 0.9, 0.999, 1e-8
            self.m.mul_(b1).add_(self.grad, alpha=1 - b1)
            self.v.mul_(b2).addcmul_(self.grad, self.grad, value=1 - b2)
            denom = (self.v / (1 - b2 ** self.t)).sqrt_().add_(eps)
            adam = self.m.div(denom).mul_(1.0 / (1 - b1 ** self.t))
            direction = torch.where(self.uses_adam, adam, self.grad) if self.any_sgd else adam
        if self.with_decay:
            self.flat.sub_(self.flat * self.is_weight * self.decay)
        self.flat.sub_(direction * self.lr)

    @torch.no_grad()
    def rebalance(self, which: torch.Tensor) -> None:
        """Equal Frobenius norms in the members where ``which`` (P, 1) is true, at the same function:
        γ_l = (∏_k‖W_k‖)^{1/L}/‖W_l‖, biases × Γ_l = ∏_{k≤l} γ_k (∏ γ_l = 1, so the last Γ is 1)."""
        log_norms = 0.5 * self.layer_norms2().clamp_min(torch.finfo(self.flat.dtype).tiny).log()
        gammas = (log_norms.mean(dim=1, keepdim=True) - log_norms).exp()
        factors = torch.cat([gammas, gammas.cumprod(dim=1)], dim=1)
        factors = torch.where(which, factors, torch.ones_like(factors))
        self.flat.mul_(factors @ self.any_rows)

    def freeze(self, member: int) -> None:
        """Stop a diverged member: no learning rate, penalty or re-balancing any more, and its
        parameters back at the finite initial state, so no NaN or 0/0 runs in the batched operations
        (its measurements are no longer reported)."""
        self.active[member] = 0.0
        self.flat[member] = self.initial
        self.m[member] = 0.0
        self.v[member] = 0.0
        self.set_coefficients(self.coefficients)
