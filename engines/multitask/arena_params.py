"""The weighting arena's parameters (multitask.md panel M1) and what they mean once validated."""
from __future__ import annotations

from typing import Any, Mapping

from engines.core.params import Param, ParameterError, ParamSchema, parse_list
from engines.core.relations import CapBy
from engines.core.torch_runtime import DEVICE_CHOICES
from engines.multitask.arena_data import DATASET_LABELS, DATASETS, TASK_LIMITS
from engines.multitask.arena_rules import SCHEME_LABELS, SCHEMES, RuleSettings
from engines.training.datasets import DIGITS_TRAIN_SIZE

DEFAULT_SCHEMES = ("equal", "init", "realtime", "power_mean", "grad_normalized", "uncertainty", "gradnorm", "mgda")
MAX_TASKS = max(TASK_LIMITS.values())

ARENA_PARAMS = ParamSchema([
    Param("schemes", ",".join(DEFAULT_SCHEMES), kind="multi", choices=SCHEMES,
          choice_labels=tuple(SCHEME_LABELS[s] for s in SCHEMES),
          help="the weighting rules to train side by side (on the command line a comma list): "
               + ", ".join(f"{s} ({SCHEME_LABELS[s]})" for s in SCHEMES)),
    Param("dataset", "digits", kind="choice", choices=DATASETS, choice_labels=DATASET_LABELS,
          help="digits (digit, parity, mean ink), moons (class, signed distance), the GradNorm toy "
               "(one regression per σ), linnerud (weight, waist, pulse in raw units)"),
    Param("scaled_task", 3, kind="int", lo=1, hi=MAX_TASKS,
          help="the task (1-based) whose loss is stressed to λ·L + c"),
    Param("task_scale", 100.0, lo=1e-3, hi=1e3, log=True, label="loss multiplier λ",
          help="λ multiplying the stressed task's loss (a change of units)"),
    Param("task_shift", 1.0, lo=0.0, hi=10.0, label="loss offset c",
          help="c added to the stressed task's loss (a constant carries no information)"),
    Param("weights", "1, 1, 1", kind="str", help="manual α_i, one per task (comma list)"),
    Param("gamma", 0.5, lo=-5.0, hi=5.0, label="power-mean γ",
          help="power mean (eq. 10): 1 = equal weights, 0 = Σ log L, larger = the worst task first"),
    Param("optimizer", "adam", kind="choice", choices=("adam", "sgd"), help="Adam or plain SGD, every scheme"),
    Param("lr", 3e-3, lo=1e-6, hi=1.0, log=True, live=True, help="learning rate, every scheme"),
    Param("steps", 1000, kind="int", lo=1, hi=100_000, help="training steps"),
    Param("batch_size", 64, kind="int", lo=2, hi=DIGITS_TRAIN_SIZE, help="examples per step, shared by every member"),
    Param("train_size", 1000, kind="int", lo=15, hi=10_000, help="training examples (linnerud has 15)"),
    Param("noise", 0.2, lo=0.0, hi=1.0, help="moons: the noise of make_moons"),
    Param("ink_units", 1.0, lo=1e-3, hi=1e3, log=True, help="digits: the mean-ink target's units (its scale)"),
    Param("sigmas", "1, 100", kind="str", help="GradNorm toy: σ_i of each task (2 to 10 of them)"),
    Param("width", 64, kind="int", lo=2, hi=1024, help="units per trunk layer"),
    Param("depth", 2, kind="int", lo=1, hi=6, help="trunk layers (ReLU)"),
    Param("gradnorm_alpha", 1.5, lo=0.0, hi=5.0, help="GradNorm's asymmetry α (0: equal gradient norms)"),
    Param("gradnorm_layer", "last", kind="choice", choices=("last", "all"),
          help="GradNorm's W: the last shared layer, or all shared parameters"),
    Param("gradnorm_lr", 0.025, lo=1e-5, hi=1.0, log=True, help="GradNorm: Adam's rate for the task weights"),
    Param("mgda_mode", "frank_wolfe", kind="choice", choices=("frank_wolfe", "ub"),
          help="MGDA on the shared parameters' gradients, or MGDA-UB on the trunk output's"),
    Param("fw_iterations", 20, kind="int", lo=1, hi=500, help="MGDA: Frank–Wolfe iterations per step"),
    Param("uncertainty_lr", 0.05, lo=1e-4, hi=1.0, log=True, help="uncertainty weighting: the s_i's step size"),
    Param("uncertainty_start", "optimum", kind="choice", choices=("optimum", "zero"),
          help="uncertainty weighting: s_i from log L_i(0) (its optimum) or from 0"),
    Param("invariance", True, kind="bool",
          help="run the invariance monitor: each scheme also unstressed, scaled only, shifted only and "
               "from a start nudged by one rounding error"),
    Param("eval_every", 25, kind="int", lo=1, hi=10_000, advanced=True, help="steps between evaluations"),
    Param("monitor_every", 5, kind="int", lo=1, hi=10_000, advanced=True,
          help="steps between the measurements of per-task gradient norms and cosines shown on the page "
               "(1: every step); the gradient-level rules still use theirs at every step"),
    Param("seed", 0, kind="int", lo=0, hi=2**31 - 1, help="seed of the initial weights and the batches"),
    Param("device", "cpu", kind="choice", choices=DEVICE_CHOICES, advanced=True, help="cpu, cuda or auto"),
], relations=[CapBy("scaled_task", "dataset", TASK_LIMITS, what="the data set's tasks"),
              CapBy("train_size", "dataset", {"digits": DIGITS_TRAIN_SIZE, "moons": 5000},
                    what="the examples it has")])


def arena_schemes(p: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(s for s in str(p["schemes"]).split(",") if s)


def toy_sigmas(p: Mapping[str, Any]) -> tuple[float, ...]:
    sigmas = tuple(parse_list("sigmas", str(p["sigmas"]), Param("sigmas", 1.0, lo=1e-3, hi=1e4)))
    if not 2 <= len(sigmas) <= TASK_LIMITS["gradnorm_toy"]:
        raise ParameterError("sigmas", f"sigmas: {len(sigmas)} values; allowed: 2 to "
                                       f"{TASK_LIMITS['gradnorm_toy']} numbers in [0.001, 10000]")
    return sigmas


def task_count(p: Mapping[str, Any]) -> int:
    return len(toy_sigmas(p)) if p["dataset"] == "gradnorm_toy" else TASK_LIMITS[p["dataset"]]


def manual_weights(p: Mapping[str, Any]) -> tuple[float, ...]:
    tasks = task_count(p)
    weights = tuple(parse_list("weights", str(p["weights"]), Param("weights", 1.0, lo=0.0, hi=1e6)))
    if len(weights) != tasks or not any(weights):
        raise ParameterError("weights", f"weights: {len(weights)} values for {tasks} tasks; allowed: "
                                        f"{tasks} numbers in [0, 1e6], not all 0")
    return weights


def check_arena(p: dict[str, Any]) -> int:
    """The task count, after the checks the schema alone cannot make (the toy's task count)."""
    tasks = task_count(p)
    if p["scaled_task"] > tasks:
        raise ParameterError("scaled_task", f"scaled_task = {p['scaled_task']} is out of range; allowed: "
                                            f"an integer in [1, {tasks}] (the data set's tasks)")
    if "manual" in arena_schemes(p):
        manual_weights(p)
    return tasks


def rule_settings(p: Mapping[str, Any]) -> RuleSettings:
    return RuleSettings(gamma=p["gamma"], manual=manual_weights(p) if "manual" in arena_schemes(p) else (),
                        gradnorm_alpha=p["gradnorm_alpha"], gradnorm_layer=p["gradnorm_layer"],
                        gradnorm_lr=p["gradnorm_lr"], mgda_mode=p["mgda_mode"], fw_iterations=p["fw_iterations"],
                        uncertainty_lr=p["uncertainty_lr"], uncertainty_start=p["uncertainty_start"])


def relevant_arena(values: Mapping[str, Any]) -> set[str]:
    schemes = set(str(values.get("schemes", "")).split(","))
    names = set(ARENA_PARAMS.names())
    dataset = values.get("dataset")
    for name, needed in (("weights", "manual" in schemes), ("gamma", "power_mean" in schemes),
                         ("noise", dataset == "moons"), ("ink_units", dataset == "digits"),
                         ("sigmas", dataset == "gradnorm_toy"), ("train_size", dataset != "linnerud"),
                         ("uncertainty_lr", "uncertainty" in schemes), ("uncertainty_start", "uncertainty" in schemes),
                         ("mgda_mode", "mgda" in schemes), ("fw_iterations", "mgda" in schemes)):
        if not needed:
            names.discard(name)
    if "gradnorm" not in schemes:
        names -= {"gradnorm_alpha", "gradnorm_layer", "gradnorm_lr"}
    return names
