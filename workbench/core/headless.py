"""Run an engine to completion without Qt and write the CLI contract's files (DESIGN.md §5).

Nothing is written until the run has produced its last frame (or diverged): a bad parameter found
by the engine on its first step leaves the output folder untouched.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from engines.core.experiment import Experiment
from engines.core.frame import RunContext, RunStopped
from engines.core.progress import before_end
from engines.registry import load_engine
from workbench.core.recording import RunRecord
from workbench.core.session import Session, topic_state, write_session

EXIT_OK, EXIT_BAD_ARGS, EXIT_DIVERGED, EXIT_WRITE_FAILED = 0, 2, 3, 4


@dataclass
class RunOutcome:
    record: RunRecord
    files: list[Path]
    exit_code: int
    status: str = "complete"  # complete, diverged or interrupted


class StderrProgress:
    """A one-line text progress bar with ETA, redrawn at most ten times a second."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30):
        self.label, self.stream, self.width = label, stream, width
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, fraction: float | None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.1 and not (fraction is not None and fraction >= 1):
            return
        self._last = now
        elapsed = now - self.start
        if fraction is None:
            text = f"{self.label}: running… {elapsed:5.1f} s"
        else:
            fraction = min(max(fraction, 0.0), 1.0)
            filled = int(round(self.width * fraction))
            if fraction >= 1:
                eta_text = f"done in {elapsed:.1f} s"
            elif fraction > 0:
                eta_text = f"ETA {elapsed * (1 - fraction) / fraction:5.1f} s"
            else:
                eta_text = "ETA –"  # nothing measured yet to extrapolate from
            text = f"{self.label}: [{'#' * filled}{'.' * (self.width - filled)}] {100 * fraction:5.1f}% {eta_text}"
        self.stream.write("\r" + text)
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def run_topic(topic: str, params: dict[str, Any], out_dir: str | Path,
              progress: Callable[[float | None], None] | None = None) -> RunOutcome:
    """Run the topic's main experiment (see ``run_experiment``)."""
    return run_experiment(topic, load_engine(topic).EXPERIMENTS[0], params, out_dir, progress)


def run_experiment(
    topic: str,
    experiment: Experiment,
    params: dict[str, Any],
    out_dir: str | Path,
    progress: Callable[[float | None], None] | None = None,
    ctx: RunContext | None = None,
    stopped_by: Callable[[], str] = lambda: "",
) -> RunOutcome:
    """Run one experiment with already-validated ``params``; write the files; return what happened.

    A stop requested through ``ctx`` (the command line's signal handlers) ends the run at the
    engine's next check; what it computed is written like a finished run's, marked
    ``interrupted`` with ``stopped_by()`` (the signal's name).  ParameterError raised by the engine
    propagates *before* anything is written.
    """
    ctx = ctx or RunContext.for_params(params)
    record = RunRecord(topic, dict(params), experiment=experiment.id, spool=True)
    status, last = "complete", None
    try:
        try:
            for frame in experiment.run(dict(params), ctx):
                record.add(frame)
                last = frame
                if progress is not None:
                    progress(before_end(frame.progress))
                if frame.diverged:
                    status = "diverged"
                    break
            else:
                if progress is not None:
                    progress(1.0)  # "done" only now that the run has returned
        except RunStopped:
            status = "interrupted"
        out_dir = Path(out_dir)
        files = record.write(out_dir)
    finally:
        record.close()
    run = {"step": last.step if last else None, "progress": last.progress if last else None,
           "scalars_recorded": record.recorded}
    if status == "diverged":
        run["diverged"] = record.diverged
    if status == "interrupted":
        run["stopped_by"] = stopped_by() or "a stop request"
    session = Session(topics={topic: topic_state(params, experiment.id)}, active_topic=topic, status=status, run=run)
    write_session(out_dir / "session.json", session)
    files.insert(0, out_dir / "session.json")
    return RunOutcome(record, files, EXIT_DIVERGED if status == "diverged" else EXIT_OK, status)
