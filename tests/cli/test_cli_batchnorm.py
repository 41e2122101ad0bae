"""The command line for batchnorm: the issue's columns and surface arrays, exit 2 for bad values,
exit 3 when a net diverges (with what was computed written)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.cli.test_cli import cli, read_csv

QUICK = ["--set", "steps=20", "--set", "depth=2", "--set", "width=24", "--set", "probe_every=5",
         "--set", "eval_every=10", "--device", "cpu"]


def test_run_writes_the_contract_columns_and_both_surfaces(tmp_path):
    result = cli("run", "batchnorm", *QUICK, "--set", "surface_resolution=9", "--seed", "2", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    for net in ("a", "b"):
        for stem in ("loss", "test_acc", "loss_range", "grad_pred", "beta_eff"):
            assert f"{stem}_{net}" in rows[0], stem
    assert sum(1 for r in rows if r["beta_eff_a"] not in ("", "nan")) >= 4
    arrays = np.load(tmp_path / "arrays.npz")
    for net in ("a", "b"):
        grid = arrays[f"surface_{net}"]
        assert grid.shape == (9, 9) and np.isfinite(grid).all()
    axis = arrays["surface_axis"]
    assert axis.shape == (9,) and axis[0] == -1.0 and axis[-1] == 1.0
    assert (tmp_path / "surface_a.csv").exists() and (tmp_path / "surface_axis.csv").exists()


@pytest.mark.parametrize("args,fragment", [
    (["--set", "variant_a=dropout"], "one of none, bn"),
    (["--set", "depth=11"], "depth = 11 is out of range"),
    (["--set", "probe_min=0.5", "--set", "probe_max=0.1"], "probe_max"),
])
def test_bad_values_exit_2_and_write_nothing(tmp_path, args, fragment):
    out = tmp_path / "out"
    result = cli("run", "batchnorm", *args, "--out", out)
    assert result.returncode == 2 and fragment in result.stderr
    assert not out.exists()


def test_a_diverging_net_exits_3_and_keeps_both_curves(tmp_path):
    result = cli("run", "batchnorm", "--set", "lr=8", "--set", "steps=40", "--set", "width=64",
                 "--set", "surface_resolution=0", "--device", "cpu", "--out", tmp_path)
    assert result.returncode == 3, result.stderr
    assert "net A (none)" in result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert rows[-1]["loss_b"] not in ("", "nan")
