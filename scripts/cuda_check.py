"""Check the torch topics on CUDA against the CPU and time them (engines only: no Qt needed).

    python scripts/cuda_check.py

For a machine with a GPU (the device tool): prints, for batchnorm, one A-vs-B run on each device (its
probe metrics must agree to float32 tolerance; steps/s), the 51×51 surface sampler's time on each
device; for vae_ib, a short VIB run on each device (its losses must agree) and the batched
population's model-steps/s against its size; for pg_zoo, the classifier race on each device (the
same accuracies to float32 tolerance) and the ZOO population's forward passes/s; for multitask, the
arena's float64 population on each device.  ``python scripts/cuda_check.py pg_zoo multitask`` runs
only those sections.
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


def synced_seconds(work, device: str) -> float:
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    work()
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def vae_population() -> None:
    """Model-steps/s of one β-sweep population of P members, with the sweep's per-step ``.tolist()``
    (a host sync) and without, and the CPU-side cost of drawing an epoch's batches and noise."""
    import engines.vae_ib as vi
    from engines.vae_ib.bottleneck import MemberConfig
    from engines.vae_ib.sweep import _train
    from engines.vae_ib.training import build_population

    p = vi.PARAMS.validate({**vi.PARAMS.defaults(), "device": "cpu"})
    rates = {}
    for device, sizes in (("cpu", (1, 8, 64)), ("cuda", (1, 8, 64, 512, 2048))):
        torch.set_num_threads(1)
        for size in sizes:
            configs = [MemberConfig(i, 10.0 ** (-4 + 4 * i / max(size - 1, 1)), p["lr"]) for i in range(size)]
            pop, _ = build_population(p, configs, torch.device(device))
            steps = 120 if device == "cuda" or size <= 8 else 30
            for _ in range(3):
                pop.step()
            with_sync = synced_seconds(lambda: [pop.step().tolist() for _ in range(steps)], device)
            without = synced_seconds(lambda: [pop.step() for _ in range(steps)], device)
            messages = [""] * size
            swept = synced_seconds(lambda: list(_train(pop, steps, RunContext({}), messages)), device)
            epoch = synced_seconds(pop.batches._new_epoch, "cpu")
            rates[device, size] = size * steps / swept
            print(f"vae_ib population P={size} on {device}: the sweep's loop (guard on the device, read every "
                  f"20 steps) {size * steps / swept:,.0f} model-steps/s; steps alone {size * steps / without:,.0f}, "
                  f"with a per-step .tolist() {size * steps / with_sync:,.0f}; drawing one epoch's batches "
                  f"{1000 * epoch:.1f} ms ({pop.steps_per_epoch} steps/epoch)")
    best_cpu = max(v for (d, _), v in rates.items() if d == "cpu")
    print(f"  P=512 on cuda vs the best CPU rate (1 thread): {rates['cuda', 512] / best_cpu:.0f}×, P=2048: "
          f"{rates['cuda', 2048] / best_cpu:.0f}× (goal ≥ 100×)")


def pg_zoo() -> None:
    from bench.bench_pg_zoo import population_rates
    from engines.pg_zoo.classifier import CLASSIFIER_PARAMS, run_classifier

    base = {"steps": 200, "eval_every": 50, "population": 400}
    finals = {}
    for device in ("cpu", "cuda", "cuda"):
        start = time.perf_counter()
        params = CLASSIFIER_PARAMS.validate({**base, "device": device})
        frames = list(run_classifier(params, RunContext.for_params(params)))
        seconds = time.perf_counter() - start
        finals[device] = frames[-1].scalars
        accs = {k[9:]: round(v, 4) for k, v in frames[-1].scalars.items() if k.startswith("test_acc_")}
        print(f"pg_zoo classifier, 6 methods, 200 steps, P=400 on {device}: {seconds:.2f} s; test accuracy {accs}")
    worst = max(abs(finals["cpu"][k] - finals["cuda"][k]) for k in finals["cpu"] if k.startswith("test_acc_"))
    print(f"  largest test-accuracy difference cpu vs cuda after 200 steps: {worst:.4f} "
          f"(draws differ by device: the CUDA generator is not the CPU's)")
    for population in (1000, 10000):
        for device, threads in (("cpu", 1), ("cpu", 16), ("cuda", 1)):
            batched, single, fraction = population_rates(population, device, threads)
            print(f"  ZOO population P={population} on {device} ({threads} thread(s)): batched {batched:,.0f} "
                  f"forward passes/s ({fraction:.2f} of the fp32 matmul rate), one model at a time {single:,.0f}")


def multitask() -> None:
    from bench.bench_multitask import population_rate

    for device in ("cpu", "cuda", "cuda"):
        torch.set_num_threads(1)
        print(f"multitask arena, 11 schemes, float64, on {device}: {population_rate(300, device=device):.0f} "
              f"arena steps/s")


SECTIONS = {"batchnorm": batchnorm, "vae_ib": vae_ib, "vae_population": vae_population, "pg_zoo": pg_zoo,
            "multitask": multitask}

if __name__ == "__main__":
    print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}",
          torch.cuda.get_device_name(0) if torch.cuda.is_available() else "", flush=True)
    for name in sys.argv[1:] or SECTIONS:
        start = time.perf_counter()
        try:
            SECTIONS[name]()
        except Exception as error:  # noqa: BLE001 - one broken section must not hide the others' numbers
            print(f"{name}: FAILED {type(error).__name__}: {error}")
        print(f"[{name}: {time.perf_counter() - start:.1f} s]", flush=True)
