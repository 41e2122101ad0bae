"""One pan on one source, advanced in time: what every wok experiment runs (``build`` turns validated
values into the wall, the mesh, the discretised shell and the absorbed power per ring)."""
from __future__ import annotations

from typing import Any

import numpy as np

from dataclasses import replace

from engines.wok.food import Food
from engines.wok.geometry import Mesh, mesh
from engines.wok.materials import Wall, wall
from engines.wok.shell import KELVIN, Shell, advance
from engines.wok.sources import absorbed_power



def build(p: dict[str, Any]):
    """(wall, mesh, shell, absorbed power per ring, the source's note) for validated values."""
    w = wall(p["material"], p["thickness"], p.get("conductivity", 50.0), p.get("density", 7800.0),
             p.get("specific_heat", 450.0))
    m = mesh(p["shape"], p["diameter"] / 100.0, p["depth"] / 100.0, p["cells"])
    shell = Shell.of(m, w.kt, w.rho_c_t, p["h_conv"], p["emissivity"])
    power, note = absorbed_power(m, p["source"], p["power"], p["efficiency"], p["source_radius"] / 100.0,
                                 w.ferromagnetic)
    return w, m, shell, power, note


CELL_STEPS_PER_CHECK = 500_000  # ~20 ms of TR-BDF2 work between stop checks


class Simulation:
    """The pan's state (K), its clock and its energy ledger (in, convection, radiation, food; J)."""

    def __init__(self, p: dict[str, Any]):
        self._params = dict(p)
        self.wall, self.mesh, self.shell, self.power, self.note = build(p)
        self._power_on = self.power
        self._oil_energy_in = 0.0
        self.wall: Wall
        self.mesh: Mesh
        self.T = np.full(self.mesh.cells, p["initial_temp"] + KELVIN)
        self.T0 = self.T.copy()
        self.ambient = p["ambient"] + KELVIN
        self.dt = p["dt"]
        self.t = 0.0
        self.ledger = np.zeros(4)
        self.food: Food | None = None
        self.food_load = np.zeros(self.mesh.cells)  # W/K from each ring into the food
        self.wall_capacity = self.shell.capacity.copy()
        self.oil = np.zeros(self.mesh.cells)  # J/K of oil on each ring, in equilibrium with it
        self.removed = 0.0                     # J (above ambient) carried off in poured-out oil
        self._scratch = [np.empty(self.mesh.cells) for _ in range(3)]

    def set_power(self, on: bool) -> None:
        """The source on or off (the home routine's pause)."""
        self.power = self._power_on if on else np.zeros_like(self._power_on)

    def add_oil(self, capacity: np.ndarray, temperature_c: float) -> None:
        """Pour oil of these heat capacities (J/K per ring) at a temperature: each ring and its oil
        mix at once, Σ C T conserved (a thin film on a metal wall equilibrates in well under a second)."""
        T_oil = temperature_c + KELVIN
        self.T = (self.shell.capacity * self.T + capacity * T_oil) / (self.shell.capacity + capacity)
        self._oil_energy_in += float(capacity @ np.full(len(capacity), T_oil - self.ambient))
        self.oil = self.oil + capacity
        self.shell = replace(self.shell, capacity=self.wall_capacity + self.oil)

    def pour_out_oil(self) -> None:
        """Pour the oil away: it leaves at its rings' temperatures, with its energy above ambient."""
        self.removed += float(self.oil @ (self.T - self.ambient))
        self.oil = np.zeros_like(self.oil)
        self.shell = replace(self.shell, capacity=self.wall_capacity.copy())

    def add_food(self, food: Food, h_food: float, radius_cm: float) -> None:
        """Lay food on the rings within ``radius_cm`` of the axis (at least the centre): from now on
        each gives it h·A_i(T_i − T_food) (wok.md §3.1's q_food; h_food ≈ 500 W/m²K for wet food).
        A coating sits between the metal and the food: h = 1/(1/h_food + t_c/k_c) (W9's resistance;
        476 W/m²K for 25 µm of PTFE under h_food = 500)."""
        covered = self.mesh.r <= radius_cm / 100.0
        covered[0] = True
        h = 1.0 / (1.0 / h_food + self.wall.coating_resistance) if h_food > 0 else 0.0
        self.food = food
        self.food_load = np.where(covered, h * self.mesh.areas, 0.0)

    def food_temp(self) -> float:
        """°C of the food (ambient without food)."""
        return self.food.temp_c if self.food else self.ambient - KELVIN

    def run_for(self, seconds: float, check=None) -> None:
        """Advance by ``seconds``: whole steps of dt and a last, shorter one for the remainder;
        ``check`` (a run's ctx.check) is called every ~20 ms of solver work, so a long solve still
        stops at once.  With food in the pan it steps once a call: the kernel solves the food with the
        rings, and the food's state (warming, boiling, dry) takes the step's energy from the ledger."""
        whole = int(seconds / self.dt + 1e-9)
        rest = seconds - whole * self.dt
        lengths = [(whole, self.dt)] + ([(1, rest)] if rest > 1e-9 * self.dt else [])
        chunk = 1 if self.food is not None else max(1, CELL_STEPS_PER_CHECK // self.mesh.cells)
        for steps, dt in lengths:
            while steps > 0:
                now = min(steps, chunk)
                self._advance(now, dt)
                self.t = round(self.t + now * dt, 9)  # no drift from adding a dt such as 0.05 many times
                steps -= now
                if check is not None and steps:
                    check()

    def _advance(self, steps: int, dt: float) -> None:
        s, food = self.shell, self.food
        before = float(self.ledger[3])
        capacity = food.heat_capacity if food is not None and not food.boiling() else 0.0
        advance(self.T, steps, dt, s.capacity, s.conductance, s.convection, s.radiation, self.power, self.ambient,
                self.food_load, self.food_temp() + KELVIN, capacity, *self._scratch, self.ledger)
        if food is not None:
            food.absorb(float(self.ledger[3]) - before)

    def set_input_power(self, watts: float) -> None:
        """A new input power (a live slider): the absorbed profile rescaled, or rebuilt from zero."""
        self._params = {**self._params, "power": float(watts)}
        on = build(self._params)[3]
        heating = self.power is self._power_on
        self._power_on = on
        if heating:
            self.power = on

    @property
    def celsius(self) -> np.ndarray:
        return self.T - KELVIN

    def mean(self) -> float:
        """The area-weighted mean temperature, °C."""
        return float(self.mesh.areas @ self.celsius / self.mesh.area)

    def energy_stored(self) -> float:
        """The wall's Σ C(T − T₀) plus the oil's energy above ambient: in − lost − to the food − poured
        out + what added oil brought above ambient (none, when it is at room temperature) = stored (W10)."""
        return float(self.wall_capacity @ (self.T - self.T0) + self.oil @ (self.T - self.ambient))

    def scalars(self) -> dict[str, float]:
        c = self.celsius
        return {"t": self.t, "center_temp": float(c[0]), "rim_temp": float(c[-1]), "mean_temp": self.mean(),
                "max_temp": float(c.max()), "energy_in": float(self.ledger[0]),
                "energy_stored": self.energy_stored(), "energy_lost": float(self.ledger[1] + self.ledger[2]),
                "energy_poured": self.removed, "energy_oil_in": self._oil_energy_in,
                "energy_food": float(self.ledger[3]), "food_temp": self.food_temp(),
                "water_boiled": 1000.0 * self.food.boiled if self.food else 0.0}
