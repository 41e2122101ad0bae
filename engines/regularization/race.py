"""``regularization:race`` (panel W2, the topic's main experiment): the regularisers trained side by
side from one initial state on one batch sequence, measured every ``eval_every`` steps.

What each evaluation measures per method (regularization.md §c, W-7): loss and accuracy on the
training and test sets; per-layer Frobenius norms, Σ‖W_l‖², Σlog‖W_l‖, the layer balance
D = ‖W₁‖² − ‖W₂‖², ∏‖W_l‖_F and ∏‖W_l‖₂; the mean over test points of ‖∂f_y/∂x‖₂ (the true
class's logit), which W-7 bounds by ∏‖W_l‖₂ for a bias-free or biased ReLU net alike; and the
accuracy under a one-step FGSM attack x + ε·sign ∇ₓCE (clipped to [0, 1] on digits).

The initial-imbalance factor multiplies the first layer (and its bias, the cumulative rule) by a and
divides the second by a: the same function at every a, but a different L2 value, so L2's
trajectory depends on the arbitrary split while the log penalty's gradient flow does not (W-2).

No published numbers exist for WEISSI (W-10): the race shows its own measurements, and a run in
which WEISSI does not win is a result, not a bug.
"""
from __future__ import annotations

import math
import time
from typing import Any, Iterator

import numpy as np
import torch

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema, ParameterError
from engines.core.torch_runtime import DEVICE_CHOICES, configure_threads, describe_device, resolve_device
from engines.regularization.mlp import make_mlp
from engines.regularization.race_data import DATASETS, make_race_data
from engines.regularization.race_population import METHOD_RULES, METHODS, Coefficients, RacePopulation
from engines.training.guard import DivergenceGuard

MAX_DEPTH = 5
LIVE_COEFFICIENTS = ("lr", "sgd_lr", "lam", "lam1", "lam2", "wd")
LIVE_EVERY = 10  # steps between reads of the live values (≈ 10 ms: a slider acts at once, six locks a step cost 5 %)
FINAL_COLUMNS = ("method", "train_acc", "test_acc", "fgsm_acc", "input_grad", "l2", "log_norm_sum")


def _methods(text: str) -> tuple[str, ...]:
    """The methods of a validated ``methods`` value, in the order of METHODS."""
    return tuple(RACE_PARAMS["methods"].validate(text).split(","))


RACE_PARAMS = ParamSchema([
    Param("methods", ",".join(METHODS), kind="multi", choices=METHODS,
          choice_labels=tuple(rule.label for rule in METHOD_RULES.values()),
          help="the methods to race (on the command line a comma list): none, l2_sgd, l2_adam, adamw, "
               "weissi_log, weissi_full, l2_rebalance"),
    Param("dataset", "moons", kind="choice", choices=DATASETS,
          help="moons / circles (2-D, noise below), digits (8×8 images, 10 classes), classification "
               "(make_classification: 20 features, 5 informative)"),
    Param("train_size", 100, kind="int", lo=20, hi=5000, help="training examples (small sets overfit: "
                                                               "that is where a regulariser matters)"),
    Param("noise", 0.3, lo=0.0, hi=1.0, help="Gaussian noise of moons and circles"),
    Param("label_noise", 0.0, lo=0.0, hi=0.5, help="fraction of training labels replaced by another class"),
    Param("width", 64, kind="int", lo=2, hi=512, help="units per hidden layer"),
    Param("depth", 3, kind="int", lo=2, hi=MAX_DEPTH, help="weight layers (2–5)"),
    Param("bias", True, kind="bool", help="biases in every layer (shifted by the cumulative rule)"),
    Param("imbalance", 1.0, lo=0.01, hi=100.0, log=True,
          help="initial imbalance a: W₁·a (and b₁·a), W₂/a — the same function, a different L2"),
    Param("optimizer", "adam", kind="choice", choices=("adam", "sgd"),
          help="the optimiser of none, WEISSI and L2 + re-balancing (L2 + SGD, L2 + Adam and AdamW "
               "keep their own)"),
    Param("lr", 3e-3, lo=1e-5, hi=0.1, log=True, live=True, help="Adam's learning rate"),
    Param("sgd_lr", 0.05, lo=1e-4, hi=1.0, log=True, live=True, help="SGD's learning rate"),
    Param("lam", 1e-3, lo=1e-7, hi=1.0, log=True, zero=True, live=True,
          help="L2 coefficient λ: λ·Σ‖W_l‖² added to the loss (gradient 2λW)"),
    Param("wd", 0.05, lo=1e-6, hi=1.0, log=True, zero=True, live=True,
          help="AdamW's decoupled decay λ_w: W ← W − lr·λ_w·W each step (torch's convention)"),
    Param("lam1", 0.05, lo=1e-6, hi=10.0, log=True, zero=True, live=True,
          help="WEISSI λ₁: λ₁·Σ½·log(‖W_l‖² + δ) added to the loss"),
    Param("lam2", 1e-3, lo=1e-7, hi=10.0, log=True, zero=True, live=True,
          help="WEISSI full's λ₂: λ₂·Σ‖W_l‖₁/‖W_l‖ (the L1-direction term) added as well"),
    Param("steps", 3000, kind="int", lo=10, hi=200_000, help="optimisation steps (one batch each)"),
    Param("batch_size", 64, kind="int", lo=1, hi=4096, help="examples per step"),
    Param("fgsm_eps", 0.1, lo=0.0, hi=2.0, help="FGSM attack size ε, in the features' own units "
                                                  "(digits: grey levels in [0, 1])"),
    Param("eval_every", 50, kind="int", lo=1, hi=10_000, advanced=True, help="steps between evaluations"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the data, the initial weights and the batches"),
    Param("device", "cpu", kind="choice", choices=DEVICE_CHOICES, advanced=True,
          help="cpu (fastest for these small nets), cuda, or auto"),
])


def relevant_race(values: dict[str, Any]) -> set[str]:
    """The parameters these values read: a coefficient only when a chosen method uses it."""
    names = set(RACE_PARAMS.names())
    try:
        rules = [METHOD_RULES[m] for m in _methods(values.get("methods", ""))]
    except ParameterError:
        return names
    optimizers = {values.get("optimizer", "adam") if r.optimizer == "shared" else r.optimizer for r in rules}
    uses = {"lam": any(r.l2 for r in rules), "lam1": any(r.log for r in rules),
            "lam2": any(r.l1_direction for r in rules), "wd": any(r.decoupled_decay for r in rules),
            "lr": "adam" in optimizers, "sgd_lr": "sgd" in optimizers,
            "optimizer": any(r.optimizer == "shared" for r in rules),
            "noise": values.get("dataset") in ("moons", "circles")}
    return names - {name for name, used in uses.items() if not used}


def validate_race(params: dict[str, Any]) -> dict[str, Any]:
    return RACE_PARAMS.validate(params)


def initial_layers(p: dict[str, Any], inputs: int, classes: int,
                   dtype=torch.float32) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """He-initialised layers (fan_in, fan_out) from the seed, with the imbalance a on layers 1 and 2."""
    sizes = [inputs] + [p["width"]] * (p["depth"] - 1) + [classes]
    layers = make_mlp(sizes, np.random.default_rng([p["seed"], 2]), bias=p["bias"])
    a = p["imbalance"]
    out = []
    for index, (w, b) in enumerate(layers):
        factor = a if index == 0 else 1.0 / a if index == 1 else 1.0
        bias_factor = a if index == 0 else 1.0  # Γ₁ = a, Γ₂ = a·(1/a) = 1
        out.append((torch.tensor(w.T * factor, dtype=dtype),
                    None if b is None else torch.tensor(b * bias_factor, dtype=dtype)))
    return out


def coefficients(values: dict[str, Any]) -> Coefficients:
    return Coefficients(*(float(values[name]) for name in LIVE_COEFFICIENTS))


def evaluate(pop: RacePopulation, data: dict[str, torch.Tensor], eps: float, clip) -> dict[str, np.ndarray]:
    """Every measurement of the module docstring, as arrays of one value per member."""
    p = len(pop.methods)
    out: dict[str, np.ndarray] = {}
    with torch.no_grad():
        for split in ("train", "test"):
            x, y = data[f"x_{split}"], data[f"y_{split}"]
            logits = pop.forward(x.expand(p, *x.shape))
            out[f"{split}_loss"] = _cross_entropy(logits, y).mean(dim=1).cpu().numpy()
            out[f"{split}_acc"] = (logits.argmax(-1) == y).float().mean(dim=1).cpu().numpy()
        frob = pop.layer_norms2().double().sqrt()
        finite = torch.stack([torch.isfinite(w).flatten(1).all(dim=1) for w in pop.weights], dim=1).all(dim=1)
        spectral = torch.stack([torch.linalg.matrix_norm(torch.where(finite.view(-1, 1, 1), w, 0.0), ord=2)
                                for w in pop.weights], dim=1).double()  # LAPACK refuses NaN: a member
        spectral[~finite] = math.nan                                   # that blew up reads NaN
    out["norms"] = frob.cpu().numpy()
    out["l2"] = (frob ** 2).sum(dim=1).cpu().numpy()
    out["log_norm_sum"] = frob.clamp_min(1e-300).log().sum(dim=1).cpu().numpy()
    out["imbalance"] = (frob[:, 0] ** 2 - frob[:, 1] ** 2).cpu().numpy()
    out["product_frobenius"] = frob.prod(dim=1).cpu().numpy()
    out["product_spectral"] = spectral.prod(dim=1).cpu().numpy()
    x, y = data["x_test"], data["y_test"]
    xs = x.expand(p, *x.shape).clone().requires_grad_(True)
    logits = pop.forward(xs)
    (grad,) = torch.autograd.grad(logits.gather(2, y.expand(p, -1).unsqueeze(-1)).sum(), xs)
    gradient_norms = grad.norm(dim=2)
    out["input_grad"] = gradient_norms.mean(dim=1).cpu().numpy()
    out["max_input_grad"] = gradient_norms.amax(dim=1).cpu().numpy()
    (grad,) = torch.autograd.grad(_cross_entropy(pop.forward(xs), y).sum(), xs)
    with torch.no_grad():
        adversarial = xs + eps * grad.sign()
        if clip is not None:
            adversarial = adversarial.clamp(*clip)
        still_right = pop.forward(adversarial).argmax(-1) == y
    out["fgsm_acc"] = still_right.float().mean(dim=1).cpu().numpy()
    return out


def _cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(P, N, C) logits, (N,) labels → (P, N) losses."""
    p = logits.shape[0]
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.repeat(p),
                                             reduction="none").view(p, -1)


SCALAR_KEYS = ("train_loss", "test_loss", "train_acc", "test_acc", "l2", "log_norm_sum", "imbalance",
               "product_frobenius", "product_spectral", "input_grad", "max_input_grad", "fgsm_acc")


def run_race(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = validate_race(params)
    methods = _methods(p["methods"])
    device = resolve_device(p["device"])
    configure_threads(device)
    race = make_race_data(p["dataset"], p["train_size"], p["noise"], p["label_noise"], p["seed"])
    data = {name: torch.from_numpy(np.asarray(getattr(race, name))).to(device)
            for name in ("x_train", "y_train", "x_test", "y_test")}
    one_hot = torch.nn.functional.one_hot(data["y_train"], race.classes).to(torch.float32)
    pop = RacePopulation(methods, initial_layers(p, race.x_train.shape[1], race.classes), coefficients(p),
                         p["optimizer"], device)
    batches = torch.Generator().manual_seed(p["seed"])
    n, batch = len(race.y_train), min(p["batch_size"], len(race.y_train))
    order, cursor = torch.randperm(n, generator=batches).to(device), 0
    steps, every = p["steps"], p["eval_every"]
    live = {name: p[name] for name in LIVE_COEFFICIENTS}
    guard = {m: DivergenceGuard() for m in methods}
    alive = list(range(len(methods)))
    stopped: dict[str, str] = {}  # method → why it stopped
    header = (f"{len(methods)} methods on {p['dataset']} ({n} training examples"
              f"{f', {race.flipped} labels flipped' if race.flipped else ''}) on {describe_device(device)}")
    yield Frame(0, 0.0, message=f"racing {header}")
    trained_s = 0.0
    for step in range(steps + 1):
        ctx.check()
        if step % every == 0 or step == steps:
            measured = evaluate(pop, data, p["fgsm_eps"], race.clip)
            scalars, dead = _scalars(methods, alive, measured, step, guard)
            for member, reason in dead.items():
                pop.freeze(member)
                alive.remove(member)
                stopped[methods[member]] = reason
            scalars["seconds"] = trained_s
            message = _message(methods, alive, measured, step, steps, stopped)
            arrays, columns = {}, {}
            if step == steps or not alive:
                arrays["final"] = _final_table(methods, alive, measured)
                columns["final"] = FINAL_COLUMNS
            yield Frame(step, step / steps, scalars, arrays, columns, message,
                        diverged="" if alive else "every method diverged")
            if not alive:
                return
        if step == steps:
            break
        started = time.perf_counter()
        if step % LIVE_EVERY == 0:
            _apply_live(ctx, pop, live)
        if cursor + batch > n:
            order, cursor = torch.randperm(n, generator=batches).to(device), 0
        index = order[cursor:cursor + batch]
        cursor += batch
        pop.step(data["x_train"][index], one_hot[index])
        trained_s += time.perf_counter() - started


def _scalars(methods, alive, measured, step, guard) -> tuple[dict[str, float], dict[int, str]]:
    """The measured values of the members still running, and the members that diverged now (with
    the guard's reason): a diverged method stops, the others race on."""
    scalars: dict[str, float] = {}
    dead = {}
    for member in list(alive):
        m = methods[member]
        values = {key: float(measured[key][member]) for key in SCALAR_KEYS}
        reason = guard[m].check(step, {"train_loss": values["train_loss"], "l2": values["l2"]})
        if reason:
            dead[member] = reason
            continue
        scalars.update({f"{key}_{m}": value for key, value in values.items()})
        scalars.update({f"norm_{layer + 1}_{m}": float(v) for layer, v in enumerate(measured["norms"][member])})
    return scalars, dead


def _final_table(methods, alive, measured) -> np.ndarray:
    """One row per method (its index in ``methods``); NaN for a method that diverged."""
    rows = [[index, *(float(measured[key][index]) if index in alive else math.nan for key in FINAL_COLUMNS[1:])]
            for index in range(len(methods))]
    return np.array(rows, dtype=np.float64)


def _message(methods, alive, measured, step, steps, stopped: dict[str, str]) -> str:
    if not alive:
        return f"step {step}: every method diverged (lower the learning rates): " + "; ".join(stopped.values())
    best = max(alive, key=lambda i: measured["test_acc"][i])
    text = (f"step {step}/{steps}: best test accuracy {measured['test_acc'][best]:.3f} ({methods[best]}); "
            f"FGSM accuracy " + ", ".join(f"{methods[i]} {measured['fgsm_acc'][i]:.2f}" for i in alive))
    if stopped:
        text += " · stopped: " + "; ".join(f"{m} ({reason})" for m, reason in stopped.items())
    return text


def _apply_live(ctx: RunContext, pop: RacePopulation, live: dict[str, Any]) -> None:
    changed = False
    for name in LIVE_COEFFICIENTS:
        value = ctx.live(name)
        if value != live[name]:
            live[name], changed = value, True
    if changed:
        pop.set_coefficients(coefficients(live))
