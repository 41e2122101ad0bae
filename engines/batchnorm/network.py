"""The MLPs of the batchnorm topic as a *functional* network: a list of parameter tensors and one
``forward`` that every consumer shares (training, Santurkar's probes, the loss-surface sampler).

Why functional: probes and surfaces evaluate the loss at parameters that are not the model's
(θ − ηg, θ + a·d₁ + b·d₂).  With the parameters passed in, those evaluations can neither move the
optimiser nor the running statistics (note §6), and the same ``forward`` runs a whole grid of
parameter points at once when every tensor carries a leading grid dimension G (weights (G, out, in),
vectors (G, n)): batch statistics are then taken per grid point over the batch axis (−2).

Normalisations (``NORMS``; names fixed by the issue's CLI):

* ``bn`` — BatchNorm after every hidden Linear, before ReLU, affine γ, β (Ioffe & Szegedy; note §3).
* ``input_norm`` — Su's placement (note §1.4): centre and scale the *input* of every Linear
  (first and last included) with batch statistics, no affine.  ``center`` / ``scale``: only one of
  the two (scale divides by the batch standard deviation without subtracting the mean; note §3.4).
* ``layernorm`` — after every hidden Linear, statistics over the units of each example, affine.
* ``l1``, ``l2``, ``linf`` — Santurkar's ℓp normalisations (E5): subtract the batch mean, divide by
  the batch average of |y|ᵖ (to the power 1/p; the maximum for ∞) taken *before* the mean shift.
* ``noisy_bn`` — BN followed by ŷ·s + m (+ ε), s and m drawn per unit and per step (note §3.5).

All divisions are regularised like torch's BatchNorm (ε = 1e-5), which also makes the three
always-zero pixels of digits harmless.  Evaluation (test accuracy) uses running statistics with
torch's momentum 0.1 and the unbiased variance, so ``bn`` equals ``torch.nn.BatchNorm1d``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

EPS = 1e-5
MOMENTUM = 0.1
INITS = ("kaiming", "default")
ALL_INITS = INITS + ("orthogonal",)  # orthogonal: the deep linear network of Santurkar's E3


@dataclass(frozen=True)
class NormSpec:
    placement: str = "none"      # "none", "input" (of every Linear) or "output" (of every hidden Linear)
    axis: str = "batch"          # "batch" (BN-like) or "feature" (LayerNorm)
    center: bool = False
    divisor: str = "none"        # "none", "std", "l1", "l2", "linf"
    affine: bool = False
    noisy: bool = False


NORMS: dict[str, NormSpec] = {
    "none": NormSpec(),
    "bn": NormSpec("output", "batch", True, "std", True),
    "input_norm": NormSpec("input", "batch", True, "std"),
    "center": NormSpec("input", "batch", True, "none"),
    "scale": NormSpec("input", "batch", False, "std"),
    "layernorm": NormSpec("output", "feature", True, "std", True),
    "l1": NormSpec("output", "batch", True, "l1", True),
    "l2": NormSpec("output", "batch", True, "l2", True),
    "linf": NormSpec("output", "batch", True, "linf", True),
    "noisy_bn": NormSpec("output", "batch", True, "std", True, noisy=True),
}
VARIANTS = tuple(NORMS)


@dataclass(frozen=True)
class NetSpec:
    """``depth`` hidden layers of ``width`` units between ``in_dim`` inputs and ``out_dim`` outputs;
    ``activation`` "relu", or "linear" for Santurkar's deep linear network (E3)."""

    variant: str
    depth: int
    width: int
    in_dim: int = 64
    out_dim: int = 10
    activation: str = "relu"

    @property
    def norm(self) -> NormSpec:
        return NORMS[self.variant]

    @property
    def sizes(self) -> list[int]:
        return [self.in_dim] + [self.width] * self.depth + [self.out_dim]

    def names(self) -> list[str]:
        """Parameter names in storage order: per Linear W, b, then γ, β of an affine norm after it."""
        out = []
        for layer in range(self.depth + 1):
            out += [f"W{layer}", f"b{layer}"]
            if layer < self.depth and self.norm.placement == "output" and self.norm.affine:
                out += [f"gamma{layer}", f"beta{layer}"]
        return out

    def linear_layers(self) -> int:
        return self.depth + 1


@dataclass
class Noise:
    """One step's noise of ``noisy_bn`` for one hidden layer: ŷ·scale + shift + sample."""

    scale: torch.Tensor                 # (width,)
    shift: torch.Tensor                 # (width,)
    sample: torch.Tensor | None = None  # (n, width) or None


@dataclass
class RunningStats:
    """Running statistics of every batch-axis normalisation, keyed by the Linear layer index."""

    mean: dict[int, torch.Tensor] = field(default_factory=dict)
    scale: dict[int, torch.Tensor] = field(default_factory=dict)  # running var (std) or divisor (ℓp)


def init_params(spec: NetSpec, init: str, generator: torch.Generator, device="cpu") -> list[torch.Tensor]:
    """Initial parameters, drawn on the CPU in a fixed order (W then b of each Linear), so two
    variants of the same depth and width start from *identical* Linear weights (note §6).

    kaiming: W ~ N(0, 2/fan_in), b = 0 (the note's reference runs); default: torch's nn.Linear
    init, U(±1/√fan_in) for W and b — the init whose plateau fakes smoothness (note §3);
    orthogonal: orthogonal W, zero b (the deep linear network of note §3.5)."""
    if init not in ALL_INITS:
        raise ValueError(f"unknown init {init!r}")
    params: list[torch.Tensor] = []
    sizes = spec.sizes
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if init == "kaiming":
            w = torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2.0 / fan_in)
            b = torch.zeros(fan_out)
        elif init == "orthogonal":
            w = torch.nn.init.orthogonal_(torch.empty(fan_out, fan_in), generator=generator)
            b = torch.zeros(fan_out)
        else:
            bound = 1.0 / math.sqrt(fan_in)
            w = (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * bound
            b = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
        params += [w, b]
        if layer < spec.depth and spec.norm.placement == "output" and spec.norm.affine:
            params += [torch.ones(fan_out), torch.zeros(fan_out)]
    return [p.to(device).requires_grad_(True) for p in params]


def init_stats(spec: NetSpec, device="cpu") -> RunningStats:
    stats = RunningStats()
    norm = spec.norm
    if norm.placement == "none" or norm.axis != "batch":
        return stats
    sizes = spec.sizes
    layers = range(spec.linear_layers()) if norm.placement == "input" else range(spec.depth)
    for layer in layers:
        n = sizes[layer] if norm.placement == "input" else sizes[layer + 1]
        stats.mean[layer] = torch.zeros(n, device=device)
        stats.scale[layer] = torch.ones(n, device=device)
    return stats


def _row(v: torch.Tensor) -> torch.Tensor:
    """A per-unit vector broadcast over the batch: (u,) stays, (G, u) becomes (G, 1, u)."""
    return v if v.dim() == 1 else v.unsqueeze(-2)


def normalise(h: torch.Tensor, norm: NormSpec, layer: int, stats: RunningStats | None, train: bool,
              update: bool) -> torch.Tensor:
    """Centre and/or divide ``h`` (…, n, u) as ``norm`` says (module docstring), without affine."""
    if norm.axis == "feature":
        mean = h.mean(-1, keepdim=True)
        var = h.var(-1, unbiased=False, keepdim=True)
        return (h - mean) / torch.sqrt(var + EPS)
    if train or stats is None:
        mean = h.mean(-2, keepdim=True)
        divisor, running = _batch_divisor(h, mean, norm.divisor)
        if update and stats is not None:
            with torch.no_grad():
                stats.mean[layer].mul_(1 - MOMENTUM).add_(MOMENTUM * mean.reshape(-1))
                stats.scale[layer].mul_(1 - MOMENTUM).add_(MOMENTUM * running.reshape(-1))
    else:
        mean = stats.mean[layer]
        divisor = (torch.sqrt(stats.scale[layer] + EPS) if norm.divisor == "std" else stats.scale[layer] + EPS)
    out = h - mean if norm.center else h
    return out / divisor if norm.divisor != "none" else out


def _batch_divisor(h: torch.Tensor, mean: torch.Tensor, kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(the divisor used now, the value its running statistic tracks)."""
    if kind == "std":
        var = ((h - mean) ** 2).mean(-2, keepdim=True)
        n = h.shape[-2]
        return torch.sqrt(var + EPS), var.detach() * (n / max(n - 1, 1))
    if kind == "l1":
        s = h.abs().mean(-2, keepdim=True)
    elif kind == "l2":
        s = torch.sqrt((h * h).mean(-2, keepdim=True))
    elif kind == "linf":
        s = h.abs().amax(-2, keepdim=True)
    else:
        return torch.ones_like(mean), torch.ones_like(mean)
    return s + EPS, s.detach()


def forward(spec: NetSpec, params: list[torch.Tensor], x: torch.Tensor, stats: RunningStats | None = None,
            train: bool = True, update_stats: bool = False, noise: list[Noise] | None = None,
            capture: list[torch.Tensor] | None = None) -> torch.Tensor:
    """Logits (…, n, out_dim).  ``params`` as from ``init_params``, optionally with a leading grid
    dimension; ``update_stats`` moves the running statistics (training steps only); ``capture``
    receives each hidden layer's activation input (what enters its ReLU)."""
    norm = spec.norm
    it = iter(params)
    h = x
    for layer in range(spec.linear_layers()):
        w, b = next(it), next(it)
        if norm.placement == "input":
            h = normalise(h, norm, layer, stats, train, update_stats)
        h = torch.matmul(h, w.transpose(-1, -2)) + _row(b)
        if layer == spec.depth:
            return h
        if norm.placement == "output":
            h = normalise(h, norm, layer, stats, train, update_stats)
            if norm.noisy and train and noise is not None:
                step = noise[layer]
                h = h * step.scale + step.shift
                if step.sample is not None:
                    h = h + step.sample
            if norm.affine:
                gamma, beta = next(it), next(it)
                h = h * _row(gamma) + _row(beta)
        if capture is not None:
            capture.append(h)
        if spec.activation == "relu":
            h = torch.relu(h)
    raise AssertionError("unreachable")


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the batch axis; (…, n, C) logits → (…) losses."""
    logp = torch.log_softmax(logits, -1)
    picked = logp.gather(-1, y.expand(*logits.shape[:-1]).unsqueeze(-1)).squeeze(-1)
    return -picked.mean(-1)


def flat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.reshape(-1) for t in tensors])


def unflat(vector: torch.Tensor, like: list[torch.Tensor]) -> list[torch.Tensor]:
    out, start = [], 0
    for t in like:
        out.append(vector[start:start + t.numel()].view_as(t))
        start += t.numel()
    return out


def count_flops(spec: NetSpec, n: int) -> int:
    """Multiply-adds ×2 of one forward pass on n examples (the matrix products only)."""
    sizes = spec.sizes
    return 2 * n * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
