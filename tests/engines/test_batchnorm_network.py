"""The functional MLP, Santurkar's probes and the A-vs-B run: exact equalities with torch's own
modules and with per-point loops, and the run's bookkeeping (identical batches and weights,
divergence of one net, columns)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from torch import nn

from engines.batchnorm import PARAMS, run
from engines.batchnorm.network import (VARIANTS, NetSpec, Noise, cross_entropy, forward, init_params, init_stats)
from engines.batchnorm.probes import probe, probe_etas
from engines.core.frame import RunContext
from engines.core.params import ParameterError

TOL32 = 2e-6  # float32 agreement between two orderings of the same arithmetic


def _reference(spec: NetSpec, params, norm: str) -> nn.Sequential:
    """torch.nn's modules holding the same numbers (BatchNorm1d / LayerNorm after hidden Linears)."""
    layers, it = [], iter(params)
    for i, (a, b) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:])):
        linear = nn.Linear(a, b)
        linear.weight.data, linear.bias.data = next(it).detach().clone(), next(it).detach().clone()
        layers.append(linear)
        if i < spec.depth:
            module = nn.BatchNorm1d(b) if norm == "bn" else nn.LayerNorm(b)
            module.weight.data, module.bias.data = next(it).detach().clone(), next(it).detach().clone()
            layers += [module, nn.ReLU()]
    return nn.Sequential(*layers)


@pytest.mark.parametrize("variant", ["bn", "layernorm"])
def test_forward_equals_torch_modules_in_train_and_eval_mode(variant):
    spec = NetSpec(variant, 3, 20)
    params = init_params(spec, "kaiming", torch.Generator().manual_seed(1))
    with torch.no_grad():
        for p in params[2::4]:  # make γ, β non-trivial
            p.add_(0.3)
    stats = init_stats(spec)
    reference = _reference(spec, params, variant)
    x = torch.rand(50, 64, generator=torch.Generator().manual_seed(2))
    for _ in range(3):  # running statistics move identically
        ours = forward(spec, params, x, stats, train=True, update_stats=True)
        assert torch.allclose(ours, reference(x), atol=TOL32)
    reference.eval()
    assert torch.allclose(forward(spec, params, x, stats, train=False), reference(x), atol=TOL32)


def test_su_input_norm_normalises_the_input_of_every_linear():
    spec = NetSpec("input_norm", 2, 8, in_dim=5, out_dim=3)
    params = init_params(spec, "kaiming", torch.Generator().manual_seed(0))
    x = torch.randn(40, 5) * 3 + 7
    h = x
    for layer in range(3):
        h = (h - h.mean(0)) / torch.sqrt(h.var(0, unbiased=False) + 1e-5)
        h = h @ params[2 * layer].T + params[2 * layer + 1]
        if layer < 2:
            h = torch.relu(h)
    assert torch.allclose(forward(spec, params, x), h, atol=TOL32)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_grid_of_parameter_points_equals_one_point_at_a_time(variant):
    spec = NetSpec(variant, 2, 12, in_dim=6, out_dim=4)
    base = init_params(spec, "kaiming", torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(4)
    points = [[p.detach() + 0.1 * k * torch.randn(p.shape, generator=g) for p in base] for k in range(4)]
    stacked = [torch.stack(ps) for ps in zip(*points)]
    x, y = torch.randn(30, 6), torch.randint(0, 4, (30,))
    noise = [Noise(torch.rand(12) + 0.5, torch.rand(12) - 0.5, 0.1 * torch.randn(30, 12)) for _ in range(2)]
    together = cross_entropy(forward(spec, stacked, x, noise=noise), y)
    for k, point in enumerate(points):
        alone = cross_entropy(forward(spec, point, x, noise=noise), y)
        assert float(together[k].detach()) == pytest.approx(float(alone.detach()), rel=1e-5)


def test_every_variant_starts_from_the_same_linear_weights():
    for a, b in itertools.combinations(VARIANTS, 2):
        pa = dict(zip(NetSpec(a, 3, 10).names(), init_params(NetSpec(a, 3, 10), "kaiming", torch.Generator().manual_seed(5))))
        pb = dict(zip(NetSpec(b, 3, 10).names(), init_params(NetSpec(b, 3, 10), "kaiming", torch.Generator().manual_seed(5))))
        for name in ("W0", "b0", "W2", "W3"):
            assert torch.equal(pa[name], pb[name]), (a, b, name)


def test_kaiming_and_default_inits_have_their_documented_scales():
    spec = NetSpec("none", 1, 400, in_dim=300, out_dim=10)
    kaiming = [t.detach() for t in init_params(spec, "kaiming", torch.Generator().manual_seed(0))]
    default = [t.detach() for t in init_params(spec, "default", torch.Generator().manual_seed(0))]
    assert float(kaiming[0].std()) == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    assert float(kaiming[1].abs().max()) == 0.0
    assert float(default[0].abs().max()) <= 1 / math.sqrt(300)
    assert float(default[0].std()) == pytest.approx(1 / math.sqrt(3 * 300), rel=0.02)


def _probe_setup(variant="bn", dtype=torch.float32):
    spec = NetSpec(variant, 3, 16, in_dim=8, out_dim=3)
    params = [p.detach().to(dtype).requires_grad_(True)
              for p in init_params(spec, "kaiming", torch.Generator().manual_seed(6))]
    g = torch.Generator().manual_seed(7)
    x, y = torch.randn(32, 8, generator=g, dtype=dtype), torch.randint(0, 3, (32,), generator=g)
    loss = cross_entropy(forward(spec, params, x), y)
    grad = list(torch.autograd.grad(loss, params))
    return spec, params, x, y, grad


def test_probe_equals_a_loop_over_step_sizes_and_writes_nothing():
    spec, params, x, y, grad = _probe_setup()
    before = [p.detach().clone() for p in params]
    etas = probe_etas(0.05, 0.4, 8)
    result = probe(spec, params, grad, x, y, etas)
    for k, eta in enumerate(etas):
        moved = [(p.detach() - eta * g).requires_grad_(True) for p, g in zip(params, grad)]
        loss = cross_entropy(forward(spec, moved, x), y)
        g_eta = torch.autograd.grad(loss, moved)
        diff = math.sqrt(sum(float(((a - b) ** 2).sum()) for a, b in zip(g_eta, grad)))
        assert result.losses[k] == pytest.approx(float(loss.detach()), rel=1e-5)
        assert result.grad_diffs[k] == pytest.approx(diff, rel=1e-4)
    assert all(torch.equal(a, b) for a, b in zip(before, params))
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grad))
    assert result.grad_norm == pytest.approx(norm, rel=1e-6)
    assert result.beta_eff == pytest.approx(max(result.grad_diffs / (etas * norm)), rel=1e-6)
    assert result.loss_range == pytest.approx(result.losses.max() - result.losses.min())


def test_probe_of_a_quadratic_direction_reads_its_curvature():
    """As η → 0, ‖∇L(θ − ηg) − g‖ / (η‖g‖) → ‖Hg‖ / ‖g‖ (first-order Taylor expansion of the
    gradient): β_eff at a tiny η equals the Hessian-vector product's norm from autograd."""
    spec, params, x, y, grad = _probe_setup("none", torch.float64)
    def loss_of(*ps):
        return cross_entropy(forward(spec, list(ps), x), y)
    _, hvp = torch.autograd.functional.hvp(loss_of, tuple(p.detach() for p in params), tuple(grad))
    g_norm = math.sqrt(sum(float((g ** 2).sum()) for g in grad))
    hg_norm = math.sqrt(sum(float((h ** 2).sum()) for h in hvp))
    result = probe(spec, params, grad, x, y, np.array([1e-4]))
    assert result.beta_eff == pytest.approx(hg_norm / g_norm, rel=2e-3)  # O(η) Taylor remainder


def _run(**values):
    p = PARAMS.defaults()
    p.update(device="cpu", surface_resolution=0, steps=30, depth=3, width=32, probe_every=5, eval_every=10)
    p.update(values)
    frames = list(run(p, RunContext.for_params(p)))
    return frames


def test_identical_variants_give_identical_curves():
    frames = _run(variant_a="bn", variant_b="bn")
    for frame in frames[1:-1]:
        s = frame.scalars
        assert s["loss_a"] == s["loss_b"]
        if "beta_eff_a" in s:
            assert s["beta_eff_a"] == s["beta_eff_b"] and s["ratio_beta_eff"] == 1.0


def test_run_streams_the_contract_columns():
    frames = _run()
    names = set().union(*(f.scalars for f in frames))
    for stem in ("loss", "test_acc", "loss_range", "grad_pred", "beta_eff"):
        assert {f"{stem}_a", f"{stem}_b"} <= names
    assert {"ratio_loss_range", "ratio_grad_pred", "ratio_beta_eff"} <= names
    assert frames[-1].progress == 1.0 and not frames[-1].diverged


def test_a_diverging_net_stops_while_the_other_trains_on():
    frames = _run(variant_a="none", variant_b="bn", lr=8.0, steps=60, depth=6, width=64)
    diverged = frames[-1].diverged
    assert "net A (none)" in diverged and "net B" not in diverged
    last_a = max(f.step for f in frames if "loss_a" in f.scalars)
    assert last_a < 60 and any("loss_b" in f.scalars for f in frames if f.step == 60)
    said = [f for f in frames if f.message.startswith("net A (none) stopped: loss_a")]
    assert len(said) == 1 and said[0].step == last_a  # said once, on the step it happened


def test_live_learning_rate_reaches_the_running_nets():
    p = PARAMS.defaults()
    p.update(device="cpu", surface_resolution=0, steps=20, depth=2, width=16)
    ctx = RunContext.for_params(p)
    lrs = []
    for frame in run(p, ctx):
        if frame.step == 5:
            ctx.set_live("lr", 0.02)
        if "lr" in frame.scalars:
            lrs.append(frame.scalars["lr"])
    assert lrs[0] == 0.1 and lrs[-1] == 0.02


@pytest.mark.parametrize("values,name", [({"probe_min": 0.5, "probe_max": 0.4}, "probe_max"),
                                         ({"noise_scale_lo": 2.0, "noise_scale_hi": 1.0}, "noise_scale_hi"),
                                         ({"dataset": "moons", "batch_size": 701}, "batch_size")])
def test_inconsistent_values_name_the_parameter(values, name):
    with pytest.raises(ParameterError) as info:
        _run(**values)
    assert info.value.name == name and "allowed" in str(info.value)


def test_ics_is_zero_when_the_preceding_layer_does_not_move():
    """Fact 12: the same batch before and after updating only the preceding layers; with layer 0
    frozen, layer 1's gradient cannot change (ℓ2 exactly 0, cosine 1), and with it moving it does."""
    from engines.batchnorm.ics import measure_ics

    for variant in ("none", "bn"):
        spec = NetSpec(variant, 1, 16, in_dim=8, out_dim=3)
        params = init_params(spec, "kaiming", torch.Generator().manual_seed(8))
        x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
        frozen = measure_ics(spec, params, x, y, 0.5, cross_entropy, frozen=frozenset({0}))
        assert list(frozen.layers) == [1] and frozen.l2[0] == 0.0 and frozen.cosine[0] == pytest.approx(1.0, abs=1e-12)
        moving = measure_ics(spec, params, x, y, 0.5, cross_entropy)
        assert moving.l2[0] > 1e-4 and moving.cosine[0] < 1.0


def test_ics_matches_a_hand_written_definition_2_1():
    from engines.batchnorm.ics import measure_ics

    spec = NetSpec("bn", 2, 10, in_dim=5, out_dim=3)
    params = init_params(spec, "kaiming", torch.Generator().manual_seed(9))
    x, y = torch.randn(40, 5), torch.randint(0, 3, (40,))
    lr = 0.3
    result = measure_ics(spec, params, x, y, lr, cross_entropy)
    names = spec.names()
    loss = cross_entropy(forward(spec, params, x), y)
    grads = dict(zip(names, torch.autograd.grad(loss, params)))
    # layer 2: W0, b0, gamma0, beta0, W1, b1, gamma1, beta1 move; W2 is differentiated
    moved = [(p.detach() - lr * grads[n]) if not n.endswith("2") else p.detach() for n, p in zip(names, params)]
    w2 = moved[names.index("W2")].requires_grad_(True)
    g_new = torch.autograd.grad(cross_entropy(forward(spec, moved, x), y), w2)[0]
    expected = float(torch.linalg.vector_norm(grads["W2"] - g_new))
    assert result.l2[1] == pytest.approx(expected, rel=1e-5)


def test_default_init_plateau_is_called_out():
    """Note §3: with torch's default init the deep plain net sits at loss ln 10 and its probes read
    'smooth'; the run flags it rather than crediting the net with a smooth landscape."""
    frames = _run(init="default", depth=6, width=100, steps=80, probe_every=10, variant_b="bn")
    last_probe = [f.scalars for f in frames if "plateau_a" in f.scalars][-1]
    assert last_probe["plateau_a"] == 1.0 and last_probe["plateau_b"] == 0.0
    assert any("A (none) sits on a plateau" in f.message for f in frames)
    kaiming = [f.scalars for f in _run(depth=6, width=100, steps=80, probe_every=10) if "plateau_a" in f.scalars][-1]
    assert kaiming["plateau_a"] == 0.0


def test_probes_and_surfaces_leave_training_bit_identical():
    """Note §6: probing every step and computing surfaces mid-run must not move the optimiser or BN's
    running statistics: the losses and test accuracies equal those of a run that barely probes."""
    busy = _run(variant_b="bn", steps=25, probe_every=1, surface_resolution=5, surface_every=7)
    quiet = _run(variant_b="bn", steps=25, probe_every=10_000, surface_resolution=0)

    def curves(frames):
        return [(f.step, k, v) for f in frames for k, v in f.scalars.items()
                if k.startswith(("loss_", "test_acc_", "train_acc_")) and not k.startswith(("loss_min", "loss_max",
                                                                                               "loss_range"))]
    assert curves(busy) == curves(quiet)
    assert sum(1 for f in busy if "surface_b" in f.arrays) > 2


def test_a_diverged_net_keeps_an_all_nan_surface():
    frames = _run(variant_a="none", variant_b="bn", lr=8.0, steps=40, depth=6, width=64, surface_resolution=5)
    arrays = {}
    for f in frames:
        arrays.update(f.arrays)
    assert np.isnan(arrays["surface_a"]).all() and np.isfinite(arrays["surface_b"]).all()
    assert any("no loss surface for A (none)" in f.message for f in frames)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_run_matches_the_cpu_over_the_first_steps():
    """On a GPU (scripts/cuda_check.py measured 2.6e-7 on an H200): float32 rounding only; later the
    trajectories part as SGD amplifies it, so only the first 20 steps are compared."""
    cpu = _run(steps=20, depth=6, width=100, probe_every=10)
    gpu = _run(steps=20, depth=6, width=100, probe_every=10, device="cuda")
    for name in ("loss_a", "loss_b", "beta_eff_a", "beta_eff_b"):
        a = np.array([f.scalars[name] for f in cpu if name in f.scalars])
        b = np.array([f.scalars[name] for f in gpu if name in f.scalars])
        np.testing.assert_allclose(b, a, rtol=1e-5)


def test_sweep_lists_are_validated_item_by_item_naming_the_list():
    from engines.batchnorm.sweep import plan

    with pytest.raises(ParameterError) as info:
        plan({"sweep_variants": "none, dropout"})
    assert info.value.name == "sweep_variants" and "one of none, bn" in str(info.value)
    with pytest.raises(ParameterError) as info:
        plan({"sweep_values": "0.1, 50"})
    assert info.value.name == "sweep_values" and "[0.001, 10]" in str(info.value)
    sweep_plan = plan({"sweep_variants": "bn, none, bn", "sweep_values": "0.1", "sweep_seeds": "0"})
    assert sweep_plan.groups == ["bn", "none"] and len(sweep_plan.members) == 2
