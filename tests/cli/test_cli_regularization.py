"""The command line for regularization: ``run regularization`` is the race, with the issue's curve
names per chosen method and the final table; a misspelt method exits 2 naming the parameter."""
from __future__ import annotations

import pytest

from tests.cli.test_cli import cli, read_csv

QUICK = ["--set", "steps=20", "--set", "eval_every=10", "--set", "train_size=40", "--set", "width=8"]


def test_the_topic_runs_the_race_with_a_curve_per_chosen_method(tmp_path):
    result = cli("run", "regularization", *QUICK, "--set", "methods=weissi_log, l2_adam", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert [int(float(r["step"])) for r in rows] == [0, 10, 20]
    for m in ("l2_adam", "weissi_log"):
        for key in ("train_loss", "test_loss", "test_acc", "l2", "log_norm_sum", "imbalance", "input_grad",
                    "fgsm_acc"):
            assert f"{key}_{m}" in rows[0], f"{key}_{m}"
    assert not any(column.endswith("_adamw") for column in rows[0])
    final = read_csv(tmp_path / "final.csv")
    assert [int(float(r["method"])) for r in final] == [0, 1]      # in the order of METHODS: l2_adam, weissi_log
    assert float(final[1]["test_acc"]) == pytest.approx(float(rows[-1]["test_acc_weissi_log"]))
    assert '"methods": "l2_adam,weissi_log"' in (tmp_path / "session.json").read_text()


def test_a_misspelt_method_exits_2_and_names_the_parameter(tmp_path):
    result = cli("run", "regularization", *QUICK, "--set", "methods=l2_adam,weisi", "--out", tmp_path)
    assert result.returncode == 2
    assert "methods: 'weisi' not valid" in result.stderr and "weissi_log" in result.stderr
