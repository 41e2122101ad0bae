"""A sweep page for any experiment, from its schema (issue 19): one numeric parameter over values ×
seeds, every member a full run of the experiment through the same back-ends as ``main.py sweep``.

``generic_sweep(topic, experiment_id, sweepable, values)`` is what an experiment declares as its
``SweepSpec``.  The page's run drives a local process pool (one worker per core) or a Dask cluster
from a thread of its own and streams the growing ``sweep`` table as members finish — ``value, seed,
diverged_step`` and the final value of every scalar the experiment declares — so the shared
``SweepView`` draws it like vae_ib's and batchnorm's.  The page's driver only waits on its workers,
so it runs beside the GUI, not in a child process (a daemonic engine process cannot start a pool).
"""
from __future__ import annotations

import math
import queue
import threading
from typing import Any, Iterator, Sequence

import numpy as np

from engines.core.experiment import SweepSpec
from engines.core.frame import Frame, RunContext, RunStopped
from engines.core.params import Param, ParamSchema
from engines.core.sweep import KEY_COLUMNS, plan_sweep, sweep_schema
from engines.core.sweep_backends import ProcessPool, default_workers, run_dask
from engines.core.sweep_points import run_point

PAGE_BACKENDS = ("process", "dask")
PAGE_WORKERS = 8  # the page's default at most: each worker process holds a few hundred MB
POLL_S = 0.1


def sweep_params(sweepable: Sequence[str], values: str, seeds: str) -> ParamSchema:
    return sweep_schema(
        sweepable, values, seeds,
        Param("backend", "process", kind="choice", choices=PAGE_BACKENDS,
              help="process: a pool of worker processes here; dask: the cluster at scheduler"),
        Param("workers", min(default_workers(), PAGE_WORKERS), kind="int", lo=1, hi=1024,
              help="worker processes (process; dask with scheduler = local); each holds its own torch"),
        Param("scheduler", "local", kind="str",
              help="dask: a scheduler address (tcp://host:8786), or local for a cluster started here"))


def generic_sweep(topic: str, experiment_id: str, base_schema: ParamSchema, metrics: Sequence[str],
                  sweepable: Sequence[str], values: str, seeds: str = "0, 1",
                  default_metric: str | None = None, title: str = "Sweep") -> SweepSpec:
    """The SweepSpec of ``topic:experiment_id``: ``sweepable`` numeric parameters, default values
    and seeds, and the scalars (``metrics``) its table records."""
    schema = sweep_params(sweepable, values, seeds)
    metric_names = tuple(metrics)

    def run(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
        yield from _run(topic, experiment_id, base_schema, schema, metric_names, params, ctx)

    return SweepSpec(schema, run, default_metric=default_metric or metric_names[0], title=title, in_process=False)


def _run(topic: str, experiment_id: str, base_schema: ParamSchema, schema: ParamSchema, metrics: tuple[str, ...],
         params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    plan = plan_sweep(params, base_schema, schema)
    sweep = plan.sweep
    tasks = [(k, (topic, experiment_id, plan.params_of(m))) for k, m in enumerate(plan.members)]
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    failure: list[str] = []

    def drive() -> None:
        try:
            if sweep["backend"] == "process":
                ProcessPool(min(sweep["workers"], len(tasks)), run_point).run(tasks, _put(results), stop.is_set)
            else:
                run_dask(run_point, tasks, _put(results), stop.is_set, sweep["scheduler"], sweep["workers"])
        except Exception as exc:  # noqa: BLE001 - a cluster that cannot be reached is said, not raised in a thread
            failure.append(f"{type(exc).__name__}: {exc}")

    where = f"{sweep['backend']}" + (f" at {sweep['scheduler']}" if sweep["backend"] == "dask" else
                                     f", {min(sweep['workers'], len(tasks))} workers")
    driver = threading.Thread(target=drive, name="sweep-driver", daemon=True)
    driver.start()
    yield Frame(0, 0.0, message=f"{len(tasks)} runs of {plan.name} × seeds on {where}")
    rows: list[list[float]] = []
    notes: list[str] = []
    try:
        while len(rows) < len(tasks):
            ctx.check()
            try:
                index, result = results.get(timeout=POLL_S)
            except queue.Empty:
                if not driver.is_alive() and results.empty():
                    break
                continue
            member = plan.members[index]
            scalars = result["scalars"]
            diverged = float(result.get("step", 0)) if result["status"] == "diverged" else math.nan
            rows.append([index, float(member.value), float(member.seed), diverged,
                         *(scalars.get(m, math.nan) if result["status"] == "ok" else math.nan for m in metrics)])
            rows.sort()                                               # the plan's order, whatever finished first
            if result["status"] != "ok":
                notes.append(f"{plan.name} = {member.value:g}, seed {member.seed}: {result['status']}: {result['message']}")
            text = f"{len(rows)}/{len(tasks)} runs done on {where}" + ("; " + "; ".join(notes[-2:]) if notes else "")
            yield Frame(len(rows), len(rows) / len(tasks), arrays={"sweep": np.array(rows, dtype=np.float64)[:, 1:]},
                        columns={"sweep": (*KEY_COLUMNS, *metrics)}, message=text)
    except RunStopped:
        stop.set()
        driver.join(timeout=10.0)
        raise
    driver.join(timeout=10.0)
    if failure:
        raise RuntimeError(f"the sweep's back-end failed: {failure[0]}")


def _put(results: queue.Queue):
    return lambda index, result: results.put((index, result))
