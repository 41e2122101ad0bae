"""The run controller (DESIGN.md §3): drives an engine generator in a worker thread.

* Every run has a generation number; frames carry it and the controller drops any frame whose
  generation is not the current one, so a result computed for old parameters never reaches the view.
* At most one worker runs at a time.  A new start while one is running asks the old one to stop and
  queues only the *latest* request (a slider drag coalesces into "solve the newest value").
* The worker batches frames into an outbox and signals at most every ~15 ms (queued); the GUI
  takes them from the outbox, and a new start first takes what the current run already finished,
  so results computed for the then-current parameters are not lost to a queued signal that
  arrives after the next slider event.  The panel repaints from its own timer, so a fast engine
  cannot flood the GUI's event queue.
* Pause, single step and stop act between frames and inside the engine through ``ctx.check()``.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, QThread, Signal

from engines.core.frame import Frame, RunContext, RunStopped
from engines.core.params import ParameterError
from workbench.core.remote_engine import RemoteEngine

EMIT_INTERVAL_S = 0.015


@dataclass
class RunRequest:
    """One generation: its parameters and context exist from ``start`` on, even while it waits
    for the previous worker to stop, so pause / step / live values apply to it at once."""

    generation: int
    params: dict
    ctx: RunContext
    single_step: bool = False


class _GeneratorThread(QThread):
    framesReady = Signal(int)  # "frames are waiting in the outbox"; the GUI takes them
    done = Signal(int, str, str, str)  # generation, status, message, parameter name

    def __init__(self, request: RunRequest, make_run: Callable[[RunContext], Iterator[Frame]],
                 tap: Callable[[int, Frame], None] | None = None):
        super().__init__()
        self._tap = tap
        self.request = request
        self.generation = request.generation
        self.ctx = request.ctx
        self._make_run = make_run
        self._outbox: list[Frame] = []
        self._outbox_lock = threading.Lock()

    def take(self) -> list[Frame]:
        """Frames produced so far and not yet taken (called in the GUI thread)."""
        with self._outbox_lock:
            frames, self._outbox = self._outbox, []
        return frames

    def run(self) -> None:  # noqa: D401 - QThread API
        status, message, param = "finished", "", ""
        self._batch: list[Frame] = []
        self.ctx.before_pause = self._flush
        last_emit = time.monotonic()
        try:
            for frame in self._make_run(self.ctx):
                if self._tap is not None:
                    self._tap(self.generation, frame)
                self._batch.append(frame)
                now = time.monotonic()
                if frame.diverged or self.request.single_step or now - last_emit >= EMIT_INTERVAL_S:
                    self._flush()
                    last_emit = now
                if frame.diverged:
                    status, message = "diverged", frame.diverged
                    break
                if self.request.single_step:
                    self.request.single_step = False
                    self.ctx.pause()
                self.ctx.check()
        except RunStopped:
            status = "stopped"
        except ParameterError as exc:
            status, message, param = "invalid", str(exc), exc.name
        except Exception as exc:  # an engine bug must not kill the app; show it
            status, message = "error", f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        self._flush()
        self.done.emit(self.generation, status, message, param)


    def _flush(self) -> None:
        """Send the frames collected so far (also called before a pause blocks the run)."""
        if self._batch:
            batch, self._batch = self._batch, []
            with self._outbox_lock:
                self._outbox.extend(batch)
            self.framesReady.emit(self.generation)
            time.sleep(0.001)  # hand the GIL to the GUI thread: a pure-Python engine must not starve it


class RunController(QObject):
    """Start / pause / step / stop runs of one engine and forward the current generation's frames.

    ``run_factory(params, ctx)`` returns the engine generator (normally ``engine.run``).
    """

    frames = Signal(int, list)  # generation, frames (only the current generation's)
    stateChanged = Signal(str)  # idle, running, paused, finished
    runEnded = Signal(str, str, str)  # status, message, parameter name

    def __init__(self, run_factory: Callable[[dict, RunContext], Iterator[Frame]], parent=None,
                 process: bool = False, tap: Callable[[int, Frame], None] | None = None):
        """``process``: run the engine in a child process (``workbench.core.remote_engine``) so a
        compute-bound engine does not share the GUI's GIL; ``run_factory`` must then be picklable
        (a module-level function such as ``engine.run``).  ``tap(generation, frame)`` sees every
        frame in the worker thread as it arrives, even one a stop later drops (keep it cheap)."""
        super().__init__(parent)
        self._tap = tap
        self._run_factory = run_factory
        self._remote = RemoteEngine() if process else None
        self.generation = 0
        self._thread: _GeneratorThread | None = None
        self._pending: RunRequest | None = None
        self._current: RunRequest | None = None
        self._threads: dict[int, _GeneratorThread] = {}  # every started worker, until it is joined
        self.state = "idle"
        self.speed = 1.0

    # --- commands -------------------------------------------------------------------------------
    def start(self, params: dict[str, Any], single_step: bool = False) -> int:
        """Start a new generation with ``params``; returns its number.

        Frames the current run finished before this call are delivered first: they belong to the
        parameters that were current when they were computed, so they are not stale.
        """
        self._deliver(self.generation)
        self.generation += 1
        ctx = RunContext.for_params(params)
        ctx.set_speed(self.speed)
        ctx.realtime = True  # a simulation that paces itself runs at the transport's speed × real time
        if single_step:
            ctx.pause()
        request = RunRequest(self.generation, dict(params), ctx, single_step)
        self._current = request
        if self._thread is not None and self._thread.isRunning():
            self._thread.ctx.request_stop()
            self._pending = request
        else:
            self._launch(request)
        self._set_state("paused" if single_step else "running")
        return self.generation

    def pause(self) -> None:
        if self._current is not None and self.state == "running":
            self._current.ctx.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._current is not None and self.state == "paused":
            self._current.ctx.resume()
            self._set_state("running")

    def step(self) -> None:
        """Let a paused run produce exactly one more frame."""
        if self._current is not None and self.state == "paused":
            self._current.single_step = True
            self._current.ctx.resume()

    def stop(self) -> None:
        """Stop the current run (takes effect at the engine's next check, ≤ ~100 ms)."""
        self._pending = None
        self._current = None
        if self._thread is not None:
            self._thread.ctx.request_stop()
        self.generation += 1  # nothing more from the stopped run reaches the view
        self._set_state("idle")

    def set_live(self, name: str, value: Any) -> None:
        if self._current is not None:
            self._current.ctx.set_live(name, value)

    def set_speed(self, speed: float) -> None:
        """The transport's speed, an attribute of the run's context (not a parameter)."""
        self.speed = float(speed)
        if self._current is not None:
            self._current.ctx.set_speed(self.speed)

    def is_busy(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop everything and wait for the workers (window close). True if all ended in time."""
        self._pending = None
        ok = True
        for thread in self._threads.values():
            thread.ctx.request_stop()
        for thread in self._threads.values():
            ok = thread.wait(timeout_ms) and ok
        if self._remote is not None:
            self._remote.close()
        return ok

    # --- internals ------------------------------------------------------------------------------
    def _launch(self, request: RunRequest) -> None:
        params = request.params
        if self._remote is not None:
            remote, factory = self._remote, self._run_factory
            thread = _GeneratorThread(request, lambda c: remote.run(factory, params, c), self._tap)
        else:
            thread = _GeneratorThread(request, lambda c: self._run_factory(params, c), self._tap)
        thread.framesReady.connect(self._on_frames)
        thread.done.connect(self._on_done)
        self._thread = thread
        self._threads[request.generation] = thread
        thread.start()

    def _deliver(self, generation: int) -> None:
        thread = self._threads.get(generation)
        frames = thread.take() if thread is not None else []
        if frames and generation == self.generation:
            self.frames.emit(generation, frames)

    def _on_frames(self, generation: int) -> None:
        self._deliver(generation)

    def _on_done(self, generation: int, status: str, message: str, param: str) -> None:
        self._deliver(generation)
        thread = self._threads.pop(generation, None)
        if thread is not None:
            thread.wait()  # run() has returned; the join is immediate
            thread.deleteLater()
            if thread is self._thread:
                self._thread = None
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._launch(pending)
            return
        if generation == self.generation:
            self._current = None
            self._set_state("finished" if status in ("finished", "diverged") else "idle")
            self.runEnded.emit(status, message, param)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
