"""``regularization:conservation`` (panel W3): the balance D = ‖W₁‖² − ‖W₂‖² of a bias-free
two-layer ReLU regression net under full-batch gradient descent (regularization.md §a.8, W-5, W-6).

Without a penalty, and with the log penalty, D is conserved by gradient flow (Du, Hu & Lee 2018:
⟨W_l, ∇_{W_l} L⟩ is the same for both layers, and the log penalty takes 2λ·lr from every ‖W_l‖²);
the L1-direction term's gradient is orthogonal to W, so it moves no norm; the L2 penalty λ‖W‖²
drives D to 0 as D(0)·e^{−4λ·lr·k}.  The four nets share their initial weights and data and step in
lockstep, stacked on a leading axis.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.regularization.train import PENALTIES, penalty_grad

CONSERVATION_PARAMS = ParamSchema([
    Param("lam", 0.05, lo=0.0, hi=1.0, help="penalty coefficient λ of every method (L2: λ‖W‖², "
                                                 "log: λ·log‖W‖, L1-direction: λ‖W/‖W‖‖₁)"),
    Param("lr", 1e-3, lo=1e-5, hi=0.05, log=True, help="gradient-descent step η; the discrete "
                                                              "scheme drifts from gradient flow by O(η)"),
    Param("steps", 20_000, kind="int", lo=10, hi=200_000, help="gradient-descent steps"),
    Param("inputs", 5, kind="int", lo=1, hi=50, help="input dimension"),
    Param("hidden", 16, kind="int", lo=1, hi=256, help="hidden units"),
    Param("samples", 64, kind="int", lo=4, hi=4096, help="regression points (a fixed random teacher)"),
    Param("task", "regression", kind="choice", choices=("regression", "none"),
          help="regression: fit a fixed random teacher; none: the penalties alone, where the log "
               "penalty's ‖W₁‖² falls by 2λ·lr per step (W-6)"),
    Param("init_scale", 2.0, lo=0.1, hi=10.0, help="first layer's initial weights × this, second ÷ this: "
                                                    "the initial imbalance D(0)"),
    Param("record_every", 100, kind="int", lo=1, hi=10_000, advanced=True, help="steps between recorded points"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the data and the initial weights"),
])


def initial_state(p: dict[str, Any]):
    rng = np.random.default_rng(p["seed"])
    x = rng.normal(size=(p["samples"], p["inputs"]))
    teacher = rng.normal(size=(p["inputs"],))
    y = np.maximum(x @ teacher, 0.0)[:, None] - 0.3 * np.abs(x[:, :1])
    w1 = rng.normal(0.0, math.sqrt(2.0 / p["inputs"]), (p["hidden"], p["inputs"])) * p["init_scale"]
    w2 = rng.normal(0.0, math.sqrt(1.0 / p["hidden"]), (1, p["hidden"])) / p["init_scale"]
    return x, y, w1, w2


def step(w1: np.ndarray, w2: np.ndarray, x: np.ndarray, y: np.ndarray, penalty: str, lam: float, lr: float,
         task: bool = True):
    """One gradient-descent step of ½·mean‖f(x) − y‖² (when ``task``) + penalty on both layers."""
    z = x @ w1.T
    h = np.maximum(z, 0.0)
    delta = (h @ w2.T - y) / len(x) * float(task)
    g2 = delta.T @ h
    g1 = ((delta @ w2) * (z > 0)).T @ x
    return (w1 - lr * (g1 + penalty_grad(w1, penalty, lam)), w2 - lr * (g2 + penalty_grad(w2, penalty, lam)))


def run_conservation(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = CONSERVATION_PARAMS.validate(params)
    x, y, w1, w2 = initial_state(p)
    nets = {penalty: (w1.copy(), w2.copy()) for penalty in PENALTIES}
    d0 = float(np.sum(w1 ** 2) - np.sum(w2 ** 2))
    steps, every = p["steps"], p["record_every"]
    for k in range(steps + 1):
        if k % every == 0 or k == steps:
            ctx.check()
            scalars = {f"balance_{name}": float(np.sum(a ** 2) - np.sum(b ** 2)) for name, (a, b) in nets.items()}
            scalars["balance_l2_predicted"] = d0 * math.exp(-4.0 * p["lam"] * p["lr"] * k)
            scalars.update({f"norm2_{name}": float(np.sum(nets[name][0] ** 2)) for name in ("none", "l2", "log")})
            if p["task"] == "none":  # the penalty alone: ‖W‖² loses 2λ·lr per step (exactly, up to δ)
                scalars["norm2_log_predicted"] = float(np.sum(w1 ** 2)) - 2.0 * p["lam"] * p["lr"] * k
            bad = sorted(name for name, value in scalars.items() if not math.isfinite(value))
            if bad:
                yield Frame(step=k, progress=k / steps, diverged=f"{bad[0]} is not finite at step {k}",
                            message=f"diverged at step {k}: lower lr·λ (the log step overshoots once "
                                    f"lr·λ > ‖W‖²)")
                return
            drift = abs(scalars["balance_none"] - d0) / abs(d0)
            yield Frame(step=k, progress=k / steps, scalars=scalars,
                        message=f"step {k}: D none {scalars['balance_none']:.6g} (drift {drift:.1e}), "
                                f"L2 {scalars['balance_l2']:.4g} vs predicted {scalars['balance_l2_predicted']:.4g}")
        if k < steps:
            with np.errstate(over="ignore", invalid="ignore"):
                nets = {name: step(a, b, x, y, name, p["lam"], p["lr"], p["task"] == "regression")
                        for name, (a, b) in nets.items()}
