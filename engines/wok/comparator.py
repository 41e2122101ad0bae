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
from engines.wok.geometry import mesh
from engines.wok.materials import wall
from engines.wok.params import WOK_PARAMS, check_wok
from engines.wok.shell import KELVIN, Shell, advance, stored
from engines.wok.sources import absorbed_power

THRESHOLD_COLUMNS = ("temperature", "max_reached_s", "center_reached_s")


def build(p: dict[str, Any]):
    """(wall, mesh, shell, absorbed power per ring, the source's note) for validated values."""
    w = wall(p["material"], p["thickness"], p["conductivity"], p["density"], p["specific_heat"])
    m = mesh(p["shape"], p["diameter"] / 100.0, p["depth"] / 100.0, p["cells"])
    shell = Shell.of(m, w.kt, w.rho_c_t, p["h_conv"], p["emissivity"])
    power, note = absorbed_power(m, p["source"], p["power"], p["efficiency"], p["source_radius"] / 100.0,
                                 w.ferromagnetic)
    return w, m, shell, power, note


def run_comparator(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = check_wok(WOK_PARAMS.validate(params))
    w, m, shell, power, note = build(p)
    T = np.full(m.cells, p["initial_temp"] + KELVIN)
    T0, ambient = T.copy(), p["ambient"] + KELVIN
    scratch = [np.empty(m.cells) for _ in range(3)]
    ledger = np.zeros(3)
    dt, every, duration = p["dt"], p["record_every"], p["duration"]
    per_record = max(1, round(every / dt))
    records = max(1, math.ceil(duration / (per_record * dt)))
    reached = {temp: [math.nan, math.nan] for temp, _ in THRESHOLDS}
    times, history = [0.0], [T - KELVIN]
    yield _frame(0, 0.0, T, T0, shell, m, ledger, 0.0, f"{w.label}, {w.areal_mass * m.area:.2f} kg · {note}")
    t = 0.0
    for k in range(1, records + 1):
        ctx.check()
        steps = min(per_record, max(1, round((duration - t) / dt)))
        advance(T, steps, dt, shell.capacity, shell.conductance, shell.convection, shell.radiation, power, ambient,
                *scratch, ledger)
        t += steps * dt
        celsius = T - KELVIN
        for temp, when in reached.items():
            for slot, value in enumerate((celsius.max(), celsius[0])):
                if math.isnan(when[slot]) and value >= temp:
                    when[slot] = t
        times.append(t)
        history.append(celsius.copy())
        ctx.pace(t)
        frame = _frame(k, t / duration, T, T0, shell, m, ledger, t,
                       f"t = {t:.0f} s · centre {celsius[0]:.0f} °C, rim {celsius[-1]:.0f} °C · {note}")
        if k == records:
            frame.arrays.update(history=np.array(history), history_t=np.array(times),
                                thresholds=np.array([[temp, *when] for temp, when in reached.items()]))
            frame.columns["thresholds"] = THRESHOLD_COLUMNS
        yield frame


def _frame(step, progress, T, T0, shell, m, ledger, t, message) -> Frame:
    celsius = T - KELVIN
    scalars = {"t": t, "center_temp": float(celsius[0]), "rim_temp": float(celsius[-1]),
               "mean_temp": float(m.areas @ celsius / m.area), "max_temp": float(celsius.max()),
               "energy_in": float(ledger[0]), "energy_stored": stored(shell, T, T0),
               "energy_lost": float(ledger[1] + ledger[2])}
    profile = np.column_stack([m.r, m.s, celsius])
    return Frame(step=step, progress=progress, scalars=scalars, arrays={"profile": profile},
                 columns={"profile": ("r", "s", "T")}, message=message)
