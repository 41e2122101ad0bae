"""The command line for multitask: ``run multitask`` is the arena with the issue's curves (the
unscaled loss per task and scheme, weights, gradient cosine, trajectory distance) and the invariance
table; out-of-range tasks and manual weights exit 2 naming the parameter and the allowed range."""
from __future__ import annotations

import math

import pytest

from tests.cli.test_cli import cli, read_csv

QUICK = ("--set", "train_size=100", "--set", "width=8", "--set", "steps=20", "--set", "eval_every=10",
         "--set", "batch_size=16")


def test_the_topic_runs_the_arena_with_the_issues_curves(tmp_path):
    result = cli("run", "multitask", "--set", "schemes=equal,init,mgda", "--set", "task_scale=10", *QUICK,
                 "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    last = read_csv(tmp_path / "curves.csv")[-1]
    for s in ("equal", "init", "mgda"):
        for i in (1, 2, 3):
            assert f"loss_{i}_{s}" in last and f"weight_{i}_{s}" in last, (i, s)
        assert f"grad_cos_{s}" in last and f"trajectory_distance_{s}" in last
    weights = [float(last[f"weight_{i}_init"]) for i in (1, 2, 3)]
    assert sum(weights) == pytest.approx(1.0, abs=1e-9)
    assert "realtime" not in " ".join(last)
    table = read_csv(tmp_path / "invariance.csv")
    assert [int(float(row["scheme"])) for row in table] == [0, 2, 10]
    init = table[1]
    assert float(init["measured_scale"]) == 1.0 and float(init["expected_scale"]) == 1.0
    assert float(init["measured_shift"]) == 0.0


def test_the_loss_curve_is_the_unscaled_loss(tmp_path):
    """λ multiplies what the rule sees, not what is reported: an invariant rule's curve is the same."""
    finals = []
    for scale in ("1", "1000"):
        out = tmp_path / scale
        result = cli("run", "multitask", "--set", "schemes=realtime", "--set", f"task_scale={scale}",
                     "--set", "task_shift=0", "--set", "invariance=false", *QUICK, "--out", out)
        assert result.returncode == 0, result.stderr
        finals.append(float(read_csv(out / "curves.csv")[-1]["loss_3_realtime"]))
    assert math.isclose(finals[0], finals[1], rel_tol=1e-9)


@pytest.mark.parametrize("setting, name, allowed", [
    (("--set", "dataset=moons", "--set", "scaled_task=3"), "scaled_task", "2"),
    (("--set", "schemes=manual", "--set", "weights=1, 2"), "weights", "3 numbers"),
    (("--set", "dataset=gradnorm_toy", "--set", "sigmas=1"), "sigmas", "2 to 10"),
    (("--set", "task_scale=1e5",), "task_scale", "1000"),
])
def test_bad_settings_exit_2_naming_the_parameter_and_range(tmp_path, setting, name, allowed):
    result = cli("run", "multitask", *setting, "--out", tmp_path)
    assert result.returncode == 2, result.stderr
    assert name in result.stderr and allowed in result.stderr and "allowed" in result.stderr


def test_the_power_mean_dial_writes_its_curve_means_and_weights(tmp_path):
    result = cli("run", "multitask:power_mean", "--set", "losses=0.5,2,8", "--set", "gamma=2", "--set",
                 "scaled_task=2", "--set", "task_scale=1000", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    means = read_csv(tmp_path / "means.csv")
    assert [float(r["gamma"]) for r in means] == [-1.0, 0.0, 1.0, 2.0]
    assert float(means[1]["value"]) == pytest.approx(2.0, rel=1e-12)
    bars = read_csv(tmp_path / "bars.csv")
    assert float(bars[1]["loss_scaled"]) == pytest.approx(2000.0)
    assert sum(float(r["weight_scaled"]) for r in bars) == pytest.approx(1.0, abs=1e-12)
    assert len(read_csv(tmp_path / "curve.csv")) == 401
    bad = cli("run", "multitask:power_mean", "--set", "losses=1", "--out", tmp_path / "bad")
    assert bad.returncode == 2 and "losses" in bad.stderr and "allowed: 2 to 10" in bad.stderr


def test_the_pareto_playground_writes_paths_that_end_on_the_pareto_set(tmp_path):
    result = cli("run", "multitask:pareto", "--set", "tasks=3", "--set", "steps=400", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    last = read_csv(tmp_path / "curves.csv")[-1]
    assert float(last["mgda_slack"]) >= -1e-12 and abs(float(last["projection_primary_gap"])) <= 1e-9
    assert float(last["final_direction_norm_mgda"]) < 1e-3 * max(1.0, float(last["mgda_norm"]))
    path = read_csv(tmp_path / "path_mgda.csv")
    assert len(path) == 401 and set(path[0]) == {"x", "y"}
    assert {row["task"] for row in read_csv(tmp_path / "gradients.csv")} == {"1.0", "2.0", "3.0"}
    bad = cli("run", "multitask:pareto", "--set", "centres=0, 0; 1", "--out", tmp_path / "bad")
    assert bad.returncode == 2 and "centres" in bad.stderr


def test_the_auxiliary_experiment_writes_both_problems(tmp_path):
    noisy = cli("run", "multitask:auxiliary", "--set", "noise_rate=0.5", "--set", "clean_size=40", "--set",
                "steps=60", "--set", "eval_every=30", "--set", "width=16", "--out", tmp_path / "noisy")
    assert noisy.returncode == 0, noisy.stderr
    rows = read_csv(tmp_path / "noisy" / "curves.csv")
    first, last = rows[0], rows[-1]
    for m in ("noisy", "clean", "summed", "projection", "masking"):   # every rule trained
        assert float(last[f"clean_loss_{m}"]) < float(first[f"clean_loss_{m}"]), m
    assert 0.3 <= float(last["batch_mislabelled"]) <= 0.7 and 0.0 < float(last["masked_fraction"]) < 1.0
    l2 = cli("run", "multitask:auxiliary", "--set", "problem=l2_free", "--set", "steps=40", "--set", "eval_every=20",
             "--set", "width=16", "--out", tmp_path / "l2")
    assert l2.returncode == 0, l2.stderr
    grid = read_csv(tmp_path / "l2" / "grid.csv")
    assert len(grid) == 13 and list(grid[0]) == ["method", "lambda", "val_acc", "test_acc", "val_loss",
                                                   "test_loss", "weight_norm"]
    bad = cli("run", "multitask:auxiliary", "--set", "noise_rate=0.95", "--out", tmp_path / "bad")
    assert bad.returncode == 2 and "noise_rate" in bad.stderr and "0.8" in bad.stderr
