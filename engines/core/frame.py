"""What an engine's ``run`` generator yields, and the context it runs in (DESIGN.md §2).

The context is plain Python (a threading.Event for stop and pause, a lock-protected dict for live
parameters), so the same generator runs in the GUI's worker thread, in the headless CLI and in tests.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np


@dataclass
class Frame:
    """One streamed result.

    step: the engine's own step counter (optimisation step, time step, or 0 for a single solve).
    progress: fraction done in [0, 1], or None for open-ended runs.
    scalars: new samples for the live curves (one value per series at this step).
    arrays: snapshots (a rope shape, a bifurcation diagram, ...), each 1-D or 2-D.
    columns: for each 2-D array, the names of its columns (written as the CSV header).
    message: a short human-readable status or warning for the panel's status line.
    diverged: set on the last frame of a run that stopped because a quantity blew up.
    created: ``time.monotonic()`` when the frame was made (system-wide on Linux, so it also holds
        for frames made in a child process): how long a result took to reach the screen.
    """

    step: int = 0
    progress: float | None = None
    scalars: dict[str, float] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    message: str = ""
    diverged: str = ""
    created: float = field(default_factory=time.monotonic)


PACE_SLACK_S = 0.25  # a real-time run this far behind the clock stops trying to catch up


class RunStopped(Exception):
    """Raised inside an engine by ``ctx.check()`` when the user asked the run to stop."""


class RunContext:
    """Seed, device, cooperative stop / pause and live parameters for one run.

    Engines call ``ctx.check()`` at least every ~50 ms of work: it blocks while paused and raises
    RunStopped when a stop was requested.  ``ctx.live(name)`` reads the latest live value.
    """

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str = "cpu"):
        self.seed = int(seed)
        self.device = device
        self.rng = np.random.default_rng(self.seed)
        self._live = dict(params)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.before_pause = None  # called (in the run's thread) just before check() blocks
        self.realtime = False  # the GUI sets it: a simulation calling pace() then keeps to the clock
        self._speed = 1.0  # the transport's speed: simulated seconds per wall second when realtime
        self._pace_anchor: tuple[float, float, float] | None = None  # wall, simulated, speed

    @classmethod
    def for_params(cls, params: Mapping[str, Any]) -> "RunContext":
        """The context of a run of these values: seed and device read from them when declared."""
        return cls(params, seed=params.get("seed", 0) or 0, device=params.get("device", "cpu"))

    def live(self, name: str) -> Any:
        with self._lock:
            return self._live[name]

    def live_values(self) -> dict[str, Any]:
        """A copy of every live value (taken under the lock, so a concurrent ``set_live`` is safe)."""
        with self._lock:
            return dict(self._live)

    def set_live(self, name: str, value: Any) -> None:
        with self._lock:
            self._live[name] = value

    @property
    def speed(self) -> float:
        """The transport's speed (1 = real time); a real-time simulation reads it every frame."""
        with self._lock:
            return self._speed

    def set_speed(self, speed: float) -> None:
        with self._lock:
            self._speed = float(speed)

    def request_stop(self) -> None:
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pace(self, simulated: float) -> None:
        """Hold a real-time simulation to ``speed`` × the wall clock (a no-op unless ``realtime``).

        Waits in slices of ≤ 50 ms so a stop takes effect at once. After a pause, a speed change or
        when the simulation cannot keep up, the clock is re-anchored instead of racing to catch up.
        """
        if not self.realtime:
            return
        speed = self.speed
        now = time.monotonic()
        anchor = self._pace_anchor
        if anchor is None or anchor[2] != speed:
            anchor = self._pace_anchor = (now, simulated, speed)
        due = anchor[0] + (simulated - anchor[1]) / speed
        if now - due > PACE_SLACK_S:
            self._pace_anchor = (now, simulated, speed)
            return
        while not self._stop.is_set():
            left = due - time.monotonic()
            if left <= 0:
                break
            self._stop.wait(min(left, 0.05))

    def check(self) -> None:
        """Block while paused; raise RunStopped once a stop has been requested."""
        if not self._running.is_set() and self.before_pause is not None:
            self.before_pause()
        while not self._running.wait(0.05) and not self._stop.is_set():
            pass
        if self._stop.is_set():
            raise RunStopped()
