"""One point of a sweep, run to its end wherever it is sent (this process, a worker process, a Dask
worker): the final value of every scalar the run streamed, its status and its wall time.

The arguments and the result are plain data (strings, numbers, dicts), so any back-end can ship
them.  A run that diverges is a result (``diverged``, with what diverged); a run that raises is a
result too (``error``, with the message): one bad point never stops a sweep.  ``on_frame`` sees every
frame (the command line's ``--keep-runs`` records them).
"""
from __future__ import annotations

import time
from typing import Any, Callable

STATUSES = ("ok", "diverged", "error")
_LIMITS: list = []  # the BLAS limit, held for the life of the process


def single_threaded() -> None:
    """One torch and one BLAS thread: a sweep runs one point per core, and sequential, process and
    dask runs then do the same arithmetic in the same order (identical results for the same seeds)."""
    import torch
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency: the BLAS pools of numpy

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    if not _LIMITS:
        _LIMITS.append(threadpool_limits(limits=1))


def run_point(topic: str, experiment_id: str, params: dict[str, Any],
              on_frame: Callable | None = None) -> dict[str, Any]:
    """``{"status", "message", "seconds", "step", "scalars"}`` of one run of ``topic:experiment_id``
    (``step``: its last frame's)."""
    from engines.core.experiment import find
    from engines.core.frame import RunContext
    from engines.registry import experiments

    single_threaded()
    started = time.perf_counter()
    finals: dict[str, float] = {}
    status, message, step = "ok", "", 0
    try:
        experiment = find(experiments(topic), experiment_id, topic)
        values = experiment.params.validate(params)
        for frame in experiment.run(dict(values), RunContext.for_params(values)):
            if on_frame is not None:
                on_frame(frame)
            step = frame.step
            for name, value in frame.scalars.items():
                finals[name] = float(value)
            if frame.diverged:
                status, message = "diverged", frame.diverged
                break
    except Exception as exc:  # noqa: BLE001 - the point's failure is its result, not the sweep's
        status, message = "error", f"{type(exc).__name__}: {exc}"
    return {"status": status, "message": message, "seconds": time.perf_counter() - started, "step": step,
            "scalars": finals}
