"""The loss-surface sampler (batchnorm panel 4) against ``network.forward`` evaluated point by point.

Tolerances: the numba kernel and the torch evaluator on float32 parameters are compared with the
float64 forward at rtol = atol = 2e-5 (float32 activations; observed ≤ 1e-6 on losses of 1–8); the
torch evaluator on float64 parameters with rtol = 1e-10 (the algebra itself, no rounding to hide in).
"""
import threading

import numpy as np
import pytest
import torch

from engines.batchnorm import network as nw
from engines.batchnorm import surface as sf

F32_TOL = dict(rtol=2e-5, atol=2e-5)
N, IN, OUT, WIDTH, DEPTH = 37, 5, 3, 7, 2
ALPHAS = np.array([0.0, 0.3, -0.7, 1.2, 2.0])
BETAS = np.array([0.0, -0.5, 0.2, 0.9, -1.5])


def _problem(variant: str, sample: bool = True, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    spec = nw.NetSpec(variant, DEPTH, WIDTH, IN, OUT)
    params = [p.detach() + 0.1 * torch.randn(p.shape, generator=g) for p in nw.init_params(spec, "kaiming", g)]
    d1, d2 = sf.plane_directions(spec, params, "filter_random", g)
    d1 = [d + 0.1 * torch.randn(d.shape, generator=g) for d in d1]      # biases, γ, β move too
    x = torch.randn(N, IN, generator=g) + 2.0
    y = torch.randint(0, OUT, (N,), generator=g)
    noise = None
    if spec.norm.noisy:
        noise = [nw.Noise(torch.rand(WIDTH, generator=g) + 0.5, 0.1 * torch.randn(WIDTH, generator=g),
                          0.1 * torch.randn(N, WIDTH, generator=g) if sample else None) for _ in range(DEPTH)]
    return spec, params, d1, d2, x, y, noise


def _reference(spec, params, d1, d2, x, y, noise, alphas, betas) -> np.ndarray:
    """Float64 ``network.forward`` + ``cross_entropy`` at each point, one point at a time."""
    dbl = (lambda t: None if t is None else t.double())
    noise64 = [nw.Noise(dbl(s.scale), dbl(s.shift), dbl(s.sample)) for s in noise] if noise else None
    out = []
    for a, b in zip(alphas, betas):
        point = [(p.double() + a * u.double() + b * v.double()) for p, u, v in zip(params, d1, d2)]
        out.append(nw.cross_entropy(nw.forward(spec, point, x.double(), noise=noise64), y).item())
    return np.array(out)


CASES = [(v, True) for v in nw.VARIANTS] + [("noisy_bn", False)]


@pytest.mark.parametrize("variant,sample", CASES)
def test_both_evaluators_match_the_plain_forward_for_every_variant(variant, sample):
    problem = _problem(variant, sample)
    ref = _reference(*problem, ALPHAS, BETAS)
    prep = sf._Prepared(*problem)
    np.testing.assert_allclose(sf._numba_evaluator(prep)(ALPHAS, BETAS), ref, **F32_TOL)
    np.testing.assert_allclose(sf._TorchEvaluator(prep)(ALPHAS, BETAS), ref, **F32_TOL)
    spec, params, d1, d2, x, y, noise = problem
    dbl = (lambda ts: [t.double() for t in ts])
    noise64 = [nw.Noise(s.scale.double(), s.shift.double(), None if s.sample is None else s.sample.double())
               for s in noise] if noise else None
    prep64 = sf._Prepared(spec, dbl(params), dbl(d1), dbl(d2), x.double(), y, noise64)
    np.testing.assert_allclose(sf._TorchEvaluator(prep64)(ALPHAS, BETAS), ref, rtol=1e-10)


def test_the_torch_work_buffers_are_reused_across_calls_without_changing_results():
    prep = sf._Prepared(*_problem("bn"))
    run = sf._TorchEvaluator(prep)
    run.batch = 2
    first = run(ALPHAS, BETAS)
    np.testing.assert_array_equal(run(ALPHAS[::-1], BETAS[::-1])[::-1], first)


@pytest.mark.parametrize("variant", ["bn", "none", "layernorm"])
def test_the_sampled_grid_is_the_loss_at_theta_plus_ci_d1_plus_cj_d2_for_both_evaluators(variant):
    spec, params, d1, d2, x, y, noise = _problem(variant)
    coords = np.linspace(-1.0, 1.0, 7)
    grids = {}
    for kind in ("numba", "torch"):
        frames = list(sf.sample_surface(spec, params, d1, d2, x, y, coords, noise, evaluator=kind))
        grid, done = frames[-1]
        assert done == 49 and np.isfinite(grid).all()
        grids[kind] = grid
    np.testing.assert_allclose(grids["numba"], grids["torch"], **F32_TOL)
    i, j = np.array([0, 1, 6, 3]), np.array([5, 6, 0, 3])
    ref = _reference(spec, params, d1, d2, x, y, noise, coords[i], coords[j])
    np.testing.assert_allclose(grids["torch"][i, j], ref, **F32_TOL)
    with torch.no_grad():
        centre = nw.cross_entropy(nw.forward(spec, params, x, noise=noise), y).item()
    assert grids["torch"][3, 3] == pytest.approx(centre, rel=2e-6)


def test_sampling_changes_neither_the_parameters_nor_their_gradients():
    """(Running statistics cannot move: ``sample_surface`` is never given them; the training-run test
    ``test_probes_and_surfaces_leave_training_bit_identical`` checks the whole run.)"""
    spec, params, d1, d2, x, y, _ = _problem("bn")
    params = [p.clone().requires_grad_(True) for p in params]
    before = [p.detach().clone() for p in params]
    for evaluator in ("numba", "torch"):
        for _ in sf.sample_surface(spec, params, d1, d2, x, y, np.linspace(-2, 2, 5), evaluator=evaluator):
            pass
    assert all(torch.equal(p.detach(), q) for p, q in zip(params, before))
    assert all(p.grad is None for p in params)


def test_progress_comes_coarse_first_and_each_yield_is_a_copy():
    spec, params, d1, d2, x, y, _ = _problem("none")
    frames = list(sf.sample_surface(spec, params, d1, d2, x, y, np.linspace(-1, 1, 9), evaluator="torch", chunk=3))
    first_grid, first_done = frames[0]
    coarse = sf.refinement_levels(9)[0]
    assert first_done >= coarse.size and np.isfinite(first_grid.flat[coarse]).all()
    assert np.isnan(first_grid).any()
    assert [d for _, d in frames] == sorted(d for _, d in frames) and frames[-1][1] == 81
    assert frames[0][0] is not frames[-1][0]


def test_a_stop_request_from_check_ends_the_sampling_and_its_worker_threads():
    spec, params, d1, d2, x, y, _ = _problem("bn")
    calls = []

    class Stop(Exception):
        pass

    def check():
        calls.append(1)
        if len(calls) > 2:
            raise Stop

    for evaluator in ("numba", "torch"):
        calls.clear()
        with pytest.raises(Stop):
            for _ in sf.sample_surface(spec, params, d1, d2, x, y, np.linspace(-1, 1, 33), evaluator=evaluator,
                                       check=check, chunk=1):
                pass
    assert not [t for t in threading.enumerate() if t.name.startswith("loss-surface")]


def test_non_finite_losses_are_kept_not_raised():
    spec, params, d1, d2, x, y, _ = _problem("none")
    coords = np.array([-1e30, 0.0, 1e30])
    for evaluator in ("numba", "torch"):
        grid = list(sf.sample_surface(spec, params, d1, d2, x, y, coords, evaluator=evaluator))[-1][0]
        assert np.isfinite(grid[1, 1]) and not np.isfinite(grid).all()


@pytest.mark.parametrize("res", [1, 2, 4, 5, 6, 9, 10, 33, 51, 64])
def test_refinement_levels_partition_the_grid_coarse_first(res):
    levels = sf.refinement_levels(res)
    flat = np.concatenate(levels)
    assert np.array_equal(np.sort(flat), np.arange(res * res))
    corners = {0, res - 1, res * (res - 1), res * res - 1}
    assert corners <= set(levels[0].tolist())
    if res > 5:
        assert levels[0].size == 25 and len(levels) >= 2
    if res == 51:
        assert 25 * 51 + 25 in levels[0]                    # the centre comes first


def test_fill_from_coarse_shows_blocks_of_the_nearest_computed_point():
    grid = np.full((5, 5), np.nan)
    grid[0, 0], grid[4, 4] = 1.0, 2.0
    filled = sf.fill_from_coarse(grid)
    assert filled[0, 1] == 1.0 and filled[4, 3] == 2.0 and filled[1, 0] == 1.0 and not np.isnan(filled).any()
    assert np.isnan(grid[0, 1])                                           # input untouched
    assert np.isnan(sf.fill_from_coarse(np.full((3, 3), np.nan))).all()
    done = ~np.isnan(grid)
    grid[4, 4], done[4, 4] = np.nan, True                                 # a computed NaN stays NaN
    filled = sf.fill_from_coarse(grid, done)
    assert np.isnan(filled[4, 4]) and np.isnan(filled[4, 3]) and filled[0, 1] == 1.0


def test_project_onto_plane_recovers_known_coordinates():
    spec, params, d1, d2, *_ = _problem("bn")
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(6, 2))
    center, v1, v2 = (nw.flat(t).double() for t in (params, d1, d2))
    snapshots = center + torch.tensor(coords[:, :1]) * v1 + torch.tensor(coords[:, 1:]) * v2
    np.testing.assert_allclose(sf.project_onto_plane(snapshots, params, d1, d2), coords, atol=1e-6)
    np.testing.assert_allclose(sf.project_onto_plane(snapshots.numpy(), center, v1, v2), coords, atol=1e-9)


def _assert_filter_normalised(direction, params):
    for d, p in zip(direction, params):
        if p.dim() < 2:
            assert torch.count_nonzero(d) == 0
        else:
            np.testing.assert_allclose(d.norm(dim=1), p.norm(dim=1), rtol=1e-5)


def test_filter_random_directions_have_the_row_norms_of_the_parameters():
    spec, params, *_ = _problem("bn")
    directions = sf.plane_directions(spec, params, "filter_random", torch.Generator().manual_seed(3))
    assert directions.plane == "filter_random" and directions.note is None
    for d in directions:
        _assert_filter_normalised(d, params)
    again = sf.plane_directions(spec, params, "filter_random", torch.Generator().manual_seed(3))
    assert all(torch.equal(a, b) for a, b in zip(directions[0], again[0]))


def test_gradient_random_is_the_normalised_gradient_and_an_orthogonal_direction_of_equal_norm():
    spec, params, d1, d2, x, y, _ = _problem("bn")
    params = [p.clone().requires_grad_(True) for p in params]
    loss = nw.cross_entropy(nw.forward(spec, params, x), y)
    gradient = torch.autograd.grad(loss, params)
    g1, g2 = sf.plane_directions(spec, params, "gradient_random", torch.Generator().manual_seed(0), gradient=gradient)
    _assert_filter_normalised(g1, [p.detach() for p in params])
    for d, g, p in zip(g1, gradient, params):
        if p.dim() == 2:
            np.testing.assert_allclose(torch.nn.functional.cosine_similarity(d, g, dim=1), 1.0, rtol=1e-5)
    v1, v2 = nw.flat(g1), nw.flat(g2)
    assert abs(float(v1 @ v2)) < 1e-5 * float(v1.norm() * v2.norm())
    assert float(v2.norm()) == pytest.approx(float(v1.norm()), rel=1e-5)
    with pytest.raises(ValueError, match="gradient"):
        sf.plane_directions(spec, params, "gradient_random", torch.Generator())


def test_pca_directions_span_the_trajectory_and_frame_it_in_unit_coordinates():
    spec, params, d1, d2, *_ = _problem("bn")
    center, v1, v2 = (nw.flat(t).double() for t in (params, d1, d2))
    s = torch.linspace(-1, 1, 8, dtype=torch.float64)
    trajectory = center + (2 * s)[:, None] * v1 + (0.5 * s ** 2)[:, None] * v2
    p1, p2 = sf.plane_directions(spec, params, "pca", torch.Generator(), trajectory=trajectory)
    coords = sf.project_onto_plane(trajectory, params, p1, p2)
    np.testing.assert_allclose(np.abs(coords).max(axis=0), 1.0, rtol=1e-4)
    back = center + torch.tensor(coords[:, :1]) * nw.flat(p1).double() + torch.tensor(coords[:, 1:]) * nw.flat(p2).double()
    np.testing.assert_allclose(back.numpy(), trajectory.numpy(), atol=1e-4 * float(v1.norm()))
    short = sf.plane_directions(spec, params, "pca", torch.Generator(), trajectory=trajectory[:2])
    assert short.plane == "filter_random" and "at least 3" in short.note


def test_the_evaluator_rule_sends_narrow_nets_to_numba_wide_ones_and_cuda_to_torch():
    assert sf.choose_evaluator(nw.NetSpec("bn", 2, 16, 2, 2), 256, "cpu") == "numba"
    assert sf.choose_evaluator(nw.NetSpec("bn", 6, 100), 512, "cpu") == "torch"
    assert sf.choose_evaluator(nw.NetSpec("none", 6, 64), 512, "cpu") == "torch"
    assert sf.choose_evaluator(nw.NetSpec("bn", 2, 16, 2, 2), 256, "cuda") == "torch"
    with pytest.raises(ValueError):
        next(sf.sample_surface(*_problem("bn")[:6], [0.0], evaluator="fast"))


def test_variants_of_one_architecture_share_the_random_plane():
    """A (none) and B (bn) are cut along the same filter-normalised directions in every Linear
    layer (the review found B's stream shifted by its γ, β draws)."""
    import torch

    from engines.batchnorm.network import NetSpec, init_params
    from engines.batchnorm.planes import plane_directions

    planes = {}
    for variant in ("none", "bn"):
        spec = NetSpec(variant, 3, 12, in_dim=5, out_dim=3)
        params = init_params(spec, "kaiming", torch.Generator().manual_seed(0))
        d1, d2 = plane_directions(spec, params, "filter_random", torch.Generator().manual_seed(4))
        planes[variant] = {n: (a, b) for n, a, b in zip(spec.names(), d1, d2) if n.startswith("W")}
    for name in ("W0", "W1", "W2", "W3"):
        assert torch.equal(planes["none"][name][0], planes["bn"][name][0]), name
        assert torch.equal(planes["none"][name][1], planes["bn"][name][1]), name
