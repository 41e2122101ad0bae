"""Run an engine generator in a child process, so that training owns a core of its own.

Why: the GUI thread and a training loop in a worker *thread* share one GIL.  On a 2-core machine
the panel's repaints (pyqtgraph is Python) cut a VIB run from ~270 to ~60 steps/s, and no repaint
policy fixes that.  A child process has its own interpreter; only pickled frames cross over.

The child is started once per panel (``spawn``: no fork of a Qt process) and reused for every run,
so torch is imported once.  The run controller keeps its worker thread; that thread iterates
``RemoteEngine.run(...)``, a proxy generator that forwards the run context's stop, pause and live
values to the child and yields the frames the child sends back (batched every ~15 ms).  Exceptions
come back by kind: a ``ParameterError`` stays a ``ParameterError``, a stop ends as ``RunStopped``.

This module imports no Qt: the child imports only it and the engine.
"""
from __future__ import annotations

import multiprocessing as mp
import threading
import time
import traceback
from typing import Any, Callable, Iterator

from engines.core.frame import Frame, RunContext, RunStopped
from engines.core.params import ParameterError

BATCH_INTERVAL_S = 0.005
POLL_S = 0.02
STOP_GRACE_S = 3.0


class RemoteEngineError(RuntimeError):
    """An exception raised by the engine in the child (its traceback is in the message)."""


class _ChildContext(RunContext):
    """The child's run context: commands from the parent arrive on a pipe and are applied at each
    ``check()`` (the engine calls it at least every ~50 ms of work)."""

    def connect(self, commands, flush: Callable[[], None]) -> "_ChildContext":
        """Attach the parent's command pipe, and the frame flush to run before a pause blocks."""
        self._commands = commands
        self.before_pause = flush
        return self

    def _drain(self, timeout: float = 0.0) -> None:
        while self._commands.poll(timeout):
            timeout = 0.0
            kind, *args = self._commands.recv()
            if kind == "live":
                self.set_live(*args)
            elif kind == "speed":
                self.set_speed(*args)
            elif kind == "pause":
                self.pause()
            elif kind == "resume":
                self.resume()
            elif kind == "stop":
                self.request_stop()

    def check(self) -> None:
        self._drain()
        if self.paused and not self.stopped and self.before_pause is not None:
            self.before_pause()
        while self.paused and not self.stopped:
            self._drain(0.05)
        if self.stopped:
            raise RunStopped()


def _child_main(frames_out, commands_in) -> None:
    """The child's loop: wait for a run, stream its frames, report how it ended, repeat."""
    while True:
        message = commands_in.recv()
        if message[0] == "exit":
            return
        if message[0] != "run":
            continue  # a command for a run that has already ended
        _, factory, params = message
        batch: list[Frame] = []
        last = [time.monotonic()]

        def flush() -> None:
            if batch:
                frames_out.send(("frames", list(batch)))
                batch.clear()
            last[0] = time.monotonic()

        ctx = _ChildContext.for_params(params).connect(commands_in, flush)
        status, text, name = "finished", "", ""
        try:
            for frame in factory(params, ctx):
                batch.append(frame)
                if frame.diverged or time.monotonic() - last[0] >= BATCH_INTERVAL_S:
                    flush()
                if frame.diverged:
                    break
                ctx.check()
        except RunStopped:
            status = "stopped"
        except ParameterError as exc:
            status, text, name = "invalid", str(exc), exc.name
        except Exception:  # an engine bug: report it, keep the child alive for the next run
            status, text = "error", traceback.format_exc()
        flush()
        frames_out.send(("end", status, text, name))


class RemoteEngine:
    """One child process serving the runs of one panel, one run at a time."""

    def __init__(self):
        self._process = None
        self._frames = self._commands = None
        self._lock = threading.Lock()

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        context = mp.get_context("spawn")
        frames_parent, frames_child = context.Pipe(duplex=False)
        commands_child, commands_parent = context.Pipe(duplex=False)
        self._process = context.Process(target=_child_main, args=(frames_child, commands_child),
                                        name="workbench-engine", daemon=True)
        self._process.start()
        frames_child.close()
        commands_child.close()
        self._frames, self._commands = frames_parent, commands_parent

    def run(self, factory: Callable[[dict, RunContext], Iterator[Frame]], params: dict[str, Any],
            ctx: RunContext) -> Iterator[Frame]:
        """A generator with the engine's contract, whose work happens in the child."""
        with self._lock:
            self._ensure_started()
            self._commands.send(("run", factory, dict(params)))
            sent_live = ctx.live_values()  # the values the child starts with
            sent_speed = 1.0
            child_paused = [False]
            local_before_pause = ctx.before_pause

            def pause_child_then_flush() -> None:
                """The worker thread is about to block in ``ctx.check()``: pause the child first."""
                if not child_paused[0]:
                    self._commands.send(("pause",))
                    child_paused[0] = True
                if local_before_pause is not None:
                    local_before_pause()

            ctx.before_pause = pause_child_then_flush
            ended = False
            try:
                while True:
                    if ctx.stopped:
                        raise RunStopped()
                    if ctx.paused != child_paused[0]:
                        child_paused[0] = ctx.paused
                        self._commands.send(("pause",) if ctx.paused else ("resume",))
                    if ctx.speed != sent_speed:
                        sent_speed = ctx.speed
                        self._commands.send(("speed", sent_speed))
                    for name, value in ctx.live_values().items():
                        if sent_live.get(name, object()) != value:
                            sent_live[name] = value
                            self._commands.send(("live", name, value))
                    if not self._frames.poll(POLL_S):
                        if not self._process.is_alive():
                            ended = True
                            raise RemoteEngineError("the engine process ended unexpectedly")
                        continue
                    message = self._frames.recv()
                    if message[0] == "frames":
                        for frame in message[1]:
                            yield frame
                        continue
                    ended = True
                    _, status, text, name = message
                    if status == "stopped":
                        raise RunStopped()
                    if status == "invalid":
                        raise ParameterError(name, text)
                    if status == "error":
                        raise RemoteEngineError(text.strip().splitlines()[-1] + "\n" + text)
                    return
            finally:
                ctx.before_pause = local_before_pause
                if not ended:
                    self._end_child_run()

    def _end_child_run(self) -> None:
        """Stop the child's current run and wait until it says it ended; a child that does not
        answer in time is terminated (the next run starts a fresh one)."""
        try:
            self._commands.send(("stop",))
            deadline = time.monotonic() + STOP_GRACE_S
            while time.monotonic() < deadline:
                if self._frames.poll(0.05) and self._frames.recv()[0] == "end":
                    return
        except (EOFError, OSError, BrokenPipeError):
            pass
        self._kill()

    def _kill(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(1.0)
        self._process = None

    def close(self, timeout: float = 2.0) -> None:
        """Ask the child to exit (window close); terminate it if it does not."""
        if self._process is None:
            return
        try:
            self._commands.send(("exit",))
        except (OSError, BrokenPipeError):
            pass
        self._process.join(timeout)
        if self._process.is_alive():
            self._kill()
        self._process = None
