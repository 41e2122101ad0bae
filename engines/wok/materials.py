"""Wall materials (wok.md §2.1) and the thin wall they make (§3.1).

The wall is thin (Bi = ht/k ≪ 1), so it carries one temperature per point; a layered wall acts
through its sums (kt)_eff = Σk_i t_i (heat spreading along the wall) and (ρct)_eff = Σρ_i c_i t_i
(heat stored per area).  A PTFE coating adds a series resistance t_c/k_c between the metal and the
food (W9) and a negligible capacity.  ``ferromagnetic`` says whether an induction coil couples to
the wall (W8): austenitic 304, aluminium, copper and pure titanium do not.
"""
from __future__ import annotations

from dataclasses import dataclass

from engines.core.params import ParameterError


@dataclass(frozen=True)
class Solid:
    name: str
    density: float        # kg/m³
    specific_heat: float  # J/(kg·K)
    conductivity: float   # W/(m·K)
    expansion: float = 0.0  # linear thermal expansion, 1/K (0: not tabulated)

    @property
    def diffusivity(self) -> float:
        """α = k/(ρc), m²/s (W1)."""
        return self.conductivity / (self.density * self.specific_heat)

    @property
    def effusivity(self) -> float:
        """e = √(kρc): what sets a contact temperature (W5)."""
        return (self.conductivity * self.density * self.specific_heat) ** 0.5


# wok.md §2.1: HMT data book (carbon steel, cast iron, aluminium), ASM (304), Mech. Eng. Handbook (Ti,
# Cu), Callister (CTE), NETZSCH (PTFE)
CARBON_STEEL = Solid("carbon steel", 7854.0, 434.0, 60.5, 12.0e-6)
CAST_IRON = Solid("cast iron", 7272.0, 420.0, 52.0, 10.5e-6)
STAINLESS_304 = Solid("304 stainless", 8000.0, 500.0, 16.2, 17.3e-6)
ALUMINIUM = Solid("aluminium", 2702.0, 903.0, 237.0, 23.6e-6)
TITANIUM = Solid("titanium", 4500.0, 522.0, 21.9, 8.5e-6)
COPPER = Solid("copper", 8933.0, 385.0, 401.0, 17.0e-6)
PTFE = Solid("PTFE", 2200.0, 1025.0, 0.25, 125e-6)
WATER = Solid("water (wet food)", 1000.0, 4180.0, 0.6)
PTFE_COATING_M = 25e-6  # assumed typical coating thickness (wok.md §2.2, unverified)


@dataclass(frozen=True)
class Wall:
    """Layers (solid, fraction of the total thickness) and the total thickness in metres."""

    label: str
    layers: tuple[tuple[Solid, float], ...]
    thickness: float
    ferromagnetic: bool
    coating: Solid | None = None
    coating_thickness: float = 0.0

    def _sum(self, value) -> float:
        total = sum(value(solid) * share * self.thickness for solid, share in self.layers)
        if self.coating is not None:
            total += value(self.coating) * self.coating_thickness
        return total

    @property
    def kt(self) -> float:
        """(kt)_eff, W/K: the conductance along the wall."""
        return self._sum(lambda s: s.conductivity)

    @property
    def rho_c_t(self) -> float:
        """(ρct)_eff, J/(m²·K): the heat stored per area per kelvin."""
        return self._sum(lambda s: s.density * s.specific_heat)

    @property
    def areal_mass(self) -> float:
        return self._sum(lambda s: s.density)

    @property
    def coating_resistance(self) -> float:
        """t_c/k_c, m²K/W: the drop across the coating is q·t_c/k_c (W9)."""
        return self.coating_thickness / self.coating.conductivity if self.coating is not None else 0.0

    def spreading_length(self, h: float) -> float:
        """√(kt/h): how far heat spreads along the wall before it is lost (wok.md §3.1)."""
        return (self.kt / h) ** 0.5 if h > 0 else float("inf")


MATERIALS = ("carbon_steel", "cast_iron", "stainless_304", "triply", "aluminium", "titanium", "ptfe_aluminium",
             "copper", "custom")
MATERIAL_LABELS = ("carbon steel", "cast iron", "304 stainless", "tri-ply (SS/Al/SS)", "aluminium", "titanium",
                   "PTFE-coated aluminium", "copper", "custom")
TYPICAL_THICKNESS_MM = {"carbon_steel": 2.0, "cast_iron": 4.0, "stainless_304": 1.0, "triply": 2.5,
                        "aluminium": 3.0, "titanium": 1.0, "ptfe_aluminium": 3.0, "copper": 2.0, "custom": 2.0}


def wall(material: str, thickness_mm: float, conductivity: float = 50.0, density: float = 7800.0,
         specific_heat: float = 450.0) -> Wall:
    """The wall of ``material`` at a total thickness; tri-ply keeps 0.4/1.7/0.4 of 2.5 (an assumption,
    wok.md §2.2) and is taken as induction-ready (a magnetic outer layer, as most clad pans have)."""
    t = thickness_mm * 1e-3
    single = {"carbon_steel": (CARBON_STEEL, True), "cast_iron": (CAST_IRON, True),
              "stainless_304": (STAINLESS_304, False), "aluminium": (ALUMINIUM, False),
              "titanium": (TITANIUM, False), "copper": (COPPER, False)}
    label = MATERIAL_LABELS[MATERIALS.index(material)] if material in MATERIALS else material
    if material in single:
        solid, magnetic = single[material]
        return Wall(label, ((solid, 1.0),), t, magnetic)
    if material == "triply":
        return Wall(label, ((STAINLESS_304, 0.16), (ALUMINIUM, 0.68), (STAINLESS_304, 0.16)), t, True)
    if material == "ptfe_aluminium":
        return Wall(label, ((ALUMINIUM, 1.0),), t, False, PTFE, PTFE_COATING_M)
    if material == "custom":
        return Wall(label, ((Solid("custom", density, specific_heat, conductivity), 1.0),), t, True)
    raise ParameterError("material", f"material = {material!r} is unknown; allowed: {', '.join(MATERIALS)}")
