"""run_algebra headless: one frame with the histogram and interpolation tables (vae_ib.md P5 a, b)."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext, RunStopped
from engines.core.params import ParameterError
from engines.vae_ib import normal_algebra as na
from engines.vae_ib.algebra_run import ALGEBRA_PARAMS, N_T, run_algebra

HIST_COLUMNS = ("centre", "density", "exact_density")
INTERP_COLUMNS = ("t", "linear_norm", "linear_norm_exact", "cossin_norm", "cossin_norm_exact",
                  "linear_logpdf", "cossin_logpdf")


def run(**overrides):
    params = ALGEBRA_PARAMS.validate(overrides)
    frames = list(run_algebra(params, RunContext.for_params(params)))
    assert len(frames) == 1
    return frames[0]


def table(frame, name):
    return dict(zip(frame.columns[name], frame.arrays[name].T))


def test_defaults_give_one_frame_with_the_declared_columns():
    frame = run()
    assert frame.columns["histogram"] == HIST_COLUMNS
    assert frame.columns["interpolation"][:len(INTERP_COLUMNS)] == INTERP_COLUMNS
    for name, cols in frame.columns.items():
        assert frame.arrays[name].ndim == 2 and frame.arrays[name].shape[1] == len(cols)
    assert frame.arrays["interpolation"].shape[0] == N_T
    for key in ("ks", "variance", "variance_exact", "midpoint_linear_norm", "midpoint_cossin_norm"):
        assert math.isfinite(frame.scalars[key])


def test_normal_histogram_matches_n_0_alpha2_plus_beta2():
    frame = run(alpha=1.5, beta=-0.5, samples=200_000)
    h = table(frame, "histogram")
    width = h["centre"][1] - h["centre"][0]
    assert np.sum(h["density"]) * width == pytest.approx(1.0, rel=1e-9)
    var = 1.5**2 + 0.5**2
    assert frame.scalars["variance_exact"] == pytest.approx(var)
    assert frame.scalars["variance"] == pytest.approx(var, rel=0.02)
    np.testing.assert_allclose(h["exact_density"], np.exp(-h["centre"]**2 / (2 * var)) / math.sqrt(2 * math.pi * var))
    assert frame.scalars["ks"] < 0.01
    assert np.max(np.abs(h["density"] - h["exact_density"])) < 0.02


def test_uniform_sum_is_a_trapezoid_with_a_third_of_the_variance():
    frame = run(kind="uniform", alpha=0.6, beta=0.8)
    assert frame.scalars["variance_exact"] == pytest.approx(1.0 / 3.0)
    assert frame.scalars["variance"] == pytest.approx(1.0 / 3.0, rel=0.02)
    assert frame.scalars["ks"] < 0.01
    curve = table(frame, "exact_curve")
    middle = curve["exact_density"][np.abs(curve["x"]) <= 0.7]
    assert middle.max() == pytest.approx(1.0 / 1.6)          # flat top 1/(2b), b = 0.8
    assert middle.max() / middle.min() > 1.5                   # not uniform


def test_interpolation_midpoints_follow_the_closed_forms():
    frame = run(d=512, pairs=5000)
    it = table(frame, "interpolation")
    mid = N_T // 2
    assert it["t"][0] == 0.0 and it["t"][-1] == 1.0 and it["t"][mid] == 0.5
    chi = na.chi_mean_over_sqrt_d(512)
    assert frame.scalars["midpoint_linear_norm"] == pytest.approx(chi / math.sqrt(2), abs=0.01)
    assert frame.scalars["midpoint_linear_norm"] == it["linear_norm"][mid]
    assert frame.scalars["midpoint_cossin_norm"] == pytest.approx(chi, abs=0.01)
    np.testing.assert_allclose(it["cossin_norm_exact"], chi)
    np.testing.assert_allclose(it["linear_norm"], it["linear_norm_exact"], atol=0.01)
    # log N(z; 0, I)/d = -½ log 2π - var/2: the linear midpoint (var ½) sits higher than the endpoints
    assert it["linear_logpdf"][mid] == pytest.approx(-0.5 * math.log(2 * math.pi) - 0.25, abs=0.01)
    assert it["cossin_logpdf"] == pytest.approx(-0.5 * math.log(2 * math.pi) - 0.5, abs=0.01)


def test_same_seed_same_frame_and_alpha_does_not_redraw_the_pairs():
    a, b = run(seed=3), run(seed=3)
    np.testing.assert_array_equal(a.arrays["histogram"], b.arrays["histogram"])
    other_alpha = run(seed=3, alpha=-1.2)
    np.testing.assert_array_equal(a.arrays["interpolation"], other_alpha.arrays["interpolation"])
    assert not np.array_equal(a.arrays["histogram"], other_alpha.arrays["histogram"])
    assert not np.array_equal(a.arrays["interpolation"], run(seed=4).arrays["interpolation"])


def test_alpha_equal_beta_equal_zero_raises_parameter_error():
    with pytest.raises(ParameterError) as info:
        run(alpha=0.0, beta=0.0)
    assert info.value.name == "alpha"


def test_out_of_range_values_are_refused_by_the_schema():
    with pytest.raises(ParameterError) as info:
        run(alpha=2.5)
    assert info.value.name == "alpha"
    with pytest.raises(ParameterError):
        run(d=2048)


def test_a_stop_request_ends_the_run_at_a_check():
    params = ALGEBRA_PARAMS.defaults()
    ctx = RunContext.for_params(params)
    ctx.request_stop()
    with pytest.raises(RunStopped):
        list(run_algebra(params, ctx))
