"""Heat in a wok (kexue.fm 9855; wok.md): a thin shell of any material on any heat source.

Experiments: ``comparator`` (the main one, panel 1: the pan heating, where the heat goes, the
thresholds it crosses).  Built on the closed forms of wok.md §3.3 (``closed_forms``), which the
tests check the solver against.
"""
from engines.core.experiment import Experiment, Preset, Series, Table
from engines.wok.comparator import THRESHOLD_COLUMNS, run_comparator
from engines.wok.params import WOK_PARAMS

TITLE = "Heat in a wok"
SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0, 120.0)  # a pan heats for minutes: 30× shows five of them in ten seconds

COMPARATOR_OUTPUTS = (
    Series("t", "simulated time", "s", "time"),
    *(Series(name, label, "°C", "temperature") for name, label in (
        ("center_temp", "centre"), ("rim_temp", "rim"), ("mean_temp", "area-weighted mean"), ("max_temp", "hottest ring"))),
    *(Series(name, label, "J", "energy") for name, label in (
        ("energy_in", "absorbed from the source"), ("energy_stored", "stored in the wall"),
        ("energy_lost", "lost by convection and radiation"))),
    Table("profile", ("r", "s", "T"), "T (°C) along the meridian: horizontal radius r and arc length s (m)"),
    Table("history", (), "T (°C) along the meridian (columns) at each recorded time (rows)"),
    Table("history_t", (), "the recorded times, s"),
    Table("thresholds", THRESHOLD_COLUMNS, "when the hottest ring and the centre first reached 204, 260, 316, 327 °C"),
)

EXPERIMENTS = (
    Experiment("comparator", "Material and source", WOK_PARAMS, run_comparator, outputs=COMPARATOR_OUTPUTS,
               speeds=SPEEDS, speed=30.0,
               summary="a pan of any material on any heat source: how fast it heats, where the heat goes and "
                       "which thresholds it crosses",
               presets=(Preset("stainless on a small flame", {"material": "stainless_304", "thickness": 1.0,
                                                              "source_radius": 3.0, "power": 1500.0},
                               "a hot ring over the flame and a cool rim: heat spreads only √(kt/h) ≈ 3 cm"),
                        Preset("aluminium on the same flame", {"material": "aluminium", "thickness": 3.0,
                                                               "source_radius": 3.0, "power": 1500.0},
                               "nearly uniform: aluminium spreads heat nineteen centimetres"),
                        Preset("induction under a round wok", {"source": "induction_flat", "efficiency": 0.84},
                               "only the bottom couples to a flat hob"),
                        Preset("an empty coated pan on high heat", {"material": "ptfe_aluminium", "shape": "flat",
                                                                    "diameter": 26.0, "thickness": 3.0,
                                                                    "source": "disk", "source_radius": 9.0,
                                                                    "power": 2000.0, "efficiency": 0.74},
                               "past 260 °C (the PTFE limit) within minutes"))),
)
