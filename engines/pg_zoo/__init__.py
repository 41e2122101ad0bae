"""Policy gradient and zeroth-order optimisation, one estimator seen two ways (kexue.fm 7737; pg_zoo.md).

Experiments: ``estimator`` (Z1, the main one: zeroth-order gradient estimates of an objective and
their bias, second moment and alignment against the exact values), ``bandit`` (Z2: REINFORCE on a
softmax policy, the variance of each baseline by exact enumeration and Monte-Carlo), ``classifier``
(Z3: a digits classifier trained for accuracy by cross-entropy, REINFORCE, the exact policy
gradient, zeroth-order estimates on the accuracy and on a smooth surrogate, and a hybrid),
``equivalence`` (Z4: the ZO gradient of the accuracy against the softmax and probit policy gradients),
``blackbox`` (Z5: gradient descent, ZO steps and ES on a black box, by function evaluations).
"""
from engines.core.experiment import Experiment, Preset, Series, Table
from engines.core.generic_sweep import generic_sweep
from engines.pg_zoo.blackbox import (BLACKBOX_LABELS, BLACKBOX_METHODS, BLACKBOX_PARAMS, relevant_blackbox,
                                     run_blackbox)
from engines.pg_zoo.bandit import BANDIT_BASELINES, BANDIT_PARAMS, MAX_ACTIONS, run_bandit
from engines.pg_zoo.classifier import (CLASSIFIER_METHODS, CLASSIFIER_PARAMS, METHOD_LABELS, ZO_METHODS,
                                       relevant_classifier, run_classifier)
from engines.pg_zoo.equivalence import EQUIVALENCE_PARAMS, run_equivalence
from engines.pg_zoo.estimator_run import (EPS_SWEEP_COLUMNS, ESTIMATOR_PARAMS, relevant_estimator,
                                          run_estimator)

TITLE = "Policy gradient meets zeroth-order optimisation"

BASELINE_NAMES = {"none": "no baseline", "mean": "b = E_p[r] (eq. 10)", "optimal": "b* (eq. 9)"}

ESTIMATOR_OUTPUTS = (
    Series("second_moment", "E‖ĝ‖², measured (running mean)", "", "second moment"),
    Series("second_moment_theory", "E‖ĝ‖², exact (§9)", "", "second moment"),
    Series("bias", "‖mean ĝ − E ĝ‖", "", "bias"),
    Series("mean_abs_cos", "mean |cos(ĝ, E ĝ)| of single estimates", "", "alignment"),
    Series("reference_norm", "‖E ĝ‖ (∇f_ε for Gaussian u)", "", "bias"),
    Table("moment_vs_eps", EPS_SWEEP_COLUMNS, "E‖ĝ‖² against ε: no baseline, b = f(x), central difference"),
    Table("cos_hist", ("cos", "count"), "histogram of cos(ĝ, E ĝ) over the estimates so far"),
)
BANDIT_OUTPUTS = (
    *(Series(f"variance_{b}", f"tr Var, {label}, measured", "", "variance") for b, label in BASELINE_NAMES.items()),
    *(Series(f"variance_theory_{b}", f"tr Var, {label}, exact", "", "variance") for b, label in BASELINE_NAMES.items()),
    *(Series(f"grad_error_{b}", f"‖running mean − exact gradient‖, {label}", "", "gradient error")
      for b, label in BASELINE_NAMES.items()),
    Series("b_optimal", "b* (eq. 9)", "", "baselines"), Series("b_mean", "E_p[r] (eq. 10)", "", "baselines"),
    Series("reward_variance", "Var_p(r)", "", "baselines"),
    *(Series(f"exact_grad_{k}", f"exact ∂E_p[r]/∂z_{k}", "", "exact gradient") for k in range(MAX_ACTIONS)),
    Table("gradients", ("action", "exact", "running_none", "running_mean", "running_optimal"),
          "exact gradient p ⊙ (r − pᵀr) and the running REINFORCE means"),
    Table("variance_vs_b", ("b", "variance_trace"), "tr Var of the estimator against the baseline b"),
    Table("policy", ("action", "p", "reward"), "the policy and the rewards"),
)

CLASSIFIER_OUTPUTS = tuple(
    Series(f"{key}_{m}", f"{what}, {label}", unit, what)
    for key, what, unit in (("train_acc", "training accuracy", ""), ("test_acc", "test accuracy", ""),
                            ("forward_passes", "forward passes (examples × models evaluated)", ""),
                            ("grad_cos", "cos(direction, exact policy gradient)", ""),
                            ("variance", "tr Var of the direction (from its own terms)", ""))
    for m, label in zip(CLASSIFIER_METHODS, METHOD_LABELS)
) + tuple(Series(f"changed_{m}", f"perturbations changing a prediction, {label}", "", "changed predictions")
          for m, label in zip(CLASSIFIER_METHODS, METHOD_LABELS) if m in ZO_METHODS)

EQUIVALENCE_OUTPUTS = (
    Series("cos_probit", "cos(ZO gradient, probit PG) at eps_line", "", "convergence"),
    Table("convergence", ("population", "cos_probit"), "cos with the probit PG against the antithetic pairs"),
    Table("cos_softmax", (), "cos(ZO gradient, softmax PG): rows ε (eps_grid), columns τ (tau_grid)"),
    Table("eps_grid", (), "the grid's ε"), Table("tau_grid", (), "the grid's τ"),
    Table("by_eps", ("eps", "cos_probit", "best_tau", "best_cos_softmax"), "each ε's cosines"),
)

BLACKBOX_OUTPUTS = tuple(
    Series(f"{key}_{m}", f"{what}, {label}", "", what)
    for key, what in (("value", "f − f*"), ("evaluations", "function evaluations spent"), ("steps", "iterations"))
    for m, label in zip(BLACKBOX_METHODS, BLACKBOX_LABELS))

EXPERIMENTS = (
    Experiment("estimator", "Estimator lab", ESTIMATOR_PARAMS, run_estimator, outputs=ESTIMATOR_OUTPUTS,
               relevant=relevant_estimator,
               sweep=generic_sweep("pg_zoo", "estimator", ESTIMATOR_PARAMS,
                                   [o.name for o in ESTIMATOR_OUTPUTS if isinstance(o, Series)],
                                   ("eps", "dim", "samples", "condition"), "logspace(-4, 0, 9)",
                                   default_metric="second_moment", title="ε sweep"),
               summary="zeroth-order gradient estimates: bias, second moment and alignment against "
                       "the exact values, and what baselines, ε and antithetic pairs do",
               presets=(Preset("no baseline in 100 dimensions", {"objective": "linear", "baseline": "none"},
                               "E‖ĝ‖² = (d+2)‖a‖² + d·f(x)²/ε²: 102 with b = f(x), 3.7·10⁵ without"),
                        Preset("the central difference is exact", {"objective": "quadratic", "antithetic": True},
                               "for a quadratic, E‖ĝ‖² = (d+2)‖∇f‖² at every ε: the flat line of the ε plot"),
                        Preset("accuracy has a gradient after all", {"objective": "accuracy", "eps": 0.05,
                                                                     "estimates": 2000},
                               "the estimates average to the gradient of the probit policy's expected "
                               "accuracy (§8.3): the bias falls like 1/√n"),
                        Preset("one sample in a thousand dimensions", {"objective": "linear", "dim": 1000},
                               "mean |cos| ≈ √(2/(πd)) = 0.025: a single estimate barely points anywhere"))),
    Experiment("bandit", "Score-function bandit", BANDIT_PARAMS, run_bandit, outputs=BANDIT_OUTPUTS,
               summary="REINFORCE on a K-way softmax: the gradient by enumeration, the variance of "
                       "each baseline, and the baseline eq. 9 says is best",
               presets=(Preset("the mean baseline can hurt", {"rewards": "1, 0, 0", "logits": "2, 1, 0"},
                               "tr Var 0.0401 without a baseline, 0.0973 with b = E_p[r], 0.0108 with b*"),
                        Preset("the essay's toy, calm rewards", {"rewards": "4, 5, 6", "logits": "0, 0, 0"},
                               "Var_p(r) = 0.667: every draw is within 1 of the mean 5"),
                        Preset("the essay's toy, wild rewards", {"rewards": "-10, 10, 15", "logits": "0, 0, 0"},
                               "Var_p(r) = 116.7 with the same mean 5"),
                        Preset("add a constant to the rewards", {"rewards": "1, 0, 0", "logits": "2, 1, 0",
                                                                 "shift": 10.0},
                               "the gradient is unchanged; without a baseline the variance grows ~100-fold"))),
    Experiment("classifier", "Train for accuracy directly", CLASSIFIER_PARAMS, run_classifier,
               outputs=CLASSIFIER_OUTPUTS, relevant=relevant_classifier, in_process=True,
               summary="a digits classifier trained for its accuracy six ways, from one start on the "
                       "same batches, against steps and against forward passes",
               presets=(Preset("ZOO needs a large enough ε", {"methods": "zoo", "eps": 0.001, "steps": 200},
                               "almost no perturbation changes a prediction: the ZO gradient of the "
                               "accuracy is mostly 0 and the classifier hardly moves"),
                        Preset("fitness shaping", {"methods": "zoo,zoo_surrogate", "rank_shaping": True},
                               "centred ranks instead of raw accuracies: the same direction, a steadier step"),
                        Preset("REINFORCE with b*", {"methods": "reinforce,exact_pg", "reinforce_baseline": "optimal",
                                                     "samples": 1},
                               "one sampled label per example, eq. 9's baseline: close to the exact "
                               "policy gradient's curve"))),
    Experiment("equivalence", "Equivalence microscope", EQUIVALENCE_PARAMS, run_equivalence,
               outputs=EQUIVALENCE_OUTPUTS, in_process=True,
               summary="the ZO gradient of the accuracy against the softmax policy gradient over (ε, τ), "
                       "and against the probit policy gradient, which it estimates exactly",
               presets=(Preset("a random classifier", {"warm_steps": 0},
                               "near W = 0 every perturbation reshuffles the predictions"),
                        Preset("a long convergence line", {"max_population": 200_000, "grid": 5},
                               "cos with the probit PG → 1 like 1 − c/population"))),
    Experiment("blackbox", "ES vs gradient on a black box", BLACKBOX_PARAMS, run_blackbox, outputs=BLACKBOX_OUTPUTS,
               relevant=relevant_blackbox,
               summary="gradient descent against zeroth-order steps and an evolution strategy, counted in "
                       "function evaluations",
               presets=(Preset("Rosenbrock", {"function": "rosenbrock", "dim": 10, "lr": 0.01},
                               "a curved valley: ranks make ES robust to the huge values outside it"),
                        Preset("noisy evaluations", {"function": "noisy_quadratic", "noise": 0.1},
                               "finite differences divide the noise by ε: the ZO steps stall at a noise floor"),
                        Preset("a thousand dimensions", {"dim": 1000, "evaluations": 200_000},
                               "each method pays about d evaluations for one gradient's worth of information"))),
)

__all__ = ["EXPERIMENTS", "TITLE", "BANDIT_BASELINES"]
