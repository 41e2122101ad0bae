"""The vae_ib engine as a training platform: frames, live knobs, determinism, divergence, devices,
and sweeps whose batched and sequential back-ends agree."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.vae_ib import PARAMS, run, run_sweep
from engines.vae_ib.bottleneck import BottleneckPopulation
from tests.poison import poison_step

FAST = {"epochs": 1, "device": "cpu", "eval_every": 6, "mi_samples": 1, "test_samples": 2}


def _frames(ctx=None, **values):
    params = PARAMS.validate({**FAST, **values})
    return list(run(params, ctx or RunContext.for_params(params)))


def _curve(frames, name):
    return np.array([f.scalars[name] for f in frames if name in f.scalars])


def test_vib_run_streams_the_cli_contract_columns_and_arrays():
    frames = _frames(latent_dim=3)
    assert "cpu" in frames[0].message
    steps = [f.step for f in frames[1:]]
    assert steps == list(range(1, 14))                       # ⌈1257 / 100⌉ steps in one epoch
    assert frames[-1].progress == pytest.approx(1.0)
    last = frames[-1]
    for name in ("loss", "ce", "kl_nats", "kl_bits", "beta", "train_acc", "test_acc", "mi_bits", "izy_bits"):
        assert name in last.scalars, name
    assert last.scalars["kl_bits"] == pytest.approx(last.scalars["kl_nats"] / math.log(2))
    assert last.arrays["latent"].shape == (540, 4)
    assert last.columns["latent"] == ("z0", "z1", "z2", "label")
    assert last.arrays["sigma"].shape == (3,) and np.all(last.arrays["sigma"] > 0)
    assert last.scalars["mi_bits"] <= math.log2(1257) + 1e-9
    evaluated = [f for f in frames if "test_acc" in f.scalars]
    assert [f.step for f in evaluated] == [6, 12, 13]


def test_vae_run_reports_reconstruction_and_decoupling():
    last = _frames(model="vae", latent_dim=4)[-1]
    for name in ("loss", "recon", "kl_nats", "recon_bce", "total_correlation", "active_units"):
        assert name in last.scalars, name
    assert last.arrays["latent"].shape == (1797, 5)
    assert last.arrays["correlation"].shape == (4, 4)
    assert last.arrays["images_recon"].shape == (16, 64)
    assert np.all((last.arrays["images_prior"] >= 0) & (last.arrays["images_prior"] <= 1))


def test_same_seed_same_run_and_evaluation_does_not_disturb_training():
    a = _curve(_frames(seed=3), "loss")
    b = _curve(_frames(seed=3, eval_every=10), "loss")
    c = _curve(_frames(seed=4), "loss")
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_live_beta_and_learning_rate_reach_the_running_optimiser():
    params = PARAMS.validate({**FAST, "beta": 1e-3})
    ctx = RunContext.for_params(params)
    gen = run(params, ctx)
    seen = []
    for frame in gen:
        if frame.step == 4:
            ctx.set_live("beta", 0.5)
            ctx.set_live("lr", 1e-5)
        if frame.scalars:
            seen.append((frame.step, frame.scalars["beta"], frame.scalars["lr"]))
    assert all(b == pytest.approx(1e-3) for s, b, _ in seen if s <= 4)
    assert all(b == pytest.approx(0.5) and lr == 1e-5 for s, b, lr in seen if s > 4)


def test_adaptive_beta_rises_while_kl_exceeds_the_budget():
    frames = _frames(penalty="adaptive", beta=0.0, info_budget=0.5, beta_step=1e-2)
    beta = _curve(frames, "beta")
    kl = _curve(frames, "kl_nats")
    assert beta[0] == 0.0 and beta[-1] > 0.0
    assert np.all(np.diff(beta)[kl[:-1] > 0.5] > 0)


def test_hinge_penalty_ignores_kl_below_the_threshold():
    hinge = _curve(_frames(penalty="hinge", beta=1.0, info_budget=1e3, seed=1), "loss")
    plain = _curve(_frames(penalty="plain", beta=0.0, seed=1), "loss")
    np.testing.assert_allclose(hinge, plain, rtol=1e-6)


def test_a_non_finite_loss_stops_the_run_and_names_the_metric(monkeypatch):
    poison_step(monkeypatch, at_step=5)
    frames = _frames()
    assert frames[-1].step == 5
    assert frames[-1].diverged == "loss became nan at step 5"
    assert all(not f.diverged for f in frames[:-1])


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_asking_for_cuda_without_a_gpu_names_the_parameter():
    params = PARAMS.validate({**FAST, "device": "cuda"})
    with pytest.raises(ParameterError) as err:
        next(run(params, RunContext.for_params(params)))
    assert err.value.name == "device" and "auto or cpu" in str(err.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cpu_and_cuda_runs_agree():
    cpu = _frames(device="cpu", seed=2)
    gpu = _frames(device="cuda", seed=2)
    np.testing.assert_allclose(_curve(cpu, "loss"), _curve(gpu, "loss"), rtol=1e-3, atol=1e-4)
    assert cpu[-1].scalars["test_acc"] == pytest.approx(gpu[-1].scalars["test_acc"], abs=0.01)


def _sweep(**values):
    params = {**FAST, "latent_dim": 2, "sweep_values": "0, 1e-2, 1", "sweep_seeds": "0, 5", **values}
    frames = list(run_sweep(params, RunContext({})))
    return frames, frames[-1].arrays["sweep"], frames[-1].columns["sweep"]


def test_batched_and_sequential_sweeps_give_the_same_results():
    seq_frames, seq, columns = _sweep(backend="sequential")
    _, bat, columns_b = _sweep(backend="batched")
    assert columns == columns_b and columns[:3] == ("value", "seed", "diverged_step")
    assert seq.shape == (6, len(columns))
    np.testing.assert_array_equal(seq[:, :2], [[0, 0], [0, 5], [0.01, 0], [0.01, 5], [1, 0], [1, 5]])
    np.testing.assert_allclose(seq[:, 3:], bat[:, 3:], rtol=1e-4, atol=1e-5)
    assert [f.arrays["sweep"].shape[0] for f in seq_frames if f.arrays] == [1, 2, 3, 4, 5, 6]
    progress = [f.progress for f in seq_frames]
    assert progress == sorted(progress) and progress[-1] == pytest.approx(1.0)


def test_a_sweep_member_equals_the_lone_run_with_its_values():
    _, table, columns = _sweep(backend="batched", sweep_values="1e-2", sweep_seeds="5")
    lone = _frames(beta=1e-2, seed=5, latent_dim=2)[-1].scalars
    for name in ("train_acc", "test_acc", "kl_bound_bits"):
        assert table[0, columns.index(name)] == pytest.approx(lone[name], rel=1e-5, abs=1e-6)


def test_sweep_rejects_bad_values_and_unbatchable_parameters():
    with pytest.raises(ParameterError) as err:
        _sweep(sweep_values="1e-2, 500")
    assert err.value.name == "sweep_values" and "beta" in str(err.value)
    with pytest.raises(ParameterError) as err:
        _sweep(sweep_param="latent_dim", sweep_values="2, 4", backend="batched")
    assert err.value.name == "backend"


def test_a_member_whose_weights_blow_up_is_reported_and_the_rest_of_the_sweep_survives(monkeypatch):
    """A real divergence (NaN weights, not just a NaN report): the sweep must not crash in the
    evaluation of that member (SVD, histograms), must name the metric and step, and must keep
    the other members' results."""
    real = BottleneckPopulation.step
    calls = {"n": 0}

    def blow_up_member_one(self):
        calls["n"] += 1
        if calls["n"] == 3:
            with torch.no_grad():
                self.encoder.layers[0].weight[1].fill_(float("nan"))
        return real(self)

    monkeypatch.setattr(BottleneckPopulation, "step", blow_up_member_one)
    frames, table, columns = _sweep(backend="batched", sweep_values="1e-2", sweep_seeds="0, 5")
    div = columns.index("diverged_step")
    assert math.isnan(table[0, div]) and table[1, div] == 3
    assert np.isfinite(table[0, 3:]).all() and np.isnan(table[1, 3:]).all()
    assert "seed 5: loss became nan at step 3" in frames[-1].message


def test_a_batch_larger_than_the_training_set_is_refused_naming_batch_size():
    with pytest.raises(ParameterError) as err:
        PARAMS.validate({**FAST, "train_size": 50, "batch_size": 100})
    assert err.value.name == "batch_size" and "[10, 50]" in str(err.value)
    params = {**PARAMS.validate(FAST), "train_size": 50, "batch_size": 100}  # past validation, as a stale caller
    with pytest.raises(ParameterError) as err:
        next(run(params, RunContext.for_params(params)))
    assert err.value.name == "batch_size"
    with pytest.raises(ParameterError) as err:
        _sweep(sweep_param="train_size", sweep_values="1257, 40", backend="sequential")
    assert err.value.name == "sweep_values" and "train_size = 40 must be ≥ batch_size = 100" in str(err.value)


def test_the_vae_streams_its_evidence_lower_bound():
    frames = _frames(model="vae", latent_dim=2)
    last = frames[-1].scalars
    assert last["elbo"] == pytest.approx(-(last["recon"] + last["kl_nats"]))


def test_hinge_with_a_zero_threshold_is_the_plain_penalty():
    """Above the threshold the hinge is β·(KL − b): with b = 0 (KL ≥ 0) it equals β·KL exactly."""
    hinge = _curve(_frames(penalty="hinge", beta=0.5, info_budget=0.0, seed=2), "loss")
    plain = _curve(_frames(penalty="plain", beta=0.5, seed=2), "loss")
    np.testing.assert_allclose(hinge, plain, rtol=1e-6)


def test_adaptive_beta_falls_to_zero_and_stays_there_under_budget():
    beta = _curve(_frames(penalty="adaptive", beta=0.05, info_budget=1000.0, beta_step=1e-3), "beta")
    assert beta[0] == pytest.approx(0.05) and beta[1] == 0.0 and np.all(beta[1:] == 0.0)


def test_fact7_the_vae_task_loss_is_the_vib_cross_entropy_with_the_label_set_to_x():
    """The population's own VAE loss, pixel by pixel, is a two-class classifier's cross-entropy
    whose soft label is the pixel itself (eq. 8 with y = x gives eq. 2)."""
    import torch.nn.functional as F

    from engines.vae_ib.bottleneck import MemberConfig

    g = torch.Generator().manual_seed(0)
    x = torch.rand(20, 64, generator=g)
    pop = BottleneckPopulation("vae", x, None, [MemberConfig(0, 1.0, 1e-3)], 2, 10, "cpu")
    logits = torch.randn(1, 20, 64, generator=g)
    ours = pop.task_loss(logits, torch.arange(20)[None], x[None])
    two_class = torch.stack([logits[0], torch.zeros_like(logits[0])], -1).reshape(-1, 2)
    soft_label = torch.stack([x, 1 - x], -1).reshape(-1, 2)
    vib = F.cross_entropy(two_class, soft_label, reduction="none").view(20, 64).sum(-1).mean()
    torch.testing.assert_close(ours[0], vib, rtol=1e-5, atol=1e-5)


def test_the_seconds_axis_counts_training_time_not_pauses():
    import time as _time

    params = PARAMS.validate({**FAST, "eval_every": 1000})
    gen = run(params, RunContext.for_params(params))
    seconds = []
    for frame in gen:
        if frame.step == 3:
            _time.sleep(0.5)                     # the consumer (or a pause) holds the generator
        if frame.scalars:
            seconds.append(frame.scalars["seconds"])
    gaps = np.diff(seconds)
    assert np.all(gaps > 0) and gaps.max() < 0.4
