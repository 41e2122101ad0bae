"""Troposkien (rope.md §2.2): R2, R3, R4 and the closed form against the force-balance ODE.

The §2.2 table is printed to 5 decimals (angles to 3), so comparisons with it use 6e-6 (6e-4°);
identities and the ODE check use 1e-6 or tighter, as R2/R3 ask.
"""
import math

import numpy as np
import pytest
from scipy.special import ellipj, ellipk

import engines.rope as rope
from engines.core.params import ParameterError
from engines.rope import troposkein as tr

# k, R/h, L/(2h), R/L, T0/(ρω²R²), H/(ρω²R²), θ0 (deg)
TABLE = [
    (0.1, 0.12829, 1.01009, 0.06350, 25.25000, 24.75000, 11.421),
    (0.3, 0.41003, 1.09774, 0.18676, 3.02778, 2.52778, 33.398),
    (0.5, 0.79094, 1.32136, 0.29929, 1.25000, 0.75000, 53.130),
    (0.7, 1.48730, 1.88039, 0.39548, 0.76020, 0.26020, 69.984),
    (0.8, 2.22745, 2.55376, 0.43611, 0.64062, 0.14062, 77.320),
    (0.9, 4.15412, 4.40819, 0.47118, 0.55864, 0.05864, 83.974),
    (0.95, 7.52397, 7.73353, 0.48645, 0.52701, 0.02701, 87.062),
    (0.99, 29.64234, 29.79437, 0.49745, 0.50508, 0.00508, 89.424),
]
TABLE_TOL = 6e-6


@pytest.mark.parametrize("row", TABLE, ids=[f"k={r[0]}" for r in TABLE])
def test_r2_r3_reference_table(row):
    k, r_h, l_2h, r_l, t0, hh, theta = row
    assert tr.radius_over_half_span(k) == pytest.approx(r_h, abs=TABLE_TOL)
    assert tr.length_over_span(k) == pytest.approx(l_2h, abs=TABLE_TOL)
    assert tr.radius_over_half_span(k) / (2 * tr.length_over_span(k)) == pytest.approx(r_l, abs=TABLE_TOL)
    assert tr.end_tension_coeff(k) == pytest.approx(t0, abs=TABLE_TOL)
    assert tr.axial_tension_coeff(k) == pytest.approx(hh, abs=TABLE_TOL)
    assert tr.end_angle_deg(k) == pytest.approx(theta, abs=6e-4)
    # inverse problem L/(2h) -> k round trip
    assert tr.modulus_from_aspect(tr.length_over_span(k)) == pytest.approx(k, abs=1e-12)


@pytest.mark.parametrize("k", [0.05, 0.5, 0.9, 0.99])
def test_r3_identities(k):
    # cos θ0 = (1 - k²)/(1 + k²)  <=>  tan(θ0/2) = k
    assert math.cos(math.radians(tr.end_angle_deg(k))) == pytest.approx((1 - k * k) / (1 + k * k), abs=1e-12)
    # T0 - H = ρω²R²/2 (T = T0 - ½ρω²r² evaluated at r = R)
    assert tr.end_tension_coeff(k) - tr.axial_tension_coeff(k) == pytest.approx(0.5, abs=1e-12)
    # cd(Kz/h) = sn(K(1 - |z|/h)) for |z| <= h
    m = k * k
    K = ellipk(m)
    z = np.linspace(-1, 1, 41)
    sn, cn, dn, _ = ellipj(K * z, m)
    sn2 = ellipj(K * (1 - np.abs(z)), m)[0]
    assert np.max(np.abs(cn / dn - sn2)) < 1e-12


def test_r4_small_amplitude_limit():
    ratio = tr.small_amplitude_ratio(0.01)
    assert ratio == pytest.approx(math.pi ** 2, rel=1e-3)
    # and it really converges: closer at k = 0.001
    assert abs(tr.small_amplitude_ratio(0.001) - math.pi ** 2) < abs(ratio - math.pi ** 2)


def test_inverse_problem_example_and_solution():
    sol = rope.solve({"scenario": "troposkein", "length": 2.7, "span": 0.6, "omega": 6.0,
                      "density": 0.03, "points": 401})
    k = sol.scalars["k"]
    R = sol.scalars["max_radius"]
    assert k == pytest.approx(0.902539, abs=1e-6)
    assert R == pytest.approx(1.27439, abs=1e-5)
    assert sol.x.max() == pytest.approx(R, rel=1e-4)  # sampled maximum
    # ends on the axis at z = ±h, arc length = L, uniform s
    assert sol.z[0] == -0.3 and sol.z[-1] == 0.3
    assert sol.x[0] == 0.0 and sol.x[-1] == 0.0
    assert sol.s[-1] == pytest.approx(2.7, rel=1e-12)
    assert np.allclose(np.diff(sol.s), 2.7 / 400, rtol=1e-9)
    # geometric arc length of the sampled curve (chord sum, 400 segments) matches L
    chord = np.sum(np.hypot(np.diff(sol.x), np.diff(sol.z)))
    assert chord == pytest.approx(2.7, rel=1e-4)
    # tension law along the rope: T = T0 - ½ρω²r²
    rho_w2 = 0.03 * 36.0
    assert np.allclose(sol.tension, sol.scalars["end_tension"] - 0.5 * rho_w2 * sol.x ** 2,
                       rtol=1e-10, atol=1e-12)
    assert sol.scalars["end_tension"] == pytest.approx(rho_w2 * R * R * (1 + k * k) / (4 * k * k), rel=1e-12)
    assert sol.scalars["axial_tension"] == pytest.approx(sol.tension.min(), rel=1e-4)


@pytest.mark.parametrize("length,span", [(2.7, 0.6), (1.0, 0.95), (20.0, 0.5)])
def test_r2_closed_form_matches_force_balance_ode(length, span):
    sol = rope.solve({"scenario": "troposkein", "length": length, "span": span, "points": 201})
    data, cols = sol.extras["ode_check"]
    assert cols == ("z", "r_closed_form", "r_ode")
    assert np.allclose(data[:, 0], sol.z) and np.allclose(data[:, 1], sol.x)
    scale = sol.scalars["max_radius"]
    assert np.max(np.abs(data[:, 1] - data[:, 2])) < 1e-6 * max(1.0, scale)


def test_r3_shape_independent_of_omega():
    base = {"scenario": "troposkein", "length": 2.0, "span": 1.2}
    a = rope.solve({**base, "omega": 3.0})
    b = rope.solve({**base, "omega": 12.0})
    assert np.array_equal(a.x, b.x) and np.array_equal(a.z, b.z)
    assert np.allclose(b.tension, 16.0 * a.tension, rtol=1e-12)


def test_span_not_shorter_than_length_is_refused():
    for span in (1.0, 1.5):
        with pytest.raises(ParameterError) as err:
            rope.solve({"scenario": "troposkein", "length": 1.0, "span": span})
        assert err.value.name == "span"
        assert "shorter" in str(err.value)
