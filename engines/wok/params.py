"""The wok comparator's parameters (issue 18's command line) and the checks between them."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from engines.core.params import Param, ParameterError, ParamSchema
from engines.wok.materials import MATERIAL_LABELS, MATERIALS, wall
from engines.wok.sources import SOURCE_LABELS, SOURCES


def _mass(values) -> str:
    try:
        w = wall(values["material"], values["thickness"], values["conductivity"], values["density"],
                 values["specific_heat"])
    except (KeyError, ParameterError):
        return ""
    return f"spreads √(kt/h) = {w.spreading_length(20) * 100:.1f} cm at h = 20"


PAN = [
    Param("material", "carbon_steel", kind="choice", choices=MATERIALS, choice_labels=MATERIAL_LABELS,
          help="the wall: " + ", ".join(MATERIALS) + " (custom: conductivity, density, specific_heat)"),
    Param("thickness", 2.0, lo=0.1, hi=10.0, unit="mm", derived=_mass,
          help="total wall thickness (typical: carbon steel 2, cast iron 4, stainless 1, aluminium 3, titanium 1)"),
    Param("conductivity", 50.0, lo=0.1, hi=500.0, unit="W/(m·K)", help="custom material: k"),
    Param("density", 7800.0, lo=100.0, hi=25_000.0, unit="kg/m³", help="custom material: ρ"),
    Param("specific_heat", 450.0, lo=50.0, hi=5000.0, unit="J/(kg·K)", help="custom material: c"),
    Param("shape", "wok", kind="choice", choices=("wok", "flat"),
          help="wok (a spherical cap of the given diameter and depth) or a flat pan"),
    Param("diameter", 35.0, lo=10.0, hi=80.0, unit="cm", help="rim diameter"),
    Param("depth", 10.0, lo=0.5, hi=40.0, unit="cm", help="wok: depth of the cap (at most half the diameter)"),
    Param("source", "gas", kind="choice", choices=SOURCES, choice_labels=SOURCE_LABELS,
          help="gas (a ring of flames), induction_flat, induction_concave, disk (a uniform flux)"),
    Param("source_radius", 5.0, lo=0.5, hi=40.0, unit="cm", help="radius of the flame ring or of the disk"),
    Param("power", 2000.0, lo=0.0, hi=30_000.0, unit="W", live=True, help="the source's input power"),
    Param("efficiency", 0.4, lo=0.01, hi=1.0, help="share of the power that reaches the pan (gas ≈ 0.4, induction ≈ 0.84)"),
    Param("h_conv", 20.0, lo=0.0, hi=2000.0, unit="W/(m²·K)",
          help="convective loss per wall area, both faces together (0: no convection)"),
    Param("emissivity", 0.8, lo=0.0, hi=1.0,
          help="radiation εσ(T⁴ − T∞⁴) per wall area, from one face (the inside; the outside faces the flame) (0: off)"),
    Param("ambient", 20.0, lo=-30.0, hi=60.0, unit="°C", help="air and surroundings"),
    Param("initial_temp", 20.0, lo=-30.0, hi=600.0, unit="°C", help="the pan's uniform starting temperature"),
]
SOLVER = [
    Param("cells", 200, kind="int", lo=10, hi=4000, advanced=True, help="rings along the meridian"),
    Param("dt", 0.25, lo=1e-4, hi=60.0, unit="s", advanced=True,
          help="time step of the implicit solver (TR-BDF2, second order: 0.25 s is within 1e-4 K of converged)"),
]
WOK_PARAMS = ParamSchema([
    *PAN,
    Param("duration", 300.0, lo=1.0, hi=7200.0, unit="s",
          help="simulated time (with a routine: the longest preheat; the run ends when the food is done)"),
    Param("routine", "none", kind="choice", choices=("none", "home", "restaurant"),
          help="none (just heat), home (preheat, oil, heat off, food) or restaurant (preheat, oil, hot oil "
               "swapped for cold, food)"),
    Param("preheat_to", 250.0, lo=100.0, hi=450.0, unit="°C", help="routine: dry preheat until the centre is this hot"),
    Param("oil_mass", 30.0, lo=1.0, hi=500.0, unit="g", help="routine: oil poured in after the preheat"),
    Param("oil_radius", 10.0, lo=1.0, hi=40.0, unit="cm", help="routine: the oil coats the pan this far from the axis"),
    Param("oil_seconds", 20.0, lo=0.0, hi=600.0, unit="s", help="routine: heat on with the oil in"),
    Param("off_seconds", 60.0, lo=0.0, hi=600.0, unit="s", help="home routine: heat off this long before the food"),
    Param("food", "vegetables", kind="choice", choices=("vegetables", "meat", "egg"),
          help="routine: what goes in (its effusivity sets the contact temperature)"),
    Param("food_mass", 300.0, lo=10.0, hi=3000.0, unit="g",
          help="routine: the food's mass (it warms to 100 °C, then its water boils off)"),
    Param("food_radius", 10.0, lo=1.0, hi=40.0, unit="cm", help="routine: the food covers the pan this far from the axis"),
    Param("food_h", 500.0, lo=0.0, hi=5000.0, unit="W/(m²·K)",
          help="routine: heat transfer from the pan into the food (wet food ≈ 500; 0: no load)"),
    Param("food_seconds", 60.0, lo=0.0, hi=600.0, unit="s",
          help="routine: cooking after the food goes in, heat on (0: the routine ends at the drop)"),
    *SOLVER,
    Param("record_every", 0.25, lo=0.01, hi=600.0, unit="s", advanced=True,
          help="simulated seconds between frames (0.25 s: 40 frames a second at 10× real time)"),
])


def relevant_pan(names):
    """The form's filter for a schema with these names: the custom material's k, ρ, c only for a
    custom wall, the depth only for a wok, the source radius only for a flame ring or a disk."""
    def relevant(values) -> set[str]:
        shown = set(names)
        if values.get("material", "custom") != "custom":
            shown -= {"conductivity", "density", "specific_heat"}
        if values.get("shape") == "flat":
            shown.discard("depth")
        if str(values.get("source", "gas")).startswith("induction"):
            shown.discard("source_radius")
        routine = values.get("routine", "home")
        if routine == "none":
            shown -= {"preheat_to", "oil_mass", "oil_radius", "oil_seconds", "off_seconds", "food", "food_mass",
                      "food_radius", "food_h", "food_seconds"}
        elif routine == "restaurant":
            shown.discard("off_seconds")
        if values.get("manual"):
            shown -= {"preheat_to", "oil_seconds", "off_seconds"}
        shown.discard("clicks")
        return shown
    return relevant


def with_defaults(params, **defaults) -> list[Param]:
    """The same parameters with other defaults (a coated pan on an electric ring, a small flame)."""
    return [replace(p, default=defaults[p.name]) if p.name in defaults else p for p in params]


ROUTINE_PARAMS = ParamSchema([
    *(replace(p, choices=("home", "restaurant"), default="home") if p.name == "routine" else p
      for p in with_defaults(list(WOK_PARAMS), duration=900.0)),
    Param("manual", False, kind="bool", live=True,
          help="the steps wait for the buttons (on) or follow preheat_to, oil_seconds and off_seconds (off); "
               "taking a step with its button turns it on"),
    Param("clicks", 0, kind="int", lo=0, hi=10**9, live=True, advanced=True,
          help="steps asked for on the page (each click of a step button adds one)"),
])


def check_wok(p: dict[str, Any]) -> dict[str, Any]:
    """The checks one parameter cannot make alone: a cap no deeper than a hemisphere, a source
    inside the pan."""
    if p["shape"] == "wok" and p["depth"] > p["diameter"] / 2:
        raise ParameterError("depth", f"depth = {p['depth']:g} cm is out of range for diameter "
                                      f"{p['diameter']:g} cm; allowed: [0.5, {p['diameter'] / 2:g}] (a hemisphere)")
    if p["source_radius"] >= p["diameter"] / 2 and p["source"] == "gas":
        raise ParameterError("source_radius", f"source_radius = {p['source_radius']:g} cm is out of range; "
                                              f"allowed: below the pan's radius {p['diameter'] / 2:g} cm")
    return p
