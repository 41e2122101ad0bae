"""Backpropagation for the numpy MLP (``mlp.py``) and the penalties' gradients, for the explorer's
quick fit and the conservation experiment's gradient descent.

Penalty conventions (regularization.md, stated in the help and ``params``): L2 is λ·Σ‖W_l‖_F²
(gradient 2λW); the log penalty is λ·Σ ½·log(‖W_l‖² + δ) (gradient λ·W/(‖W‖² + δ)); the
L1-direction term λ·Σ‖W_l/‖W_l‖‖₁ has gradient λ·(sign W/‖W‖ − ‖W‖₁·W/‖W‖³), orthogonal to W.
"""
from __future__ import annotations

import numpy as np

from scipy.special import expit

from engines.regularization.mlp import LOG_GUARD, Layers, activate, activation_slope

PENALTIES = ("none", "l2", "log", "l1dir")


def loss_and_grads(layers: Layers, x: np.ndarray, y: np.ndarray, loss: str = "logistic",
                   activation: str = "relu") -> tuple[float, list[tuple[np.ndarray, np.ndarray | None]]]:
    """The mean loss and its gradients per layer; ``logistic``: one output, labels 0/1;
    ``mse``: ½·mean squared error of the outputs against ``y`` (N, out)."""
    hs, zs = [x], []
    for index, (w, b) in enumerate(layers):
        z = hs[-1] @ w.T + (b if b is not None else 0.0)
        zs.append(z)
        hs.append(activate(z, activation) if index < len(layers) - 1 else z)
    out = hs[-1]
    n = len(x)
    if loss == "logistic":
        logit = out[:, 0]
        value = float(np.mean(np.logaddexp(0.0, logit) - y * logit))
        delta = ((expit(logit) - y) / n)[:, None]
    elif loss == "mse":
        diff = out - y.reshape(out.shape)
        value = float(0.5 * np.mean(np.sum(diff ** 2, axis=1)))
        delta = diff / n
    else:
        raise ValueError(f"loss must be logistic or mse, got {loss!r}")
    grads: list = [None] * len(layers)
    for index in range(len(layers) - 1, -1, -1):
        w, b = layers[index]
        grads[index] = (delta.T @ hs[index], None if b is None else delta.sum(axis=0))
        if index:
            delta = (delta @ w) * activation_slope(zs[index - 1], activation)
    return value, grads


def penalty_grad(w: np.ndarray, penalty: str, lam: float) -> np.ndarray:
    """The gradient of one layer's penalty term (conventions in the module docstring)."""
    if penalty == "none" or lam == 0.0:
        return np.zeros_like(w)
    if penalty == "l2":
        return 2.0 * lam * w
    norm2 = float(np.sum(w * w))
    if penalty == "log":
        return lam * w / (norm2 + LOG_GUARD)
    if penalty == "l1dir":
        norm = np.sqrt(norm2)
        return lam * (np.sign(w) / norm - np.abs(w).sum() * w / norm ** 3)
    raise ValueError(f"penalty must be one of {', '.join(PENALTIES)}, got {penalty!r}")


def fit(layers: Layers, x: np.ndarray, y: np.ndarray, steps: int, lr: float, activation: str = "relu") -> Layers:
    """Plain full-batch gradient descent on the logistic loss (the explorer's quick fit)."""
    layers = [(w.copy(), None if b is None else b.copy()) for w, b in layers]
    for _ in range(steps):
        _, grads = loss_and_grads(layers, x, y, activation=activation)
        layers = [(w - lr * gw, None if b is None else b - lr * gb) for (w, b), (gw, gb) in zip(layers, grads)]
    return layers
