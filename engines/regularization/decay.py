"""``regularization:decay`` (panel W4): where does the decay go?  A vector θ with coordinates of very
different sizes under SGD + L2, Adam + L2 and AdamW (regularization.md §a.2, W-8, W-9).

Conventions: the L2 penalty is λ‖θ‖² (gradient 2λθ); AdamW's decay is torch's (θ ← θ − lr·λ·θ,
then the Adam step on the task gradient); Adam is torch's (β₁ 0.9, β₂ 0.999, ε 1e-8, bias
corrections).  With a zero task gradient Adam + L2 normalises the decay's own gradient away: every
large coordinate moves by ≈ lr per step whatever λ is, while AdamW shrinks each in proportion.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema, ParameterError, parse_list

METHODS = ("sgd_l2", "adam_l2", "adamw")
TASKS = ("zero", "noise", "quadratic")
BETAS, EPS = (0.9, 0.999), 1e-8

DECAY_PARAMS = ParamSchema([
    Param("theta0", "10, 1, 0.1, -0.5", kind="str",
          help="initial coordinates θ₀, comma-separated (1–8 nonzero values of very different sizes)"),
    Param("lam", 1e-2, lo=1e-6, hi=1.0, log=True, live=True,
          help="decay coefficient λ: L2 adds λ‖θ‖² (gradient 2λθ, so SGD + L2 decays by 2·lr·λ per step); "
               "AdamW decays by lr·λ (torch's convention)"),
    Param("lr", 1e-3, lo=1e-5, hi=0.5, log=True, live=True, help="learning rate of the three optimisers"),
    Param("decay_task", "zero", kind="choice", choices=TASKS, live=True,
          help="task gradient: zero (decay alone), noise (Gaussian, scale `noise_scale`), quadratic "
               "(½·Σ c_i θ_i² with curvatures c_i = 10^(−i))"),
    Param("noise_scale", 0.1, lo=0.0, hi=10.0, live=True, help="standard deviation of the noise task gradient"),
    Param("steps", 2000, kind="int", lo=1, hi=100_000, help="optimisation steps"),
    Param("record_every", 10, kind="int", lo=1, hi=10_000, advanced=True, help="steps between recorded points"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the noise task gradient"),
])


def parse_theta0(text: str) -> np.ndarray:
    values = np.array(parse_list("theta0", text, Param("theta0", 1.0, lo=-1e6, hi=1e6)), dtype=float)
    if not 1 <= values.size <= 8 or np.any(values == 0):
        raise ParameterError("theta0", f"theta0: give 1–8 nonzero numbers in [-1e6, 1e6], got {text!r}")
    return values


class Adam:
    """torch.optim.Adam's update for one vector (for exact comparisons with torch)."""

    def __init__(self, size: int):
        self.m, self.v, self.t = np.zeros(size), np.zeros(size), 0

    def step(self, grad: np.ndarray, lr: float) -> np.ndarray:
        self.t += 1
        self.m = BETAS[0] * self.m + (1 - BETAS[0]) * grad
        self.v = BETAS[1] * self.v + (1 - BETAS[1]) * grad * grad
        m_hat = self.m / (1 - BETAS[0] ** self.t)
        v_hat = self.v / (1 - BETAS[1] ** self.t)
        return lr * m_hat / (np.sqrt(v_hat) + EPS)


def task_gradient(theta: np.ndarray, task: str, noise: float, rng: np.random.Generator) -> np.ndarray:
    if task == "zero":
        return np.zeros_like(theta)
    if task == "noise":
        return noise * rng.standard_normal(theta.size)
    return 10.0 ** -np.arange(theta.size) * theta


def run_decay(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = DECAY_PARAMS.validate(params)
    theta0 = parse_theta0(p["theta0"])
    thetas = {m: theta0.copy() for m in METHODS}
    adams = {m: Adam(theta0.size) for m in ("adam_l2", "adamw")}
    rng = np.random.default_rng(p["seed"])
    steps, every = p["steps"], p["record_every"]
    for k in range(steps + 1):
        if k % every == 0 or k == steps:
            ctx.check()
            scalars = {f"abs_theta_{i}_{m}": float(abs(thetas[m][i])) for m in METHODS for i in range(theta0.size)}
            yield Frame(step=k, progress=k / steps, scalars=scalars,
                        message=f"step {k}: |θ₀| SGD+L2 {scalars['abs_theta_0_sgd_l2']:.4g}, Adam+L2 "
                                f"{scalars['abs_theta_0_adam_l2']:.4g}, AdamW {scalars['abs_theta_0_adamw']:.4g}")
        if k == steps:
            break
        lam, lr, task = ctx.live("lam"), ctx.live("lr"), ctx.live("decay_task")
        noise = ctx.live("noise_scale")
        shared = task_gradient(theta0, task, noise, rng) if task != "quadratic" else None  # paired: one draw for all
        grads = {m: shared if shared is not None else task_gradient(thetas[m], task, noise, rng) for m in METHODS}
        thetas["sgd_l2"] = thetas["sgd_l2"] - lr * (grads["sgd_l2"] + 2.0 * lam * thetas["sgd_l2"])
        thetas["adam_l2"] = thetas["adam_l2"] - adams["adam_l2"].step(grads["adam_l2"] + 2.0 * lam * thetas["adam_l2"], lr)
        decayed = thetas["adamw"] * (1.0 - lr * lam)
        thetas["adamw"] = decayed - adams["adamw"].step(grads["adamw"], lr)
