"""Rotating hanging rope (Kolodner; rope.md §2.3): R5–R9, the r0 > 0 table, the numba/scipy twins.

Tables in the note are printed to 5 decimals (angles to 3): r_f/L, depth/L and T_top/ρgL are
compared to 1e-4 absolute (R7), angles to 1e-3 degrees.
"""
import math

import numpy as np
import pytest
from scipy.integrate import simpson

import engines.rope as rope
from engines.core.params import ParameterError
from engines.rope import hanging as hg
from engines.rope import kolodner_numba as kn
from engines.rope import kolodner_scipy as ks

LAMBDA_N = [1.44580, 7.61782, 18.72175, 34.76007, 55.73308]

# λ, mode, r_f/L, depth/L, θ_top (deg), T_top/(ρgL), interior nodes
MODE_TABLE = [
    (1.45, 1, 0.07879, 0.99672, 2.827, 1.00122, 0),
    (1.46, 1, 0.14397, 0.98901, 5.207, 1.00414, 0),
    (1.5, 1, 0.27482, 0.95953, 10.236, 1.01617, 0),
    (2, 1, 0.70064, 0.70546, 33.293, 1.19635, 0),
    (3, 1, 0.88101, 0.46538, 52.148, 1.62965, 0),
    (5, 1, 0.95906, 0.27794, 67.171, 2.57744, 0),
    (8, 1, 0.98424, 0.17345, 75.699, 4.04833, 0),
    (8, 2, 0.08479, 0.97520, 5.089, 1.00396, 1),
    (10, 1, 0.98994, 0.13871, 78.553, 5.03865, 0),
    (10, 2, 0.18492, 0.86853, 15.847, 1.03951, 1),
    (20, 1, 0.99750, 0.06933, 84.272, 10.01932, 0),
    (20, 2, 0.28756, 0.57712, 44.583, 1.40403, 1),
    (20, 3, 0.05006, 0.97754, 4.124, 1.00260, 2),
    (50, 1, 0.99960, 0.02773, 87.708, 25.00773, 0),
    (50, 2, 0.32329, 0.30654, 69.969, 2.91947, 1),
    (50, 3, 0.16730, 0.62394, 40.935, 1.32370, 2),
    (50, 4, 0.07606, 0.88622, 14.049, 1.03084, 3),
]

# r0/L, λ, r_f/L, depth/L, θ_top, T_top/(ρgL)
TOP_RADIUS_TABLE = [
    (0.1, 0.25, 0.13067, 0.99953, 1.647, 1.00041),
    (0.1, 0.5, 0.17847, 0.99690, 3.934, 1.00236),
    (0.1, 1.0, 0.39952, 0.95315, 13.394, 1.02796),
    (0.1, 1.4458, 0.71053, 0.78754, 29.172, 1.14527),
    (0.1, 2.0, 0.90098, 0.59273, 44.184, 1.39450),
    (0.1, 5.0, 1.06944, 0.24183, 71.029, 3.07606),
    (0.5, 0.25, 0.65127, 0.98848, 8.167, 1.01025),
    (0.5, 1.0, 1.21344, 0.69880, 40.240, 1.31002),
    (0.5, 5.0, 1.48672, 0.16133, 78.607, 5.06221),
    (1.0, 0.25, 1.29078, 0.95674, 15.943, 1.04000),
    (1.0, 1.0, 1.85153, 0.52319, 54.857, 1.73728),
    (1.0, 5.0, 1.99336, 0.11464, 82.387, 7.54837),
]


def test_r5_critical_values():
    assert np.allclose(hg.critical_lambdas(5), LAMBDA_N, atol=1e-5)


@pytest.mark.parametrize("lam,count", [(1.40, 0), (1.5, 1), (2, 1), (3, 1), (5, 1), (7, 1),
                                       (8, 2), (10, 2), (20, 3), (50, 4), (200, 9)])
def test_r6_mode_count_by_shooting(lam, count):
    """The analytic count agrees with the shooting: modes 1..count solve with n-1 interior
    nodes, and for mode count+1 even an infinitesimal free end has too few axis crossings."""
    assert hg.modes_available(lam) == count
    for mode in range(1, count + 1):
        prof = hg.solve_profile(lam, 0.0, mode, 201)
        assert not prof.below_threshold
        assert prof.interior_nodes == mode - 1
        assert prof.r_f > 0 and abs(prof.r[-1]) < 1e-12
    grid, _ = hg.build_grid(201, lam)
    _, status = kn.solve_free_end(float(lam), 0.0, count + 1, grid)
    assert status == kn.STATUS_BELOW_THRESHOLD


@pytest.mark.parametrize("row", MODE_TABLE, ids=[f"lam={r[0]}-mode={r[1]}" for r in MODE_TABLE])
def test_r7_mode_table(row):
    lam, mode, r_f, depth, theta, t_top, nodes = row
    prof = hg.solve_profile(lam, 0.0, mode, 201)
    assert prof.r_f == pytest.approx(r_f, abs=1e-4)
    assert prof.depth == pytest.approx(depth, abs=1e-4)
    assert prof.top_angle_deg == pytest.approx(theta, abs=1e-3)
    assert prof.top_tension == pytest.approx(t_top, abs=1e-4)
    assert prof.interior_nodes == nodes


@pytest.mark.parametrize("row", TOP_RADIUS_TABLE, ids=[f"r0={r[0]}-lam={r[1]}" for r in TOP_RADIUS_TABLE])
def test_top_radius_table(row):
    r0, lam, r_f, depth, theta, t_top = row
    prof = hg.solve_profile(lam, r0, 1, 201)
    assert prof.r_f == pytest.approx(r_f, abs=1e-4)
    assert prof.depth == pytest.approx(depth, abs=1e-4)
    assert prof.top_angle_deg == pytest.approx(theta, abs=1e-3)
    assert prof.top_tension == pytest.approx(t_top, abs=1e-4)
    assert prof.r[-1] == pytest.approx(r0, abs=1e-12)
    assert np.all(prof.r > 0)


@pytest.mark.parametrize("offset,ratio", [(1e-4, 1.2183), (1e-3, 1.2176), (1e-2, 1.2111)])
def test_r8_near_threshold_pitchfork(offset, ratio):
    prof = hg.solve_profile(hg.critical_lambda(1) + offset, 0.0, 1, 201)
    measured = prof.r_f / math.sqrt(offset)
    assert measured == pytest.approx(1.218, rel=0.01)
    assert measured == pytest.approx(ratio, abs=2e-4)  # the note's computed values


@pytest.mark.parametrize("over", [
    {"omega": 6.0},
    {"omega": 13.0, "mode": 2, "length": 2.0, "gravity": 9.81, "density": 0.2},
    {"omega": 4.0, "top_radius": 0.4, "length": 1.5, "gravity": 3.7},
])
def test_r9_global_balances(over):
    p = {"scenario": "hanging", "points": 2001, "density": 0.05, **over}
    sol = rope.solve(p)
    rho, g, L, w = p["density"], p.get("gravity", 9.81), p.get("length", 1.0), p["omega"]
    theta = math.radians(sol.scalars["end_angle_deg"])
    t_top = sol.scalars["end_tension"]
    assert sol.tension[0] == pytest.approx(t_top, rel=1e-12)
    # vertical: T_top cos θ = ρgL
    assert t_top * math.cos(theta) == pytest.approx(rho * g * L, rel=1e-9)
    # horizontal: T_top sin θ = ρω² |∫ r ds|  (independent Simpson quadrature of the output;
    # the sign of the integral is the side the top segment leaves towards)
    assert t_top * math.sin(theta) == pytest.approx(rho * w * w * abs(simpson(sol.x, x=sol.s)), rel=1e-6)
    # T = 0 at the free end
    assert sol.tension[-1] == 0.0
    # E2: T/ρ + ½ω²r² - g z is constant along the rope, so the free end (T = 0) is on the
    # paraboloid z = ω²r²/2g + const
    bernoulli = sol.tension / rho + 0.5 * w * w * sol.x ** 2 - g * sol.z
    assert np.ptp(bernoulli) < 1e-8 * max(1.0, np.max(np.abs(bernoulli)))
    # geometry: top at (r0, 0), inextensible (chord sum ≈ L)
    assert sol.z[0] == 0.0 and sol.x[0] == pytest.approx(p.get("top_radius", 0.0), abs=1e-12)
    assert np.sum(np.hypot(np.diff(sol.x), np.diff(sol.z))) == pytest.approx(L, rel=1e-6)
    assert sol.scalars["depth"] == pytest.approx(-sol.z[-1], rel=1e-12)
    assert sol.scalars["free_end_radius"] == pytest.approx(sol.x[-1], rel=1e-12)


@pytest.mark.parametrize("lam,mode,ref", [(2, 1, -0.52354), (3, 1, -0.62791), (10, 1, -1.70527), (10, 2, -0.50375)])
def test_effective_potential(lam, mode, ref):
    """V_eff/(ρgL²) = ∫(z - ½λr²) dσ with z from the top (§2.3 check values)."""
    prof = hg.solve_profile(lam, 0.0, mode, 2001)
    z = prof.z - prof.z[-1]
    assert simpson(z - 0.5 * lam * prof.r ** 2, x=prof.sigma) == pytest.approx(ref, abs=1e-5)


@pytest.mark.parametrize("lam,r0,mode", [(2.0, 0.0, 1), (10.0, 0.0, 2), (50.0, 0.0, 4),
                                         (1.0, 0.1, 1), (5.0, 1.0, 1)])
def test_numba_shooting_matches_scipy_twin(lam, r0, mode):
    """Fixed-step RK4 in τ = √σ (numba) vs adaptive RK45 in σ (solve_ivp rtol 1e-10): r_f to 1e-7."""
    prof = hg.solve_profile(lam, r0, mode, 201)
    twin = ks.solve_free_end(lam, r0, mode, rtol=1e-10, atol=1e-12)
    assert prof.r_f == pytest.approx(twin, abs=1e-7)
    # and the profile itself: r(σ) at the output nodes
    sol = ks.integrate(lam, twin, rtol=1e-10, atol=1e-12, sigma_eval=prof.sigma)
    assert np.max(np.abs(sol.y[0] - prof.r)) < 1e-7
    assert np.max(np.abs(sol.y[2] - prof.z)) < 1e-7


def test_mode_that_does_not_exist_names_mode_and_threshold():
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "hanging", "omega": 3.0, "mode": 2, "length": 1.0, "gravity": 9.81})
    assert err.value.name == "mode"
    text = str(err.value)
    assert "8.645 rad/s" in text and "7.61782" in text and "0.917" in text


def test_below_the_first_threshold_mode_1_does_not_exist():
    """Below λ1 only the vertical rope exists: asking for mode 1 is refused like any missing mode,
    naming ``mode`` and the smallest ω (√(λ1 g / L) = 3.766 rad/s for L = 1 m, g = 9.81)."""
    for omega in (0.0, 3.0):
        with pytest.raises(ParameterError) as err:
            rope.solve({"scenario": "hanging", "omega": omega, "density": 0.1})
        assert err.value.name == "mode"
        assert "vertical" in str(err.value) and "3.766" in str(err.value)
    sol = rope.solve({"scenario": "hanging", "omega": 3.8})
    assert sol.scalars["modes_available"] == 1 and sol.scalars["free_end_radius"] > 0


def test_gravity_zero_and_top_radius_higher_modes_are_refused():
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "hanging", "gravity": 0.0})
    assert err.value.name == "gravity"
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "hanging", "top_radius": 0.3, "mode": 2, "omega": 20.0})
    assert err.value.name == "mode"
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "hanging", "omega": 200.0, "gravity": 0.01, "length": 20.0})
    assert err.value.name == "omega"


def test_scalars_and_message():
    sol = rope.solve({"scenario": "hanging", "omega": 6.0, "length": 1.0, "gravity": 9.81})
    lam = 36.0 / 9.81
    assert sol.scalars["lambda"] == pytest.approx(lam, rel=1e-12)
    assert sol.scalars["modes_available"] == 1
    assert sol.scalars["max_radius"] == pytest.approx(sol.scalars["free_end_radius"], rel=1e-12)
    assert sol.message.startswith("mode 1 of 1 available at λ = 3.67")
