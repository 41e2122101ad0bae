"""A small MLP in numpy float64, and what the essay measures on it (regularization.md §a.3–a.8).

A network is a list of layers ``(W, b)`` (``b`` None when the layer is bias-free); ``W_l`` maps
layer l−1's width to layer l's.  Hidden layers use ReLU (positively homogeneous, so a weight-scale
shift with ∏γ = 1 leaves the function unchanged, eq. 4) or GELU (only approximately homogeneous);
the last layer is linear.  float64 throughout: the invariance facts are checked to ~1e-14.
"""
from __future__ import annotations

import math

import numpy as np

Layers = list[tuple[np.ndarray, np.ndarray | None]]
BIAS_RULES = ("none", "cumulative", "literal")
ACTIVATIONS = ("relu", "gelu")
LOG_GUARD = 1e-8  # δ in ½·log(‖W‖² + δ)


def make_mlp(sizes: list[int], rng: np.random.Generator, bias: bool = True) -> Layers:
    """He-initialised layers for widths ``sizes`` (input first); biases small and nonzero, so a
    wrong bias rule shows."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_out, fan_in))
        b = rng.normal(0.0, 0.1, fan_out) if bias else None
        layers.append((w, b))
    return layers


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "gelu":  # exact GELU: z·Φ(z)
        from scipy.special import erf

        return 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))
    raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")


def activation_slope(z: np.ndarray, activation: str) -> np.ndarray:
    """φ′(z): ReLU's step, or GELU's Φ(z) + z·φ(z) (which peaks at ≈ 1.13: GELU is not 1-Lipschitz)."""
    if activation == "relu":
        return (z > 0).astype(float)
    if activation == "gelu":
        from scipy.special import ndtr

        return ndtr(z) + z * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")


def forward(layers: Layers, x: np.ndarray, activation: str = "relu") -> np.ndarray:
    """Outputs (N, out) of inputs ``x`` (N, in); the last layer is linear."""
    h = x
    for index, (w, b) in enumerate(layers):
        h = h @ w.T + (b if b is not None else 0.0)
        if index < len(layers) - 1:
            h = activate(h, activation)
    return h


def shift(layers: Layers, gammas, bias_rule: str = "cumulative") -> Layers:
    """W_l → γ_l·W_l with the biases scaled by ``bias_rule``: ``cumulative`` b_l → Γ_l·b_l with
    Γ_l = ∏_{k≤l} γ_k (the correct rule, §a.3 correction), ``literal`` b_l → γ_l·b_l (the essay's
    formula, which breaks invariance from the second layer on), ``none`` leaves them."""
    if bias_rule not in BIAS_RULES:
        raise ValueError(f"bias_rule must be one of {', '.join(BIAS_RULES)}, got {bias_rule!r}")
    out, cumulative = [], 1.0
    for (w, b), gamma in zip(layers, gammas):
        cumulative *= gamma
        factor = {"cumulative": cumulative, "literal": gamma, "none": 1.0}[bias_rule]
        out.append((gamma * w, None if b is None else factor * b))
    return out


def pair_gammas(depth: int, pair: int, a: float) -> list[float]:
    """γ for the shift W_pair → a·W_pair, W_pair+1 → W_pair+1 / a (layers counted from 1)."""
    gammas = [1.0] * depth
    gammas[pair - 1], gammas[pair] = a, 1.0 / a
    return gammas


def frobenius(layers: Layers) -> np.ndarray:
    return np.array([np.linalg.norm(w) for w, _ in layers])


def spectral(layers: Layers) -> np.ndarray:
    return np.array([np.linalg.norm(w, 2) for w, _ in layers])


def l2_penalty(layers: Layers) -> float:
    """Σ_l ‖W_l‖_F² (eq. 5; biases are not penalised)."""
    return float(np.sum(frobenius(layers) ** 2))


def log_norm_sum(layers: Layers) -> float:
    """Σ_l log‖W_l‖_F (eq. 9), exact: invariant under a shift with ∏γ = 1 to rounding (the guard δ
    belongs to the training penalty's gradient only, where ‖W‖ may approach 0)."""
    return float(np.sum(np.log(frobenius(layers))))


def l1_direction(layers: Layers) -> float:
    """Σ_l ‖W_l / ‖W_l‖_F‖₁: 0-homogeneous per layer (eq. 10's second term)."""
    return float(sum(np.abs(w).sum() / np.linalg.norm(w) for w, _ in layers))


def weissi(layers: Layers, lam1: float, lam2: float) -> float:
    """λ₁·Σ log‖W_l‖ + λ₂·Σ ‖W_l/‖W_l‖‖₁ (eq. 10)."""
    return lam1 * log_norm_sum(layers) + lam2 * l1_direction(layers)


def balance_gammas(layers: Layers) -> np.ndarray:
    """The γ (∏γ = 1) that give every layer the same norm (∏‖W_l‖)^{1/L}: the minimum of ΣL2 at a
    fixed function, L·(∏‖W_l‖)^{2/L} (eq. 6, W-3)."""
    norms = frobenius(layers)
    target = float(np.exp(np.mean(np.log(norms))))
    return target / norms


def min_l2(layers: Layers) -> float:
    norms = frobenius(layers)
    return len(norms) * float(np.exp(np.mean(np.log(norms)))) ** 2


def input_gradient_norms(layers: Layers, x: np.ndarray) -> np.ndarray:
    """‖∂f/∂x‖₂ (spectral norm of the input Jacobian) at every input of a ReLU MLP:
    J = W_L D_{L−1} W_{L−1} ⋯ D_1 W_1 with the 0/1 masks D_l of the point (§a.8)."""
    h = x
    jac = np.broadcast_to(np.eye(x.shape[1]), (len(x), x.shape[1], x.shape[1]))
    for index, (w, b) in enumerate(layers):
        z = h @ w.T + (b if b is not None else 0.0)
        jac = np.einsum("oi,nij->noj", w, jac)
        if index < len(layers) - 1:
            mask = (z > 0).astype(float)
            jac = jac * mask[:, :, None]
            h = np.maximum(z, 0.0)
    return np.linalg.norm(jac, ord=2, axis=(1, 2))
