"""The same sweep on every back-end gives the same table; a worker killed mid-sweep loses only its
point, which runs again, and the sweep finishes with every point accounted for."""
import csv
import os
import signal
import threading
import time

import pytest

from engines.core.sweep_backends import ProcessPool, run_dask, run_sequential
from engines.core.sweep_points import run_point

POINTS = [  # numpy (pg_zoo's estimator) and torch (the regulariser race), two seeds each
    ("pg_zoo", "estimator", {"dim": 10, "estimates": 200, "eps": eps, "seed": seed})
    for eps in (0.1, 0.01) for seed in (0, 1)
] + [("regularization", "race", {"steps": 20, "eval_every": 10, "train_size": 40, "width": 8, "lr": lr, "seed": 3})
     for lr in (0.01, 0.1)]
SLOW = ("wok", "comparator", {"duration": 3000.0, "cells": 1500, "dt": 0.05, "record_every": 600.0})


def tasks(points=POINTS):
    return [(i, point) for i, point in enumerate(points)]


def collect(run, *args):
    results = {}
    run(run_point, tasks(), lambda task_id, result: results.__setitem__(task_id, result), lambda: False, *args)
    return results


@pytest.fixture(scope="module")
def sequential():
    return collect(run_sequential)


def scalars(results):
    """Everything a run computed, less its wall time (the race reports ``seconds``)."""
    return {i: (r["status"], {k: v for k, v in r["scalars"].items() if k != "seconds"}) for i, r in results.items()}


def test_points_finish_with_their_final_scalars(sequential):
    assert len(sequential) == len(POINTS) and all(r["status"] == "ok" for r in sequential.values())
    assert sequential[0]["scalars"]["second_moment"] != sequential[1]["scalars"]["second_moment"]  # seeds differ
    assert "test_loss_none" in sequential[4]["scalars"] and sequential[4]["seconds"] > 0
    assert run_point("pg_zoo", "estimator", {"eps": 5.0})["status"] == "error"        # a bad point is a row
    assert "eps = 5" in run_point("pg_zoo", "estimator", {"eps": 5.0})["message"]


def test_the_process_pool_gives_the_sequential_numbers(sequential):
    assert scalars(collect(lambda job, *a: ProcessPool(2, job).run(*a))) == scalars(sequential)


def test_a_dask_local_cluster_gives_the_sequential_numbers(sequential):
    assert scalars(collect(run_dask, "local", 2)) == scalars(sequential)


def _kill_the_slow_point_worker(find_pid, seen):
    """Wait until the slow point is running somewhere, then kill that process."""
    for _ in range(600):
        pid = find_pid()
        if pid:
            time.sleep(0.3)
            os.kill(pid, signal.SIGKILL)
            seen.append(pid)
            return
        time.sleep(0.05)


def test_a_killed_pool_worker_loses_only_its_point_which_runs_again():
    pool = ProcessPool(2, run_point)
    points = [SLOW] + POINTS[:2]
    killed, results = [], {}

    def find_pid():
        return next((w[0].pid for w in pool.workers if w[2] is not None and w[2][0] == 0), None)

    killer = threading.Thread(target=_kill_the_slow_point_worker, args=(find_pid, killed))
    killer.start()
    pool.run(tasks(points), lambda i, r: results.__setitem__(i, r), lambda: False)
    killer.join()
    assert killed and sorted(results) == [0, 1, 2]
    assert all(r["status"] == "ok" for r in results.values())          # the slow point ran again, whole


def test_a_killed_dask_worker_loses_only_its_point_and_the_sweep_finishes():
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=50)
    try:
        with Client(cluster) as client:
            pids = client.run(os.getpid)

            def find_pid():
                for address, keys in client.processing().items():
                    if any(str(k).startswith("sweep-point-0-") for k in keys):
                        return pids.get(address)
                return None

            killed, results = [], {}
            killer = threading.Thread(target=_kill_the_slow_point_worker, args=(find_pid, killed))
            killer.start()
            run_dask(run_point, tasks([SLOW] + POINTS[:2]), lambda i, r: results.__setitem__(i, r), lambda: False,
                     cluster.scheduler_address, 2)
            killer.join()
        assert killed and sorted(results) == [0, 1, 2]
        assert results[1]["status"] == results[2]["status"] == "ok"
        assert results[0]["status"] in ("ok", "error")                 # retried once; a second loss is a row
    finally:
        cluster.close()
