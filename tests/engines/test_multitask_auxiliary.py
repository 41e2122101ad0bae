"""Primary + auxiliary (panel M4): the hand-written backward and per-sample alignments against
autograd / torch.func (1e-12), the projection's promises (M-11) and “L2 without λ”'s norm bound as
property tests, symmetric label noise, and short runs of both problems that check what each rule
is for.  Tolerances: 1e-12 relative for float64 identities; behaviour margins stated per test."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.multitask.arena_population import initial_parameters
from engines.multitask.auxiliary import AUXILIARY_PARAMS, relevant_auxiliary, run_auxiliary
from engines.multitask.auxiliary_l2 import DECAY_GRID, L2_GRID, L2_METHODS, Members, away_from_growth
from engines.multitask.auxiliary_net import TwoLayerNet
from engines.multitask.auxiliary_noisy import NOISY_METHODS, flip_labels, project_rows


def run(**values):
    p = {**AUXILIARY_PARAMS.defaults(), **values}
    return list(run_auxiliary(p, RunContext.for_params(p)))


def net_and_batch(members=3, batch=7):
    torch.manual_seed(0)
    net = TwoLayerNet(5, 6, 4)
    theta = torch.randn(members, net.layout.total, dtype=torch.float64)
    return net, theta, torch.randn(batch, 5, dtype=torch.float64), torch.randint(0, 4, (batch,))


def autograd_loss(net, row, x, y, weights=None):
    w1, b1, w2, b2 = (t[0] for t in net.weights(row.unsqueeze(0)))
    z = torch.relu(x @ w1 + b1) @ w2 + b2
    losses = torch.nn.functional.cross_entropy(z, y, reduction="none")
    return (losses if weights is None else losses * weights).mean()


def test_the_written_out_backward_is_autograds():
    net, theta, x, y = net_and_batch()
    weights = (torch.rand(3, 7, dtype=torch.float64) > 0.4).to(torch.float64)
    p = net.forward_backward(theta, x, y)
    for mask in (None, weights):
        ours = net.gradient(p, mask)
        for i in range(3):
            row = theta[i].clone().requires_grad_(True)
            reference = torch.autograd.grad(autograd_loss(net, row, x, y, None if mask is None else mask[i]), row)[0]
            assert torch.allclose(ours[i], reference, rtol=1e-12, atol=1e-14)
    assert torch.allclose(p.losses.mean(dim=1), torch.stack([autograd_loss(net, t, x, y) for t in theta]), rtol=1e-13)


def test_per_sample_alignments_match_torch_func_per_sample_gradients():
    net, theta, x, y = net_and_batch()
    direction = torch.randn_like(theta)
    ours = net.alignments(net.forward_backward(theta, x, y), direction)
    for i in range(3):
        per_sample = torch.func.vmap(torch.func.grad(lambda t, xi, yi: autograd_loss(net, t, xi[None], yi[None])),
                                     in_dims=(None, 0, 0))(theta[i], x, y)
        assert torch.allclose(ours[i], per_sample @ direction[i], rtol=1e-12, atol=1e-13)


vectors = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=6, max_size=6)


@settings(max_examples=200, deadline=None)
@given(vectors, vectors)
def test_the_projection_never_opposes_the_auxiliary(g0, g1):
    """M-11: γ = relu(−⟨g₀,g₁⟩)/‖g₁‖²; no conflict → u = g₀; else ⟨u,g₁⟩ = 0 and ⟨u,g₀⟩ = ‖u‖²."""
    g0, g1 = torch.tensor([g0], dtype=torch.float64), torch.tensor([g1], dtype=torch.float64)
    if float(g1 @ g1.T) < 1e-6:
        return
    u, gamma = project_rows(g0, g1)
    scale = float(g0.norm() * g1.norm()) + 1e-300
    if float((g0 * g1).sum()) >= 0:
        assert torch.equal(u, g0) and float(gamma) == 0.0
    else:
        assert abs(float((u * g1).sum())) <= 1e-12 * scale
        assert abs(float((u * g0).sum() - (u * u).sum())) <= 1e-12 * float(g0.norm()) ** 2 + 1e-12 * scale


@settings(max_examples=200, deadline=None)
@given(vectors, vectors, st.floats(1e-4, 1.0))
def test_l2_without_lambda_never_lengthens_theta_beyond_second_order(g, theta, eta):
    """⟨u,θ⟩ ≥ 0, so ‖θ − ηu‖² − ‖θ‖² ≤ η²‖u‖² (with rounding: 1e-12 of the terms' size)."""
    g, theta = torch.tensor([g], dtype=torch.float64), torch.tensor([theta], dtype=torch.float64)
    if float(theta.norm()) < 1e-3:
        return
    u = away_from_growth(g, theta)
    assert float((u * theta).sum()) >= -1e-12 * float(g.norm() * theta.norm())
    grow = float((theta - eta * u).norm() ** 2 - theta.norm() ** 2)
    size = float(theta.norm() ** 2 + eta * u.norm() * theta.norm() + (eta * u.norm()) ** 2)
    assert grow <= float((eta * u.norm()) ** 2) + 1e-12 * size


def test_symmetric_label_noise_flips_at_the_rate_and_never_to_the_truth():
    y = np.random.default_rng(1).integers(0, 10, 20_000)
    for rate in (0.0, 0.3, 0.8):
        noisy = flip_labels(y, rate, np.random.default_rng(2))
        flipped = noisy != y
        assert abs(flipped.mean() - rate) <= 4 * math.sqrt(rate * (1 - rate) / len(y)) + 1e-12
        if rate:   # the wrong labels are spread evenly over the nine other classes
            offsets = np.bincount(((noisy - y) % 10)[flipped], minlength=10)
            assert offsets[0] == 0 and offsets[1:].min() > 0.8 * flipped.sum() / 9


def test_noisy_labels_masking_finds_the_noise_and_the_projection_spares_the_clean_set():
    """Noise 0.6, 600 steps: masking's dropped samples are mislabelled well above the base rate
    (≥ base + 0.15); projection and summing keep the clean loss below the noisy-only network's."""
    frames = run(noise_rate=0.6, clean_size=100, steps=600, eval_every=100)
    s = frames[-1].scalars
    assert s["masked_mislabelled"] >= s["batch_mislabelled"] + 0.15
    assert 0.5 <= s["batch_mislabelled"] <= 0.7 and 0.0 < s["masked_fraction"] < 1.0
    assert s["clean_loss_projection"] < s["clean_loss_noisy"] and s["clean_loss_summed"] < s["clean_loss_noisy"]
    assert 0.0 < s["conflict_rate"] <= 1.0
    assert s["memorised_noisy"] > s["memorised_masking"]
    assert {f"test_acc_{m}" for m in NOISY_METHODS} <= set(s) and frames[-1].progress == 1.0


def test_l2_free_with_sgd_matches_the_identities_and_holds_the_norm():
    """With SGD: the gradient and update projections are the same rule, AdamW's decay is L2 with the
    same λ (bitwise), and the projected ‖θ‖ stays within 1 % of ‖θ₀‖ while the plain run grows."""
    frames = run(problem="l2_free", optimizer="sgd", lr=0.1, steps=300, eval_every=50, batch_size=100)
    grid = frames[-1].arrays["grid"]
    members = Members.all()
    assert grid.shape == (len(members.rows), 7)
    rows = {(L2_METHODS[int(r[0])], r[1]): r for r in grid}
    assert np.array_equal(rows[("projected", 0.0)][2:], rows[("projected_update", 0.0)][2:])
    for lam in set(L2_GRID) & set(DECAY_GRID):
        assert np.array_equal(rows[("l2", lam)][2:], rows[("adamw", lam)][2:])
    start = frames[0].scalars["weight_norm_projected"]
    assert abs(frames[-1].scalars["weight_norm_projected"] / start - 1) < 0.01
    assert frames[-1].scalars["weight_norm_none"] > 1.05 * frames[0].scalars["weight_norm_none"]


def test_the_tuned_rules_report_the_member_best_on_validation():
    frames = run(problem="l2_free", steps=60, eval_every=30, train_size=60)
    s, grid = frames[-1].scalars, frames[-1].arrays["grid"]
    for method in ("l2", "adamw"):
        mine = grid[grid[:, 0] == L2_METHODS.index(method)]
        best = mine[np.argmin(mine[:, 4])]
        assert s[f"lambda_{method}"] == best[1] and s[f"test_acc_{method}"] == best[3]


def test_the_initial_scale_is_the_norm_the_projected_update_keeps():
    small, large = (run(problem="l2_free", steps=200, eval_every=200, init_scale=k)[-1].scalars for k in (1.0, 3.0))
    assert abs(large["weight_norm_projected_update"] / small["weight_norm_projected_update"] - 3.0) < 0.3


def test_parameters_are_checked_and_the_form_shows_each_problems_own():
    with pytest.raises(ParameterError, match="noise_rate"):
        AUXILIARY_PARAMS.validate({**AUXILIARY_PARAMS.defaults(), "noise_rate": 0.9})
    with pytest.raises(ParameterError, match="clean_size"):
        AUXILIARY_PARAMS.validate({**AUXILIARY_PARAMS.defaults(), "clean_size": 5})
    assert "train_size" not in relevant_auxiliary({"problem": "noisy_labels"})
    assert {"noise_rate", "clean_size"}.isdisjoint(relevant_auxiliary({"problem": "l2_free"}))


def test_initial_parameters_keep_or_zero_the_heads():
    net = TwoLayerNet(64, 8, 10)
    head = slice(net.w2, net.layout.total)
    assert torch.count_nonzero(initial_parameters(net.layout, 0)[head]) == 0
    assert torch.count_nonzero(initial_parameters(net.layout, 0, zero_heads=False)[head]) == net.layout.total - net.w2


def test_inside_a_step_the_projection_row_never_opposes_the_clean_gradient():
    import torch

    from engines.multitask.auxiliary_noisy import NoisyStep, noisy_data

    data = noisy_data(0.6, 40, 3, torch.device("cpu"))
    net = TwoLayerNet(64, 16, 10)
    theta = initial_parameters(net.layout, 3, zero_heads=False).repeat(len(NOISY_METHODS), 1)
    theta += 0.3 * torch.randn(theta.shape, generator=torch.Generator().manual_seed(1), dtype=theta.dtype)
    step = NoisyStep(net, data)
    row = NOISY_METHODS.index("projection")
    conflicts = 0
    for seed in range(20):
        batch = torch.randperm(len(data.y_noisy), generator=torch.Generator().manual_seed(seed))[:32]
        u = step.directions(theta, batch)[row]
        g_clean = net.gradient(net.forward_backward(theta[row:row + 1], data.x_clean, data.y_clean))[0]
        g_noisy = net.gradient(net.forward_backward(theta[row:row + 1], data.x_noisy[batch], data.y_noisy[batch]))[0]
        assert float(u @ g_clean) >= -1e-12 * float(u.norm() * g_clean.norm())
        conflicts += float(g_noisy @ g_clean) < 0
    assert step.take_counts()["conflict_rate"] == pytest.approx(conflicts / 20)


def test_the_validation_and_test_halves_partition_the_test_images():
    import torch

    from engines.multitask.auxiliary_l2 import small_digits
    from engines.training.datasets import digits_split

    data, split = small_digits(100, torch.device("cpu")), digits_split(100)
    assert len(data.y_val) + len(data.y_test) == len(split.y_test) and abs(len(data.y_val) - len(data.y_test)) <= 1
    both = torch.cat([data.x_val, data.x_test]).numpy()
    order = np.lexsort(both.T[::-1])
    reference = split.x_test.astype(np.float64)
    assert np.array_equal(both[order], reference[np.lexsort(reference.T[::-1])])   # each test image once
