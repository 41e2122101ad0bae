"""Where a sweep's points run: ``sequential`` (this process), ``process`` (a local pool, one worker
process per core) or ``dask`` (a ``distributed`` cluster: ``--scheduler ADDRESS``, or a LocalCluster
started here when the address is ``local``).  Every back-end calls the same ``run_point`` with the
same plain arguments and one thread per point, so the same seeds give the same numbers on each.
A task is ``(id, args)``; ``job(*args)`` runs it (a module-level function, so that it pickles by
name: ``engines.core.sweep_points.run_point`` or the command line's ``run_and_keep``).

A worker that dies (killed, out of memory) loses only the point it was running: the process pool
knows which one (each worker runs one point at a time and the pool watches its process), starts a
new worker and runs that point once more; a second death marks it ``error``.  Dask does the same
through its scheduler (``allowed-failures`` = 1 on a LocalCluster; an existing scheduler keeps its
own setting, by default 3).  The sweep always finishes and accounts for every point.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import uuid
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable

BACKENDS = ("auto", "sequential", "process", "dask")
Task = tuple[int, tuple]   # id, the job's arguments
Job = Callable[..., dict[str, Any]]
Done = Callable[[int, dict[str, Any]], None]
RETRIES = 1


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def died(code: int | None, twice: bool) -> dict[str, Any]:
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return {"status": "error", "message": f"the worker running it died ({how}){' twice' if twice else ''}",
            "seconds": 0.0, "scalars": {}}


def run_sequential(job: Job, tasks: Iterable[Task], done: Done, stop: Callable[[], bool]) -> None:
    for task_id, args in tasks:
        if stop():
            return
        done(task_id, job(*args))


def _worker_main(conn, job: Job) -> None:
    """A pool worker: run the points sent to it, one at a time, until it is sent None.  Ctrl-C is
    the parent's to handle (it stops the pool); the worker ignores it rather than dying noisily."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        task_id, args = task
        conn.send((task_id, job(*args)))


class ProcessPool:
    """``workers`` spawned processes, each fed one point at a time over its own pipe."""

    def __init__(self, workers: int, job: Job):
        self.context = mp.get_context("spawn")  # a fresh interpreter: no inherited torch or OpenMP state
        self.job = job
        self.workers: list[list] = []             # [process, connection, running task or None]
        for _ in range(max(1, workers)):
            self.workers.append(self._start())

    def _start(self) -> list:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.job), daemon=True)
        process.start()
        child.close()
        return [process, parent, None]

    def run(self, tasks: Iterable[Task], done: Done, stop: Callable[[], bool], keep_open: bool = False) -> None:
        """Run the tasks; the pool closes afterwards unless ``keep_open`` (and always on an error or a
        stop)."""
        finished = False
        try:
            self._run(tasks, done, stop)
            finished = not stop()
        finally:
            if not (keep_open and finished):
                self.close()

    def _run(self, tasks: Iterable[Task], done: Done, stop: Callable[[], bool]) -> None:
        queue, attempts = list(tasks)[::-1], {}
        while queue or any(w[2] is not None for w in self.workers):
            if stop():                              # the points in flight are lost: a resume reruns them
                return
            for worker in self.workers:
                if worker[2] is None and queue:
                    worker[2] = queue.pop()
                    worker[1].send(worker[2])
            busy = [w for w in self.workers if w[2] is not None]
            ready = wait([w[1] for w in busy] + [w[0].sentinel for w in busy], timeout=0.5)
            for index, worker in enumerate(self.workers):
                if worker[2] is None:
                    continue
                if worker[1] in ready:
                    try:
                        task_id, result = worker[1].recv()
                    except (EOFError, OSError):
                        pass                      # it died while answering: handled below
                    else:
                        worker[2] = None
                        done(task_id, result)
                        continue
                if worker[0].sentinel in ready or not worker[0].is_alive():
                    task = worker[2]
                    worker[0].join(timeout=1.0)
                    attempts[task[0]] = attempts.get(task[0], 0) + 1
                    if attempts[task[0]] > RETRIES:
                        done(task[0], died(worker[0].exitcode, twice=True))
                    else:
                        queue.append(task)
                    worker[1].close()
                    self.workers[index] = self._start()

    def close(self) -> None:
        """Idle workers are told to go; a busy one (a stopped sweep) is terminated at once."""
        for process, conn, task in self.workers:
            if task is not None:
                process.terminate()
                continue
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for process, conn, _ in self.workers:
            process.join(timeout=2.0)
            if process.is_alive():
                process.terminate()
                process.join(timeout=2.0)
            conn.close()


def run_dask(job: Job, tasks: Iterable[Task], done: Done, stop: Callable[[], bool], scheduler: str,
             workers: int) -> None:
    """Submit every point to a Dask cluster and collect them as they finish."""
    import dask
    from distributed import Client, LocalCluster, as_completed

    with dask.config.set({"distributed.scheduler.allowed-failures": RETRIES,
                          "distributed.worker.daemon": False, "distributed.admin.system-monitor.gil.enabled": False}):
        cluster = (LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                silence_logs=40) if scheduler == "local" else None)
        try:
            with Client(cluster if cluster is not None else scheduler) as client:
                batch = uuid.uuid4().hex[:12]  # keys unique on a shared scheduler
                futures = {client.submit(job, *args, pure=False,
                                         key=f"sweep-point-{task_id}-{batch}"): task_id
                           for task_id, args in tasks}
                for future in as_completed(futures):
                    task_id = futures[future]
                    try:
                        done(task_id, future.result())
                    except Exception as exc:  # noqa: BLE001 - KilledWorker and lost connections become rows
                        done(task_id, {"status": "error", "message": f"{type(exc).__name__}: {exc}",
                                       "seconds": 0.0, "scalars": {}})
                    if stop():
                        for other in futures:
                            other.cancel()
                        return
        finally:
            if cluster is not None:
                cluster.close()
