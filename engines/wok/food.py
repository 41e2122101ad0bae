"""Wet food lying on the pan, as one lump (wok.md §3.1's food load; the routine's cooking step).

It warms from its start temperature to 100 °C, holds there while its water boils off (the latent
heat), and once dry warms again (with the same c: a rough tail, where it browns and then burns).
Boiled water is gone for good: a food that gives heat back to a cooler pan only cools.  Its energy
books are exact: what it took from the pan = m·c·(T − T₀) + L·(water boiled off).
"""
from __future__ import annotations

from dataclasses import dataclass, field

BOILING_C = 100.0
LATENT_HEAT = 2.257e6  # J/kg, water at 100 °C
TINY_KG = 1e-12


@dataclass
class Food:
    mass: float            # kg
    specific_heat: float   # J/(kg·K)
    start_c: float         # °C
    water: float = 0.0     # kg of water it can lose
    temp_c: float = field(init=False)
    boiled: float = field(init=False, default=0.0)  # kg

    def __post_init__(self) -> None:
        self.temp_c = self.start_c

    @property
    def heat_capacity(self) -> float:
        """J/K of the lump."""
        return self.mass * self.specific_heat

    def boiling(self) -> bool:
        """At 100 °C with water left: its temperature is pinned while it takes heat."""
        return self.temp_c >= BOILING_C and self.boiled < self.water - TINY_KG

    def absorb(self, energy: float) -> None:
        """Take ``energy`` J from the pan (negative: give it back, cooling without condensing)."""
        heat = self.heat_capacity
        if energy < 0.0:
            self.temp_c += energy / heat
            return
        if self.temp_c < BOILING_C:
            rise = min(energy, heat * (BOILING_C - self.temp_c))
            self.temp_c += rise / heat
            energy -= rise
            if energy <= 0.0:
                return
            self.temp_c = BOILING_C
        if self.temp_c <= BOILING_C and self.boiled < self.water:
            boil = min(energy / LATENT_HEAT, self.water - self.boiled)
            self.boiled += boil
            energy -= boil * LATENT_HEAT
        self.temp_c += max(energy, 0.0) / heat

    def energy_taken(self) -> float:
        """m·c·(T − T₀) + L·boiled: all it has taken from the pan, J."""
        return self.heat_capacity * (self.temp_c - self.start_c) + LATENT_HEAT * self.boiled
