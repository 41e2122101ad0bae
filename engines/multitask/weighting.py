"""The weighting maths of the three essays (multitask.md §a), free of any network.

Loss view (part 一): the power mean L(γ) (eq. 10) and its weights ∝ L_i^{γ−1}; the optimum of
uncertainty weighting (§a.1.8).  Gradient view (part 二): MGDA's min-norm point of the convex hull of
the task gradients, closed form for two (the foot of the altitude) and Frank–Wolfe on the Gram
matrix for more; the normalised sum (13).  Primary + auxiliary (part 三): the projection coefficient
relu(−⟨g₀,g₁⟩)/‖g₁‖² and its orthant coordinate updates for several auxiliaries.

Everything works on numpy arrays or torch tensors of float64 so the identities of the topic note
hold to 1e-12; the batched Frank–Wolfe solves many Gram matrices (P, T, T) at once, one per member
of a training population.
"""
from __future__ import annotations

import numpy as np
import torch

MEAN_MARKS = (("harmonic", -1.0), ("geometric", 0.0), ("arithmetic", 1.0), ("quadratic", 2.0))


def power_mean(losses, gamma: float) -> float:
    """L(γ) = ((1/n) Σ L_i^γ)^{1/γ} (eq. 10); γ = 0 the geometric mean, ±∞ the max / min (eq. 11).

    Computed in the log domain (log-mean-exp of γ log L_i) so that γ = ±5 on losses spanning
    decades neither overflows nor loses the small terms."""
    values = np.asarray(losses, dtype=np.float64)
    if np.isinf(gamma):
        return float(values.max() if gamma > 0 else values.min())
    logs = np.log(values)
    if gamma == 0.0:
        return float(np.exp(logs.mean()))
    scaled = gamma * logs
    top = scaled.max()
    return float(np.exp((top + np.log(np.mean(np.exp(scaled - top)))) / gamma))


def power_mean_weights(losses, gamma: float) -> np.ndarray:
    """The normalised effective weights ∂L(γ)/∂L_i ∝ L_i^{γ−1}, summing to 1 (log domain)."""
    logs = (gamma - 1.0) * np.log(np.asarray(losses, dtype=np.float64))
    w = np.exp(logs - logs.max())
    return w / w.sum()


def power_mean_gradient(losses, gamma: float) -> np.ndarray:
    """∂L(γ)/∂L_i = (1/n) L_i^{γ−1} L(γ)^{1−γ} (multitask.md §a.1.6, derived)."""
    losses = np.asarray(losses, dtype=np.float64)
    return losses ** (gamma - 1.0) * power_mean(losses, gamma) ** (1.0 - gamma) / len(losses)


def uncertainty_optimum(loss: float) -> tuple[float, float]:
    """argmin_s and min of ½e^{−s}L + ½s: s* = log L, value ½(1 + log L) (M-7)."""
    return float(np.log(loss)), float(0.5 * (1.0 + np.log(loss)))


def min_norm_two(g1, g2) -> float:
    """α₁ of the min-norm point α₁g₁ + (1 − α₁)g₂ of the segment [g₁, g₂]: the foot of the altitude,
    clip(⟨g₂ − g₁, g₂⟩/‖g₁ − g₂‖², 0, 1) (M-9); ½ when the two coincide."""
    g1, g2 = np.asarray(g1, dtype=np.float64), np.asarray(g2, dtype=np.float64)
    gap = float(np.dot(g1 - g2, g1 - g2))
    if gap == 0.0:
        return 0.5
    return float(np.clip(np.dot(g2 - g1, g2) / gap, 0.0, 1.0))


def _segment_step(a_a: torch.Tensor, a_b: torch.Tensor, b_b: torch.Tensor) -> torch.Tensor:
    """The γ ∈ [0, 1] minimising ‖(1 − γ)a + γb‖², from ⟨a,a⟩, ⟨a,b⟩, ⟨b,b⟩ (batched)."""
    gap = a_a - 2.0 * a_b + b_b
    safe = torch.where(gap > 0, gap, torch.ones_like(gap))
    return torch.where(gap > 0, ((a_a - a_b) / safe).clamp(0.0, 1.0), torch.zeros_like(gap))


def frank_wolfe(gram: torch.Tensor, iterations: int = 20, line_search: bool = True,
                start: torch.Tensor | None = None) -> torch.Tensor:
    """min over the simplex of ½αᵀGα for a batch of Gram matrices G (P, T, T): MGDA's weights.

    Each iteration picks τ = argmin_i ⟨g_i, g̃(α)⟩ = (Gα)_i and moves α towards e_τ by the exact
    two-point step (line search) or by 1/(k + 1) (Su's averaging, multitask.md §a.2).  Only the Gram
    matrix is needed, computed once per training step."""
    batch, tasks = gram.shape[0], gram.shape[-1]
    alpha = (torch.full((batch, tasks), 1.0 / tasks, dtype=gram.dtype, device=gram.device)
             if start is None else start.clone())
    rows = torch.arange(batch, device=gram.device)
    for k in range(1, iterations + 1):
        g_alpha = torch.einsum("pij,pj->pi", gram, alpha)
        tau = g_alpha.argmin(dim=1)
        if line_search:
            a_a = (alpha * g_alpha).sum(dim=1)
            step = _segment_step(a_a, g_alpha[rows, tau], gram[rows, tau, tau])
        else:
            step = torch.full((batch,), 1.0 / (k + 1), dtype=gram.dtype, device=gram.device)
        alpha = alpha * (1.0 - step)[:, None]
        alpha[rows, tau] += step
    return alpha


def min_norm_weights(gradients, iterations: int = 200, line_search: bool = True) -> np.ndarray:
    """MGDA's α for gradients (T, n) (numpy convenience over ``frank_wolfe``)."""
    g = torch.as_tensor(np.asarray(gradients, dtype=np.float64))
    return frank_wolfe((g @ g.T)[None], iterations, line_search)[0].numpy()


def normalized_sum(gradients) -> np.ndarray:
    """u = Σ g_i/‖g_i‖ (eq. 13): for two tasks ⟨g_i, u⟩ = ‖g_i‖(1 + cos) ≥ 0 (M-8)."""
    g = np.asarray(gradients, dtype=np.float64)
    return (g / np.linalg.norm(g, axis=1, keepdims=True)).sum(axis=0)


def projection_coefficient(g0, g1) -> float:
    """γ = relu(−⟨g₀,g₁⟩)/‖g₁‖², u = g₀ + γg₁ (part 三, n = 1; M-11)."""
    g0, g1 = np.asarray(g0, dtype=np.float64), np.asarray(g1, dtype=np.float64)
    return max(-float(np.dot(g0, g1)), 0.0) / float(np.dot(g1, g1))


def auxiliary_coefficients(g0, auxiliaries, iterations: int = 100) -> np.ndarray:
    """λ ∈ Qⁿ minimising ½‖g₀ + Σλ_i g_i‖² (part 三, n > 1) by coordinate updates: each re-solves one
    auxiliary's coefficient with the n = 1 formula, the others fixed.  Su re-solves the worst one,
    τ = argmin_i ⟨g_i, u⟩; that alone can stall with a coefficient that should fall back to 0, so each
    iteration here does Su's update and then one sweep over all of them (exact coordinate descent on
    a convex quadratic over the orthant, which converges)."""
    g0 = np.asarray(g0, dtype=np.float64)
    aux = np.atleast_2d(np.asarray(auxiliaries, dtype=np.float64))
    lam = np.zeros(len(aux))

    def resolve(tau: int) -> None:
        rest = g0 + lam @ aux - lam[tau] * aux[tau]
        lam[tau] = projection_coefficient(rest, aux[tau])

    for _ in range(iterations):
        resolve(int(np.argmin(aux @ (g0 + lam @ aux))))
        for tau in range(len(aux)):
            resolve(tau)
    return lam
