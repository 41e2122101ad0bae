"""pg_zoo's acceptance facts (pg_zoo.md §d): exact enumeration to 1e-12, Monte-Carlo to ~1 %."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.pg_zoo import probit
from engines.pg_zoo.bandit import (BANDIT_PARAMS, bandit_problem, baseline_value, exact_gradient,
                                   optimal_baseline, run_bandit, variance_trace)
from engines.pg_zoo.estimator_run import ESTIMATOR_PARAMS, run_estimator
from engines.pg_zoo.estimators import estimates, exact_baseline, lab_generator, second_moment_theory
from engines.pg_zoo.objectives import make_objective


def _bandit(rewards, logits, shift=0.0):
    return bandit_problem(BANDIT_PARAMS.validate({"rewards": rewards, "logits": logits, "shift": shift}))


def test_z1_gaussian_reinforce_on_parameters_is_the_zo_estimator_sample_by_sample():
    objective = make_objective("quadratic", 20, 5.0, 1)
    theta, eps = objective.x, 0.3
    for baseline, b in (("none", 0.0), ("fx", objective.value())):
        zo = estimates(objective, 50, 1, eps, "gaussian", baseline, False, lab_generator(9))
        u = lab_generator(9).standard_normal((50, 1, 20))[:, 0]          # the same draws
        samples = theta + eps * u                                         # θ' ~ N(θ, ε²I)
        score = (samples - theta) / eps ** 2                              # ∇_θ log N(θ'; θ, ε²I)
        reinforce = (objective.values(samples) - b)[:, None] * score
        assert np.abs(reinforce - zo).max() <= 1e-12 * np.abs(zo).max()


def test_z2_any_baseline_leaves_the_mean_exact_for_the_bandit():
    r, p = _bandit("0.3, -1, 2, 0.5", "0.1, 1.2, -0.4, 0.0")
    exact = exact_gradient(r, p)
    for b in (-3.0, 0.0, 0.7, 12.0):
        mean = sum(p[y] * (r[y] - b) * (np.eye(4)[y] - p) for y in range(4))
        assert np.abs(mean - exact).max() < 1e-15
    assert np.allclose(exact_gradient(r + 5.0, p), exact, atol=1e-15)     # a constant on r: same gradient


def test_z3_linear_second_moments_and_the_cost_of_no_baseline():
    objective = make_objective("linear", 10, 1.0, 0)
    rng = np.random.default_rng(1)
    for baseline in ("fx", "none"):
        g = estimates(objective, 400_000, 1, 0.1, "gaussian", baseline, False, rng)
        exact = second_moment_theory(objective, 0.1, 1, "gaussian", baseline, False)
        assert (g * g).sum(axis=1).mean() == pytest.approx(exact, rel=0.01)
    f = objective.value()
    extra = second_moment_theory(objective, 0.1, 1, "gaussian", "none", False) - 12.0
    assert second_moment_theory(objective, 0.1, 1, "gaussian", "fx", False) == pytest.approx(12.0)  # (d+2)‖a‖²
    assert extra == pytest.approx(10 * f ** 2 / 0.1 ** 2, rel=1e-12) and f != 0.0


def test_z4_the_quadratic_is_unbiased_at_every_eps_and_the_central_difference_is_flat():
    objective = make_objective("quadratic", 10, 1.0, 2)        # A = I
    grad, d = objective.gradient, 10
    rng = np.random.default_rng(2)
    for eps in (0.05, 0.5, 2.0):
        g = estimates(objective, 100_000, 1, eps, "gaussian", "fx", False, rng)
        assert np.linalg.norm(g.mean(axis=0) - grad) < 0.03 * math.sqrt((g * g).sum(axis=1).mean())
        central = second_moment_theory(objective, eps, 1, "gaussian", "fx", True)
        forward = second_moment_theory(objective, eps, 1, "gaussian", "fx", False)
        assert central == pytest.approx((d + 2) * grad @ grad, rel=1e-12)
        assert forward - central == pytest.approx(eps ** 2 / 4 * d * (d + 2) * (d + 4), rel=1e-12)
    g = estimates(objective, 50_000, 1, 2.0, "gaussian", "none", True, rng)
    assert (g * g).sum(axis=1).mean() == pytest.approx((d + 2) * grad @ grad, rel=0.02)


def test_z5_optimal_baselines():
    objective = make_objective("quadratic", 10, 3.0, 0)
    lam, d, eps = objective.hessian_diagonal, 10, 0.4
    rng = np.random.default_rng(3)
    u = rng.standard_normal((400_000, d))
    f = objective.values(objective.x + eps * u)
    norms = (u * u).sum(axis=1)
    assert (f * norms).mean() / norms.mean() == pytest.approx(exact_baseline(objective, eps, "optimal"), rel=2e-3)
    assert exact_baseline(objective, eps, "optimal") == pytest.approx(
        objective.value() + eps ** 2 * (d + 2) * lam.sum() / (2 * d), rel=1e-12)
    grid = np.linspace(-2.0, 4.0, 6001)
    r, p = _bandit("0.3, -1, 2, 0.5", "0.1, 1.2, -0.4, 0.0")
    assert grid[np.argmin(variance_trace(r, p, grid))] == pytest.approx(optimal_baseline(r, p), abs=1e-3)
    r, p = _bandit("1, 0, 0, 0", "0, 0, 0, 0")
    assert optimal_baseline(r, p) == pytest.approx(p @ r, abs=1e-15)       # uniform policy: b* = E_p[r]


@pytest.mark.parametrize("rewards, logits, gradient, variances, b_star", [
    ("1,0,0,0", "0,0,0,0", (0.1875, -0.0625, -0.0625, -0.0625), (0.14062, 0.09375, 0.09375), 0.25),
    ("1" + ",0" * 9, ",".join("0" * 10), (0.09,) + (-0.01,) * 9, (0.081, 0.072, 0.072), 0.10),
    ("1,0,0", "2,1,0", (0.2227, -0.1628, -0.0599), (0.04010, 0.09734, 0.01078), 0.24473),
])
def test_z5_the_notes_bandit_table_to_four_decimals(rewards, logits, gradient, variances, b_star):
    r, p = _bandit(rewards, logits)
    assert np.round(exact_gradient(r, p), 4).tolist() == pytest.approx(gradient, abs=1e-12)
    measured = [variance_trace(r, p, baseline_value(b, r, p)) for b in ("none", "mean", "optimal")]
    assert np.round(measured, 5).tolist() == pytest.approx(variances, abs=1e-12)
    assert round(optimal_baseline(r, p), 5) == pytest.approx(b_star, abs=1e-12)


def test_z6_the_essays_toy_variances():
    for rewards, variance in (("4, 5, 6", 0.6667), ("-10, 10, 15", 116.667)):
        r, p = _bandit(rewards, "0, 0, 0")
        assert round(float(p @ (r - p @ r) ** 2), 4 if variance < 1 else 3) == variance


def test_z7_a_small_eps_recovers_the_gradient_of_a_smooth_function():
    objective = make_objective("quadratic", 10, 7.0, 4)
    g = estimates(objective, 100_000, 1, 1e-4, "gaussian", "fx", False, np.random.default_rng(4))
    mean = g.mean(axis=0)
    assert mean @ objective.gradient / (np.linalg.norm(mean) * np.linalg.norm(objective.gradient)) > 0.99


def test_z9_zo_of_accuracy_estimates_the_probit_policy_gradient():
    x, y = probit.digits_features()
    w = probit.warm_start(x, y)
    eps = 0.05
    probability, gradient = probit.policy_probability_and_gradient(w, x, y, eps)
    h, v = 1e-5, np.random.default_rng(5).normal(size=w.shape)
    up = probit.policy_probability_and_gradient(w + h * v, x, y, eps)[0]
    down = probit.policy_probability_and_gradient(w - h * v, x, y, eps)[0]
    assert (up - down) / (2 * h) == pytest.approx((gradient * v).sum(), rel=1e-5)   # quadrature is smooth
    u = np.random.default_rng(6).standard_normal((4000, w.size))
    values = probit.accuracies(w.ravel() + eps * u, x, y)
    assert values.mean() == pytest.approx(probability, abs=4 * values.std() / math.sqrt(4000))
    g = ((values - values.mean())[:, None] * u).mean(axis=0) / eps
    cosine = g @ gradient.ravel() / (np.linalg.norm(g) * np.linalg.norm(gradient))
    assert cosine > 0.8                                              # → 1 with the population (0.97 at 20 000)


@pytest.mark.parametrize("d, expected", [(10, 0.259), (100, 0.0801), (1000, 0.0252)])
def test_z10_one_gaussian_sample_aligns_like_root_2_over_pi_d(d, expected):
    objective = make_objective("linear", d, 1.0, 0)
    g = estimates(objective, 200_000 // d * 10, 1, 0.1, "gaussian", "fx", False, np.random.default_rng(d))
    cos = np.abs(g @ objective.gradient) / np.linalg.norm(g, axis=1)
    assert cos.mean() == pytest.approx(expected, rel=0.02)


def test_the_lab_streams_its_curves_and_the_eps_sweep():
    values = ESTIMATOR_PARAMS.validate({"objective": "linear", "dim": 20, "estimates": 4000, "baseline": "none"})
    frames = list(run_estimator(values, RunContext.for_params(values)))
    sweep = frames[0].arrays["moment_vs_eps"]
    assert sweep.shape == (13, 7)
    none, central = sweep[:, 2], sweep[:, 6]
    assert (none[0] - 22) / (none[-1] - 22) == pytest.approx(1e8, rel=1e-9)  # d·f²/ε² over (d+2)‖a‖² = 22
    assert sweep[:, 1] == pytest.approx(none, rel=0.2)                  # measured beside exact
    assert np.ptp(central) == 0.0                                       # flat: d‖a‖²·(d+2)/d
    last = frames[-1].scalars
    assert frames[-1].step == 4000
    assert last["second_moment"] == pytest.approx(last["second_moment_theory"], rel=0.1)
    assert last["bias"] < 0.1 * math.sqrt(last["second_moment"])


def test_leave_one_out_baselines_refuse_a_single_sample():
    with pytest.raises(ParameterError, match="samples = 1 must be ≥ 2 with baseline = mean"):
        ESTIMATOR_PARAMS.validate({"baseline": "mean", "samples": 1})
    with pytest.raises(ParameterError, match="needs samples ≥ 2 .* allowed with that samples: none, fx"):
        ESTIMATOR_PARAMS.validate({"baseline": "optimal"})          # samples stays at its default 1
    assert ESTIMATOR_PARAMS.validate({"baseline": "optimal", "samples": 2})["samples"] == 2


def test_the_bandit_run_converges_to_the_exact_values():
    values = BANDIT_PARAMS.validate({"samples": 100_000})
    last = list(run_bandit(values, RunContext.for_params(values)))[-1]
    for b in ("none", "mean", "optimal"):
        assert last.scalars[f"variance_{b}"] == pytest.approx(last.scalars[f"variance_theory_{b}"], rel=0.02)
    table = last.arrays["gradients"]
    assert np.abs(table[:, 2:] - table[:, 1:2]).max() < 0.01
    assert last.scalars["variance_theory_mean"] > last.scalars["variance_theory_none"] > \
        last.scalars["variance_theory_optimal"]                          # the note's third row


def test_bad_reward_lists_name_the_parameter():
    for values, name in (({"rewards": "1, x"}, "rewards"), ({"rewards": "1"}, "rewards"),
                         ({"logits": "0, 0"}, "logits")):
        with pytest.raises(ParameterError) as refused:
            _bandit(values.get("rewards", "1, 0, 0"), values.get("logits", "2, 1, 0"))
        assert refused.value.name == name and "allowed" in str(refused.value)


def test_z8_z9_the_zo_gradient_of_accuracy_follows_the_probit_pg_exactly_and_the_softmax_pg_where_scales_match():
    from engines.pg_zoo.equivalence import EQUIVALENCE_PARAMS, run_equivalence, softmax_policy_gradient

    x, y = probit.digits_features()
    w = probit.warm_start(x, y)
    tau, h = 0.3, 1e-6
    v = np.random.default_rng(8).normal(size=w.shape)

    def expected_accuracy(weights):
        z = x @ weights.T / tau
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return float((p[np.arange(len(y)), y] / p.sum(axis=1)).mean())

    numeric = (expected_accuracy(w + h * v) - expected_accuracy(w - h * v)) / (2 * h)
    assert (softmax_policy_gradient(w, x, y, tau) * v).sum() == pytest.approx(numeric, rel=1e-6)
    values = EQUIVALENCE_PARAMS.validate({"grid": 3, "eps_min": 0.01, "eps_max": 0.3, "tau_min": 0.03,
                                          "tau_max": 1.0, "population": 1500, "max_population": 6000})
    frames = list(run_equivalence(values, RunContext.for_params(values)))
    line = frames[len(frames) - 4].arrays["convergence"]            # the last convergence frame
    assert line[-1, 0] == 6000 and line[-1, 1] > 0.9 and line[-1, 1] > line[0, 1] + 0.5   # Z-9: → 1
    grid = frames[-1].arrays["cos_softmax"]
    assert grid.max() > 0.6                                          # Z-8: clearly positive somewhere
    best_tau = grid.argmax(axis=1)
    assert best_tau[0] <= best_tau[-1] and best_tau[0] < 2         # the matching τ grows with ε


def test_z2_the_zo_mean_does_not_depend_on_the_baseline():
    objective = make_objective("linear", 10, 1.0, 3)
    none = estimates(objective, 200_000, 1, 0.5, "gaussian", "none", False, lab_generator(1))
    fx = estimates(objective, 200_000, 1, 0.5, "gaussian", "fx", False, lab_generator(1))
    spread = np.sqrt((none * none).sum(axis=1).mean() / 200_000)
    assert np.linalg.norm(none.mean(axis=0) - objective.gradient) < 4 * spread
    assert np.linalg.norm(fx.mean(axis=0) - objective.gradient) < 4 * spread / 10


@pytest.mark.parametrize("law, samples", [("gaussian", 2), ("rademacher", 2), ("sphere", 4), ("gaussian", 16)])
def test_the_leave_one_out_mean_baseline_pays_for_estimating_b(law, samples):
    objective = make_objective("linear" if law != "gaussian" else "quadratic", 20, 30.0, 1)
    g = estimates(objective, 60_000, samples, 0.2, law, "mean", False, lab_generator(5))
    exact = second_moment_theory(objective, 0.2, samples, law, "mean", False)
    assert (g * g).sum(axis=1).mean() == pytest.approx(exact, rel=0.03)
    assert math.isnan(second_moment_theory(objective, 0.2, samples, law, "optimal", False))


def test_z10_averaging_n_samples_aligns_like_root_n_over_d():
    objective = make_objective("linear", 1000, 1.0, 0)
    mean_cos = {}
    for n in (1, 16):
        g = estimates(objective, 2000, n, 0.1, "gaussian", "fx", False, lab_generator(n))
        mean_cos[n] = float((np.abs(g @ objective.gradient) / np.linalg.norm(g, axis=1)).mean())
    assert mean_cos[16] == pytest.approx(math.sqrt(16 / (16 + 1002)), rel=0.05)   # cos² ≈ N/(N + d + 2)
    assert 3.0 < mean_cos[16] / mean_cos[1] < 6.0


@pytest.mark.parametrize("name, law", [("l1", "gaussian"), ("l1", "rademacher"), ("step", "gaussian")])
def test_the_estimators_exact_mean_where_f_has_no_useful_gradient(name, law):
    objective = make_objective(name, 5, 1.0, 2)
    eps = 0.3
    g = estimates(objective, 400_000, 1, eps, law, "fx", False, lab_generator(7))
    spread = np.sqrt((g * g).sum(axis=1).mean() / 400_000)
    assert np.linalg.norm(g.mean(axis=0) - objective.estimator_mean(eps, law)) < 4 * spread


def test_blackbox_gradients_and_the_evaluation_budget():
    from engines.pg_zoo.blackbox import BLACKBOX_METHODS, BLACKBOX_PARAMS, BlackBox, direction, run_blackbox

    values = BLACKBOX_PARAMS.validate({"function": "rosenbrock", "dim": 6})
    box = BlackBox(values, lab_generator(1))
    x, h = box.start + 0.1, 1e-6
    numeric = np.array([(box.clean_value(x + h * e) - box.clean_value(x - h * e)) / (2 * h) for e in np.eye(6)])
    assert box.gradient(x) == pytest.approx(numeric, rel=1e-6)
    assert box.clean_value(np.ones(6)) == 0.0
    g, cost = direction("zo_central", box, x, 4000, 1e-4)
    assert cost == 8000 and g @ numeric / (np.linalg.norm(g) * np.linalg.norm(numeric)) > 0.9
    values = BLACKBOX_PARAMS.validate({"dim": 10, "evaluations": 20_000})
    last = {}
    for frame in run_blackbox(values, RunContext.for_params(values)):
        last.update(frame.scalars)
    for m in BLACKBOX_METHODS:
        assert 20_000 <= last[f"evaluations_{m}"] < 20_000 + 2 * 8 + 11
    assert last["value_gd"] < last["value_zo_forward"]           # a true gradient is worth d + 1 evaluations
    assert last["steps_gd"] * 11 <= 20_000 + 11
