"""The command line for vae_ib: the issue's columns and arrays, exit 2 for bad values, exit 3 when
a run diverges (with what it computed written)."""
from __future__ import annotations

import csv
import math

import pytest
import torch

from tests.cli.test_cli import cli, read_csv
from tests.poison import poison_step

QUICK = ["--set", "epochs=1", "--set", "eval_every=13", "--set", "mi_samples=1", "--device", "cpu"]


def _header(path):
    with open(path) as fh:
        return next(csv.reader(line for line in fh if not line.startswith("#")))


def test_vib_run_writes_the_contract_columns_and_arrays(tmp_path):
    result = cli("run", "vae_ib", *QUICK, "--seed", "3", "--set", "latent_dim=3", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert len(rows) == 13
    for column in ("step", "loss", "kl_nats", "ce", "train_acc", "test_acc", "kl_bits", "mi_bits",
                   "izy_bits", "beta"):
        assert column in rows[0], column
    last = rows[-1]
    assert float(last["kl_bits"]) == pytest.approx(float(last["kl_nats"]) / math.log(2))
    assert float(last["mi_bits"]) <= math.log2(1257) + 1e-9 and float(last["izy_bits"]) <= 3.3219
    assert _header(tmp_path / "latent.csv") == ["z0", "z1", "z2", "label"]
    assert len(read_csv(tmp_path / "latent.csv")) == 540
    assert len(read_csv(tmp_path / "sigma.csv")) == 3
    assert '"seed": 3' in (tmp_path / "session.json").read_text()


def test_vae_run_has_reconstruction_columns(tmp_path):
    i = QUICK.index("eval_every=13")
    quick = QUICK[:i - 1] + QUICK[i + 1:]  # without that --set: a parameter is given once
    result = cli("run", "vae_ib", *quick, "--set", "model=vae", "--set", "eval_every=18", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert {"recon", "recon_bce", "total_correlation"} <= set(rows[0])
    assert len(read_csv(tmp_path / "latent.csv")) == 1797


@pytest.mark.parametrize("args,fragment", [
    (["--set", "beta=500"], "0 or a number in [1e-06, 100]"),
    (["--set", "model=gan"], "one of vib, vae"),
    (["--set", "train_size=5"], "train_size"),
])
def test_bad_values_exit_2_and_write_nothing(tmp_path, args, fragment):
    out = tmp_path / "out"
    result = cli("run", "vae_ib", *args, "--out", out)
    assert result.returncode == 2 and fragment in result.stderr
    assert not out.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_a_gpu_exits_2_naming_device(tmp_path):
    out = tmp_path / "out"
    result = cli("run", "vae_ib", "--device", "cuda", "--out", out)
    assert result.returncode == 2 and "device" in result.stderr and "auto or cpu" in result.stderr
    assert not out.exists()


def test_a_diverged_run_exits_3_and_keeps_what_it_computed(tmp_path, monkeypatch):
    from engines.vae_ib.params import PARAMS
    from workbench.core.headless import EXIT_DIVERGED, run_topic

    poison_step(monkeypatch, at_step=9)
    params = PARAMS.validate({"epochs": 1, "eval_every": 4, "mi_samples": 1, "device": "cpu"})
    outcome = run_topic("vae_ib", params, tmp_path)
    assert outcome.exit_code == EXIT_DIVERGED
    assert outcome.record.diverged == "loss became nan at step 9"
    rows = read_csv(tmp_path / "curves.csv")
    assert len(rows) == 9 and rows[-1]["loss"] == "nan"
    assert (tmp_path / "latent.csv").exists()                     # the evaluation of step 8 survives
