"""P5 normal-distribution algebra (vae_ib.md §1.7, §3.3, §5 facts 5 and 6).

Monte-Carlo tolerances are ~4 standard errors (fixed seeds, but the bounds would hold for almost
any seed): the KS distance of 1e5 exact samples exceeds 0.01 with probability ≈ 2e^{-20}; a
relative error of 2 % in a sample variance of 1e5 normal draws is 4.5 SE (SE = √(2/n) = 0.45 %).
"""
import math

import numpy as np
import pytest
from scipy.integrate import quad

from engines.core.params import ParameterError
from engines.vae_ib import normal_algebra as na

N = 100_000
PAIRS = 20_000
# §3.3 table, midpoint: d -> (endpoints, linear, cos/sin); each entry a 20 000-pair MC printed to 3 decimals
TABLE = {2: (0.888, 0.629, 0.889), 8: (0.971, 0.687, 0.972),
         64: (0.995, 0.704, 0.996), 512: (0.999, 0.707, 0.999)}
UNIFORM_PARAMS = [(1.0, 1.0), (1.0, 0.3), (0.4, -1.5), (-0.7, 0.7), (0.0, 2.0), (1e-6, 1.0)]


def rng(seed=0):
    return np.random.default_rng(seed)


# ---- (a) convolution -------------------------------------------------------------------------

@pytest.mark.parametrize("alpha,beta", [(1.2, 0.5), (0.6, -0.8), (0.5, 0.5), (0.0, 2.0)])
def test_normal_combination_is_normal(alpha, beta):
    x = na.combination_samples(alpha, beta, N, rng(1))
    var = alpha ** 2 + beta ** 2
    assert abs(np.var(x) / var - 1.0) < 0.02
    assert na.ks_statistic(x, alpha, beta, "normal") < 0.01
    # a wrong variance (doubled) is rejected: sup|Φ(x) - Φ(x/√2)| ≈ 0.083
    assert na.ks_statistic(x, math.sqrt(2) * alpha, math.sqrt(2) * beta, "normal") > 0.05


@pytest.mark.parametrize("alpha,beta", UNIFORM_PARAMS)
def test_uniform_density_integrates_to_one(alpha, beta):
    a, b = sorted((abs(alpha), abs(beta)))
    kinks = sorted({-a - b, a - b, b - a, a + b})
    total, _ = quad(lambda x: float(na.combination_density(x, alpha, beta, "uniform")),
                    -a - b - 1.0, a + b + 1.0, points=kinks, epsabs=1e-12, limit=200)
    assert abs(total - 1.0) < 1e-6


def test_uniform_sum_at_equal_weights_is_the_triangle():
    for a in (0.5, 1.0, 3.0):
        x = np.linspace(-2.5 * a, 2.5 * a, 1001)
        triangle = np.maximum(2 * a - np.abs(x), 0.0) / (4 * a * a)
        assert np.allclose(na.combination_density(x, a, -a, "uniform"), triangle, atol=1e-14)


@pytest.mark.parametrize("alpha,beta", UNIFORM_PARAMS)
def test_uniform_cdf_is_the_integral_of_the_density(alpha, beta):
    a, b = sorted((abs(alpha), abs(beta)))
    x = np.linspace(-a - b - 0.5, a + b + 0.5, 2001)
    cdf = na.combination_cdf(x, alpha, beta, "uniform")
    for xi, fi in zip(x[::50], cdf[::50]):
        integral, _ = quad(lambda s: float(na.combination_density(s, alpha, beta, "uniform")),
                           -a - b - 1.0, xi, points=[p for p in (-a - b, a - b, b - a, a + b) if p < xi] or None,
                           epsabs=1e-13, limit=200)
        assert abs(fi - integral) < 1e-9


@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (1.0, 0.3), (0.4, -1.5)])
def test_uniform_sum_matches_trapezoid_and_is_not_uniform(alpha, beta):
    x = na.combination_samples(alpha, beta, N, rng(2), kind="uniform")
    assert na.ks_statistic(x, alpha, beta, "uniform") < 0.01
    # the uniform on the same support [-(a+b), a+b] is far off (0.125 for the triangle)
    width = abs(alpha) + abs(beta)
    assert na.ks_statistic(x, width, 0.0, "uniform") > 0.05
    centres, density = na.histogram(x, 40)
    assert abs(np.sum(density) * (centres[1] - centres[0]) - 1.0) < 1e-12


@pytest.mark.parametrize("kind", na.KINDS)
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (1.0, 0.3), (0.0, -2.0), (1e-6, 1.0)])
def test_cdfs_are_monotone_from_zero_to_one(kind, alpha, beta):
    x = np.linspace(-40.0, 40.0, 20001)          # ±20σ at the widest (σ = 2)
    cdf = na.combination_cdf(x, alpha, beta, kind)
    assert np.all(np.diff(cdf) >= 0.0)
    assert cdf[0] == pytest.approx(0.0, abs=1e-15) and cdf[-1] == pytest.approx(1.0, abs=1e-15)
    assert np.all((cdf >= 0.0) & (cdf <= 1.0))


# ---- (b) interpolation -------------------------------------------------------------------------

def test_linear_midpoint_variance_is_half_and_cossin_keeps_one():
    r = na.interpolation_norms(64, PAIRS, 21, rng(3))
    mid = 10
    assert r["t"][mid] == 0.5 and r["linear_var_exact"][mid] == 0.5
    assert abs(r["linear_var"][mid] / 0.5 - 1.0) < 0.02
    assert np.allclose(r["linear_var"], r["linear_var_exact"], rtol=0.02)
    assert np.allclose(r["cossin_var"], 1.0, rtol=0.02)
    for path in ("linear", "cossin"):
        assert np.all(np.abs(r[f"{path}_norm"] - r[f"{path}_norm_exact"]) < 4 * r[f"{path}_norm_se"])
        assert np.allclose(r[f"{path}_logpdf"], r[f"{path}_logpdf_exact"], atol=0.01)
    # per dimension, the linear midpoint sits closer to the mode: higher prior log-density than z₁
    assert r["linear_logpdf_exact"][mid] == pytest.approx(-0.5 * math.log(2 * math.pi) - 0.25)
    assert r["linear_logpdf"][mid] > r["cossin_logpdf"][mid] + 0.2


@pytest.mark.parametrize("d", sorted(TABLE))
def test_midpoint_norms_match_the_table(d):
    ends, lin, cs = TABLE[d]
    r = na.interpolation_norms(d, PAIRS, 3, rng(10 + d))
    chi = na.chi_mean_over_sqrt_d(d)
    # exact identities: at t = ½ the linear point is the cos/sin point divided by √2, pair by pair
    assert r["linear_norm"][1] == pytest.approx(r["cossin_norm"][1] / math.sqrt(2), rel=1e-12)
    assert r["linear_norm"][0] == pytest.approx(r["cossin_norm"][0], rel=1e-12)
    assert r["linear_norm_exact"][1] == pytest.approx(chi / math.sqrt(2), rel=1e-15)
    assert r["cossin_norm_exact"][1] == pytest.approx(chi, rel=1e-15)
    for key, idx, table in (("linear", 1, lin), ("cossin", 1, cs), ("cossin", 0, ends)):
        mc, exact = r[f"{key}_norm"][idx], r[f"{key}_norm_exact"][idx]
        assert abs(mc - exact) < 4 * r[f"{key}_norm_se"][idx]
        # the table is itself a 20 000-pair MC: allow its rounding plus 2 of its standard errors
        v = r[f"{key}_var_exact"][idx]
        table_se = math.sqrt((v - exact ** 2) / PAIRS)
        assert abs(exact - table) < 5e-4 + 2 * table_se
        if d >= 64:
            assert abs(exact - table) < 2e-3 and abs(mc - table) < 5e-3


def test_chi_mean_limits():
    assert na.chi_mean_over_sqrt_d(1) == pytest.approx(math.sqrt(2 / math.pi), rel=1e-14)
    assert na.chi_mean_over_sqrt_d(2) == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-14)
    assert na.chi_mean_over_sqrt_d(1024) == pytest.approx(1 - 1 / (4 * 1024), abs=1e-6)
    assert np.all(np.diff([na.chi_mean_over_sqrt_d(d) for d in range(1, 200)]) > 0)


def test_large_dimension_runs_chunked():
    r = na.interpolation_norms(1024, 2_000, 5, rng(4))
    assert np.all(np.abs(r["cossin_norm"] - r["cossin_norm_exact"]) < 4 * r["cossin_norm_se"])
    assert abs(r["linear_norm"][2] - 1 / math.sqrt(2)) < 0.002


def test_uniform_midpoint_facts():
    f = na.uniform_midpoint_facts(N, rng(5))
    assert f["variance_exact"] == 1 / 6 and f["p_half_exact"] == 0.75
    assert abs(f["variance"] - 1 / 6) < 4 * f["variance_se"]      # 4 SE ≈ 0.0025
    assert abs(f["p_half"] - 0.75) < 4 * f["p_half_se"]           # 4 SE ≈ 0.0055


# ---- bad inputs --------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: na.combination_samples(0.0, 0.0, 10, rng()),
    lambda: na.combination_density(0.0, 0.0, 0.0, "uniform"),
    lambda: na.combination_cdf(0.0, 0.0, -0.0, "normal"),
    lambda: na.ks_statistic([0.0, 1.0], 0.0, 0.0),
])
def test_point_mass_is_rejected(call):
    with pytest.raises(ValueError, match="alpha = beta = 0") as err:
        call()
    assert err.value.name == "alpha"


@pytest.mark.parametrize("call,name", [
    (lambda: na.interpolation_norms(0, 10, 5, rng()), "d"),
    (lambda: na.interpolation_norms(2.5, 10, 5, rng()), "d"),
    (lambda: na.interpolation_norms(4, 0, 5, rng()), "n_pairs"),
    (lambda: na.interpolation_norms(4, 10, 1, rng()), "n_t"),
    (lambda: na.combination_samples(1.0, 1.0, 0, rng()), "n"),
    (lambda: na.combination_samples(1.0, 1.0, 10, rng(), kind="cauchy"), "kind"),
    (lambda: na.combination_density(0.0, math.nan, 1.0), "alpha"),
    (lambda: na.uniform_midpoint_facts(0, rng()), "n"),
    (lambda: na.histogram([1.0, 2.0], 0), "bins"),
])
def test_bad_inputs_name_the_parameter(call, name):
    with pytest.raises(ParameterError, match=rf"\b{name}\b") as err:
        call()
    assert err.value.name == name
