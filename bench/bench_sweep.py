"""Sweeps: the same 16 runs on a local process pool (one worker per core) against one after another
in this process (goal ≥ 1.8× on 2 cores), and the overhead a Dask LocalCluster adds per task against
the process pool on many tiny runs (goal ≤ 50 ms per task).  Worker start-up is included: it is part
of what a user waits for.

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


def main(argv=None) -> int:
    from engines.core.sweep_backends import ProcessPool, default_workers, run_dask, run_sequential

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    workers = default_workers()
    runs, epochs, tiny = (4, 1, 8) if args.smoke else (16, 4, 200)
    betas = [10.0 ** (-4 + k * 4 / 7) for k in range(max(runs // 2, 1))]
    heavy = _tasks("vae_ib", "train", [{"beta": b, "epochs": epochs, "eval_every": 5000, "mi_samples": 1, "seed": s,
                                         "device": "cpu"} for b in betas for s in (0, 1)][:runs])
    sequential, first = timed(run_sequential, heavy)
    pooled, second = timed(lambda job, *a: ProcessPool(workers, job).run(*a), heavy)
    same = all(first[i]["scalars"] == second[i]["scalars"] for i in first)
    print(f"{len(heavy)} vae_ib runs (VIB on digits, {epochs} epochs each), {workers} cores")
    print(f"  sequential {sequential:.1f} s, process pool of {workers} {pooled:.1f} s (start-up included): "
          f"ratio {sequential / pooled:.2f} (goal ≥ {GOAL_SPEEDUP}); same numbers: {'yes' if same else 'NO'}")
    light = _tasks("pg_zoo", "estimator", [{"dim": 2, "estimates": 10, "eps": 0.1, "seed": s} for s in range(tiny)])
    alone, _ = timed(run_sequential, light)
    pool_s, _ = timed(lambda job, *a: ProcessPool(workers, job).run(*a), light)
    dask_s, _ = timed(run_dask, light, "local", workers)
    per = 1000.0 * (dask_s - pool_s) / len(light)
    print(f"{len(light)} tiny runs (≈ {1000 * alone / len(light):.1f} ms each alone): process pool {pool_s:.2f} s, "
          f"Dask LocalCluster of {workers} {dask_s:.2f} s (cluster start included)")
    print(f"  Dask's overhead per task over the process pool: {per:.1f} ms (goal ≤ {GOAL_OVERHEAD_MS:.0f} ms)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
