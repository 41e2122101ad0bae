"""``main.py sweep TOPIC[:EXPERIMENT] --grid NAME=V1,V2,... [--grid ...] [--set NAME=V ...] [--seeds N]
--out DIR [--backend auto|sequential|process|dask] [--workers N] [--scheduler ADDRESS] [--keep-runs]``.

Writes ``sweep.json``, ``results.csv`` (one row per run: grid values, seed, status, wall seconds, the
final value of every scalar the experiment declares, a message), ``summary.png`` and, with
``--keep-runs``, each run's usual files under ``runs/NNNN/``.  Progress with an ETA on stderr.
Started again with the same ``--out`` it skips the runs already in ``results.csv``.  Exit 2 for a bad
grid (the message names the parameter and its range; nothing is written), 0 otherwise — runs that
diverged or failed are rows of the table, not a failed sweep; 130 / 143 when a signal stopped it
(what finished is in the table, and a resume finishes the rest).
"""
from __future__ import annotations

import argparse
import sys
import time

from engines.core.params import ParameterError
from workbench.core.headless import EXIT_BAD_ARGS, EXIT_OK, StderrProgress
from workbench.core.interrupts import Interrupts


def add_parser(sub) -> None:
    from engines.core.sweep_backends import BACKENDS

    s = sub.add_parser("sweep", help="a grid × seeds of headless runs of an experiment, on this machine's cores "
                                     "or a Dask cluster; resumable")
    s.add_argument("topic", metavar="TOPIC[:EXPERIMENT]")
    s.add_argument("--grid", dest="grids", action="append", default=[], metavar="NAME=V1,V2,...",
                   help="a parameter and its values (several --grid multiply; a multi-choice parameter's "
                        "values are separated by ';')")
    s.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    s.add_argument("--seeds", type=int, default=1, metavar="N", help="seeds per point, from the seed value up")
    s.add_argument("--out", required=True, help="the sweep's folder (missing, empty, or an earlier sweep's to resume)")
    s.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="auto (process with several points and cores, else sequential), sequential, process, dask")
    s.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    s.add_argument("--scheduler", default="local",
                   help="dask: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster started here")
    s.add_argument("--keep-runs", action="store_true", help="also write each run's files under runs/NNNN/")
    s.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_sweep(args: argparse.Namespace, find_experiment) -> int:
    from engines.core.sweep_backends import ProcessPool, default_workers, run_dask, run_sequential
    from engines.core.sweep_points import run_point
    from workbench.sweeps.grid import plan_grid
    from workbench.sweeps.point import run_and_keep
    from workbench.sweeps.results import SweepFolder

    topic, experiment = find_experiment(args.topic)
    fixed: dict = {}
    for text in args.assignments:
        name, value = experiment.params.parse_assignment(text)
        if name in fixed:
            raise ParameterError(name, f"--set {name}= given twice: give {name} once")
        fixed[name] = value
    grid = plan_grid(topic, experiment, args.grids, fixed, args.seeds)
    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1:
        raise ParameterError("--workers", f"--workers = {workers} is out of range; allowed: an integer ≥ 1")
    points = grid.points()
    backend = args.backend
    if backend == "auto":
        backend = "process" if workers > 1 and len(points) > 1 else "sequential"
    folder = SweepFolder(args.out, grid, backend)
    todo = folder.todo(points)
    skipped = len(points) - len(todo)
    folder.start()
    by_id = {p.index: p for p in todo}
    job = run_and_keep if args.keep_runs else run_point
    tasks = [(p.index, (topic, experiment.id, grid.params_of(p)) + ((str(folder.run_dir(p)),) if args.keep_runs else ()))
             for p in todo]
    bar = None if args.quiet else StderrProgress(f"sweep {grid.ref} ({backend}, {len(todo)} of {len(points)} runs)")
    counts = {"ok": 0, "diverged": 0, "error": 0}

    def done(task_id: int, result: dict) -> None:
        folder.add(by_id[task_id], result)
        counts[result["status"]] += 1
        if bar is not None:
            bar(sum(counts.values()) / max(len(todo), 1))

    started = time.perf_counter()
    with Interrupts() as interrupts:
        stop = lambda: interrupts.signum is not None  # noqa: E731
        if bar is not None:
            bar(0.0, force=True)
        if not tasks:
            pass
        elif backend == "sequential":
            run_sequential(job, tasks, done, stop)
        elif backend == "process":
            ProcessPool(min(workers, max(len(tasks), 1)), job).run(tasks, done, stop)
        else:
            run_dask(job, tasks, done, stop, args.scheduler, workers)
    if bar is not None:
        bar.close()
    _summary(folder)
    seconds = time.perf_counter() - started
    print(f"{grid.ref}: {counts['ok']} ok, {counts['diverged']} diverged, {counts['error']} failed in {seconds:.1f} s"
          + (f"; {skipped} already in results.csv" if skipped else "") + f" ({backend})", file=sys.stderr)
    for name in ("sweep.json", "results.csv", "summary.png"):
        if (folder.out / name).exists():
            print(folder.out / name)
    if interrupts.signum is not None:
        print(f"interrupted by {interrupts.name()}: run the same command again to finish the sweep", file=sys.stderr)
        return interrupts.exit_code
    return EXIT_OK


def _summary(folder) -> None:
    try:
        from workbench.sweeps.summary import write_summary

        write_summary(folder)
    except Exception as exc:  # noqa: BLE001 - the table is the result; a picture that fails says so
        print(f"summary.png not written: {type(exc).__name__}: {exc}", file=sys.stderr)


__all__ = ["add_parser", "cmd_sweep", "EXIT_BAD_ARGS"]
