"""The argmax accuracy of a linear softmax classifier on digits, and its exactly smoothed gradient.

Perturbing W → W + εU (U_ij iid N(0, 1)) adds iid N(0, ε²‖x̃_n‖²) noise to every logit of example n
(x̃ = [x; 1]), so the expected accuracy of the perturbed classifier is the mean over examples of the
Gaussian-argmax ("probit") policy's probability of the true class (pg_zoo.md §8.3, Z-9):

    π_n(t) = P(t = argmax_k z_nk + σ_n g_k) = ∫ φ(s) ∏_{k≠t} Φ(s + Δ_k) ds,   Δ_k = (z_nt − z_nk)/σ_n,

with σ_n = ε‖x̃_n‖.  A 1-D Gauss–Hermite rule (``NODES`` nodes) gives π and its derivatives
∂π/∂z_k = −(1/σ)·E_s[φ(s + Δ_k) ∏_{j≠t,k} Φ(s + Δ_j)] (k ≠ t) and ∂π/∂z_t = −Σ_{k≠t} ∂π/∂z_k; the
chain rule through z = W x̃ gives ∇_W. The Gaussian ZO estimator of the accuracy is unbiased for
exactly this gradient, at every ε.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import log_ndtr

from engines.training.datasets import digits_split

NODES = 64
CLASSES = 10
WARM_STEPS, WARM_LR = 25, 1.0  # full-batch cross-entropy steps from W = 0: the lab's start point


@lru_cache(maxsize=1)
def digits_features() -> tuple[np.ndarray, np.ndarray]:
    """The 1257 training digits as x̃ = [x; 1] (n, 65) in float64, and their labels."""
    split = digits_split()
    x = np.hstack([split.x_train.astype(np.float64), np.ones((len(split.y_train), 1))])
    return x, np.asarray(split.y_train)


def accuracies(weights: np.ndarray, x: np.ndarray, y: np.ndarray, chunk: int = 16) -> np.ndarray:
    """(M, K·D) flattened weight matrices → (M,) accuracies of argmax_k (W x̃)_k on (x, y): one matrix
    product x @ Wᵀ per ``chunk`` models, laid out (n, models, K) so the argmax runs over contiguous
    memory and the logits stay in cache."""
    out = np.empty(len(weights))
    for start in range(0, len(weights), chunk):
        w = weights[start:start + chunk]
        logits = (x @ w.reshape(-1, x.shape[1]).T).reshape(len(x), len(w), CLASSES)
        out[start:start + chunk] = (logits.argmax(axis=2) == y[:, None]).mean(axis=0)
    return out


def warm_start(x: np.ndarray, y: np.ndarray, steps: int = WARM_STEPS) -> np.ndarray:
    """A few full-batch cross-entropy steps from W = 0 (an accuracy of 0.92, not a random 0.1)."""
    w = np.zeros((CLASSES, x.shape[1]))
    one_hot = np.eye(CLASSES)[y]
    for _ in range(steps):
        z = x @ w.T
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= WARM_LR * (p - one_hot).T @ x / len(y)
    return w


def policy_probability_and_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray, eps: float):
    """Mean over examples of π_n(t_n) (the smoothed accuracy f_ε) and its gradient w.r.t. W (K, D)."""
    nodes, weights = hermegauss(NODES)
    weights = weights / np.sqrt(2.0 * np.pi)
    z = x @ w.T                                                     # (n, K)
    sigma = eps * np.linalg.norm(x, axis=1)                         # (n,)
    n = len(y)
    delta = (z[np.arange(n), y][:, None] - z) / sigma[:, None]      # (n, K); Δ_t = 0, excluded below
    shifted = nodes[None, None, :] + delta[:, :, None]              # (n, K, S)
    log_cdf = log_ndtr(shifted)
    log_cdf[np.arange(n), y, :] = 0.0                               # the true class is not in the product
    log_all = log_cdf.sum(axis=1)                                   # (n, S): log ∏_{k≠t} Φ
    probability = np.exp(log_all) @ weights                         # (n,)
    density = np.exp(-0.5 * shifted ** 2) / np.sqrt(2.0 * np.pi)
    others = np.exp(log_all[:, None, :] - log_cdf) * density       # φ(s+Δ_k) ∏_{j≠t,k} Φ(s+Δ_j)
    d_z = -(others @ weights) / sigma[:, None]                      # (n, K) for k ≠ t
    d_z[np.arange(n), y] = 0.0
    d_z[np.arange(n), y] = -d_z.sum(axis=1)
    return float(probability.mean()), d_z.T @ x / n


def accuracy_objective():
    from engines.pg_zoo.objectives import Objective

    x, y = digits_features()
    w0 = warm_start(x, y)

    def smoothed(eps: float) -> np.ndarray:
        return policy_probability_and_gradient(w0, x, y, eps)[1].ravel()

    return Objective("accuracy", w0.ravel(), lambda points: accuracies(points, x, y), None, None, smoothed)
