"""The note's behavioural facts 8–11 and 13 (batchnorm.md §5) on the digits MLP of §3 (6 × 100,
Kaiming init, plain SGD, batch 128), three seeds each, at the note's loose thresholds.

Marked ``slow`` (a few minutes on two cores; CI runs them).
"""
from __future__ import annotations

import numpy as np
import pytest

from engines.batchnorm import PARAMS, run, run_sweep
from engines.batchnorm.noisy_run import NOISY_PARAMS, run_noisy
from engines.core.frame import RunContext

pytestmark = pytest.mark.slow
SEEDS = (0, 1, 2)


def _probe_means(variant_b: str, lr: float, seed: int, variant_a: str = "none") -> dict[str, float]:
    """Mean over the probes of the first 100 steps (every 10 steps), note §3.2."""
    p = PARAMS.defaults()
    p.update(device="cpu", variant_a=variant_a, variant_b=variant_b, lr=lr, seed=seed, steps=100,
             surface_resolution=0, eval_every=100)
    rows = [f.scalars for f in run(p, RunContext.for_params(p)) if "beta_eff_a" in f.scalars]
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


@pytest.mark.parametrize("seed", SEEDS)
def test_fact8_bn_smooths_the_landscape_along_the_gradient(seed):
    m = _probe_means("bn", 0.1, seed)
    assert m["loss_range_a"] / m["loss_range_b"] >= 3
    assert m["grad_pred_a"] / m["grad_pred_b"] >= 3
    assert m["beta_eff_a"] / m["beta_eff_b"] >= 1.5


def test_fact8_the_ratios_shrink_as_the_learning_rate_grows():
    ratios = []
    for lr in (0.05, 0.1, 0.2):
        ms = [_probe_means("bn", lr, s) for s in SEEDS]
        ratios.append(np.mean([m["grad_pred_a"] / m["grad_pred_b"] for m in ms]))
    assert ratios[0] > ratios[1] > ratios[2]


def _accuracies(variant: str, lrs: str, seeds=SEEDS) -> dict[float, list[float]]:
    params = {"device": "cpu", "sweep_values": lrs, "sweep_seeds": ",".join(map(str, seeds)),
              "sweep_variants": variant}
    table = list(run_sweep(params, RunContext({})))[-1].arrays["sweep"]
    out: dict[float, list[float]] = {}
    for value, _, _, _, test_acc, *_ in table:
        out.setdefault(float(value), []).append(float(test_acc))  # NaN when diverged
    return out


def _trained(accs: list[float]) -> int:
    return sum(1 for a in accs if a >= 0.95)


def test_fact9_learning_rate_tolerance_of_plain_and_bn_nets():
    plain = _accuracies("none", "0.05, 0.1, 0.2, 0.5, 1, 2")
    for lr in (0.05, 0.1, 0.2):
        assert _trained(plain[lr]) == 3, (lr, plain[lr])
    assert _trained(plain[0.5]) <= 1, plain[0.5]
    assert _trained(plain[1.0]) == 0 and _trained(plain[2.0]) == 0
    bn = _accuracies("bn", "0.05, 0.1, 0.2, 0.5, 1, 2")
    for lr, accs in bn.items():
        assert _trained(accs) == 3, (lr, accs)


def test_fact10_centring_alone_gives_the_wide_learning_rate_range_and_the_smoothing():
    center = _accuracies("center", "0.5, 1")
    assert all(_trained(accs) == 3 for accs in center.values()), center
    scale = _accuracies("scale", "0.5, 1")
    assert all(_trained(accs) < 3 for accs in scale.values()), scale
    for seed in SEEDS:
        m = _probe_means("center", 0.1, seed)
        assert m["beta_eff_a"] / m["beta_eff_b"] >= 3
    for seed in SEEDS:
        scale_probe = _probe_means("scale", 0.1, seed)
        assert scale_probe["beta_eff_b"] >= 0.5 * scale_probe["beta_eff_a"]  # β_eff not lower by scaling


def test_fact13_su_placement_trains_at_lr_5():
    accs = _accuracies("input_norm", "5")[5.0]
    assert _trained(accs) == 3, accs


def _noisy(seed: int, **noise) -> dict[str, float]:
    p = {**NOISY_PARAMS.defaults(), "seed": seed, **noise}
    last: dict[str, float] = {}
    for frame in run_noisy(p, RunContext({})):
        last.update(frame.scalars)
    return last


def test_fact11_noisy_bn_shifts_more_and_trains_as_well_strong_noise_breaks_it():
    mild = [_noisy(s) for s in SEEDS]
    for r in mild:
        assert r["drift_mean_noisy"] > r["drift_mean_standard"]
    acc = {name: np.mean([r[f"test_acc_{name}"] for r in mild]) for name in ("standard", "bn", "noisy")}
    assert abs(acc["noisy"] - acc["bn"]) <= 0.02 and acc["noisy"] >= acc["standard"] - 0.005
    for seed in SEEDS:
        strong = _noisy(seed, noise_mean=2.0, noise_scale_lo=1.0, noise_scale_hi=3.0)
        assert strong["test_acc_noisy"] < 0.5 <= strong["test_acc_bn"]
