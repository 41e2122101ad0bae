"""The command line for pg_zoo: ``run pg_zoo`` is the estimator lab with the issue's curves; the
bandit reproduces the note's §9 table; bad reward lists exit 2 naming the parameter."""
from __future__ import annotations

import pytest

from tests.cli.test_cli import cli, read_csv


def test_the_topic_runs_the_estimator_lab_with_the_issues_curves(tmp_path):
    result = cli("run", "pg_zoo", "--set", "objective=linear", "--set", "dim=10", "--set", "estimates=400",
                 "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    for column in ("second_moment", "second_moment_theory", "bias", "mean_abs_cos"):
        assert column in rows[-1], column
    assert int(float(rows[-1]["step"])) == 400 and float(rows[-1]["second_moment_theory"]) == pytest.approx(12.0)
    assert len(read_csv(tmp_path / "moment_vs_eps.csv")) == 13


@pytest.mark.parametrize("rewards, logits, none, mean, optimal, b_star", [
    ("1,0,0,0", "0,0,0,0", 0.14062, 0.09375, 0.09375, 0.25),
    ("1,0,0", "2,1,0", 0.04010, 0.09734, 0.01078, 0.24473),
])
def test_the_bandit_reproduces_the_notes_table(tmp_path, rewards, logits, none, mean, optimal, b_star):
    result = cli("run", "pg_zoo:bandit", "--set", f"rewards={rewards}", "--set", f"logits={logits}",
                 "--set", "samples=2000", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    last = read_csv(tmp_path / "curves.csv")[-1]
    exact = [round(float(last[f"variance_theory_{b}"]), 5) for b in ("none", "mean", "optimal")]
    assert exact == pytest.approx([none, mean, optimal], abs=1e-12)
    assert round(float(last["b_optimal"]), 5) == pytest.approx(b_star, abs=1e-12)
    assert float(last["exact_grad_0"]) > 0


def test_a_bad_reward_list_exits_2_and_names_it(tmp_path):
    result = cli("run", "pg_zoo:bandit", "--set", "rewards=1,zero", "--out", tmp_path)
    assert result.returncode == 2 and "rewards" in result.stderr and "allowed" in result.stderr


def test_the_classifier_writes_the_issues_curves_per_method(tmp_path):
    result = cli("run", "pg_zoo:classifier", "--set", "methods=ce,zoo", "--set", "steps=10", "--set", "eval_every=5",
                 "--set", "population=8", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    last = read_csv(tmp_path / "curves.csv")[-1]
    for m in ("ce", "zoo"):
        for key in ("train_acc", "test_acc", "forward_passes", "grad_cos"):
            assert f"{key}_{m}" in last, f"{key}_{m}"
    assert float(last["forward_passes_zoo"]) == 10 * 2 * 8 * 128


def test_the_equivalence_writes_its_grid_and_line(tmp_path):
    result = cli("run", "pg_zoo:equivalence", "--set", "grid=2", "--set", "population=20", "--set",
                 "max_population=100", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(read_csv(tmp_path / "by_eps.csv")) == 2
    assert int(float(read_csv(tmp_path / "convergence.csv")[-1]["population"])) == 100


def test_the_black_box_writes_a_value_per_method(tmp_path):
    result = cli("run", "pg_zoo:blackbox", "--set", "dim=4", "--set", "evaluations=400", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert all(f"value_{m}" in rows[0] for m in ("gd", "zo_forward", "zo_central", "es_rank"))
