"""Sweeps: the same 16 runs on a local process pool (one worker per core) against one after another
in this process (goal ≥ 1.8× on 2 cores), and the overhead a Dask LocalCluster adds per task against
the process pool on many tiny runs, both warm (goal ≤ 50 ms per task).  Start-up is included in the
first ratio (it is part of what a user waits for) and printed apart in the second.

    .venv/bin/python -m bench.bench_sweep [--smoke]
"""
from __future__ import annotations

import argparse
import sys
import time

GOAL_SPEEDUP, GOAL_OVERHEAD_MS = 1.8, 50.0


def _tasks(topic: str, experiment: str, points: list[dict]) -> list:
    return [(i, (topic, experiment, params)) for i, params in enumerate(points)]


def timed(run, tasks, *args) -> tuple[float, dict]:
    from engines.core.sweep_points import run_point

    results = {}
    started = time.perf_counter()
    run(run_point, tasks, lambda i, r: results.__setitem__(i, r), lambda: False, *args)
    return time.perf_counter() - started, results


def warm_rates(workers: int, light: list) -> tuple[float, float, float, float]:
    """Seconds for the tiny runs on a warm pool and on a warm LocalCluster (both started, every worker
    having run one point first), and the start-up seconds of each."""
    import dask
    from distributed import Client, LocalCluster

    from engines.core.sweep_backends import ProcessPool, run_dask
    from engines.core.sweep_points import run_point

    warm = light[:workers]
    started = time.perf_counter()
    pool = ProcessPool(workers, run_point)
    pool.run(warm, lambda i, r: None, lambda: False, keep_open=True)
    pool_start = time.perf_counter() - started
    pool_s, _ = timed(lambda job, *a: pool.run(*a, keep_open=True), light)
    pool.close()
    started = time.perf_counter()
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=50)
    try:
        with Client(cluster):
            run_dask(run_point, warm, lambda i, r: None, lambda: False, cluster.scheduler_address, workers)
            dask_start = time.perf_counter() - started
            dask_s, _ = timed(run_dask, light, cluster.scheduler_address, workers)
    finally:
        cluster.close()
    return pool_s, dask_s, pool_start, dask_start


def same_numbers(a: dict, b: dict) -> bool:
    """Everything each run computed, less its wall time (an experiment's own ``seconds``)."""
    strip = lambda r: (r["status"], {k: v for k, v in r["scalars"].items() if k != "seconds"})  # noqa: E731
    return all(strip(a[i]) == strip(b[i]) for i in a)


def main(argv=None) -> int:
    from engines.core.sweep_backends import ProcessPool, default_workers, run_sequential

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    workers = default_workers()
    runs, epochs, tiny = (4, 1, 8) if args.smoke else (16, 30, 200)
    betas = [10.0 ** (-4 + k * 4 / 7) for k in range(max(runs // 2, 1))]
    heavy = _tasks("vae_ib", "train", [{"beta": b, "epochs": epochs, "eval_every": 5000, "mi_samples": 1, "seed": s,
                                         "device": "cpu"} for b in betas for s in (0, 1)][:runs])
    sequential, first = timed(run_sequential, heavy)
    pooled, second = timed(lambda job, *a: ProcessPool(workers, job).run(*a), heavy)
    same = same_numbers(first, second)
    light = _tasks("pg_zoo", "estimator", [{"dim": 2, "estimates": 10, "eps": 0.1, "seed": s} for s in range(tiny)])
    alone, _ = timed(run_sequential, light)
    pool_s, dask_s, pool_start, dask_start = warm_rates(workers, light)
    print(f"{len(heavy)} vae_ib runs (VIB on digits, {epochs} epochs each), {workers} cores")
    print(f"  sequential {sequential:.1f} s, process pool of {workers} {pooled:.1f} s (start-up included): "
          f"ratio {sequential / pooled:.2f} (goal ≥ {GOAL_SPEEDUP}); without the pool's start-up "
          f"(≈ {pool_start:.1f} s): {sequential / max(pooled - pool_start, 1e-9):.2f}; "
          f"same numbers: {'yes' if same else 'NO'}")
    per = 1000.0 * (dask_s - pool_s) / len(light)
    print(f"{len(light)} tiny runs (≈ {1000 * alone / len(light):.1f} ms each alone), {workers} workers, both warm: "
          f"process pool {pool_s:.2f} s, Dask LocalCluster {dask_s:.2f} s (start-up: pool {pool_start:.1f} s, "
          f"cluster {dask_start:.1f} s)")
    print(f"  Dask's overhead per task over the process pool: {per:.1f} ms (goal ≤ {GOAL_OVERHEAD_MS:.0f} ms)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
