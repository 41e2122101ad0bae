"""The exact facts of batchnorm.md §5 (1–7, 14) against the Q1, Q2 and Q7 engines.

Tolerances are stated where used: float64 identities at 1e-10…1e-12 relative, the note's printed
digits at half a unit of their last digit, Monte Carlo at ≥ 5 standard errors.
"""
import math

import numpy as np
import pytest
import torch

from engines.batchnorm import descent as dsc
from engines.batchnorm import neuron as nrn
from engines.batchnorm import projection as prj
from engines.core.frame import Frame, RunContext
from engines.core.params import ParameterError


def one_frame(run, schema, **overrides):
    params = schema.validate(overrides)
    frames = list(run(params, RunContext.for_params(params)))
    assert len(frames) == 1 and isinstance(frames[0], Frame)
    return frames[0]


def descent_frame(**kw):
    return one_frame(dsc.run_descent, dsc.DESCENT_PARAMS, **kw)


def neuron_frame(**kw):
    return one_frame(nrn.run_neuron, nrn.NEURON_PARAMS, **kw)


def projection_frame(**kw):
    return one_frame(prj.run_projection, prj.PROJECTION_PARAMS, **kw)


def variant(name):
    centre, scale = {"raw": (False, False), "centred": (True, False), "standardised": (True, True)}[name]
    x, labels = nrn.digits_inputs()
    return nrn.transform(x, centre, scale)[0], labels


# --- fact 1: η < 2/L ---------------------------------------------------------------------------
@pytest.mark.parametrize("lam1, lam2, angle, sx, sy", [(1.0, 0.3, 30, 2, 1.5), (0.05, 4.0, -70, -1, 3),
                                                       (7.0, 2.0, 10, 0.5, -4)])
def test_fact1_quadratic_gd_diverges_above_2_over_L_and_converges_below(lam1, lam2, angle, sx, sy):
    common = dict(lambda1=lam1, lambda2=lam2, angle_deg=angle, start_x=sx, start_y=sy, steps=500)
    above = descent_frame(eta_over_L=2.1, **common).scalars
    below = descent_frame(eta_over_L=1.9, **common).scalars
    L = max(lam1, lam2)
    assert above["L"] == pytest.approx(L, rel=1e-12) and above["two_over_L"] == pytest.approx(2 / L, rel=1e-12)
    assert above["diverged"] == 1.0 and above["converged"] == 0.0
    assert above["contraction"] == pytest.approx(1.1, rel=1e-12)
    assert below["diverged"] == 0.0 and below["converged"] == 1.0
    assert below["final_gap"] <= 1e-6 * below["initial_gap"]


NOTE_DIGITS = {"raw": (11.4435, 0.17477), "centred": (1.0000, 2.000), "standardised": (7.3407, 0.27245)}


@pytest.mark.parametrize("name", list(NOTE_DIGITS))
def test_fact1_digits_mse_L_and_limits_match_the_note(name):
    lam_note, limit_note = NOTE_DIGITS[name]
    data, _ = variant(name)
    lam = nrn.lambda_max(data)
    assert lam == pytest.approx(lam_note, abs=5e-5)                 # 4 printed decimals
    assert 2 / lam == pytest.approx(limit_note, abs=5e-6 if name != "centred" else 5e-4)
    frame = neuron_frame()
    assert frame.scalars[f"lambda_max_{name}"] == pytest.approx(lam, rel=1e-12)
    assert frame.scalars[f"limit_{name}"] == pytest.approx(2 / lam, rel=1e-12)


@pytest.mark.parametrize("name", list(NOTE_DIGITS))
def test_fact1_digits_mse_gd_diverges_at_105_and_converges_at_095(name):
    data, labels = variant(name)
    xt, t = nrn.augmented(data), nrn.targets(labels, "mse")
    lam = nrn.lambda_max(data)
    above = nrn.gradient_descent(xt, t, "mse", 1.05 * 2 / lam, 500)
    assert 0 < above.diverged_step <= 500                            # loss > 1e6 within 500 steps
    below = nrn.gradient_descent(xt, t, "mse", 0.95 * 2 / lam, 3000)
    assert below.diverged_step == -1 and np.isfinite(below.losses).all()
    # eq. (4) with η < 2/L: every step decreases ½·MSE (up to float64 round-off, 1e-12 relative)
    assert np.all(np.diff(below.losses) <= 1e-12 * below.losses[:-1])
    assert below.losses[-1] < 0.21 < below.losses[0] == pytest.approx(0.5)


# --- fact 2: the descent lemma --------------------------------------------------------------------
def lemma_excess(obj, theta0, eta, steps, L):
    """Largest relative excess of f(θ−ηg) over the eq.-(4) bound with constant L along GD."""
    theta, worst = np.array(theta0, float), -np.inf
    for _ in range(steps):
        f, g = float(obj.value(theta)), obj.grad(theta)
        bound = dsc.descent_bound(f, float(g @ g), eta, L)
        new = theta - eta * g
        worst = max(worst, (float(obj.value(new)) - bound) / max(abs(f), abs(bound)))
        theta = new
        if not math.isfinite(f) or abs(f) > 1e12:
            break
    return worst


def test_fact2_descent_lemma_holds_at_every_gd_step_on_random_quadratics_and_logistic():
    rng = np.random.default_rng(2024)
    for _ in range(40):
        lam1, lam2 = np.exp(rng.uniform(np.log(0.01), np.log(10), 2))
        model = dsc.MODELS[rng.integers(2)]
        obj = dsc.Objective(model, dsc.matrix(lam1, lam2, rng.uniform(-90, 90)), int(rng.integers(100)))
        eta = rng.uniform(0.05, 2.5) / obj.L
        theta0 = rng.uniform(-5, 5, 2)
        assert lemma_excess(obj, theta0, eta, 60, obj.L) <= 1e-9
        if model == "logistic":           # the Hessian never exceeds ¼E[xxᵀ] (σ(1−σ) ≤ ¼)
            lam = np.linalg.eigvalsh(obj.hessian(theta0))[-1]
            assert lam <= obj.L * (1 + 1e-12)
    frame = descent_frame(model="logistic", eta_over_L=2.4, steps=200)
    assert frame.scalars["violations"] == 0 and frame.scalars["checks"] == 200 + dsc.LINE_POINTS


def test_fact2_the_check_has_teeth_a_too_small_L_is_violated():
    obj = dsc.Objective("quadratic", dsc.matrix(1.0, 0.2, 30))
    assert lemma_excess(obj, [2.0, 1.5], 1.5, 20, 0.5 * obj.L) > 1e-3


def test_fact2_descent_lemma_on_digits_logistic_with_L_lambda_over_4():
    data, labels = variant("raw")
    xt, t = nrn.augmented(data), nrn.targets(labels, "logistic")
    L = nrn.curvature_bound(nrn.lambda_max(data), "logistic")
    assert L == pytest.approx(2.861, abs=5e-4)
    for eta in (0.5 / L, 1.9 / L, 2.4 / L):
        theta = np.zeros(xt.shape[1])
        for _ in range(100):
            f, g = nrn.loss_and_grad(xt, t, theta, "logistic")
            bound = dsc.descent_bound(f, float(g @ g), eta, L)
            theta = theta - eta * g
            assert nrn.loss_and_grad(xt, t, theta, "logistic")[0] <= bound + 1e-9 * abs(bound)


def test_descent_bound_line_lies_above_the_true_loss_and_touches_at_zero():
    frame = descent_frame(eta_over_L=1.0, probe_step=3)
    line = dict(zip(frame.columns["line"], frame.arrays["line"].T))
    assert np.all(line["true"] <= line["bound"] + 1e-12)
    assert line["true"][0] == pytest.approx(line["bound"][0], rel=1e-15)
    # the bound is a parabola in η with its minimum at η = 1/L (eq. 4)
    assert line["eta_L"][np.argmin(line["bound"])] == pytest.approx(1.0, abs=0.02)
    np.testing.assert_allclose(line["eta"], line["eta_L"] * frame.scalars["inv_L"], rtol=1e-14)
    path = frame.arrays["path"]
    assert path.shape == (61, 3) and frame.arrays["contour"].shape == (dsc.GRID, dsc.GRID)


# --- facts 3 and 4: centring and standardising ---------------------------------------------------
@pytest.mark.parametrize("gain, before, after", [(16.0, 3843.6, 1201.5), (1.0, 15.014, 4.693)])
def test_fact3_centring_lowers_e_x2_by_exactly_the_squared_mean(gain, before, after):
    s = neuron_frame(gain=gain, centre=True, scale=False).scalars
    half_unit = 0.05 if gain == 16.0 else 5e-4
    assert s["second_moment_before"] == pytest.approx(before, abs=half_unit)
    assert s["second_moment_after"] == pytest.approx(after, abs=half_unit)
    assert s["second_moment_before"] - s["second_moment_after"] == pytest.approx(s["mean_norm_sq_before"], rel=1e-12)
    assert s["mean_norm_sq_after"] < 1e-20 * s["second_moment_before"]


def test_fact3_the_mean_is_the_argmin_of_e_norm_x_minus_c_squared():
    x, _ = nrn.digits_inputs()
    mean = x.mean(axis=0)
    at_mean = np.mean(np.sum((x - mean) ** 2, axis=1))
    rng = np.random.default_rng(0)
    for _ in range(20):
        c = mean + rng.normal(0, 0.05, x.shape[1])
        value = np.mean(np.sum((x - c) ** 2, axis=1))
        assert value > at_mean
        assert value - at_mean == pytest.approx(np.sum((c - mean) ** 2), rel=1e-9)


@pytest.mark.parametrize("gain, offset", [(1.0, 0.0), (16.0, 0.0), (0.3, 1.5)])
def test_fact4_standardised_pixels_each_have_unit_second_moment(gain, offset):
    frame = neuron_frame(gain=gain, offset=offset, centre=True, scale=True)
    features = dict(zip(frame.columns["features"], frame.arrays["features"].T))
    constant = np.flatnonzero(features["after"] == 0)
    np.testing.assert_array_equal(constant, [0, 32, 39])
    kept = np.delete(features["after"], constant)
    np.testing.assert_allclose(kept, 1.0, rtol=1e-12)
    assert frame.scalars["features_after"] == 61
    assert frame.scalars["second_moment_after"] == pytest.approx(61.0, rel=1e-12)
    assert frame.scalars["lambda_max_after"] == pytest.approx(7.3407, abs=5e-5)   # gain/offset-invariant


# --- fact 5: logistic Hessian ----------------------------------------------------------------------
@pytest.mark.parametrize("name, note", [("raw", 2.861), ("centred", 0.250)])
def test_fact5_logistic_hessian_at_zero_is_a_quarter_of_the_second_moment(name, note):
    data, labels = variant(name)
    xt = nrn.augmented(data)
    h0 = nrn.hessian(xt, np.zeros(xt.shape[1]), "logistic")
    second = xt.T @ xt / len(xt)
    assert np.abs(h0 - second / 4).max() <= 1e-15 * np.abs(second).max()
    top = np.linalg.eigvalsh(h0)[-1]
    assert top == pytest.approx(note, abs=5e-4)
    # never larger along training (Loewner order): λ_max(H(θ_k) − H(0)) ≤ 1e-12·λ_max(H(0))
    t = nrn.targets(labels, "logistic")
    run = nrn.gradient_descent(xt, t, "logistic", 1.0 / top, 600, hessian_every=50)
    assert len(run.hessian_thetas) == 13
    for theta, power in zip(run.hessian_thetas, run.hessian_top):
        h = nrn.hessian(xt, theta, "logistic")
        assert np.linalg.eigvalsh(h - h0)[-1] <= 1e-12 * top
        assert power == pytest.approx(np.linalg.eigvalsh(h)[-1], rel=1e-8)   # power iteration
    assert run.hessian_top[-1] < 0.9 * top


def test_fact5_frame_hessian_table_starts_at_L_and_mse_hessian_is_constant():
    log = neuron_frame(loss="logistic", steps=200, hessian_every=20)
    table = dict(zip(log.columns["hessian"], log.arrays["hessian"].T))
    for name in nrn.VARIANTS:
        assert table[name][0] == pytest.approx(log.scalars[f"L_{name}"], rel=1e-9)
        assert np.all(table[name] <= log.scalars[f"L_{name}"] * (1 + 1e-9))
        assert log.scalars[f"L_{name}"] <= log.scalars[f"trace_bound_{name}"]
    mse = neuron_frame(loss="mse", eta=0.1, steps=100, hessian_every=25)
    table = dict(zip(mse.columns["hessian"], mse.arrays["hessian"].T))
    np.testing.assert_allclose(table["raw"], mse.scalars["lambda_max_raw"], rtol=1e-9)


def test_neuron_default_eta_diverges_raw_only():
    frame = neuron_frame()                                 # η = 0.2: above 2/L = 0.175 only for raw
    assert frame.scalars["diverged_step_raw"] > 0
    assert frame.scalars["diverged_step_centred"] == -1 == frame.scalars["diverged_step_standardised"]
    loss = dict(zip(frame.columns["loss"], frame.arrays["loss"].T))
    assert np.isnan(loss["raw"][-1]) and np.isfinite(loss["standardised"]).all()


# --- fact 6: Theorem 4.1 ---------------------------------------------------------------------------
def test_fact6_reproduces_the_note_example():
    s = projection_frame().scalars                       # m 64, y ~ 3N(0,1)+5, γ 1.7, β 0.3, tanh loss
    assert s["lhs"] == pytest.approx(3.331676040923555, rel=1e-13)
    assert s["rhs"] == pytest.approx(3.3316760409235555, rel=1e-13)
    assert s["rhs_sqrt_m"] == pytest.approx(-8.80, abs=5e-3)


@pytest.mark.parametrize("seed", range(6))
def test_fact6_identity_projection_and_scale_invariance(seed):
    rng = np.random.default_rng(seed)
    kw = dict(m=int(rng.integers(3, 600)), spread=float(np.exp(rng.uniform(-3, 3))),
              offset=float(rng.uniform(-20, 20)), gamma=float(rng.uniform(-5, 5)),
              beta_shift=float(rng.uniform(-5, 5)), scale_c=float(np.exp(rng.uniform(-3, 3))),
              loss=prj.LOSSES[seed % 2], seed=seed)
    frame = projection_frame(**kw)
    s = frame.scalars
    col = dict(zip(frame.columns["samples"], frame.arrays["samples"].T))
    scale = np.abs(col["grad_autograd"]).max()
    assert s["rel_error"] <= 1e-10
    np.testing.assert_allclose(col["grad_formula"], col["grad_autograd"], rtol=0, atol=1e-10 * scale)
    assert abs(s["sum_grad"]) <= 1e-10 * scale * kw["m"]
    assert abs(s["dot_grad_yhat"]) <= 1e-10 * scale * kw["m"]
    assert s["scale_ratio"] == pytest.approx(1 / kw["scale_c"], rel=1e-10)
    assert s["scale_error"] <= 1e-10
    assert s["idempotency"] <= 1e-12
    assert s["lhs"] <= s["unprojected"] * (1 + 1e-12)
    np.testing.assert_allclose(col["along_ones"] + col["along_yhat"] + col["Pg"], col["g"], atol=1e-12 * np.abs(col["g"]).max())


def test_fact6_independent_finite_difference_check_of_the_bn_gradient():
    params = prj.PROJECTION_PARAMS.validate({"m": 7, "seed": 3})
    y0, w, t = prj.draws(7, 3)
    y = 3.0 * y0.numpy() + 5.0

    def loss(v):
        z = 1.7 * (v - v.mean()) / np.sqrt(np.mean((v - v.mean()) ** 2)) + 0.3
        return float(np.sum(np.tanh(z) * w.numpy()) + 0.1 * np.sum(z * z))

    h = 1e-6
    fd = np.array([(loss(y + h * e) - loss(y - h * e)) / (2 * h) for e in np.eye(7)])
    col = dict(zip(*(projection_frame(**params).columns["samples"],
                     projection_frame(**params).arrays["samples"].T)))
    np.testing.assert_allclose(col["grad_autograd"], fd, atol=1e-7)


# --- fact 7: ReLU of N(0, 1) -------------------------------------------------------------------------
def test_fact7_relu_moments_closed_form_vs_monte_carlo():
    n = 2_000_000
    h = np.maximum(np.random.default_rng(7).standard_normal(n), 0.0)
    mean, second = 1 / math.sqrt(2 * math.pi), 0.5
    assert mean == pytest.approx(0.3989, abs=5e-5)
    # 5 standard errors: sd(h) = √(½ − 1/2π) ≈ 0.584, sd(h²) = √(3/2 − 1/4) ≈ 1.118
    assert h.mean() == pytest.approx(mean, abs=5 * 0.584 / math.sqrt(n))
    assert np.mean(h * h) == pytest.approx(second, abs=5 * 1.118 / math.sqrt(n))
    removed = 1 - np.var(h) / np.mean(h * h)
    assert mean ** 2 / second == pytest.approx(1 / math.pi, rel=1e-15)
    assert removed == pytest.approx(1 / math.pi, abs=3e-3)        # ≈ 5 s.e. of the ratio (delta method)


# --- fact 14: x → kx, w → w/k --------------------------------------------------------------------------
def neuron_derivatives(x, t, w, b, loss):
    """Loss, gradient and Hessian of the single neuron in (w, b) by torch autograd, float64."""
    x, t = torch.tensor(x), torch.tensor(t)

    def f(theta):
        z = x @ theta[:-1] + theta[-1]
        if loss == "mse":
            return 0.5 * ((z - t) ** 2).mean()
        return (torch.nn.functional.softplus(z) - t * z).mean()

    theta = torch.tensor(np.append(w, b), requires_grad=True)
    value = f(theta)
    grad = torch.autograd.grad(value, theta)[0]
    hess = torch.autograd.functional.hessian(f, theta.detach())
    return float(value.detach()), grad.numpy(), hess.numpy()


@pytest.mark.parametrize("loss", nrn.LOSSES)
@pytest.mark.parametrize("k", [3.7, 0.25])
def test_fact14_rescaling_input_and_weight_scales_the_weight_blocks_only(loss, k):
    data, labels = variant("raw")
    x, t = data[::5], nrn.targets(labels, loss)[::5]
    rng = np.random.default_rng(14)
    w, b = rng.normal(0, 0.1, x.shape[1]), 0.2
    f0, g0, h0 = neuron_derivatives(x, t, w, b, loss)
    f1, g1, h1 = neuron_derivatives(k * x, t, w / k, b, loss)
    assert f1 == pytest.approx(f0, rel=1e-12)
    np.testing.assert_allclose(h1[:-1, :-1], k**2 * h0[:-1, :-1], rtol=1e-10, atol=1e-14)   # × k²
    np.testing.assert_allclose(h1[:-1, -1], k * h0[:-1, -1], rtol=1e-10, atol=1e-14)        # cross × k
    assert h1[-1, -1] == pytest.approx(h0[-1, -1], rel=1e-12)                               # unchanged
    np.testing.assert_allclose(g1[:-1], k * g0[:-1], rtol=1e-10, atol=1e-14)               # × k
    assert g1[-1] == pytest.approx(g0[-1], rel=1e-12)                                       # unchanged
    if loss == "logistic":
        np.testing.assert_allclose(h0, nrn.hessian(nrn.augmented(x), np.append(w, b), loss), rtol=1e-10, atol=1e-15)


# --- parameters ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("run, schema, name, value", [
    (dsc.run_descent, dsc.DESCENT_PARAMS, "eta_over_L", 3.0),
    (dsc.run_descent, dsc.DESCENT_PARAMS, "lambda1", 0.0),
    (dsc.run_descent, dsc.DESCENT_PARAMS, "model", "cubic"),
    (dsc.run_descent, dsc.DESCENT_PARAMS, "steps", 0),
    (nrn.run_neuron, nrn.NEURON_PARAMS, "gain", 0.0),
    (nrn.run_neuron, nrn.NEURON_PARAMS, "eta", 100.0),
    (nrn.run_neuron, nrn.NEURON_PARAMS, "loss", "hinge"),
    (prj.run_projection, prj.PROJECTION_PARAMS, "m", 1),
    (prj.run_projection, prj.PROJECTION_PARAMS, "spread", 0.0),
    (prj.run_projection, prj.PROJECTION_PARAMS, "no_such_parameter", 1),
])
def test_bad_parameters_raise_an_error_naming_them(run, schema, name, value):
    params = {**schema.defaults(), name: value}
    with pytest.raises(ParameterError) as info:
        next(run(params, RunContext(params)))
    assert info.value.name == name and name in str(info.value)


def test_descent_start_at_the_minimum_is_a_parameter_error():
    params = {**dsc.DESCENT_PARAMS.defaults(), "start_x": 0.0, "start_y": 0.0}
    with pytest.raises(ParameterError) as info:
        next(dsc.run_descent(params, RunContext(params)))
    assert info.value.name == "start_x" and "minimum" in str(info.value)


def test_every_array_is_finite_where_it_should_be_and_tables_match_their_columns():
    for frame in (descent_frame(), neuron_frame(), projection_frame()):
        for name, cols in frame.columns.items():
            assert frame.arrays[name].ndim == 2 and frame.arrays[name].shape[1] == len(cols)
        assert all(math.isfinite(v) for k, v in frame.scalars.items() if not k.startswith("final_loss"))
    assert np.isfinite(descent_frame().arrays["contour"]).all()
