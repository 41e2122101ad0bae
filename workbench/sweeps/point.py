"""One point of a sweep, run to its end wherever it is sent (this process, a worker process, a Dask
worker): the final value of every scalar the run streamed, its status and its wall time.

The arguments and the result are plain data (strings, numbers, dicts), so any back-end can ship
them.  A run that diverges is a result (``diverged``, with what diverged); a run that raises is a
result too (``error``, with the message): one bad point never stops a sweep.  With ``keep_dir`` the
run also writes its usual output files there (``main.py run``'s contract).
"""
from __future__ import annotations

import time
from typing import Any

STATUSES = ("ok", "diverged", "error")


_LIMITS: list = []  # the BLAS limit, held for the life of the process


def single_threaded() -> None:
    """One torch and one BLAS thread: a sweep runs one point per core, and sequential, process and
    dask runs then do the same arithmetic in the same order (identical results for the same seeds)."""
    import torch
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency: BLAS pools of numpy

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    if not _LIMITS:
        _LIMITS.append(threadpool_limits(limits=1))


def run_point(topic: str, experiment_id: str, params: dict[str, Any], keep_dir: str | None = None) -> dict[str, Any]:
    """``{"status", "message", "seconds", "scalars"}`` of one run of ``topic:experiment_id``."""
    from engines.core.experiment import find
    from engines.core.frame import RunContext
    from engines.registry import experiments

    single_threaded()
    started = time.perf_counter()
    finals: dict[str, float] = {}
    status, message = "ok", ""
    record = None
    try:
        experiment = find(experiments(topic), experiment_id, topic)
        values = experiment.params.validate(params)
        if keep_dir is not None:
            from workbench.core.recording import RunRecord

            record = RunRecord(topic, dict(values), experiment=experiment.id, spool=True)
        for frame in experiment.run(dict(values), RunContext.for_params(values)):
            if record is not None:
                record.add(frame)
            for name, value in frame.scalars.items():
                finals[name] = float(value)
            if frame.diverged:
                status, message = "diverged", frame.diverged
                break
    except Exception as exc:  # noqa: BLE001 - the point's failure is its result, not the sweep's
        status, message = "error", f"{type(exc).__name__}: {exc}"
    finally:
        if record is not None:
            try:
                if status != "error":
                    _keep(record, topic, experiment_id, params, status, keep_dir)
            finally:
                record.close()
    return {"status": status, "message": message, "seconds": time.perf_counter() - started, "scalars": finals}


def _keep(record, topic: str, experiment_id: str, params: dict[str, Any], status: str, keep_dir: str) -> None:
    from pathlib import Path

    from workbench.core.session import Session, topic_state, write_session

    folder = Path(keep_dir)
    record.write(folder)
    session = Session(topics={topic: topic_state(params, experiment_id)}, active_topic=topic,
                      status="complete" if status == "ok" else "diverged")
    write_session(folder / "session.json", session)
