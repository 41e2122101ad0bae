"""Q7: batch normalisation's gradient projection (batchnorm.md §2.3 Theorem 4.1, §3.6, §4 Q7, §5 fact 6).

One BN layer on a batch of m scalars y: ŷ = (y − μ)/σ (biased σ, ε = 0), z = γŷ + β, then a fixed
downstream loss ℓ(z).  With g = ∂ℓ/∂z (the upstream gradient) the chain rule through μ and σ gives

    ∇_y L̂ = (γ/σ)·P·g,   P = I − (1/m)𝟏𝟏ᵀ − (1/m)ŷŷᵀ,

an orthogonal projection (ŷ ⟂ 𝟏 and ‖ŷ‖² = ‖𝟏‖² = m), so Theorem 4.1 holds with equality:
‖∇_y L̂‖² = (γ²/σ²)(‖g‖² − ⟨𝟏,g⟩²/m − ⟨ŷ,g⟩²/m).  P removes the least-squares fit of g on (𝟏, ŷ),
so the gradient sums to 0 and is orthogonal to ŷ; y → c·y leaves ŷ (and the loss) unchanged and
divides the gradient by c.  The left side is torch autograd in float64, the right side numpy.

Draws follow §3.6 exactly: a torch generator seeded with ``seed`` gives y₀ ~ N(0, 1)ᵐ, then the
downstream weights w ~ N(0, 1)ᵐ, then the square loss's targets; y = spread·y₀ + offset.  With the
defaults this is the note's example (‖∇_y L̂‖² = 3.331676040923555).

``run_projection(params, ctx)`` yields one Frame:

arrays["samples"]  columns b, y, y_hat, g, along_ones, along_yhat, Pg, grad_autograd, grad_formula,
                   grad_scaled_times_c (c·∇ at c·y, equal to ∇ at y)
scalars            mu, sigma, gamma_over_sigma, loss, g_norm_sq, ones_term (⟨𝟏,g⟩²/m),
                   yhat_term (⟨ŷ,g⟩²/m), lhs (‖∇_y L̂‖², autograd), rhs (the formula), rel_error (relative to
                   the larger side, floored at 1e-12·(γ²/σ²)‖g‖² for a zero gradient, e.g. m = 2),
                   rhs_sqrt_m (the misprinted 1/√m variant), unprojected ((γ²/σ²)‖g‖²),
                   sum_grad, dot_grad_yhat, idempotency (max|P² − P|), scale_c, scale_ratio
                   (‖∇ at c·y‖/‖∇ at y‖, = 1/c; NaN when ∇ = 0), scale_error (max|c·∇(c·y) − ∇(y)| / max|∇(y)|)
"""
from __future__ import annotations

import math

import numpy as np
import torch

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema

LOSSES = ("tanh", "square")
TANH_QUADRATIC = 0.1       # the 0.1‖z‖² of §3.6's downstream loss

PROJECTION_PARAMS = ParamSchema([
    Param("m", 64, kind="int", lo=2, hi=1024, log=True, label="batch size m",
          help="number of scalars y_b normalised together"),
    Param("spread", 3.0, lo=0.01, hi=100.0, log=True, label="spread of y",
          help="y = spread·N(0, 1) + offset; σ of the batch is close to the spread"),
    Param("offset", 5.0, lo=-20.0, hi=20.0, step=0.1, label="offset of y", help="mean of y"),
    Param("gamma", 1.7, lo=-5.0, hi=5.0, step=0.05, label="γ", help="BN scale: z = γŷ + β"),
    Param("beta_shift", 0.3, lo=-5.0, hi=5.0, step=0.05, label="β", help="BN shift: z = γŷ + β"),
    Param("scale_c", 2.0, lo=0.01, hi=100.0, log=True, label="scale c",
          help="scale invariance: y → c·y (e.g. all weights of the layer × c) divides ∇_y by c"),
    Param("loss", "tanh", kind="choice", choices=LOSSES, label="downstream loss",
          help="tanh: Σ w_b·tanh(z_b) + 0.1‖z‖² (§3.6); square: ½‖z − t‖² with random targets t"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds y, w and t (torch generator)"),
])


def draws(m: int, seed: int):
    """y₀, w, t ~ N(0, 1)ᵐ in float64, in this order, from one torch generator (§3.6's order)."""
    gen = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(m, dtype=torch.float64, generator=gen) for _ in range(3))


def downstream(z, w, t, loss: str):
    """ℓ(z) for torch tensors."""
    if loss == "tanh":
        return (torch.tanh(z) * w).sum() + TANH_QUADRATIC * (z * z).sum()
    return 0.5 * ((z - t) ** 2).sum()


def bn_autograd(y: np.ndarray, gamma: float, beta: float, w, t, loss: str):
    """(∇_y L̂, g = ∂ℓ/∂z, loss value) by torch autograd through BN with ε = 0."""
    yt = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    mu = yt.mean()
    sigma = ((yt - mu) ** 2).mean().sqrt()
    z = gamma * (yt - mu) / sigma + beta
    z.retain_grad()
    value = downstream(z, w, t, loss)
    value.backward()
    return yt.grad.numpy().copy(), z.grad.numpy().copy(), float(value.detach())


def projection_parts(y: np.ndarray, g: np.ndarray, gamma: float) -> dict:
    """Theorem 4.1's right side in numpy: ŷ, σ, the components of g along 𝟏 and ŷ, Pg, (γ/σ)Pg."""
    m = len(y)
    mu = float(y.mean())
    sigma = float(np.sqrt(np.mean((y - mu) ** 2)))
    y_hat = (y - mu) / sigma
    ones_coef, yhat_coef = g.sum() / m, float(g @ y_hat) / m
    along_ones = np.full(m, ones_coef)
    along_yhat = yhat_coef * y_hat
    pg = g - along_ones - along_yhat
    return {"mu": mu, "sigma": sigma, "y_hat": y_hat, "along_ones": along_ones,
            "along_yhat": along_yhat, "Pg": pg, "grad": gamma / sigma * pg,
            "g_norm_sq": float(g @ g), "ones_term": float(g.sum()) ** 2 / m,
            "yhat_term": float(g @ y_hat) ** 2 / m}


def projector(y_hat: np.ndarray) -> np.ndarray:
    m = len(y_hat)
    return np.eye(m) - np.ones((m, m)) / m - np.outer(y_hat, y_hat) / m


def run_projection(params: dict, ctx: RunContext):
    p = PROJECTION_PARAMS.validate(params)
    m, gamma, beta, c = p["m"], p["gamma"], p["beta_shift"], p["scale_c"]
    y0, w, t = draws(m, p["seed"])
    y = p["spread"] * y0.numpy() + p["offset"]
    grad, g, value = bn_autograd(y, gamma, beta, w, t, p["loss"])
    grad_c, _, _ = bn_autograd(c * y, gamma, beta, w, t, p["loss"])
    ctx.check()

    parts = projection_parts(y, g, gamma)
    ratio2 = gamma ** 2 / parts["sigma"] ** 2
    lhs = float(grad @ grad)
    rhs = ratio2 * (parts["g_norm_sq"] - parts["ones_term"] - parts["yhat_term"])
    rhs_sqrt_m = ratio2 * (parts["g_norm_sq"] - parts["ones_term"] - parts["yhat_term"] * math.sqrt(m))
    proj = projector(parts["y_hat"])
    norm = float(np.linalg.norm(grad))
    scale_ratio = float(np.linalg.norm(grad_c)) / norm if norm > 0 else math.nan
    biggest = float(np.abs(grad).max())
    yield Frame(
        step=0, progress=1.0,
        scalars={"mu": parts["mu"], "sigma": parts["sigma"], "gamma_over_sigma": gamma / parts["sigma"],
                 "loss": value, "g_norm_sq": parts["g_norm_sq"], "ones_term": parts["ones_term"],
                 "yhat_term": parts["yhat_term"], "lhs": lhs, "rhs": rhs,
                 "rel_error": abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-12 * ratio2 * parts["g_norm_sq"],
                                                   1e-300),
                 "rhs_sqrt_m": rhs_sqrt_m, "unprojected": ratio2 * parts["g_norm_sq"],
                 "sum_grad": float(grad.sum()), "dot_grad_yhat": float(grad @ parts["y_hat"]),
                 "idempotency": float(np.abs(proj @ proj - proj).max()), "scale_c": c,
                 "scale_ratio": scale_ratio,
                 "scale_error": float(np.abs(c * grad_c - grad).max()) / biggest if biggest > 0 else 0.0},
        arrays={"samples": np.column_stack([
            np.arange(m), y, parts["y_hat"], g, parts["along_ones"], parts["along_yhat"], parts["Pg"],
            grad, parts["grad"], c * grad_c])},
        columns={"samples": ("b", "y", "y_hat", "g", "along_ones", "along_yhat", "Pg",
                             "grad_autograd", "grad_formula", "grad_scaled_times_c")},
        message=f"‖∇_y L̂‖² = {lhs:.10g} (autograd) vs {rhs:.10g} (Theorem 4.1)",
    )
