"""Jump rope with gravity, quasi-static virtual-axis reduction (rope.md §2.4): R13.

The §2.4 table gives R and sag to 4 decimals (tolerance 1e-4 as R13 says), k to 6 decimals
(1e-6) and the tension coefficients to 4 decimals (1e-4).
"""
import math

import numpy as np
import pytest

import engines.rope as rope
from engines.core.params import ParameterError

# rev/s, d, R, sag, k, T_hand/(μω²), T_bottom/(μω²)
TABLE = [
    (1.0, 0.2485, 1.5211, 1.2726, 0.913593, 1.2406, 0.1146),
    (1.5, 0.1104, 1.3839, 1.2735, 0.907721, 1.0539, 0.1023),
    (2.0, 0.0621, 1.3360, 1.2739, 0.905508, 0.9885, 0.0980),
    (3.0, 0.0276, 1.3018, 1.2742, 0.903876, 0.9418, 0.0949),
    (4.0, 0.0155, 1.2898, 1.2743, 0.903294, 0.9255, 0.0938),
]


def _jump(rev, **over):
    return rope.solve({"scenario": "jump", "length": 2.7, "span": 0.6, "omega": 2 * math.pi * rev,
                       "gravity": 9.81, "density": 0.03, "points": 401, **over})


@pytest.mark.parametrize("row", TABLE, ids=[f"{r[0]}rev/s" for r in TABLE])
def test_r13_jump_table(row):
    rev, d, R, sag, k, t_hand, t_bottom = row
    sol = _jump(rev)
    mu_w2 = 0.03 * (2 * math.pi * rev) ** 2
    sc = sol.scalars
    assert sc["virtual_axis_offset"] == pytest.approx(d, abs=1e-4)
    assert sc["lobe_radius"] == pytest.approx(R, abs=1e-4)
    assert sc["sag"] == pytest.approx(sag, abs=1e-4)
    assert sc["max_radius"] == sc["sag"]
    assert sc["k"] == pytest.approx(k, abs=1e-6)
    assert sc["end_tension"] / mu_w2 == pytest.approx(t_hand, abs=1e-4)
    assert sc["bottom_tension"] / mu_w2 == pytest.approx(t_bottom, abs=1e-4)


def test_r13_no_gravity_is_the_troposkein():
    sol = _jump(2.0, gravity=0.0)
    assert sol.scalars["k"] == pytest.approx(0.902539, abs=1e-6)
    assert sol.scalars["sag"] == pytest.approx(1.27439, abs=1e-5)
    assert sol.scalars["virtual_axis_offset"] == 0.0


def test_jump_shape_is_consistent():
    sol = _jump(2.0)
    d = sol.scalars["virtual_axis_offset"]
    # hands on the hands' axis, rope of length L, uniform arc-length samples
    assert sol.x[0] == 0.0 and sol.x[-1] == 0.0
    assert sol.z[0] == -0.3 and sol.z[-1] == 0.3
    assert sol.s[-1] == pytest.approx(2.7, rel=1e-12)
    assert np.sum(np.hypot(np.diff(sol.x), np.diff(sol.z))) == pytest.approx(2.7, rel=1e-4)
    assert np.all(sol.tension > 0)
    # force balance in the virtual-axis field (E2 with g absorbed): T + ½μω²r² constant, r = x + d
    mu_w2 = 0.03 * (4 * math.pi) ** 2
    r = sol.x + d
    assert np.ptp(sol.tension + 0.5 * mu_w2 * r ** 2) < 1e-9
    # the g = 0 comparison shape is the troposkein between the same hands
    ng, cols = sol.extras["no_gravity"]
    assert cols == ("z", "x") and ng[:, 1].max() == pytest.approx(1.27439, abs=1e-4)


def test_jump_refusals():
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "jump", "omega": 0.0})
    assert err.value.name == "omega" and "g/ω²" in str(err.value)
    with pytest.raises(ParameterError) as err:
        rope.solve({"scenario": "jump", "length": 1.0, "span": 1.2})
    assert err.value.name == "span"


def test_low_froude_number_is_flagged():
    sol = rope.solve({"scenario": "jump", "length": 2.7, "span": 0.6, "omega": 2.0})
    assert sol.scalars["froude"] < 5 and "warning" in sol.message
