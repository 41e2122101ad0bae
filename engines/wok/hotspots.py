"""``wok:hotspots`` (panel 4): every material at its typical thickness under the same small flame,
side by side — where the heat stays (wok.md §3.1: the spreading length √(kt/h)).

Streams one frame with, per material m, the profile ``profile_<m>`` (r in m, T in °C) after
``duration`` and the scalars ``max_<m>``, ``rim_<m>``, ``spread_<m>`` = max − rim (°C) and
``length_<m>`` = √(kt/h_conv) (m).
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.wok.materials import MATERIAL_LABELS, MATERIALS, TYPICAL_THICKNESS_MM
from engines.wok.params import PAN, SOLVER, check_wok, with_defaults
from engines.wok.simulation import Simulation

HOTSPOT_MATERIALS = ("carbon_steel", "cast_iron", "stainless_304", "triply", "aluminium", "titanium", "copper")
HOTSPOT_LABELS = {m: MATERIAL_LABELS[MATERIALS.index(m)] for m in HOTSPOT_MATERIALS}
SHARED = ("shape", "diameter", "depth", "source", "source_radius", "power", "efficiency", "h_conv", "emissivity",
          "ambient", "initial_temp")
HOTSPOT_PARAMS = ParamSchema([
    *with_defaults([p for p in PAN if p.name in SHARED], source_radius=3.0, power=1500.0),
    Param("duration", 120.0, lo=1.0, hi=3600.0, unit="s", help="how long every pan heats"),
    *with_defaults(SOLVER, cells=120),
])


def run_hotspots(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = HOTSPOT_PARAMS.validate(params)
    scalars, arrays, columns = {}, {}, {}
    for m in HOTSPOT_MATERIALS:
        ctx.check()
        values = check_wok({**p, "material": m, "thickness": TYPICAL_THICKNESS_MM[m]})
        sim = Simulation(values)
        sim.run_for(p["duration"], ctx.check)
        c = sim.celsius
        arrays[f"profile_{m}"] = np.column_stack([sim.mesh.r, c])
        columns[f"profile_{m}"] = ("r", "T")
        scalars.update({f"max_{m}": float(c.max()), f"rim_{m}": float(c[-1]), f"spread_{m}": float(c.max() - c[-1]),
                        f"length_{m}": sim.wall.spreading_length(p["h_conv"])})
    worst = max(HOTSPOT_MATERIALS, key=lambda m: scalars[f"spread_{m}"])
    best = min(HOTSPOT_MATERIALS, key=lambda m: scalars[f"spread_{m}"])
    message = (f"after {p['duration']:g} s: {HOTSPOT_LABELS[worst]} is {scalars[f'spread_{worst}']:.0f} °C hotter over "
               f"the flame than at its rim, {HOTSPOT_LABELS[best]} {scalars[f'spread_{best}']:.0f} °C")
    yield Frame(step=0, progress=1.0, scalars=scalars, arrays=arrays, columns=columns, message=message)
