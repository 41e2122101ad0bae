"""The regularization note's acceptance facts W-1…W-9 (regularization.md §d), in float64, with the
tolerances the note states."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.regularization import mlp
from engines.regularization.conservation import CONSERVATION_PARAMS, run_conservation
from engines.regularization.decay import DECAY_PARAMS, Adam, run_decay
from engines.regularization.explorer import EXPLORER_PARAMS, explore
from engines.regularization.train import loss_and_grads, penalty_grad


@pytest.fixture
def net():
    rng = np.random.default_rng(7)
    return mlp.make_mlp([5, 16, 3], rng), rng.normal(size=(200, 5))


def test_w1_a_shift_with_unit_product_keeps_the_function_only_with_the_cumulative_bias_rule(net):
    layers, x = net
    deep = mlp.make_mlp([5, 8, 8, 8, 3], np.random.default_rng(1))
    gammas = [2.0, 0.25, 5.0, 0.4]                                   # ∏ = 1
    assert np.abs(mlp.forward(mlp.shift(deep, gammas), x) - mlp.forward(deep, x)).max() < 1e-12
    literal = mlp.shift(deep, gammas, "literal")
    assert np.abs(mlp.forward(literal, x) - mlp.forward(deep, x)).max() > 1e-2
    assert np.abs(mlp.forward(mlp.shift(layers, [7.3, 1 / 7.3]), x, "gelu")
                  - mlp.forward(layers, x, "gelu")).max() > 1e-3   # GELU: only approximately homogeneous


def test_w2_l2_follows_the_closed_form_while_the_log_and_direction_terms_stay(net):
    layers, _ = net
    n1, n2 = mlp.frobenius(layers)
    for a in (0.01, 0.3, 7.3, 100.0):
        shifted = mlp.shift(layers, [a, 1 / a])
        assert mlp.l2_penalty(shifted) == pytest.approx(a * a * n1 ** 2 + n2 ** 2 / a ** 2, rel=1e-12)
        assert mlp.log_norm_sum(shifted) == pytest.approx(mlp.log_norm_sum(layers), abs=1e-13)
        assert mlp.l1_direction(mlp.shift(layers, [a, 3.0])) == pytest.approx(mlp.l1_direction(layers), rel=1e-12)


def test_w3_balancing_reaches_l_times_the_product_to_the_two_over_l():
    w1, w2 = np.full((2, 2), 2.0), np.full((1, 1), 1.0)             # ‖W1‖ = 4, ‖W2‖ = 1
    layers = [(w1, None), (w2, None)]
    assert mlp.l2_penalty(layers) == pytest.approx(17.0)
    balanced = mlp.shift(layers, mlp.balance_gammas(layers))
    assert mlp.l2_penalty(balanced) == pytest.approx(8.0) == pytest.approx(mlp.min_l2(layers))
    assert mlp.frobenius(balanced) == pytest.approx([2.0, 2.0])
    assert mlp.log_norm_sum(balanced) == pytest.approx(math.log(4.0), abs=1e-14)


@pytest.mark.parametrize("power", [2.0, 1.0, 0.5])
def test_w4_only_the_logarithm_has_shift_invariant_derivatives(power):
    x, gamma, h = 1.7, 3.0, 1e-6
    def slope(phi, at):
        return (phi(at + h) - phi(at - h)) / (2 * h)
    assert abs(gamma * slope(lambda t: t ** power, gamma * x) / slope(lambda t: t ** power, x) - 1) > 0.1
    assert gamma * slope(math.log, gamma * x) == pytest.approx(slope(math.log, x), rel=1e-8)


def test_w5_balance_is_conserved_without_a_penalty_and_with_log_and_decays_as_predicted_with_l2():
    p = CONSERVATION_PARAMS.validate({"lam": 0.05, "lr": 1e-3, "steps": 20_000, "record_every": 10_000})
    first, _, last = list(run_conservation(p, RunContext(p)))
    d0 = first.scalars["balance_none"]
    assert abs(last.scalars["balance_none"] / d0 - 1) < 1e-4            # < 0.01 % over 20k steps
    assert abs(last.scalars["balance_log"] / d0 - 1) < 1e-4
    assert abs(last.scalars["balance_l1dir"] / d0 - 1) < 1e-4
    assert last.scalars["balance_l2"] / d0 == pytest.approx(math.exp(-4.0), rel=2e-3)  # 0.01832


def test_w6_the_log_penalty_alone_takes_two_eta_lambda_from_the_squared_norm_per_step():
    w = np.random.default_rng(3).normal(size=(4, 6))
    eta, lam = 1e-3, 0.3
    stepped = w - eta * penalty_grad(w, "log", lam)
    norm2 = np.sum(w ** 2)
    assert np.sum(stepped ** 2) == pytest.approx(norm2 * (1 - eta * lam / (norm2 + mlp.LOG_GUARD)) ** 2, rel=1e-12)
    assert np.sum(stepped ** 2) - norm2 == pytest.approx(-2 * eta * lam, rel=1e-3)
    l2 = w - eta * penalty_grad(w, "l2", lam)
    assert np.linalg.norm(l2) == pytest.approx((1 - 2 * eta * lam) * np.linalg.norm(w), rel=1e-12)
    direction = penalty_grad(w, "l1dir", lam)
    assert abs(np.sum(direction * w)) < 1e-12                        # orthogonal to W: no norm moves


def test_w7_input_gradients_never_exceed_the_product_of_spectral_then_frobenius_norms(net):
    layers, x = net
    grads = mlp.input_gradient_norms(layers, x)
    spectral, frobenius = np.prod(mlp.spectral(layers)), np.prod(mlp.frobenius(layers))
    assert grads.max() <= spectral * (1 + 1e-12) and spectral <= frobenius
    i, h = 11, 1e-6                                                  # one Jacobian by finite differences
    jac = np.column_stack([(mlp.forward(layers, x[i:i + 1] + h * e) - mlp.forward(layers, x[i:i + 1] - h * e))[0] / (2 * h)
                           for e in np.eye(5)])
    assert np.linalg.norm(jac, 2) == pytest.approx(grads[i], rel=1e-6)


def test_w8_adam_with_l2_moves_every_large_coordinate_by_lr_per_step_whatever_lambda():
    moved = []
    for lam in (1e-1, 1e-3, 1e-5):
        p = DECAY_PARAMS.validate({"theta0": "10, 1", "lam": lam, "lr": 1e-3, "steps": 100, "record_every": 100})
        first, last = list(run_decay(p, RunContext(p)))
        moved.append(10.0 - last.scalars["abs_theta_0_adam_l2"])
        assert 10.0 - last.scalars["abs_theta_0_adamw"] == pytest.approx(10 * (1 - (1 - 1e-3 * lam) ** 100), rel=1e-9)
    assert moved == pytest.approx([0.0998] * 3, abs=3e-4)


def test_our_adam_is_torchs():
    import torch

    theta = torch.tensor([10.0, 1.0, 0.1, -0.5], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([theta], lr=1e-3)
    ours, adam = theta.detach().numpy().copy(), Adam(4)
    for _ in range(50):
        optimiser.zero_grad()
        (0.3 * (theta ** 2).sum()).backward()
        optimiser.step()
        ours = ours - adam.step(0.6 * ours, 1e-3)
    assert np.allclose(ours, theta.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_w9_sgd_with_l2_in_the_gradient_is_weight_decay_of_two_lambda():
    """The decay page's SGD + L2 (gradient 2λθ) against SGDW with decay 2λ, on the quadratic task."""
    p = DECAY_PARAMS.validate({"theta0": "3, -0.2", "lam": 0.2, "lr": 0.05, "decay_task": "quadratic",
                               "steps": 200, "record_every": 200})
    last = list(run_decay(p, RunContext(p)))[-1]
    theta, curvature = np.array([3.0, -0.2]), np.array([1.0, 0.1])
    for _ in range(200):
        theta = (1 - 2 * 0.05 * 0.2) * theta - 0.05 * curvature * theta
    assert [last.scalars["abs_theta_0_sgd_l2"], last.scalars["abs_theta_1_sgd_l2"]] == pytest.approx(np.abs(theta), rel=1e-12)


def test_w6_on_the_page_the_log_penalty_alone_lowers_the_squared_norm_linearly_and_keeps_d():
    """Until a layer's norm reaches 0 (in ‖W(0)‖²/2λ time units: W₂ here starts small)."""
    p = CONSERVATION_PARAMS.validate({"task": "none", "lam": 0.05, "lr": 1e-3, "steps": 1000, "record_every": 500})
    first, _, last = list(run_conservation(p, RunContext(p)))
    assert last.scalars["norm2_log"] == pytest.approx(last.scalars["norm2_log_predicted"], rel=1e-6)
    assert last.scalars["norm2_log"] < first.scalars["norm2_log"] - 0.099     # 2λ·lr·k = 0.1
    assert last.scalars["balance_log"] == pytest.approx(first.scalars["balance_log"], rel=1e-6)


def test_a_diverging_conservation_run_stops_and_says_so():
    p = CONSERVATION_PARAMS.validate({"lam": 1.0, "lr": 0.05, "steps": 2000, "record_every": 10, "init_scale": 0.1})
    frames = list(run_conservation(p, RunContext(p)))
    if frames[-1].diverged:                                          # the log step overshoots at small ‖W‖
        assert "not finite" in frames[-1].diverged and "lower lr·λ" in frames[-1].message
    assert all(np.isfinite(list(f.scalars.values())).all() for f in frames)


def test_w1_holds_to_1e5_relative_in_float32():
    layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in mlp.make_mlp([5, 16, 16, 3], np.random.default_rng(4))]
    x = np.random.default_rng(5).normal(size=(100, 5)).astype(np.float32)
    out = mlp.forward(layers, x)
    shifted = mlp.forward(mlp.shift(layers, [np.float32(4.0), np.float32(0.5), np.float32(0.5)]), x)
    assert np.abs(shifted - out).max() / np.abs(out).max() < 1e-5


@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_backpropagation_matches_finite_differences(activation):
    rng = np.random.default_rng(2)
    layers = mlp.make_mlp([3, 7, 5, 1], rng)
    x, y = rng.normal(size=(30, 3)), (rng.random(30) > 0.5).astype(float)
    _, grads = loss_and_grads(layers, x, y, activation=activation)
    w, b = layers[1]
    h, (i, j) = 1e-6, (2, 4)
    plus, minus = w.copy(), w.copy()
    plus[i, j] += h
    minus[i, j] -= h
    numeric = (loss_and_grads([layers[0], (plus, b), layers[2]], x, y, activation=activation)[0]
               - loss_and_grads([layers[0], (minus, b), layers[2]], x, y, activation=activation)[0]) / (2 * h)
    assert grads[1][0][i, j] == pytest.approx(numeric, rel=1e-6)


def test_the_explorer_reads_invariants_and_the_l2_curve_bottoms_at_a_star():
    p = EXPLORER_PARAMS.validate({"log10_a": 1.3, "fit_steps": 50, "points": 60})
    frame = explore(p)
    s = frame.scalars
    assert s["max_output_change"] < 1e-10
    assert s["l2"] > s["l2_original"] > s["l2_min"]
    curve = frame.arrays["l2_curve"]
    assert curve[np.argmin(curve[:, 1]), 0] == pytest.approx(s["a_star_log10"], abs=0.03)
    assert np.ptp(curve[:, 2]) < 1e-12                               # measured on every shifted net
    assert s["max_input_gradient"] <= s["product_spectral"] <= s["product_frobenius"]
    balanced = explore({**p, "mode": "balance"}).scalars
    assert balanced["l2"] == pytest.approx(balanced["l2_min"], rel=1e-10) and balanced["max_output_change"] < 1e-10
    assert explore({**p, "bias": "literal"}).scalars["max_output_change"] > 1e-3
    unshifted = explore({**p, "log10_a": 0.0}).scalars
    assert s["weissi"] == pytest.approx(unshifted["weissi"], rel=1e-12)   # WEISSI value: shift-invariant
    assert s["weissi"] == pytest.approx(p["lam1"] * s["log_norm_sum"] + p["lam2"] * s["l1_direction"])
    one, other = (explore({**p, "mode": "random", "shift_seed": k}).scalars for k in (1, 2))
    assert one["l2"] != other["l2"] and max(one["max_output_change"], other["max_output_change"]) < 1e-10


def test_the_pair_must_lie_below_the_depth_and_theta0_is_checked():
    with pytest.raises(ParameterError, match="pair"):
        EXPLORER_PARAMS.validate({"depth": 2, "pair": 2})
    p = DECAY_PARAMS.validate({"theta0": "1, 0"})
    with pytest.raises(ParameterError, match="theta0"):
        list(run_decay(p, RunContext(p)))


def test_our_moons_are_two_interleaved_half_circles():
    from engines.regularization.explorer import moons

    x, y = moons(400, 0.0, 3)
    assert x.shape == (400, 2) and set(np.unique(y)) == {0.0, 1.0} and y.sum() == 200
    assert np.allclose(x.mean(axis=0), 0.0, atol=1e-12) and np.allclose(x.std(axis=0), 1.0)
    design = np.column_stack([x, np.ones(len(x))])                 # not linearly separable:
    fit = design @ np.linalg.lstsq(design, 2 * y - 1, rcond=None)[0]
    assert np.mean((fit > 0) == (y > 0.5)) < 0.95
