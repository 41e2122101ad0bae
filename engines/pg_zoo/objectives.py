"""The estimator lab's objectives (pg_zoo.md panel Z1): each can evaluate many points at once and
knows, where a closed form exists, the gradient a zeroth-order estimator is unbiased for.

For Gaussian perturbations the forward-difference estimator is unbiased for the gradient of the
smoothed function f_ε(x) = E f(x + εu) at *every* ε (Stein's identity, pg_zoo.md §8.2), which
exists even where f has no gradient (the step, the argmax accuracy):

* linear aᵀx + c: ∇f_ε = a;
* quadratic ½xᵀAx: f_ε = f + ε²·tr A/2, so ∇f_ε = ∇f = Ax;
* ℓ1 Σ|x_i|: ∂f_ε/∂x_i = erf(x_i/(ε√2));
* step 𝟙[wᵀx > 0]: f_ε = Φ(wᵀx/(ε‖w‖)), ∇f_ε = φ(s)·w/(ε‖w‖) with s = wᵀx/(ε‖w‖);
* the accuracy of a linear softmax classifier: f_ε is the expected accuracy of the Gaussian-argmax
  ("probit") policy (§8.3), whose gradient ``probit`` computes by quadrature.

For Rademacher and sphere perturbations the estimator's mean is ∇f for the linear and quadratic
objectives (odd moments vanish), (|x_i + ε| − |x_i − ε|)/(2ε) for ℓ1 under Rademacher signs, and
has no closed form otherwise (None: the lab then reports no bias).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import erf

from engines.pg_zoo import probit

OBJECTIVES = ("linear", "quadratic", "l1", "step", "accuracy")
LINEAR_OFFSET = 3.0  # c in aᵀx + c: f(x) ≠ 0, so dropping the baseline costs d·f²/ε² (§9)
STEP_DISTANCE = 0.1  # the start point's distance to the step's boundary


@dataclass
class Objective:
    name: str
    x: np.ndarray                              # the point the gradient is estimated at
    values: Callable[[np.ndarray], np.ndarray]  # (M, d) points → (M,) values
    gradient: np.ndarray | None                 # ∇f(x), where it exists and is informative
    hessian_diagonal: np.ndarray | None = None  # linear (zeros) and quadratic: A = diag(λ)
    smoothed: Callable[[float], np.ndarray] | None = None  # ε → ∇f_ε(x) under Gaussian smoothing
    along: Callable[[np.ndarray, float], np.ndarray] | None = None  # (u (M, d), ε) → f(x + εu), faster

    @property
    def dim(self) -> int:
        return self.x.size

    def value(self) -> float:
        return float(self.values(self.x[None])[0])

    def at_perturbations(self, u: np.ndarray, eps: float) -> np.ndarray:
        """f(x + εu) for each row of u."""
        return self.along(u, eps) if self.along is not None else self.values(self.x + eps * u)

    def estimator_mean(self, eps: float, law: str) -> np.ndarray | None:
        """What the ZO estimator averages to at this ε for this perturbation law, if known."""
        if law == "gaussian":
            return None if self.smoothed is None else self.smoothed(eps)
        if self.hessian_diagonal is not None:
            return self.gradient
        if self.name == "l1" and law == "rademacher":
            return (np.abs(self.x + eps) - np.abs(self.x - eps)) / (2.0 * eps)
        return None


def make_objective(name: str, dim: int, condition: float, seed: int) -> Objective:
    rng = np.random.default_rng([seed, 7737])
    if name == "accuracy":
        return probit.accuracy_objective()
    x = rng.normal(size=dim)
    if name == "linear":
        a = rng.normal(size=dim)
        a /= np.linalg.norm(a)
        f0 = float(x @ a) + LINEAR_OFFSET
        return Objective(name, x, lambda p: p @ a + LINEAR_OFFSET, a, np.zeros(dim), lambda eps: a,
                         lambda u, eps: f0 + eps * (u @ a))
    if name == "quadratic":
        lam = np.geomspace(1.0, condition, dim) if dim > 1 else np.ones(1)
        grad, f0 = lam * x, 0.5 * float((x * x) @ lam)

        def along(u: np.ndarray, eps: float) -> np.ndarray:  # f + ε∇fᵀu + ε²/2·uᵀAu: no x + εu formed
            return f0 + eps * (u @ grad) + 0.5 * eps * eps * ((u * u) @ lam)

        return Objective(name, x, lambda p: 0.5 * (p * p) @ lam, grad, lam, lambda eps: grad, along)
    if name == "l1":
        return Objective(name, x, lambda p: np.abs(p).sum(axis=1), np.sign(x), None,
                         lambda eps: erf(x / (eps * np.sqrt(2.0))))
    if name == "step":
        w = rng.normal(size=dim)
        w /= np.linalg.norm(w)
        x = x - (x @ w) * w + STEP_DISTANCE * w   # STEP_DISTANCE from the boundary, on the 1 side

        def smoothed(eps: float) -> np.ndarray:
            s = (x @ w) / eps
            return np.exp(-0.5 * s * s) / np.sqrt(2.0 * np.pi) * w / eps

        return Objective(name, x, lambda p: (p @ w > 0).astype(float), None, None, smoothed)
    raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {name!r}")
