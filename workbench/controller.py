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
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, QThread, Signal

from engines.core.frame import Frame, RunContext, RunStopped
from engines.core.params import ParameterError

EMIT_INTERVAL_S = 0.015


class _GeneratorThread(QThread):
    framesReady = Signal(int)  # "frames are waiting in the outbox"; the GUI takes them
    done = Signal(int, str, str, str)  # generation, status, message, parameter name

    def __init__(self, generation: int, make_run: Callable[[RunContext], Iterator[Frame]],
                 ctx: RunContext, single_step: bool = False):
        super().__init__()
        self.generation = generation
        self.ctx = ctx
        self._make_run = make_run
        self.step_once = single_step
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
                self._batch.append(frame)
                now = time.monotonic()
                if frame.diverged or self.step_once or now - last_emit >= EMIT_INTERVAL_S:
                    self._flush()
                    last_emit = now
                if frame.diverged:
                    status, message = "diverged", frame.diverged
                    break
                if self.step_once:
                    self.step_once = False
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


class RunController(QObject):
    """Start / pause / step / stop runs of one engine and forward the current generation's frames.

    ``run_factory(params, ctx)`` returns the engine generator (normally ``engine.run``).
    """

    frames = Signal(list)
    stateChanged = Signal(str)  # idle, running, paused, finished
    runEnded = Signal(str, str, str)  # status, message, parameter name

    def __init__(self, run_factory: Callable[[dict, RunContext], Iterator[Frame]], parent=None):
        super().__init__(parent)
        self._run_factory = run_factory
        self.generation = 0
        self._thread: _GeneratorThread | None = None
        self._pending: tuple[int, dict, bool] | None = None
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
        if self._thread is not None and self._thread.isRunning():
            self._thread.ctx.request_stop()
            self._pending = (self.generation, dict(params), single_step)
        else:
            self._launch(self.generation, dict(params), single_step)
        self._set_state("paused" if single_step else "running")
        return self.generation

    def pause(self) -> None:
        if self._running_ctx() is not None and self.state == "running":
            self._running_ctx().pause()
            self._set_state("paused")

    def resume(self) -> None:
        ctx = self._running_ctx()
        if ctx is not None and self.state == "paused":
            ctx.resume()
            self._set_state("running")

    def step(self) -> None:
        """Let a paused run produce exactly one more frame."""
        if self._thread is not None and self._thread.isRunning():
            self._thread.step_once = True
            self._thread.ctx.resume()

    def stop(self) -> None:
        """Stop the current run (takes effect at the engine's next check, ≤ ~100 ms)."""
        self._pending = None
        if self._thread is not None:
            self._thread.ctx.request_stop()
        self.generation += 1  # nothing more from the stopped run reaches the view
        self._set_state("idle")

    def set_live(self, name: str, value: Any) -> None:
        ctx = self._running_ctx()
        if ctx is not None:
            ctx.set_live(name, value)

    def set_speed(self, speed: float) -> None:
        self.speed = float(speed)
        self.set_live("_speed", self.speed)

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
        return ok

    # --- internals ------------------------------------------------------------------------------
    def _running_ctx(self) -> RunContext | None:
        if self._thread is not None and self._thread.isRunning():
            return self._thread.ctx
        return None

    def _launch(self, generation: int, params: dict, single_step: bool) -> None:
        ctx = RunContext(params, seed=params.get("seed", 0) or 0, device=params.get("device", "cpu"))
        ctx.set_live("_speed", self.speed)
        thread = _GeneratorThread(generation, lambda c: self._run_factory(params, c), ctx, single_step)
        thread.framesReady.connect(self._on_frames)
        thread.done.connect(self._on_done)
        self._thread = thread
        self._threads[generation] = thread
        thread.start()

    def _deliver(self, generation: int) -> None:
        thread = self._threads.get(generation)
        frames = thread.take() if thread is not None else []
        if frames and generation == self.generation:
            self.frames.emit(frames)

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
            self._launch(*pending)
            return
        if generation == self.generation:
            self._set_state("finished" if status in ("finished", "diverged") else "idle")
            self.runEnded.emit(status, message, param)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
