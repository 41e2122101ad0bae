"""Su's original code (R11), the corrected formulation, the catenary (R1), Su's γ = 0 curve (R12)
and the discrete chain's critical speeds (R10)."""
import math

import numpy as np
import pytest

import engines.rope as rope
from engines.core.params import ParameterError
from engines.rope import catenary as ct
from engines.rope.discrete_chain import critical_lambdas

# C1, s, x, y  (rope.md §1.5, 5 decimals)
SU_TABLE = [
    (0, 0.00, 1.00000, 0.00000), (0, 0.10, 0.99314, -0.09969), (0, 0.25, 0.96110, -0.24605),
    (0, 0.45, 0.88463, -0.43049), (0, 0.4999, 0.85994, -0.47384),
    (1, 0.10, 1.03861, -0.09200), (1, 0.30, 1.06821, -0.28923), (1, 0.35, 1.06861, -0.33922),
    (1, 0.4999, 1.05704, -0.48857),
]
SU_PARAMS = {"scenario": "su_original", "omega": 2.0, "gravity": 3.0, "length": 0.5,
             "start_x": 1.0, "start_y": 0.0, "points": 2001}


@pytest.mark.parametrize("c1", [0.0, 1.0])
def test_r11_su_code_reproduces_the_table(c1):
    sol = rope.solve({**SU_PARAMS, "c1": c1})
    data, cols = sol.extras["su_code"]
    assert cols == ("s", "x", "y")
    assert data.shape == (5000, 3) and data[-1, 0] == pytest.approx(0.4999, abs=1e-12)
    for c, s, x, y in SU_TABLE:
        if c != c1:
            continue
        i = int(round(s / 1e-4))
        assert data[i, 0] == pytest.approx(s, abs=1e-12)
        assert data[i, 1] == pytest.approx(x, abs=1e-4)
        assert data[i, 2] == pytest.approx(y, abs=1e-4)
    if c1 == 1.0:
        assert data[:, 1].max() == pytest.approx(1.06873, abs=1e-4)
    # the main shape is his curve (z = his y) and the start is compressive: φ0 = 2 > 0
    assert sol.x[0] == 1.0 and sol.z[0] == 0.0
    assert np.interp(0.25, sol.s, sol.x) == pytest.approx(np.interp(0.25, data[:, 0], data[:, 1]), abs=1e-6)
    assert sol.scalars["phi_start"] == 2.0 and sol.scalars["end_tension"] < 0
    assert "compression" in sol.message


def _derivative(s, f):
    return np.gradient(f, s, edge_order=2)


@pytest.mark.parametrize("c1", [0.0, 1.0])
def test_su_code_swaps_the_components_and_corrected_satisfies_eq6(c1):
    """Along Su's curve φ·dx/ds = C1 - g s (his swap, to RK23's default accuracy), not his eq. (6)
    φ·dy/ds = C1 - g s; the corrected curve satisfies (6) and |dr/ds| = 1 (to 1e-6)."""
    sol = rope.solve({**SU_PARAMS, "c1": c1})
    s = sol.s
    phi = 0.5 * 4.0 * sol.x ** 2 - 3.0 * sol.z
    rhs = c1 - 3.0 * s
    assert np.max(np.abs(phi * _derivative(s, sol.x) - rhs)) < 2e-3
    assert np.max(np.abs(phi * _derivative(s, sol.z) - rhs)) > 0.1
    cor, cols = sol.extras["corrected"]
    assert cols == ("s", "x", "y") and np.array_equal(cor[:, 0], s)
    xc, yc = cor[:, 1], cor[:, 2]
    phic = 0.5 * 4.0 * xc ** 2 - 3.0 * yc
    dx, dy = _derivative(s, xc), _derivative(s, yc)
    assert np.max(np.abs(phic * dy - rhs)) < 1e-6
    assert np.max(np.abs(np.hypot(dx, dy) - 1.0)) < 1e-6
    assert xc[0] == 1.0 and yc[0] == 0.0 and dx[0] < 0


def test_su_imaginary_start_is_refused():
    with pytest.raises(ParameterError) as err:
        rope.solve({**SU_PARAMS, "c1": 3.0})  # G0 = C1/φ0 = 1.5
    assert err.value.name == "c1"


@pytest.mark.parametrize("p1,p2,length", [((0, 0), (2, 0), 3.0), ((0, 0), (2, 1), 2.5),
                                          ((-1, 2), (3, -1), 8.0)])
def test_r1_catenary_from_the_general_force_balance(p1, p2, length):
    sol = ct.solve_two_end(p1, p2, length, omega=0.0, g=9.81, s_eval=np.linspace(0, length, 401))
    a, b, c = ct.catenary_through(p1, p2, length)
    x, y = sol.y[0], sol.y[1]
    assert np.max(np.abs(y - (c + a * np.cosh((x - b) / a)))) < 1e-8
    # Su's printed form y = a cosh(x - b) (his §1.3 typo; here shifted through p1) does not fit
    su_form = a * np.cosh(x - b)
    assert np.max(np.abs(y - (su_form - su_form[0] + y[0]))) > 1e-3
    # the tension is ρ g (y - c + ...) : T/ρ = g·(a cosh) i.e. T = ρ g (y - c)
    assert np.max(np.abs(sol.y[3] - 9.81 * (y - c))) < 1e-8 * 9.81 * length


def test_r12_su_gamma0_asymptote():
    assert ct.su_gamma0_asymptote(1.0) == pytest.approx(1.311029, abs=1e-6)
    assert ct.su_gamma0_asymptote_quad(1.0) == pytest.approx(ct.su_gamma0_asymptote(1.0), abs=1e-10)
    assert ct.su_gamma0_asymptote(4.0) == pytest.approx(1.311029 / 2.0, abs=1e-6)


def test_r10_discrete_chain():
    assert critical_lambdas(2)[0] == pytest.approx(4 - 2 * math.sqrt(2), abs=1e-12)
    assert critical_lambdas(2)[1] == pytest.approx(4 + 2 * math.sqrt(2), abs=1e-12)
    assert critical_lambdas(10)[0] == pytest.approx(1.37793, abs=1e-5)
    assert critical_lambdas(100)[0] == pytest.approx(1.43861, abs=1e-5)
    assert np.allclose(critical_lambdas(400)[:4], [1.44399, 7.60833, 18.69856, 34.71729], atol=1e-5)
