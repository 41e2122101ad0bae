"""``wok:coated`` (panel 2): an empty coated pan on high heat — how long until 260 °C (the PTFE
limit) and 316 °C (significant decomposition), against the power (wok.md §2.4, C3).

For each power from ``power_lo`` to ``power`` the pan heats from ``initial_temp`` until its mean
passes 316 °C or ``duration`` runs out; each crossing time is interpolated linearly within the
second it happened, for the hottest ring and for the area-weighted mean.  EWG's test is the
plausibility mark: a 10″ aluminium PTFE pan on an electric range, 73.5 °F → 721 °F in 300 s.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema
from engines.wok.closed_forms import PTFE_FUMES_C, PTFE_LIMIT_C
from engines.wok.params import PAN, SOLVER, check_wok, with_defaults
from engines.wok.materials import wall
from engines.wok.simulation import Simulation

EWG_SECONDS, EWG_TEMP_C = 300.0, (721.0 - 32.0) * 5.0 / 9.0  # 382.8 °C (ewg.org)
TIMER_COLUMNS = ("power", "limit_hottest_s", "fumes_hottest_s", "limit_mean_s", "fumes_mean_s")
COATED_PARAMS = ParamSchema([
    *with_defaults(PAN, material="ptfe_aluminium", thickness=3.0, shape="flat", diameter=26.0, source="disk",
                   source_radius=9.0, power=3000.0, efficiency=0.74),
    Param("power_lo", 500.0, lo=50.0, hi=30_000.0, unit="W", help="the lowest power of the sweep (power is the highest)"),
    Param("points", 11, kind="int", lo=2, hi=60, help="powers from power_lo to power"),
    Param("duration", 900.0, lo=10.0, hi=7200.0, unit="s", help="give up after this long"),
    *with_defaults(SOLVER, cells=80),
])


def crossing_times(p: dict[str, Any], temps=(PTFE_LIMIT_C, PTFE_FUMES_C), check=None) -> tuple[list[float], list[float]]:
    """When the hottest ring and the mean first reach each of ``temps`` (NaN: not within duration),
    interpolated linearly within the slice (about a second) in which they did."""
    sim = Simulation(p)
    hottest, mean = [math.nan] * len(temps), [math.nan] * len(temps)
    before, t_before = (float(sim.celsius.max()), sim.mean()), sim.t
    while sim.t < p["duration"] - 1e-9 and any(map(math.isnan, mean)):
        if check is not None:
            check()
        sim.run_for(1.0)
        now = (float(sim.celsius.max()), sim.mean())
        for found, (old, new) in ((hottest, (before[0], now[0])), (mean, (before[1], now[1]))):
            for i, temp in enumerate(temps):
                if math.isnan(found[i]) and new >= temp:
                    found[i] = t_before + (sim.t - t_before) * (temp - old) / (new - old) if new > old else sim.t
        before, t_before = now, sim.t
    return hottest, mean


def run_timer(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = check_wok(COATED_PARAMS.validate(params))
    if p["power_lo"] >= p["power"]:
        raise ParameterError("power_lo", f"power_lo = {p['power_lo']:g} W is out of range; allowed: below power "
                                         f"({p['power']:g} W)")
    rows = []
    for power in np.linspace(p["power_lo"], p["power"], p["points"]):
        ctx.check()
        hottest, mean = crossing_times({**p, "power": float(power)}, check=ctx.check)
        rows.append([power, *hottest, *mean])
    table = np.array(rows)
    top = table[-1]
    scalars = {"limit_hottest_s": float(top[1]), "fumes_hottest_s": float(top[2]), "limit_mean_s": float(top[3]),
               "fumes_mean_s": float(top[4]), "ewg_seconds": EWG_SECONDS, "ewg_temp": EWG_TEMP_C}
    said = "not within the duration" if math.isnan(top[1]) else f"after {top[1]:.0f} s"
    if p["source"].startswith("induction") and not wall(p["material"], p["thickness"]).ferromagnetic:
        said = "never: the wall is not ferromagnetic and induction does not heat it"
    message = (f"at {p['power']:g} W the hottest ring passes 260 °C {said}"
               + ("" if math.isnan(top[2]) else f" and 316 °C after {top[2]:.0f} s"))
    yield Frame(step=0, progress=1.0, scalars=scalars, arrays={"timer": table}, columns={"timer": TIMER_COLUMNS},
                message=message)
