"""One pan on one source, advanced in time: what every wok experiment runs (``build`` turns validated
values into the wall, the mesh, the discretised shell and the absorbed power per ring)."""
from __future__ import annotations

from typing import Any

import numpy as np

from engines.wok.geometry import Mesh, mesh
from engines.wok.materials import Wall, wall
from engines.wok.shell import KELVIN, Shell, advance, stored
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


class Simulation:
    """The pan's state (K), its clock and its energy ledger (in, convection, radiation; J)."""

    def __init__(self, p: dict[str, Any]):
        self.wall, self.mesh, self.shell, self.power, self.note = build(p)
        self.wall: Wall
        self.mesh: Mesh
        self.T = np.full(self.mesh.cells, p["initial_temp"] + KELVIN)
        self.T0 = self.T.copy()
        self.ambient = p["ambient"] + KELVIN
        self.dt = p["dt"]
        self.t = 0.0
        self.ledger = np.zeros(3)
        self._scratch = [np.empty(self.mesh.cells) for _ in range(3)]

    def run_for(self, seconds: float) -> None:
        """Advance by ``seconds`` in whole steps of dt (at least one)."""
        steps = max(1, round(seconds / self.dt))
        s = self.shell
        advance(self.T, steps, self.dt, s.capacity, s.conductance, s.convection, s.radiation, self.power,
                self.ambient, *self._scratch, self.ledger)
        self.t += steps * self.dt

    @property
    def celsius(self) -> np.ndarray:
        return self.T - KELVIN

    def mean(self) -> float:
        """The area-weighted mean temperature, °C."""
        return float(self.mesh.areas @ self.celsius / self.mesh.area)

    def scalars(self) -> dict[str, float]:
        c = self.celsius
        return {"t": self.t, "center_temp": float(c[0]), "rim_temp": float(c[-1]), "mean_temp": self.mean(),
                "max_temp": float(c.max()), "energy_in": float(self.ledger[0]),
                "energy_stored": stored(self.shell, self.T, self.T0),
                "energy_lost": float(self.ledger[1] + self.ledger[2])}
