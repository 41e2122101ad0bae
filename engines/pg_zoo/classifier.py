"""``pg_zoo:classifier`` (panel Z3): a softmax classifier on digits (linear, or one hidden ReLU layer:
``network``) trained for accuracy by six methods side by side, from the same initial weights on the
same batches (pg_zoo.md §c Z3).

Every method produces an ascent direction g for its objective and takes an Adam step W ← W + lr·Adam(g):

* ``ce``: −∇ cross-entropy of softmax(z/τ), the differentiable reference;
* ``exact_pg``: the exact policy gradient of the expected accuracy Σ_y p_y·𝟙[y = t] = p_t, which is
  p_t·(e_t − p)/τ ⊗ x̃ (Z-11: the cross-entropy gradient re-weighted by p_t);
* ``reinforce``: S sampled labels per example, reward 𝟙[y = t], (r − b)(e_y − p)/τ ⊗ x̃ with b = 0,
  the mean of the other S − 1 rewards, or eq. 9's b* (exact, by enumeration over the K labels);
* ``zoo``: P Gaussian perturbations W + εU of the weights, scored by the *argmax accuracy* on the
  batch, (f(W + εU) − b)·U/ε with b = f(W) or the population mean, or central differences, and
  optionally centred ranks instead of scores (fitness shaping); all P perturbed classifiers are one
  batched matrix product;
* ``zoo_surrogate``: the same estimator on the smooth expected accuracy mean p_t;
* ``hybrid``: cross-entropy and ZO-accuracy steps alternating (Su's suggestion), the ZO step's
  learning rate scaled by ``hybrid_zo_scale``.

Streams per method: training and test accuracy every ``eval_every`` steps, the forward passes spent
(one per example per model evaluated), the cosine between the method's direction and the exact
policy gradient on the same batch, the variance of that direction (estimated from its own terms),
and for the ZO methods the fraction of perturbations that change at least one prediction (a tiny ε
on a piecewise-constant accuracy mostly changes none: g = 0).
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import torch

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.core.relations import CapBy
from engines.core.torch_runtime import DEVICE_CHOICES, configure_threads, describe_device, resolve_device
from engines.pg_zoo.network import MODELS, Network
from engines.pg_zoo.probit import CLASSES, digits_features
from engines.training.datasets import digits_split

CLASSIFIER_METHODS = ("ce", "reinforce", "exact_pg", "zoo", "zoo_surrogate", "hybrid")
METHOD_LABELS = ("cross-entropy", "REINFORCE", "exact policy gradient", "ZOO on accuracy",
                 "ZOO on the smooth surrogate", "hybrid CE / ZOO")
ZO_METHODS = ("zoo", "zoo_surrogate", "hybrid")
SCORE_CHUNK = 16  # perturbed models per matrix product on the CPU: their logits stay in cache (1257 × 160 floats)
CUDA_SCORE_CHUNK = 2048  # on a GPU, one launch per 2048 models (logits 1257 × 2048 × 10 floats, 100 MB)
SHORT_LABELS = ("CE", "REINFORCE", "exact PG", "ZOO, accuracy", "ZOO, surrogate", "hybrid")

CLASSIFIER_PARAMS = ParamSchema([
    Param("methods", ",".join(CLASSIFIER_METHODS), kind="multi", choices=CLASSIFIER_METHODS,
          choice_labels=SHORT_LABELS, help="the methods to train (on the command line a comma list): "
                                           + ", ".join(f"{m} ({label})" for m, label in zip(CLASSIFIER_METHODS,
                                                                                           METHOD_LABELS))),
    Param("model", "linear", kind="choice", choices=MODELS,
          help="linear softmax z = W x̃, or one hidden ReLU layer z = W₂[relu(W₁ x̃); 1]"),
    Param("hidden", 32, kind="int", lo=2, hi=512, help="hidden units of model = hidden"),
    Param("lr", 0.02, lo=1e-5, hi=1.0, log=True, live=True, help="Adam's learning rate, every method"),
    Param("tau", 1.0, lo=0.05, hi=10.0, log=True, help="softmax temperature τ of p = softmax(z/τ)"),
    Param("samples", 4, kind="int", lo=1, hi=64, help="REINFORCE: labels S sampled per example"),
    Param("reinforce_baseline", "mean", kind="choice", choices=("none", "mean", "optimal"),
          help="REINFORCE's baseline: none, the mean of the other S − 1 rewards, or eq. 9's b* (exact)"),
    Param("population", 100, kind="int", lo=2, hi=5000, help="ZOO: perturbed weight matrices P per step"),
    Param("eps", 0.05, lo=1e-4, hi=1.0, log=True, live=True, help="ZOO: perturbation size ε"),
    Param("zo_baseline", "fx", kind="choice", choices=("fx", "mean"),
          help="ZOO's baseline: the score of the unperturbed W, or the population mean"),
    Param("antithetic", True, kind="bool", help="ZOO: central differences W ± εU"),
    Param("rank_shaping", False, kind="bool", help="ZOO: centred ranks of the scores instead of the scores"),
    Param("hybrid_zo_scale", 0.3, lo=0.001, hi=10.0, log=True,
          help="hybrid: the ZO step's learning rate as a multiple of lr (Su: small)"),
    Param("batch_size", 128, kind="int", lo=8, hi=1257, help="examples per step, shared by every method"),
    Param("steps", 600, kind="int", lo=2, hi=100_000, help="optimisation steps"),
    Param("eval_every", 20, kind="int", lo=1, hi=10_000, advanced=True, help="steps between evaluations"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the initial weights, batches and draws"),
    Param("device", "cpu", kind="choice", choices=DEVICE_CHOICES, advanced=True,
          help="cpu, cuda or auto; on cuda the samples and perturbations come from the GPU's generator, so a "
               "seed gives other draws than on the CPU (CE and the exact PG train identically)"),
], relations=[CapBy("samples", "reinforce_baseline", {"mean": 2}, what="a leave-one-out mean", floor=True,
                    when=lambda values: "reinforce" in str(values.get("methods", "")).split(","))])


def relevant_classifier(values: dict[str, Any]) -> set[str]:
    methods = set(str(values.get("methods", "")).split(","))
    names = set(CLASSIFIER_PARAMS.names())
    if "reinforce" not in methods:
        names -= {"samples", "reinforce_baseline"}
    if not methods & set(ZO_METHODS):
        names -= {"population", "eps", "zo_baseline", "antithetic", "rank_shaping"}
    if "hybrid" not in methods:
        names.discard("hybrid_zo_scale")
    if values.get("model") != "hidden":
        names.discard("hidden")
    if values.get("antithetic") and "zo_baseline" in names:
        names.discard("zo_baseline")
    return names


class Methods:
    """The methods' parameter vectors θ (M, size) and their Adam state, and every method's direction."""

    def __init__(self, methods: tuple[str, ...], p: dict[str, Any], dims: int, device):
        self.methods, self.p, self.device = methods, p, device
        self.chunk = CUDA_SCORE_CHUNK if device.type == "cuda" else SCORE_CHUNK
        self.network = Network(p.get("model", "linear"), dims, CLASSES, p.get("hidden", 32))
        theta0 = self.network.initial(torch.Generator().manual_seed(p["seed"]))
        self.w = theta0.to(torch.float32).to(device).repeat(len(methods), 1)
        # Adam state per method, twice: the hybrid's ZO steps keep their own moments, so its small
        # ZO steps do not replay the cross-entropy momentum (and differently scaled directions do
        # not share one second moment)
        self.m = torch.zeros(2, *self.w.shape, device=device)
        self.v = torch.zeros_like(self.m)
        self.t = torch.zeros(2, len(methods), device=device)
        self.draws = torch.Generator(device=device).manual_seed(p["seed"] + 1)
        self.forward_passes = np.zeros(len(methods))
        self.changed: dict[str, float] = {}
        self.variance, self.variances = float("nan"), [float("nan")] * len(methods)

    def probabilities(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.network.logits(w[None], x)[:, 0] / self.p["tau"], dim=-1)

    def predictions(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.network.logits(w[None], x)[:, 0].argmax(dim=1)

    def exact_pg(self, w, x, one_hot):
        return self._per_example_mean(w, self._exact_pg_logits(w, x, one_hot), x)

    def _exact_pg_logits(self, w, x, one_hot) -> torch.Tensor:
        """Each example's ∂p_t/∂z (n, K): p_t(e_t − p)/τ."""
        p = self.probabilities(w, x)
        return (p * one_hot).sum(dim=1, keepdim=True) * (one_hot - p) / self.p["tau"]

    def _per_example_mean(self, w: torch.Tensor, g_z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """mean_n J_nᵀ g_z[n] (back-propagated through the network), and the spread of those terms
        into ``self.variance``."""
        mean, squares = self.network.backward(w, x, g_z)
        self.variance = _variance_of_mean(squares, mean)
        return mean

    def direction(self, index: int, step: int, x, y, one_hot) -> tuple[torch.Tensor, float, float]:
        """(ascent direction, learning-rate factor, tr Var of the direction) of method ``index`` on
        this batch.  The variance is estimated from the direction's own terms (one per example for the
        gradient methods, per perturbation for ZOO): (Σ‖g_i‖² − m‖ḡ‖²)/(m(m − 1)) for m terms."""
        name, w, n = self.methods[index], self.w[index], len(x)
        scale = 1.0
        if name == "hybrid":
            name, scale = ("ce", 1.0) if step % 2 == 0 else ("zoo", self.p["hybrid_zo_scale"])
        if name == "ce":
            self.forward_passes[index] += n
            g = self._per_example_mean(w, (one_hot - self.probabilities(w, x)) / self.p["tau"], x)
        elif name == "exact_pg":
            self.forward_passes[index] += n
            g = self.exact_pg(w, x, one_hot)
        elif name == "reinforce":
            self.forward_passes[index] += n
            g = self._reinforce(w, x, y, one_hot)
        else:
            g = self._zoo(index, w, x, y, one_hot, smooth=name == "zoo_surrogate")
        return g, scale, self.variance

    def _reinforce(self, w, x, y, one_hot):
        p, s = self.probabilities(w, x), self.p["samples"]
        labels = torch.multinomial(p, s, replacement=True, generator=self.draws)      # (n, S)
        rewards = (labels == y[:, None]).to(p.dtype)
        baseline = self.p["reinforce_baseline"]
        if baseline == "mean":  # samples ≥ 2 (a declared relation)
            b = (rewards.sum(dim=1, keepdim=True) - rewards) / (s - 1)
        elif baseline == "optimal":
            spread = 1.0 - 2.0 * p + (p * p).sum(dim=1, keepdim=True)              # ‖e_y − p‖²
            b = ((p * spread * one_hot).sum(dim=1) / (p * spread).sum(dim=1))[:, None]
        else:
            b = torch.zeros_like(rewards)
        chosen = torch.nn.functional.one_hot(labels, CLASSES).to(p.dtype)          # (n, S, K)
        g_z = ((rewards - b)[:, :, None] * (chosen - p[:, None, :])).mean(dim=1)     # (n, K)
        return self._per_example_mean(w, g_z / self.p["tau"], x)

    def _scores(self, weights: torch.Tensor, x, y, one_hot, smooth: bool) -> torch.Tensor:
        """Batch accuracy (or mean p_t) of each of the (P, size) parameter vectors: batched products."""
        return torch.cat([self._chunk_scores(chunk, x, y, one_hot, smooth)[0] for chunk in weights.split(self.chunk)])

    def _chunk_scores(self, weights, x, y, one_hot, smooth: bool, base: torch.Tensor | None = None):
        """(scores (P,), or with the unperturbed predictions ``base`` also whether each model changes
        any of them (P,) bool)."""
        logits = self.network.logits(weights, x)                                       # (n, P, K)
        if smooth:
            return (torch.softmax(logits / self.p["tau"], dim=2) * one_hot[:, None, :]).sum(dim=2).mean(dim=0), None
        predictions = logits.argmax(dim=2)
        changed = None if base is None else (predictions != base[:, None]).any(dim=0)
        return (predictions == y[:, None]).to(x.dtype).mean(dim=0), changed

    def _zoo(self, index, w, x, y, one_hot, smooth: bool):
        pop, eps = self.p["population"], self.p["eps"]
        u = torch.randn((pop, *w.shape), generator=self.draws, device=self.device, dtype=w.dtype)
        if smooth:
            plus = self._scores(w + eps * u, x, y, one_hot, smooth)
        else:  # the scores and, in the same products, whether each perturbation changes a prediction
            base = self.predictions(w, x)
            parts = [self._chunk_scores(chunk, x, y, one_hot, False, base) for chunk in (w + eps * u).split(self.chunk)]
            plus = torch.cat([scores for scores, _ in parts])
            self.changed[self.methods[index]] = float(torch.cat([moved for _, moved in parts]).float().mean())
        calls = pop
        if self.p["antithetic"]:
            minus = self._scores(w - eps * u, x, y, one_hot, smooth)
            calls += pop
            scores = torch.cat([plus, minus])
            shaped = _centred_ranks(scores) if self.p["rank_shaping"] else scores
            weights = (shaped[:pop] - shaped[pop:]) / (2.0 * eps)
        else:
            shaped = _centred_ranks(plus) if self.p["rank_shaping"] else plus
            if self.p["zo_baseline"] == "fx" and not self.p["rank_shaping"]:
                b = self._scores(w[None], x, y, one_hot, smooth)[0]
                calls += 1
            else:
                b = shaped.mean()
            weights = (shaped - b) / eps
        self.forward_passes[index] += calls * len(x)
        mean = weights @ u / pop
        self.variance = _variance_of_mean(weights ** 2 * (u * u).sum(dim=1), mean)
        return mean

    def adam_step(self, directions: torch.Tensor, scales: torch.Tensor, state: torch.Tensor) -> None:
        """Ascent: W ← W + lr·scale·m̂/(√v̂ + 1e-8), per method, with Adam state ``state[i]`` (0 or 1)."""
        rows = torch.arange(len(self.methods), device=self.device)
        self.t[state, rows] += 1
        m = self.m[state, rows].mul_(0.9).add_(directions, alpha=0.1)
        v = self.v[state, rows].mul_(0.999).addcmul_(directions, directions, value=0.001)
        self.m[state, rows], self.v[state, rows] = m, v
        t = self.t[state, rows].view(-1, 1)
        step = (m / (1 - 0.9 ** t)) / ((v / (1 - 0.999 ** t)).sqrt() + 1e-8)
        self.w.add_(step * (self.p["lr"] * scales.view(-1, 1)))


def _variance_of_mean(squares: torch.Tensor, mean: torch.Tensor) -> float:
    """tr Var of a mean of m terms from their squared norms and the mean itself."""
    m = len(squares)
    return float((squares.sum() - m * (mean * mean).sum()) / (m * (m - 1))) if m > 1 else float("nan")


def _centred_ranks(scores: torch.Tensor) -> torch.Tensor:
    """Ranks mapped to [−0.5, 0.5] (Salimans et al.'s fitness shaping); ties share their mean rank."""
    _values, group, counts = torch.unique(scores, sorted=True, return_inverse=True, return_counts=True)
    first = torch.cumsum(counts, dim=0) - counts            # the rank of each distinct value's first copy
    ranks = (first + (counts - 1) / 2.0).to(scores.dtype)[group]  # ties (an accuracy has many) share the mean
    return ranks / max(len(scores) - 1, 1) - 0.5


def run_classifier(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = CLASSIFIER_PARAMS.validate(params)
    methods = tuple(p["methods"].split(","))
    device = resolve_device(p["device"])
    configure_threads(device)
    x_np, y_np = digits_features()
    split = digits_split()
    x_test_np = np.hstack([split.x_test.astype(np.float64), np.ones((len(split.y_test), 1))])
    as_tensor = lambda a, dtype=torch.float32: torch.as_tensor(np.asarray(a), dtype=dtype, device=device)  # noqa: E731
    x, y = as_tensor(x_np), as_tensor(y_np, torch.int64)
    x_test, y_test = as_tensor(x_test_np), as_tensor(split.y_test, torch.int64)
    one_hot = torch.nn.functional.one_hot(y, CLASSES).to(torch.float32)
    model = Methods(methods, p, x.shape[1], device)
    batches = torch.Generator().manual_seed(p["seed"])
    order, cursor, batch = torch.randperm(len(y), generator=batches), 0, p["batch_size"]
    yield Frame(0, 0.0, message=f"training {len(methods)} methods on digits on {describe_device(device)}")
    for step in range(p["steps"] + 1):
        ctx.check()
        if step % p["eval_every"] == 0 or step == p["steps"]:
            yield _evaluate(model, step, p["steps"], x, y, x_test, y_test)
        if step == p["steps"]:
            break
        p["lr"], p["eps"] = ctx.live("lr"), ctx.live("eps")
        if cursor + batch > len(y):
            order, cursor = torch.randperm(len(y), generator=batches), 0
        index = order[cursor:cursor + batch].to(device)
        cursor += batch
        xb, yb, hb = x[index], y[index], one_hot[index]
        found = [model.direction(i, step, xb, yb, hb) for i in range(len(methods))]
        directions = torch.stack([g for g, _, _ in found])
        model.variances = [v for _, _, v in found]
        exact = torch.stack([model.exact_pg(model.w[i], xb, hb) for i in range(len(methods))])
        model.cosines = torch.nn.functional.cosine_similarity(directions.flatten(1), exact.flatten(1), dim=1)
        zo_phase = [m == "hybrid" and step % 2 == 1 for m in methods]
        model.adam_step(directions, torch.tensor([s for _, s, _ in found], device=device),
                        torch.tensor(zo_phase, device=device, dtype=torch.long))


def _evaluate(model: Methods, step: int, steps: int, x, y, x_test, y_test) -> Frame:
    scalars: dict[str, float] = {}
    with torch.no_grad():
        for i, name in enumerate(model.methods):
            w = model.w[i]
            scalars[f"train_acc_{name}"] = float((model.predictions(w, x) == y).float().mean())
            scalars[f"test_acc_{name}"] = float((model.predictions(w, x_test) == y_test).float().mean())
            scalars[f"forward_passes_{name}"] = float(model.forward_passes[i])
            if step:
                scalars[f"grad_cos_{name}"] = float(model.cosines[i])
                scalars[f"variance_{name}"] = model.variances[i]
            if name in model.changed:
                scalars[f"changed_{name}"] = model.changed[name]
    best = max(model.methods, key=lambda m: scalars[f"test_acc_{m}"])
    message = (f"step {step}/{steps}: best test accuracy {scalars[f'test_acc_{best}']:.3f} ({best}); "
               + ", ".join(f"{m} {scalars[f'test_acc_{m}']:.3f}" for m in model.methods))
    return Frame(step, step / steps, scalars, message=message)

