"""The benchmarks are not pass/fail, but they must keep running: a tiny run of all of them."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmarks_still_run_and_print_their_ratios():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "bench", "--smoke"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "geometric-mean ratio" in result.stdout
    assert "ratio GUI-live / headless" in result.stdout
    assert "last value drawn: yes" in result.stdout
    assert "ratio GUI-live / headless" in result.stdout.split("bench_vae_ib")[1]
    assert "metric computed → drawn" in result.stdout
    assert "ratio sequential / batched" in result.stdout
    assert "ratio sampler / matmul peak" in result.stdout.split("bench_batchnorm")[1]
    assert "first coarse surface on screen" in result.stdout
    assert "first paint of the main window" in result.stdout and "peak memory with every panel open" in result.stdout
    assert "goal ≥ 3×" in result.stdout.split("bench_regularization_race")[1]
    assert "torch/numba" in result.stdout and "plain Python loop" in result.stdout.split("bench_pg_zoo")[1]
    multitask = result.stdout.split("bench_multitask")[1]
    assert "goal ≥ 3×" in multitask and "mgda" in multitask and "ratio GUI-live / headless" in multitask
    wok = result.stdout.split("bench_wok")[1]
    assert "goal ≥ 50×" in wok and "dense Jacobian" in wok and "sparse Jacobian" in wok
    assert "goal ≥ 30 fps at ≥ 10× real time" in result.stdout.split("bench_wok_gui")[1]
    sweep = result.stdout.split("bench_sweep")[1]
    assert "goal ≥ 1.8" in sweep and "same numbers: yes" in sweep and "Dask's overhead per task" in sweep
