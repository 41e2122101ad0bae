"""The Pareto playground (M-8, M-9, M-11 in the plane): the exact min-norm point against Frank–Wolfe
and its KKT conditions, the normalised sum and the projection at θ₀, the Pareto set of bowls (the
gradients there are opposed), and where each rule's path ends.  Tolerances: 1e-12 for identities,
1e-9 for solves, the step size for path ends."""
import numpy as np
import pytest

from engines.core.params import ParameterError
from engines.multitask.pareto import PARETO_PARAMS, direction, min_norm_point, playground
from engines.multitask.pareto_tasks import Bowls, non_dominated, simplex_grid
from engines.multitask.weighting import min_norm_weights


def frame(**values):
    return playground(PARETO_PARAMS.validate({**PARETO_PARAMS.defaults(), **values}))


def test_the_exact_min_norm_point_is_the_hulls_nearest_point():
    rng = np.random.default_rng(3)
    for _ in range(60):
        g = rng.normal(size=(int(rng.integers(2, 5)), 2)) * rng.uniform(0.01, 10.0)
        u = min_norm_point(g)
        fw = min_norm_weights(g, iterations=1500) @ g
        assert u @ u <= fw @ fw + 1e-12                          # never worse than Frank–Wolfe
        assert np.linalg.norm(u - fw) <= 0.05 * max(np.linalg.norm(g, axis=1).max(), 1e-12)
        assert (g @ u).min() >= u @ u - 1e-9 * max(1.0, (g * g).sum())  # KKT: ⟨g_i,u⟩ ≥ ‖u‖² (M-9)
    inside = np.array([[1.0, 0.0], [-1.0, 1.0], [-1.0, -1.0]])
    assert np.all(min_norm_point(inside) == 0.0)


def test_the_directions_at_the_start_keep_their_promises():
    for tasks in (2, 3, 4):
        s = frame(tasks=tasks, start="2.5, -1").scalars
        assert s["mgda_slack"] >= -1e-12 and s["projection_aux_min_inner"] >= -1e-12
        assert abs(s["projection_primary_gap"]) <= 1e-12 * max(1.0, s["mgda_norm"] ** 2 * 100)
    assert frame(tasks=2, start="0, 1").scalars["normalized_min_inner"] >= 0.0   # two tasks (M-8)


def test_the_pareto_set_of_two_bowls_has_opposed_gradients():
    bowls = Bowls.of([[-1, 0], [1, 0.5]], [6, 1], [30, 0], [1, 1])
    points = bowls.weighted_minimiser(simplex_grid(2, 40))
    assert points[[0, -1]] == pytest.approx(np.array([[1, 0.5], [-1, 0]]), abs=1e-12)  # α = e_i: centre i
    for point in points[1:-1]:
        g1, g2 = bowls.gradients(point)
        assert g1 @ g2 / np.linalg.norm(g1) / np.linalg.norm(g2) == pytest.approx(-1.0, abs=1e-9)


def test_mgda_ends_on_the_pareto_set_and_the_plain_sum_at_the_equal_weight_point():
    f = frame(tasks=3, steps=400, lr=0.05)
    s = f.scalars
    assert s["final_distance_mgda"] < 1e-3 and s["final_direction_norm_mgda"] < 1e-3
    bowls = Bowls.of([[-1, 0], [1, 0.5], [0, -1.2]], [6, 1, 3], [30, 0, -45], [1, 1, 1])
    equal = bowls.weighted_minimiser(np.full(3, 1 / 3))
    assert f.arrays["path_sum"][-1] == pytest.approx(equal, abs=1e-6)


def test_a_rescaled_task_moves_the_sum_and_mgda_but_not_the_normalised_sum():
    base, loud = frame(tasks=3), frame(tasks=3, scales="1, 20, 1")
    rows = {r: (base.arrays["directions"][i, 1:], loud.arrays["directions"][i, 1:]) for i, r in
            enumerate(("sum", "normalized", "mgda", "projection"))}
    def cos(a, b):
        return a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert cos(*rows["normalized"]) == pytest.approx(1.0, abs=1e-12)
    assert cos(*rows["sum"]) < 0.99 and cos(*rows["mgda"]) < 0.99


def test_a_ripple_can_stop_mgda_short_of_the_pareto_set():
    s = frame(tasks=3, ripple=0.6).scalars
    assert s["final_direction_norm_mgda"] < 1e-6 and s["final_distance_mgda"] > 0.3   # stationary, not optimal


def test_non_domination_against_brute_force():
    losses = np.random.default_rng(1).random((300, 3))
    brute = [not any(np.all(o <= row) and np.any(o < row) for o in losses) for row in losses]
    assert list(non_dominated(losses)) == brute


@pytest.mark.parametrize("values, name", [({"centres": "0, 0"}, "centres"), ({"centres": "0, 0; 1"}, "centres"),
                                          ({"start": "9, 0"}, "start"), ({"anisotropy": "0.5, 1"}, "anisotropy"),
                                          ({"tasks": 3, "scales": "1, 1"}, "scales")])
def test_bad_geometry_is_refused_by_name(values, name):
    with pytest.raises(ParameterError) as err:
        frame(**values)
    assert err.value.name == name and "allowed" in str(err.value)


def test_direction_falls_back_when_a_gradient_vanishes():
    g = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert np.all(direction("normalized", g) == 0.0) and np.all(direction("projection", g) == g[0])
