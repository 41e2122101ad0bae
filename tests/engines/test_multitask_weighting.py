"""Acceptance facts M-1, M-2, M-5 … M-11 (multitask.md §d): identities to 1e-6 in float32 and 1e-12
in float64, property tests over random gradients."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.multitask.weighting import (auxiliary_coefficients, frank_wolfe, min_norm_two, min_norm_weights,
                                         normalized_sum, power_mean, power_mean_gradient, power_mean_weights,
                                         projection_coefficient, uncertainty_optimum)


def _three_task_losses(dtype):
    torch.manual_seed(0)
    theta = torch.randn(20, dtype=dtype, requires_grad=True)
    a = torch.randn(3, 20, dtype=dtype)
    return theta, ((a @ theta) ** 2 + 0.5)


def test_m1_real_time_normalisation_is_the_gradient_of_sum_log():
    for dtype, tol in ((torch.float32, 1e-6), (torch.float64, 1e-12)):
        theta, losses = _three_task_losses(dtype)
        value = (losses / losses.detach()).sum()
        assert value.item() == 3.0  # every term is exactly 1 (eq. 5)
        g_realtime, = torch.autograd.grad(value, theta, retain_graph=True)
        g_log, = torch.autograd.grad(losses.log().sum(), theta, retain_graph=True)
        g_sum = sum(torch.autograd.grad(l, theta, retain_graph=True)[0] / l.detach() for l in losses)
        scale = g_log.norm()
        assert (g_realtime - g_log).norm() / scale < tol
        assert (g_realtime - g_sum).norm() / scale < tol


def test_m2_geometric_mean_gradient_is_a_positive_multiple():
    theta, losses = _three_task_losses(torch.float64)
    gm = losses.prod() ** (1 / 3)
    g_gm, = torch.autograd.grad(gm, theta, retain_graph=True)
    g_rt, = torch.autograd.grad((losses / losses.detach()).sum(), theta)
    assert torch.allclose(g_gm, gm.detach() / 3 * g_rt, rtol=1e-12, atol=0)
    assert torch.nn.functional.cosine_similarity(g_gm, g_rt, dim=0) == pytest.approx(1.0, abs=1e-14)


def test_m5_power_mean_reference_numbers_limits_and_weights():
    losses = (0.5, 2.0, 8.0)
    for gamma, value in ((-1, 1.1429), (0, 2.0), (0.5, 2.7222), (1, 3.5), (2, 4.7697)):
        assert power_mean(losses, gamma) == pytest.approx(value, abs=5e-5)
    assert power_mean(losses, -math.inf) == 0.5 and power_mean(losses, math.inf) == 8.0
    assert power_mean(losses, -200) == pytest.approx(0.5 * 3 ** (1 / 200), rel=1e-12)
    grid = np.linspace(-5, 5, 201)
    assert np.all(np.diff([power_mean(losses, g) for g in grid]) > 0)  # increasing in γ (eq. 11)
    for gamma, weights in ((0, (0.762, 0.190, 0.048)), (1, (1 / 3, 1 / 3, 1 / 3)), (2, (0.048, 0.190, 0.762)),
                           (-4, (0.999, 0.001, 0.0)), (6, (0.0, 0.001, 0.999))):
        assert power_mean_weights(losses, gamma) == pytest.approx(weights, abs=1e-3)
    # the weights are the normalised partial derivatives, checked by finite differences
    for gamma in (-2.0, 0.5, 3.0):
        exact = power_mean_gradient(losses, gamma)
        h = 1e-6
        numeric = [(power_mean(np.add(losses, h * e), gamma) - power_mean(np.subtract(losses, h * e), gamma)) / (2 * h)
                   for e in np.eye(3)]
        assert exact == pytest.approx(numeric, rel=1e-6)
        assert exact / exact.sum() == pytest.approx(power_mean_weights(losses, gamma), rel=1e-12)
    # scaling one task by λ scales its contribution by λ^γ: only γ = 0 keeps the weighted gradient
    lam = 7.0
    for gamma in (0.0, 0.5, 2.0):
        before = power_mean_weights(losses, gamma) * 1.0
        after = power_mean_weights((losses[0] * lam, *losses[1:]), gamma) * np.array([lam, 1, 1])
        ratio = (after[0] / after[1]) / (before[0] / before[1])
        assert ratio == pytest.approx(lam ** gamma, rel=1e-12)


def test_m7_uncertainty_weighting_optimum():
    s, value = uncertainty_optimum(3.7)
    assert (s, value) == pytest.approx((1.30833, 1.15417), abs=5e-6)
    grid = np.linspace(s - 1, s + 1, 20001)
    objective = 0.5 * np.exp(-grid) * 3.7 + 0.5 * grid
    assert grid[objective.argmin()] == pytest.approx(s, abs=1e-4)
    assert objective.min() == pytest.approx(value, abs=1e-9)


vectors = st.lists(st.floats(-10, 10, allow_nan=False), min_size=5, max_size=5).filter(
    lambda v: np.linalg.norm(v) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(vectors, vectors)
def test_m8_the_normalised_sum_never_hurts_either_of_two_tasks(g1, g2):
    u = normalized_sum([g1, g2])
    for g in (g1, g2):
        assert np.dot(g, u) >= -1e-9 * np.linalg.norm(g) * np.linalg.norm(u)


def _min_norm_by_support(gradients):
    """The exact min-norm point of the hull: the best over every face's affine projection (KKT)."""
    g = np.asarray(gradients)
    best, best_alpha = np.inf, None
    from itertools import combinations
    for size in range(1, len(g) + 1):
        for face in combinations(range(len(g)), size):
            sub = g[list(face)]
            gram = sub @ sub.T
            system = np.block([[gram, np.ones((size, 1))], [np.ones((1, size)), np.zeros((1, 1))]])
            try:
                solution = np.linalg.solve(system, np.r_[np.zeros(size), 1.0])
            except np.linalg.LinAlgError:
                continue
            a = solution[:size]
            if np.all(a >= -1e-12):
                alpha = np.zeros(len(g))
                alpha[list(face)] = a
                norm = np.linalg.norm(alpha @ g)
                if norm < best:
                    best, best_alpha = norm, alpha
    return best_alpha


@settings(max_examples=100, deadline=None)
@given(vectors, vectors)
def test_m9_two_task_min_norm_closed_form_and_kkt(g1, g2):
    g1, g2 = np.array(g1), np.array(g2)
    a = min_norm_two(g1, g2)
    grid = np.linspace(0, 1, 100001)
    norms = np.linalg.norm(grid[:, None] * g1 + (1 - grid[:, None]) * g2, axis=1)
    assert np.linalg.norm(a * g1 + (1 - a) * g2) <= norms.min() + 1e-9 * (1 + norms.min())
    u = a * g1 + (1 - a) * g2
    scale = max(np.dot(g1, g1), np.dot(g2, g2))
    for g in (g1, g2):  # KKT: ⟨g_i, u*⟩ ≥ ‖u*‖²
        assert np.dot(g, u) >= np.dot(u, u) - 1e-9 * scale
    if 1e-6 < a < 1 - 1e-6:  # interior: equal to fp precision
        assert abs(np.dot(g1, u) - np.dot(g2, u)) <= 1e-12 * scale * 100
        assert abs(np.dot(g1, u) - np.dot(u, u)) <= 1e-12 * scale * 100


def test_m9_frank_wolfe_line_search_and_averaging_reach_the_min_norm_point():
    rng = np.random.default_rng(1)
    for tasks in (3, 4, 6):
        g = rng.normal(size=(tasks, 8)) + np.array([1.0] + [0.0] * 7)
        exact = _min_norm_by_support(g)
        fast = min_norm_weights(g, iterations=2000)
        slow = min_norm_weights(g, iterations=2000, line_search=False)
        u_exact = exact @ g
        # Jaggi's bound for Frank–Wolfe with the 2/(k+2)-type step: f(α_k) − f* ≤ 2 diam²/(k + 2)
        diam2 = max(np.sum((a - b) ** 2) for a in g for b in g)
        for alpha, k in ((fast, 2000), (slow, 2000)):
            gap = 0.5 * np.sum((alpha @ g) ** 2) - 0.5 * np.sum(u_exact ** 2)
            assert -1e-12 <= gap <= 2 * diam2 / (k + 2)
            # ½‖u‖² is 1-strongly convex in u and u* minimises it over the hull: ‖u − u*‖² ≤ 2·gap
            assert np.sum((alpha @ g - u_exact) ** 2) <= 2 * gap + 1e-12
            assert np.linalg.norm(alpha @ g - u_exact) < 0.02 * np.linalg.norm(g, axis=1).max()
        u = fast @ g
        assert np.all(g @ u >= u @ u - 0.05 * np.sum(g ** 2, axis=1).max())
        assert np.all(g @ u_exact >= u_exact @ u_exact - 1e-12)  # KKT at the exact point
    # batched: one Gram matrix per member, each solved as if alone
    grams = torch.as_tensor(np.stack([x @ x.T for x in rng.normal(size=(5, 3, 4))]))
    batched = frank_wolfe(grams, 50)
    for b in range(5):
        assert torch.allclose(batched[b], frank_wolfe(grams[b:b + 1], 50)[0], atol=1e-15)


def test_m10_su_counter_example_to_the_mgda_ub_lemma():
    x, y, m = np.array([1.0, -2.0]), np.array([1.0, 1.0]), np.diag([3.0, 1.0])
    assert np.all(np.linalg.eigvalsh(m) > 0)
    assert x @ y == -1.0 and x @ m @ y == 1.0


@settings(max_examples=200, deadline=None)
@given(vectors, vectors)
def test_m11_projection_never_opposes_the_auxiliary(g0, g1):
    g0, g1 = np.array(g0), np.array(g1)
    gamma = projection_coefficient(g0, g1)
    u = g0 + gamma * g1
    scale = np.dot(g0, g0) + np.dot(g1, g1)
    if np.dot(g0, g1) >= 0:
        assert gamma == 0.0 and np.array_equal(u, g0)
    else:
        assert abs(np.dot(u, g1)) <= 1e-12 * scale * 10
        assert np.dot(u, g0) == pytest.approx(np.dot(u, u), abs=1e-12 * scale * 10)


def test_several_auxiliaries_solve_the_orthant_problem():
    rng = np.random.default_rng(3)
    for _ in range(20):
        g0, aux = rng.normal(size=6), rng.normal(size=(3, 6))
        lam = auxiliary_coefficients(g0, aux, iterations=500)
        u = g0 + lam @ aux
        assert np.all(lam >= 0)
        assert np.all(aux @ u >= -1e-8)                    # no auxiliary is opposed
        assert np.allclose(lam * (aux @ u), 0, atol=1e-8)  # complementary slackness (KKT)
