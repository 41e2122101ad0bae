"""The essay's three steps as a scenario (wok.md §3.4; claims C9–C14): what ``run wok`` does when
``routine`` is ``home`` or ``restaurant``.

With ``manual`` on, each step waits for the cook instead (``ask``: a click of the page's step button
asks for the next step now) and the times and temperatures below are the cook's.  ``manual`` is
live: the page turns it on when the cook takes a step before the clock does.

1. **Dry preheat** until the centre reaches ``preheat_to`` (or ``duration`` runs out); past the
   Leidenfrost point (≈ 193 °C) a drop of water skitters on a vapour cushion.
2. **Oil**: ``oil_mass`` grams at room temperature spread over the rings within ``oil_radius`` of the
   axis and mix with the wall at once (Σ C T conserved); the heat stays on for ``oil_seconds``.
   The film is V/A thick; a film under 1.5 mm with a radial difference over 30 °C across the oiled
   zone is where thermocapillary dry spots open (Fedorchenko & Hrubý 2021: 1.5 mm of oil, a dry
   spot at the hot centre) — a warning, not a simulation of the film.
3. **Cool**: ``home`` turns the heat off for ``off_seconds``; ``restaurant`` pours the hot oil out and
   pours the same mass of cold oil in, heat on.
4. **Food**: wet food at room temperature touches the centre: the contact temperature
   (e_pan·T_pan + e_food·T_food)/(e_pan + e_food) (W5), with the metal's effusivity also under a
   coating (25 µm of PTFE is crossed in t²/α ≈ 5 ms, long before the contact matters).  The verdict: *burn* when the pan is above
   the oil's smoke point (204 °C), *sear* when the contact is at least 140 °C (browning), else
   *stew* (too cool: the food gives up water and sticks).  Those two cut-offs are conventions.
5. **Cooking** (``food_seconds`` > 0): the food lies on the rings within ``food_radius`` and draws
   h_food·(T − T_food) from each (§3.1's food load), heat on, for ``food_seconds``; the food warms to
   100 °C and then boils off water.  How far the centre drops and whether it recovers is the pan's
   thermal mass at work: the reason a heavy iron wok keeps searing where a thin pan starts to stew.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from engines.wok.closed_forms import LEIDENFROST_C, OIL_SMOKE_C, contact_temperature
from engines.wok.materials import WATER, Solid
from engines.wok.food import Food
from engines.wok.simulation import Simulation

ROUTINES = ("none", "home", "restaurant")
OIL_DENSITY, OIL_HEAT = 910.0, 1970.0  # kg/m³, J/(kg·K): a typical vegetable oil
FOODS = {"vegetables": WATER, "meat": Solid("lean meat", 1060.0, 3540.0, 0.45),
         "egg": Solid("egg white", 1040.0, 3700.0, 0.56)}  # approximate, for their effusivities
FOOD_WATER = {"vegetables": 0.92, "meat": 0.73, "egg": 0.88}  # mass fraction of water, typical (USDA tables)
DRY_SPOT_FILM_MM, DRY_SPOT_DELTA_C, SEAR_C = 1.5, 30.0, 140.0
PHASES = ("preheat", "oil", "cool", "food")


def oil_capacities(sim: Simulation, mass_g: float, radius_cm: float) -> tuple[np.ndarray, float, np.ndarray]:
    """(J/K of oil per ring, film thickness in mm, the oiled rings) for oil spread evenly over the
    rings within ``radius_cm`` of the axis."""
    oiled = sim.mesh.r <= radius_cm / 100.0
    oiled[0] = True
    area = float(sim.mesh.areas[oiled].sum())
    mass = mass_g / 1000.0
    capacity = np.where(oiled, mass * OIL_HEAT * sim.mesh.areas / area, 0.0)
    return capacity, mass / OIL_DENSITY / area * 1000.0, oiled


def verdict(pan_c: float, contact_c: float) -> str:
    if pan_c > OIL_SMOKE_C:
        return "burn"
    return "sear" if contact_c >= SEAR_C else "stew"


class Routine:
    """Drives a Simulation through the steps; ``advance`` runs one recording interval and returns the
    events that happened in it (name, message)."""

    def __init__(self, sim: Simulation, p: dict[str, Any], wall_effusivity: float):
        self.sim, self.p, self.e_wall = sim, p, wall_effusivity
        self.phase = 0
        self.phase_end = p["duration"]
        self.film_mm = 0.0
        self.oiled: np.ndarray | None = None
        self.result: dict[str, float] = {}
        self.done = False
        self.manual = bool(p.get("manual", False))  # steps wait for the cook (``requested``), not the clock
        self.requested = 0                            # the step asked for (manual): go on while phase < it
        self.dropped_at = self.low = 0.0               # the centre when the food went in, and its lowest since

    def ask(self, clicks: int) -> None:
        """The cook asked for ``clicks`` more steps: each is the step after the current one."""
        if clicks > 0:
            self.requested = max(self.requested, self.phase) + clicks

    def advance(self, seconds: float) -> list[tuple[str, str, float]]:
        """Run ``seconds`` (in 1 s slices while preheating, to catch ``preheat_to``), stepping through
        the phases whose time has come; the events that happened, as (name, message, time)."""
        sim, events = self.sim, []
        target = sim.t + seconds
        while not self.done and sim.t < target - 1e-9:
            timed = self.phase == 3 or not (self.phase == 0 or self.manual)
            limit = min(target, self.phase_end) if timed else target
            chunk = min(limit - sim.t, 1.0) if self.phase in (0, 3) or self.manual else limit - sim.t
            if chunk > 1e-9:
                sim.run_for(chunk)
            if self.phase == 3:
                self._follow_the_centre()
            events += [(name, text, sim.t) for name, text in self._transition()]
        return events

    def _transition(self) -> list[tuple[str, str]]:
        sim, p = self.sim, self.p
        centre = float(sim.celsius[0])
        if self.phase == 3:
            return self._served() if sim.t >= self.phase_end - 1e-9 else []
        if self.manual and self.requested <= self.phase:
            return []
        due = self.manual or sim.t >= self.phase_end - 1e-9
        if self.phase == 0 and (self.manual or centre >= p["preheat_to"] or sim.t >= p["duration"] - 1e-9):
            capacity, self.film_mm, self.oiled = oil_capacities(sim, p["oil_mass"], p["oil_radius"])
            sim.add_oil(capacity, p["ambient"])
            self.phase, self.phase_end = 1, sim.t + p["oil_seconds"]
            droplet = "a water drop skitters (Leidenfrost)" if centre >= LEIDENFROST_C else "a water drop boils away"
            return [("oil", f"t = {sim.t:.0f} s: centre {centre:.0f} °C, {droplet}; {p['oil_mass']:g} g of oil, "
                            f"film {self.film_mm:.2f} mm")]
        if self.phase == 1 and due:
            self.phase, self.phase_end = 2, sim.t + (p["off_seconds"] if p["routine"] == "home" else 0.0)
            if p["routine"] == "home":
                sim.set_power(False)
                off = "" if self.manual else f" for {p['off_seconds']:g} s"
                return [("cool", f"t = {sim.t:.0f} s: heat off{off}")] + self._dry_spot()
            capacity = sim.oil.copy()
            sim.pour_out_oil()
            sim.add_oil(capacity, p["ambient"])
            return [("cool", f"t = {sim.t:.0f} s: hot oil out, cold oil in")] + self._dry_spot()
        if self.phase == 2 and due:
            return self._food()
        return []

    def _dry_spot(self) -> list[tuple[str, str]]:
        temps = self.sim.celsius[self.oiled]
        spread = float(temps.max() - temps.min())
        risky = self.film_mm < DRY_SPOT_FILM_MM and spread > DRY_SPOT_DELTA_C
        self.result.update(dry_spot_risk=float(risky), oiled_delta=spread, film_mm=self.film_mm)
        return [("dry spot", f"dry-spot risk: a {self.film_mm:.2f} mm film over a {spread:.0f} °C difference")] if risky else []

    def _food(self) -> list[tuple[str, str]]:
        sim, p = self.sim, self.p
        pan = float(sim.celsius[0])
        food = FOODS[p["food"]]
        contact = contact_temperature(self.e_wall, pan, food.effusivity, p["ambient"])
        said = verdict(pan, contact)
        self.result.update(pan_at_food=pan, contact_temp=contact, verdict=float(("stew", "sear", "burn").index(said)),
                           leidenfrost=float(pan >= LEIDENFROST_C), food_time=sim.t)
        text = f"t = {sim.t:.0f} s: {p['food']} in at {pan:.0f} °C, contact {contact:.0f} °C: {said}"
        self.phase = 3
        if p["food_seconds"] <= 0.0 or p["food_h"] <= 0.0:
            self.done = True
            return [("food", text)]
        mass = p["food_mass"] / 1000.0
        sim.add_food(Food(mass, food.specific_heat, p["ambient"], FOOD_WATER[p["food"]] * mass), p["food_h"],
                     p["food_radius"])
        sim.set_power(True)
        self.phase_end, self.dropped_at, self.low = sim.t + p["food_seconds"], pan, pan
        self.result["recovered_s"] = float("nan")
        return [("food", text + f"; {p['food_mass']:g} g cook {p['food_seconds']:g} s, heat on")]

    def _follow_the_centre(self) -> None:
        """The lowest centre since the drop, and when it first climbed back to the drop temperature."""
        centre = float(self.sim.celsius[0])
        self.low = min(self.low, centre)
        if (np.isnan(self.result["recovered_s"]) and self.low < self.dropped_at - 1e-9
                and centre >= self.dropped_at):
            self.result["recovered_s"] = self.sim.t - self.result["food_time"]

    def _served(self) -> list[tuple[str, str]]:
        sim, s = self.sim, self.sim.scalars()
        centre = float(sim.celsius[0])
        self.result.update(pan_low=self.low, pan_end=centre, food_temp_end=s["food_temp"],
                           water_boiled_g=s["water_boiled"])
        self.done = True
        back = ("back at the drop temperature after " + f"{self.result['recovered_s']:.0f} s"
                if not np.isnan(self.result["recovered_s"]) else "not back at the drop temperature")
        return [("served", f"t = {sim.t:.0f} s: the centre fell to {self.low:.0f} °C and ends at {centre:.0f} °C "
                           f"({back}); the food at {s['food_temp']:.0f} °C, {s['water_boiled']:.0f} g of water boiled off")]
