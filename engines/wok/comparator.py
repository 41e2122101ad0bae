"""``wok`` (panel 1, the comparator): a pan of any material on any source, heated from cold.

Streams every ``record_every`` simulated seconds: ``t``, ``center_temp``, ``rim_temp``, ``mean_temp``
(area-weighted), ``max_temp`` (°C), ``energy_in``, ``energy_stored``, ``energy_lost`` (J) and the
profile (r, s, T) along the meridian; the last frame adds ``history`` (T along the meridian at each
recorded time, rows = times) with its times ``history_t``, and ``thresholds`` (when the hottest
point and the centre first reached the oil smoke point and the PTFE limits).
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.wok.closed_forms import THRESHOLDS
from engines.wok.params import ROUTINE_PARAMS, WOK_PARAMS, check_wok
from engines.wok.routine import PHASES, Routine
from engines.wok.simulation import Simulation

THRESHOLD_COLUMNS = ("temperature", "max_reached_s", "center_reached_s")
HISTORY_ROWS = 2000  # a long or finely recorded run thins its history to about this many rows


def run_comparator(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    yield from simulate(check_wok(WOK_PARAMS.validate(params)), ctx)


def run_routine(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """The routine's page: the same simulation, its steps taken by the cook (``manual``) or the clock."""
    yield from simulate(check_wok(ROUTINE_PARAMS.validate(params)), ctx)


def simulate(p: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    sim = Simulation(p)
    routine = Routine(sim, p, sim.wall.layers[-1][0].effusivity) if p["routine"] != "none" else None
    clicks_seen = int(p.get("clicks", 0))
    duration, every = p["duration"], p["record_every"]
    reached = {temp: [math.nan, math.nan] for temp, _ in THRESHOLDS}
    times, history, events = [0.0], [sim.celsius.copy()], []
    estimate = duration / (max(1, round(every / p["dt"])) * p["dt"])
    keep_every = max(1, math.ceil(estimate / HISTORY_ROWS))  # the history keeps at most ~HISTORY_ROWS rows
    power = p["power"]
    yield _frame(sim, 0, 0.0, f"{sim.wall.label}, {sim.wall.areal_mass * sim.mesh.area:.2f} kg · {sim.note}")
    k = 0
    while True:
        k += 1
        ctx.check()
        if ctx.live("power") != power:
            power = ctx.live("power")
            sim.set_input_power(power)
        if routine is None:
            sim.run_for(min(every, duration - sim.t), ctx.check)
            said, finished = "", sim.t >= duration - 1e-9
        else:
            if "manual" in p:                          # the routine's page: the cook's clicks, live
                routine.manual = bool(ctx.live("manual"))
                clicks = int(ctx.live("clicks"))
                routine.ask(clicks - clicks_seen)
                clicks_seen = clicks
            happened = routine.advance(every)
            events += [(when, PHASES.index(name) if name in PHASES else -1) for name, _, when in happened]
            said = " · ".join(text for _, text, _ in happened)
            finished = routine.done or (routine.manual and sim.t >= duration - 1e-9)
        celsius = sim.celsius
        for temp, when in reached.items():
            for slot, value in enumerate((celsius.max(), celsius[0])):
                if math.isnan(when[slot]) and value >= temp:
                    when[slot] = sim.t
        if k % keep_every == 0 or finished:
            times.append(sim.t)
            history.append(celsius.copy())
        ctx.pace(sim.t)
        progress = 1.0 if finished else min(sim.t / duration, 0.99) if routine is None else routine.phase / 4
        frame = _frame(sim, k, progress, said or f"t = {sim.t:.0f} s · centre {celsius[0]:.0f} °C, rim "
                                                 f"{celsius[-1]:.0f} °C · {sim.note}")
        if routine is not None:
            frame.scalars["phase"] = float(routine.phase)
        if finished:
            frame.arrays.update(history=np.array(history), history_t=np.array(times),
                                thresholds=np.array([[temp, *when] for temp, when in reached.items()]))
            frame.columns["thresholds"] = THRESHOLD_COLUMNS
            if routine is not None:
                frame.scalars.update(routine.result)
                frame.arrays["events"] = np.array(events, dtype=float).reshape(-1, 2)
                frame.columns["events"] = ("t", "phase")
            yield frame
            return
        yield frame


def _frame(sim: Simulation, step: int, progress: float, message: str) -> Frame:
    profile = np.column_stack([sim.mesh.r, sim.mesh.s, sim.celsius])
    return Frame(step=step, progress=progress, scalars=sim.scalars(), arrays={"profile": profile},
                 columns={"profile": ("r", "s", "T")}, message=message)
