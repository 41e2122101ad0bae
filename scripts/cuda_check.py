"""Check the torch topics on CUDA against the CPU and time them (engines only: no Qt needed).

    python scripts/cuda_check.py

For a machine with a GPU (the device tool): prints, for batchnorm, one A-vs-B run on each device (its
probe metrics must agree to float32 tolerance; steps/s), the 51×51 surface sampler's time on each
device; for vae_ib, a short VIB run on each device (its losses must agree).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from engines.core.frame import RunContext  # noqa: E402


def timed_run(engine, params: dict) -> tuple[list, float]:
    start = time.perf_counter()
    frames = list(engine.run(params, RunContext.for_params(params)))
    if params["device"] == "cuda":
        torch.cuda.synchronize()
    return frames, time.perf_counter() - start


def series(frames, name: str) -> np.ndarray:
    return np.array([f.scalars[name] for f in frames if name in f.scalars])


def batchnorm() -> None:
    import engines.batchnorm as bn

    base = {**bn.PARAMS.defaults(), "steps": 100, "surface_resolution": 51}
    results = {}
    for device in ("cpu", "cuda", "cuda"):  # the second cuda run is warm
        frames, seconds = timed_run(bn, {**base, "device": device})
        results[device] = (frames, seconds)
        arrays = {}
        for f in frames:
            arrays.update(f.arrays)
        print(f"batchnorm {device}: 100 steps + two 51×51 surfaces in {seconds:.2f} s; "
              f"final test acc A {series(frames, 'test_acc_a')[-1]:.4f}, B {series(frames, 'test_acc_b')[-1]:.4f}; "
              f"surface_a finite {np.isfinite(arrays['surface_a']).all()}")
    cpu, gpu = results["cpu"][0], results["cuda"][0]
    for name in ("loss_a", "loss_b", "beta_eff_a", "beta_eff_b", "grad_pred_a", "grad_pred_b"):
        for last in (20, 100):  # float32 trajectories part slowly (SGD amplifies rounding): compare early steps
            a, b = (np.array([f.scalars[name] for f in frames if name in f.scalars and f.step <= last])
                    for frames in (cpu, gpu))
            rel = np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-12))
            print(f"  {name}, steps ≤ {last} ({len(a)} values): max relative difference cpu vs cuda {rel:.2e}")
    from engines.batchnorm import network as nw
    from engines.batchnorm.surface import plane_directions, sample_surface
    from engines.training.datasets import digits_all

    x, y = digits_all()
    for device in ("cpu", "cuda"):
        spec = nw.NetSpec("bn", 6, 100)
        params = [p.detach().to(device) for p in nw.init_params(spec, "kaiming", torch.Generator().manual_seed(0))]
        d1, d2 = plane_directions(spec, params, "filter_random", torch.Generator().manual_seed(1))
        xt, yt = torch.tensor(x[:512], device=device), torch.tensor(y[:512], device=device)
        for res in (51, 101):
            start = time.perf_counter()
            grid = None
            for grid, _ in sample_surface(spec, params, d1, d2, xt, yt, np.linspace(-1, 1, res)):
                pass
            print(f"  surface {res}×{res} bn on {device}: {time.perf_counter() - start:.3f} s, "
                  f"finite {np.isfinite(grid).all()}")


def vae_ib() -> None:
    import engines.vae_ib as vi

    base = {**vi.PARAMS.defaults(), "epochs": 3, "eval_every": 20, "mi_samples": 1}
    out = {}
    for device in ("cpu", "cuda"):
        frames, seconds = timed_run(vi, {**base, "device": device})
        out[device] = series(frames, "loss")
        print(f"vae_ib {device}: 3 epochs in {seconds:.2f} s")
    n = min(len(out["cpu"]), len(out["cuda"]), 30)
    rel = np.max(np.abs(out["cpu"][:n] - out["cuda"][:n]) / np.abs(out["cpu"][:n]))
    print(f"  loss, first {n} steps: max relative difference cpu vs cuda {rel:.2e}")


if __name__ == "__main__":
    print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}",
          torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
    batchnorm()
    vae_ib()
