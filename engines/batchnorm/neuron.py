"""Q2: Su's single neuron on the digits — centre and scale its input (batchnorm.md §1.3, eqs. 5–8;
§3.1; §4 Q2; §5 facts 1, 3, 4, 5).

For a linear neuron with bias, θ = (w, b) and x̃ = [x, 1], the Hessian of ½·MSE is E[x̃x̃ᵀ] and that
of logistic regression is E[σ(1−σ)x̃x̃ᵀ] ⪯ ¼E[x̃x̃ᵀ] (equality at θ = 0).  So L = λ_max(E[x̃x̃ᵀ])
(MSE) or λ_max/4 (logistic) sets the GD limit η < 2/L (eq. 4).  Su's factor (6) is
E‖x‖² = Σᵢ E[xᵢ²]; subtracting the mean lowers it by exactly ‖Ex‖² (eq. 7), dividing by the standard
deviation makes every E[x̂ᵢ²] = 1 (eq. 8).  Pixels 0, 32 and 39 are 0 in every image: standardising
drops them (61 features), and their "after" bars are 0.

The input fed in is x′ = k·x + c with x = pixels/16 (k = 16, c = 0 gives the raw 0…16 pixels).

``run_neuron(params, ctx)`` yields one Frame:

arrays["features"]  columns pixel, before, after: E[x′ᵢ²] and E[x̂ᵢ²] after the toggled transform
arrays["loss"]      columns step, raw, centred, standardised: GD losses at one η (NaN once diverged)
arrays["hessian"]   columns step, raw, centred, standardised: top Hessian eigenvalue along training
                    (power iteration; constant for MSE)
scalars             second_moment_before/after (E‖x‖²), mean_norm_sq_before/after (‖Ex‖²),
                    lambda_max_before/after, L_before/after, limit_before/after (2/L), features_after,
                    and per variant v ∈ {raw, centred, standardised}: lambda_max_v, L_v, limit_v,
                    final_loss_v (the last finite loss), diverged_step_v (−1 if none), trace_bound_v (L bound from tr E[x̃x̃ᵀ])
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.training.datasets import digits_all

LOSSES = ("mse", "logistic")
VARIANTS = ("raw", "centred", "standardised")
DIVERGED_LOSS = 1e6        # batchnorm.md §6: a loss above this counts as diverged
CHECK_EVERY = 200          # GD steps between ctx.check() calls

NEURON_PARAMS = ParamSchema([
    Param("loss", "mse", kind="choice", choices=LOSSES,
          help="mse: ½·MSE on the standardised digit label; logistic: sigmoid + cross-entropy on "
               "'digit ≥ 5'"),
    Param("centre", True, kind="bool", label="subtract the mean",
          help="'after' input: subtract each pixel's mean over the 1797 images (eq. 7)"),
    Param("scale", True, kind="bool", label="divide by the std",
          help="'after' input: divide each pixel by its standard deviation (eq. 8); the 3 "
               "constant pixels are dropped"),
    Param("offset", 0.0, lo=-2.0, hi=2.0, step=0.05, label="input offset c",
          help="x′ = k·x + c: adds a common mean to every pixel"),
    Param("gain", 1.0, lo=0.1, hi=16.0, log=True, label="input gain k",
          help="x′ = k·x + c with x = pixels/16 (k = 16: raw pixel values 0…16)"),
    Param("eta", 0.2, lo=1e-3, hi=20.0, log=True, label="learning rate η",
          help="one step size for the three GD runs (raw, centred, standardised)"),
    Param("steps", 300, kind="int", lo=10, hi=3000, log=True, help="GD steps from θ = 0"),
    Param("hessian_every", 10, kind="int", lo=0, hi=500, label="Hessian every",
          help="steps between power-iteration estimates of the top Hessian eigenvalue (0: off)"),
])


def preload_data() -> None:
    """Load the digits now, in the caller's thread (30 ms, cached), so the worker never starts with
    file input beside a busy GUI thread."""
    digits_all()


def digits_inputs(gain: float = 1.0, offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """x′ = k·(pixels/16) + c in float64 (1797, 64), and the digit labels."""
    x, y = digits_all()
    return gain * x.astype(np.float64) + offset, np.asarray(y)


def transform(x: np.ndarray, centre: bool, scale: bool) -> tuple[np.ndarray, np.ndarray]:
    """The input after the toggles, and the mask of the columns kept (scaling drops constant
    columns, whose standard deviation is 0)."""
    mu, sd = x.mean(axis=0), x.std(axis=0)
    keep = np.ones(x.shape[1], bool)
    out = x - mu if centre else x.copy()
    if scale:
        keep = sd > 1e-12 * max(1.0, float(np.abs(x).max()))
        out = out[:, keep] / sd[keep]
    return out, keep


def augmented(x: np.ndarray) -> np.ndarray:
    """x̃ = [x, 1]."""
    return np.hstack([x, np.ones((len(x), 1))])


def lambda_max(x: np.ndarray) -> float:
    """λ_max(E[x̃x̃ᵀ]) by numpy's eigvalsh in float64."""
    xt = augmented(x)
    return float(np.linalg.eigvalsh(xt.T @ xt / len(xt))[-1])


def curvature_bound(lam: float, loss: str) -> float:
    """L of eq. (1): λ for ½·MSE, λ/4 for logistic regression (its Hessian at θ = 0)."""
    return lam if loss == "mse" else lam / 4.0


def targets(labels: np.ndarray, loss: str) -> np.ndarray:
    """mse: the standardised digit label (§3.1); logistic: 1 for 'digit ≥ 5', else 0."""
    labels = labels.astype(np.float64)
    if loss == "mse":
        return (labels - labels.mean()) / labels.std()
    return (labels >= 5).astype(np.float64)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def loss_and_grad(xt: np.ndarray, t: np.ndarray, theta: np.ndarray, loss: str):
    z = xt @ theta
    if loss == "mse":
        r = z - t
        return 0.5 * float(r @ r) / len(t), xt.T @ r / len(t)
    value = float(np.mean(np.logaddexp(0.0, z) - t * z))
    return value, xt.T @ (_sigmoid(z) - t) / len(t)


def hessian_weights(xt: np.ndarray, theta: np.ndarray, loss: str) -> np.ndarray:
    """d with H = X̃ᵀ diag(d) X̃ / n: 1 for MSE, σ(z)(1−σ(z)) ≤ ¼ for logistic."""
    if loss == "mse":
        return np.ones(len(xt))
    s = _sigmoid(xt @ theta)
    return s * (1.0 - s)


def hessian(xt: np.ndarray, theta: np.ndarray, loss: str) -> np.ndarray:
    d = hessian_weights(xt, theta, loss)
    return (xt * d[:, None]).T @ xt / len(xt)


def power_top_eigenvalue(xt: np.ndarray, d: np.ndarray, v0: np.ndarray | None = None,
                         rtol: float = 1e-10, max_iter: int = 500) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of H = X̃ᵀdiag(d)X̃/n by power iteration on Hessian–vector products
    (H is positive semi-definite, so the dominant eigenvalue is the largest); warm start v0."""
    v = np.ones(xt.shape[1]) if v0 is None else v0.copy()
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(max_iter):
        hv = xt.T @ (d * (xt @ v)) / len(xt)
        new = float(np.linalg.norm(hv))
        if new == 0.0:
            return 0.0, v
        v = hv / new
        if abs(new - lam) <= rtol * new:
            return new, v
        lam = new
    return lam, v


@dataclass
class Descent:
    """One GD run θ ← θ − η∇f from θ = 0 (eq. 3)."""

    losses: np.ndarray
    diverged_step: int
    theta: np.ndarray
    hessian_steps: list[int] = field(default_factory=list)
    hessian_top: list[float] = field(default_factory=list)
    hessian_thetas: list[np.ndarray] = field(default_factory=list)


def gradient_descent(xt: np.ndarray, t: np.ndarray, loss: str, eta: float, steps: int,
                     hessian_every: int = 0, check=None) -> Descent:
    """Losses at steps 0…steps (NaN after a loss above DIVERGED_LOSS or not finite), and, every
    ``hessian_every`` steps, the top Hessian eigenvalue at the current θ."""
    theta = np.zeros(xt.shape[1])
    losses = np.full(steps + 1, np.nan)
    run = Descent(losses, -1, theta)
    v = None
    for k in range(steps + 1):
        value, grad = loss_and_grad(xt, t, theta, loss)
        if not math.isfinite(value) or value > DIVERGED_LOSS:
            run.diverged_step = k
            break
        losses[k] = value
        if hessian_every and k % hessian_every == 0:
            top, v = power_top_eigenvalue(xt, hessian_weights(xt, theta, loss), v)
            run.hessian_steps.append(k)
            run.hessian_top.append(top)
            run.hessian_thetas.append(theta.copy())
        if k < steps:
            theta = theta - eta * grad
        if check is not None and k % CHECK_EVERY == 0:
            check()
    run.theta = theta
    return run


def run_neuron(params: dict, ctx: RunContext):
    p = NEURON_PARAMS.validate(params)
    loss = p["loss"]
    x, labels = digits_inputs(p["gain"], p["offset"])
    t = targets(labels, loss)
    after, keep = transform(x, p["centre"], p["scale"])
    per_after = np.zeros(x.shape[1])
    per_after[keep] = np.mean(after ** 2, axis=0)

    scalars = {}
    for tag, data in (("before", x), ("after", after)):
        lam = lambda_max(data)
        scalars[f"second_moment_{tag}"] = float(np.mean(np.sum(data ** 2, axis=1)))
        scalars[f"mean_norm_sq_{tag}"] = float(np.sum(data.mean(axis=0) ** 2))
        scalars[f"lambda_max_{tag}"] = lam
        scalars[f"L_{tag}"] = curvature_bound(lam, loss)
        scalars[f"limit_{tag}"] = 2.0 / curvature_bound(lam, loss)
    scalars["features_after"] = float(after.shape[1])
    ctx.check()

    steps, every = p["steps"], p["hessian_every"]
    loss_table = [np.arange(steps + 1, dtype=np.float64)]
    hess_steps = np.arange(0, steps + 1, every, dtype=np.float64) if every else np.zeros(0)
    hess_table = [hess_steps]
    for name, (centre, scale) in zip(VARIANTS, ((False, False), (True, False), (True, True))):
        data = transform(x, centre, scale)[0]
        xt = augmented(data)
        lam = lambda_max(data)
        run = gradient_descent(xt, t, loss, p["eta"], steps, every, ctx.check)
        loss_table.append(run.losses)
        top = np.full(hess_steps.size, np.nan)
        top[:len(run.hessian_top)] = run.hessian_top
        hess_table.append(top)
        finite = run.losses[np.isfinite(run.losses)]
        scalars.update({
            f"lambda_max_{name}": lam, f"L_{name}": curvature_bound(lam, loss),
            f"limit_{name}": 2.0 / curvature_bound(lam, loss),
            f"trace_bound_{name}": curvature_bound(float(np.mean(np.sum(xt ** 2, axis=1))), loss),
            f"final_loss_{name}": float(finite[-1]) if finite.size else math.nan,
            f"diverged_step_{name}": float(run.diverged_step)})
    diverged = [v for v in VARIANTS if scalars[f"diverged_step_{v}"] >= 0]
    yield Frame(
        step=steps, progress=1.0, scalars=scalars,
        arrays={"features": np.column_stack([np.arange(x.shape[1]), np.mean(x ** 2, axis=0), per_after]),
                "loss": np.column_stack(loss_table), "hessian": np.column_stack(hess_table)},
        columns={"features": ("pixel", "before", "after"), "loss": ("step",) + VARIANTS,
                 "hessian": ("step",) + VARIANTS},
        message=f"η = {p['eta']:g}: " + (f"diverged: {', '.join(diverged)}" if diverged
                                         else "all three runs stay finite"),
    )
